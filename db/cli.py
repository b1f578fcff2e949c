"""Database commands: python -m db.cli {migrate,seed-if-empty,demo,check}.

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


COMMANDS = {
    "migrate": cmd_migrate,
    "seed-if-empty": cmd_seed_if_empty,
    "demo": cmd_demo,
    "check": cmd_check,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.cli", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    url = database_url()
    try:
        COMMANDS[args.command](url)
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNAVAILABLE
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
