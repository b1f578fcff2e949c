"""SQL expressions that read the same on SQLite and PostgreSQL, for the summary tables
(db.summaries) and the reads (lib.queries, which import them from lib.queries.filters)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from lib.domain.rules import DEFAULT_EVALUATION_INTERVAL


def days_between(conn, start, end):
    """Whole days from `start` to `end` in SQL, on either database: SQLite subtracts
    Julian day numbers; in PostgreSQL date - date is already an integer of days."""
    if conn.dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start


class add_months(FunctionElement[dt.date]):
    """`add_months(day, n)`: n calendar months after a date column (n an int or an integer
    column), past the month's end landing on its last day (31 Jan + 1 month = 28 or 29
    Feb), as lib.domain.rules.add_months. PostgreSQL's interval arithmetic clamps so;
    SQLite's date(x, '+1 month') runs over into the next month (31 Jan -> 3 Mar), so there
    the result is the smaller of that and the target month's last day."""

    type = Date()
    name = "add_months"
    inherit_cache = True


class add_days(FunctionElement[dt.date]):
    """`add_days(day, n)`: n days after a date column (n an int or an integer column)."""

    type = Date()
    name = "add_days"
    inherit_cache = True


def _arguments(element: FunctionElement[Any], compiler, **kw) -> tuple[str, str]:
    day, n = (compiler.process(c, **kw) for c in element.clauses)
    return day, n


@compiles(add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw) -> str:
    day, n = _arguments(element, compiler, **kw)
    return (
        f"min(date({day}, printf('%+d months', {n})), "
        f"date({day}, 'start of month', printf('%+d months', ({n}) + 1), '-1 day'))"
    )


@compiles(add_months, "postgresql")
def _add_months_postgresql(element, compiler, **kw) -> str:
    day, n = _arguments(element, compiler, **kw)
    return f"CAST({day} + make_interval(months => CAST({n} AS INTEGER)) AS DATE)"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw) -> str:
    day, n = _arguments(element, compiler, **kw)
    return f"date({day}, printf('%+d days', {n}))"


@compiles(add_days, "postgresql")
def _add_days_postgresql(element, compiler, **kw) -> str:
    day, n = _arguments(element, compiler, **kw)
    return f"CAST({day} + CAST({n} AS INTEGER) AS DATE)"


def evaluation_interval(months):
    """An agreement's evaluation interval in months from its column: the default when not
    set (NULL or 0), as lib.domain.rules does."""
    return case((func.coalesce(months, 0) > 0, months), else_=DEFAULT_EVALUATION_INTERVAL)
