"""SQL expressions that read the same on SQLite and PostgreSQL, for the summary tables
(db.summaries) and the reads (lib.queries, which import them from lib.queries.filters)."""

from __future__ import annotations

from sqlalchemy import func


def days_between(conn, start, end):
    """Whole days from `start` to `end` in SQL, on either database: SQLite subtracts
    Julian day numbers; in PostgreSQL date - date is already an integer of days."""
    if conn.dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start
