"""Database commands: python -m db.cli
{migrate,seed-if-empty,demo,check,create-admin,retention,backup PATH,restore PATH,
rebuild-summaries}.

Errors a person can fix (database down, bad DATABASE_URL) print one sentence on stderr
and exit with status 2, without a traceback. A command refused to protect data (the demo
on a real database) exits with status 3.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from sqlalchemy import Engine, inspect, make_url, select
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from db.backup import BackupError
from db.engine import (
    DatabaseUnavailable,
    check_connection,
    database_url,
    is_embedded,
    make_engine,
)

EXIT_UNAVAILABLE = 2
EXIT_REFUSED = 3
WIPE_FLAG = "--i-know-this-wipes-DATABASE"


class Refused(RuntimeError):
    """The command would destroy data it was not meant for; the message says how to go on."""


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


def cmd_rebuild_summaries(url: str) -> None:
    """The summary tables (db.summaries) computed again from the recorded data, in one
    transaction: after loading data around the app (SQL, COPY), or to repair them."""
    from db.summaries import rebuild_all

    engine = _connect(url)
    with engine.begin() as conn:
        rebuild_all(conn)
    engine.dispose()
    print("Sammenfatningerne er bygget igen / summary tables rebuilt.")


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


def database_name(url: str) -> str:
    """The name a person types to confirm a wipe: the PostgreSQL database's name, or the
    SQLite file's path."""
    return make_url(url).database or ""


def _names_database(confirmation: str | None, url: str) -> bool:
    if not confirmation:
        return False
    name = database_name(url)
    if is_embedded(url):
        return confirmation in (name, os.path.basename(name))
    return confirmation == name


def _demo_may_wipe(engine: Engine) -> bool:
    """Only a database without users and agreements, or one that is already the demo."""
    from db.demo import is_empty
    from db.models import AppSetting

    if not inspect(engine).has_table("app_user"):
        return True  # not migrated yet: nothing in it
    if is_empty(engine):
        return True
    with engine.connect() as conn:
        demo = conn.scalar(select(AppSetting.value).where(AppSetting.key == "demo"))
    return demo == "1"


def cmd_demo(url: str, confirmation: str | None = None) -> None:
    from db.demo import build_demo

    engine = _connect(url)
    try:
        if not _demo_may_wipe(engine) and not _names_database(confirmation, url):
            where = engine.url.render_as_string(hide_password=True)
            raise Refused(
                f"Databasen på {where} har rigtige data (den er hverken tom eller demo): "
                f"demodata ville slette dem. Afbrudt. Vil du virkelig slette alt, så kør "
                f"igen med {WIPE_FLAG} {database_name(url)}"
            )
    finally:
        engine.dispose()
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


def cmd_retention(url: str, apply: bool, years: int | None) -> None:
    from db.retention import run_retention

    engine = _connect(url)
    try:
        report = run_retention(engine, apply=apply, years=years)
    finally:
        engine.dispose()
    print("Udført:" if apply else "Prøvekørsel (intet ændret, kør med --apply):")
    for line in report.lines():
        print(f"  {line}")


def cmd_backup(url: str, path: str | None) -> None:
    from db.backup import backup

    if not path:
        raise Refused("Skriv filen, der skal gemmes i: python -m db.cli backup STI")
    _connect(url).dispose()
    written = backup(url, path)
    print(f"Sikkerhedskopi gemt i {written} / backup written.")


def cmd_restore(url: str, path: str | None, confirmation: str | None) -> None:
    from db.backup import restore
    from db.demo import is_empty

    if not path:
        raise Refused("Skriv filen, der skal indlæses: python -m db.cli restore STI")
    engine = _connect(url)
    try:
        empty = not inspect(engine).has_table("app_user") or is_empty(engine)
    finally:
        engine.dispose()
    if not empty and not _names_database(confirmation, url):
        raise Refused(
            "Databasen har data, som en gendannelse erstatter. Afbrudt. Kør igen med "
            f"{WIPE_FLAG} {database_name(url)} for at erstatte dem."
        )
    restore(url, path)
    print(f"Databasen er gendannet fra {path} / database restored.")


COMMANDS: dict[str, Callable[[str], None]] = {
    "migrate": cmd_migrate,
    "seed-if-empty": cmd_seed_if_empty,
    "demo": cmd_demo,
    "check": cmd_check,
    "rebuild-summaries": cmd_rebuild_summaries,
    "retention": lambda url: cmd_retention(url, apply=False, years=None),
    "backup": lambda url: cmd_backup(url, None),
    "restore": lambda url: cmd_restore(url, None, None),
}
# Commands that read their own options.
COMMANDS_WITH_OPTIONS = {"create-admin": cmd_create_admin}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.cli", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=sorted([*COMMANDS, *COMMANDS_WITH_OPTIONS]))
    parser.add_argument("path", nargs="?", help="backup/restore: the backup file")
    parser.add_argument(
        WIPE_FLAG,
        dest="wipe_confirmation",
        metavar="DATABASE",
        help="demo: wipe this database even though it holds real data (give its name)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="retention: show, change nothing")
    mode.add_argument("--apply", action="store_true", help="retention: anonymise and prune")
    parser.add_argument(
        "--years", type=int, help="retention: anonymise courses ended more than this ago"
    )
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
        elif args.command == "demo":
            cmd_demo(url, args.wipe_confirmation)
        elif args.command == "retention":
            cmd_retention(url, args.apply, args.years)
        elif args.command == "backup":
            cmd_backup(url, args.path)
        elif args.command == "restore":
            cmd_restore(url, args.path, args.wipe_confirmation)
        else:
            COMMANDS[args.command](url)
    except (Refused, BackupError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
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
