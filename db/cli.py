"""Database commands: python -m db.cli {migrate,seed-if-empty,demo,check,create-admin}.

Errors a person can fix (database down, bad DATABASE_URL) print one sentence on stderr
and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from db.engine import (
    DatabaseUnavailable,
    check_connection,
    database_url,
    is_embedded,
    make_engine,
)

EXIT_UNAVAILABLE = 2
EXIT_REFUSED = 3


def _connect(url: str) -> Engine:
    engine = make_engine(url)
    check_connection(engine)
    return engine


def _migrate(url: str) -> None:
    from db.migrate import upgrade

    # Check first so an unreachable server gives our one sentence, not Alembic's traceback.
    _connect(url).dispose()
    upgrade(url)


def cmd_migrate(url: str) -> None:
    _migrate(url)
    print("Databasen er opdateret til nyeste version / database migrated to head.")


def cmd_check(url: str) -> None:
    engine = _connect(url)
    engine.dispose()
    print("Forbindelse til databasen er i orden / database connection OK.")


def cmd_seed_if_empty(url: str) -> None:
    from db.demo import build_demo, is_empty

    _migrate(url)
    engine = make_engine(url)
    try:
        if not is_empty(engine):
            print(
                "Databasen har allerede data – intet ændret / database has data; nothing changed."
            )
        elif is_embedded(url) or os.environ.get("FORLOB_DEMO") == "1":
            build_demo(engine)
            print("Tom database: demodata er oprettet / empty database: demo data created.")
        else:
            print(
                "Tom database, men demodata oprettes kun på SQLite eller med FORLOB_DEMO=1 / "
                "empty database left empty (not SQLite and FORLOB_DEMO is not 1)."
            )
    finally:
        engine.dispose()


def cmd_demo(url: str) -> None:
    from db.demo import build_demo

    _migrate(url)
    engine = make_engine(url)
    try:
        build_demo(engine)
    finally:
        engine.dispose()
    print("Demodata er genopbygget / demo data rebuilt.")


ADMIN_PASSWORD_ENV = "FORLOB_ADMIN_PASSWORD"


class CommandRefused(RuntimeError):
    """The command cannot do what was asked; the message says why, in Danish."""


def _admin_password() -> str:
    """From FORLOB_ADMIN_PASSWORD, else asked twice on the terminal; never echoed or printed."""
    import getpass

    from_env = os.environ.get(ADMIN_PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CommandRefused(
            f"Ingen adgangskode: sæt {ADMIN_PASSWORD_ENV}, eller kør kommandoen i en terminal."
        )
    first = getpass.getpass("Adgangskode til administratoren: ")
    if getpass.getpass("Gentag adgangskoden: ") != first:
        raise CommandRefused("De to adgangskoder er ikke ens. Intet er ændret.")
    return first


def cmd_create_admin(url: str, args: argparse.Namespace) -> None:
    from lib.commands.kit import ValidationError
    from lib.commands.users import ensure_admin
    from lib.queries.settings import is_demo
    from lib.security.passwords import PASSWORD_RULES

    if not args.username or not args.name:
        raise CommandRefused("create-admin kræver --username og --name.")
    _migrate(url)
    engine = make_engine(url)
    try:
        if is_demo(engine):
            raise CommandRefused(
                "Databasen er en demodatabase: opret ikke rigtige brugere her. Sæt DATABASE_URL "
                "til den rigtige database."
            )
        password = _admin_password()
        try:
            done = ensure_admin(engine, args.username, args.name, password, args.reset)
        except ValidationError as exc:
            reasons = " ".join(exc.errors.values())
            hint = f" ({PASSWORD_RULES})" if "password" in exc.errors else ""
            raise CommandRefused(f"{reasons}{hint}") from None
    finally:
        engine.dispose()
    what = "er oprettet" if done == "created" else "har fået ny adgangskode og er aktiv"
    print(f"Administratoren {args.username.strip().lower()} {what}. Log ind med `make run`.")


COMMANDS = {
    "migrate": cmd_migrate,
    "seed-if-empty": cmd_seed_if_empty,
    "demo": cmd_demo,
    "check": cmd_check,
}
# Commands that read their own options.
COMMANDS_WITH_OPTIONS = {"create-admin": cmd_create_admin}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.cli", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=sorted([*COMMANDS, *COMMANDS_WITH_OPTIONS]))
    parser.add_argument("--username", help="create-admin: brugernavn")
    parser.add_argument("--name", help="create-admin: navn som vist i appen")
    parser.add_argument(
        "--reset", action="store_true", help="create-admin: ny adgangskode til en eksisterende"
    )
    args = parser.parse_args(argv)
    url = database_url()
    try:
        if args.command in COMMANDS_WITH_OPTIONS:
            COMMANDS_WITH_OPTIONS[args.command](url, args)
        else:
            COMMANDS[args.command](url)
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNAVAILABLE
    except CommandRefused as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError) as exc:
        print(f"DATABASE_URL kan ikke bruges: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        print(f"Databasen kan ikke bruges: {reason}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return 0


if __name__ == "__main__":
    sys.exit(main())
