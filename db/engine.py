"""Engine and sessions.

One engine per process and URL. Reads use `engine.connect()`; every write goes through
`write_session()`, the single write path: one transaction, an actor for the audit log,
and on SQLite an immediate write lock so concurrent writers queue instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from db import (
    audit,  # noqa: F401  (registers the audit hook on every Session)
    summaries,  # noqa: F401  (keeps the summary tables current on every Session)
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "data" / "forlobsmonitor.db"


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used; the message is one sentence for a person."""


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_embedded(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Python's sqlite3 opens its own transactions; we issue BEGIN ourselves (see _begin).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then
    # writes can fail with "database is locked" instead of waiting its turn.
    if conn.get_execution_options().get("sqlite_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(
            f"DATABASE_URL kan ikke læses ({exc.__class__.__name__}): brug fx "
            "postgresql+psycopg://bruger@vaert:5432/database."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a database error's text never carries a citizen's data.
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args=_pg_args(parsed),
            hide_parameters=True,
        )
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise DatabaseUnavailable(
            f"Databasetypen i DATABASE_URL understøttes ikke ({exc}); brug sqlite:/// "
            "eller postgresql+psycopg://."
        ) from None


# JIT compiled every complex dashboard statement at national size (0.85 s of
# compliance's 1.6 s) and sped none up. Per session, so a shared server's own settings
# stay as they are. (A larger work_mem for every statement was tried: the mentor window
# gained, the progression statements lost; see lib.queries.filters.sort_in_memory.)
PG_SESSION_OPTIONS = "-c jit=off"


def _pg_args(parsed: URL) -> dict[str, int | str]:
    if parsed.get_backend_name() != "postgresql":
        return {}
    # Options given in DATABASE_URL (?options=...) come first; ours are added.
    given = parsed.query.get("options")
    options = " ".join([*([given] if isinstance(given, str) else given or ()), PG_SESSION_OPTIONS])
    return {"connect_timeout": 5, "options": options}


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with one clear sentence when the database can't be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"Databasen på {where} kan ikke nås: {reason}") from None


@contextmanager
def write_session(engine: Engine, actor: str, *, audit_log: bool = True) -> Iterator[Session]:
    """One transaction for one user action. Commits on success, rolls back on any error.

    `actor` is the signed-in username written to the audit log with every change.
    """
    bind = engine.execution_options(sqlite_write=True) if is_embedded(str(engine.url)) else engine
    with Session(bind=bind, expire_on_commit=False) as session:
        session.info["actor"] = actor
        session.info["audit"] = audit_log
        with session.begin():
            yield session


class _Snapshot:
    """Stands in for the engine while a group of reads must see one state of the data:
    every `with engine.connect() as conn` gets the same connection, inside one read
    transaction. Anything else (dialect, url) comes from the engine; a write is refused,
    since writes go through write_session()."""

    def __init__(self, engine: Engine, conn: Connection) -> None:
        self._engine = engine
        self._conn = conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        yield self._conn

    def begin(self) -> None:
        raise TypeError("read_snapshot() er kun til læsning; skriv med write_session()")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Engine]:
    """An engine whose reads (`engine.connect()`) share one connection and transaction:
    figures read in several queries agree with each other (one snapshot), and a page
    sends one BEGIN instead of one per query. Reads that open a Session must bind it to
    the connection (`Session(conn)`), not to the engine."""
    with engine.connect() as conn, conn.begin():
        yield cast(Engine, _Snapshot(engine, conn))
