"""One schema, one set of migrations: applied on SQLite and PostgreSQL, they produce
exactly what the ORM models describe, and they can be rolled back."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from db.migrate import downgrade, upgrade
from db.models import Base


def _drift(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def test_migrations_match_models_on_sqlite(sqlite_url):
    assert _drift(sqlite_url) == []


def test_migrations_match_models_on_postgresql(pg_url):
    assert _drift(pg_url) == []


def test_migrations_roll_back_and_forward(any_db_url):
    downgrade(any_db_url, "base")
    engine = create_engine(any_db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(any_db_url)
    assert _drift(any_db_url) == []


def test_sqlite_runs_with_foreign_keys_and_wal(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
