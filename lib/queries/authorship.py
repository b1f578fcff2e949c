"""The author and time of saving of a record, read from its "create" row in the audit log
(lib.domain.authorship says who may delete). A join, so a list of records gets them in
the same statement. No Streamlit here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, String, and_, cast, func, select
from sqlalchemy.orm import aliased

from db.models import AuditLog


def _latest_create(model: Any):
    # The latest "create" row: SQLite may reuse the id of a deleted last row.
    return (
        select(func.max(AuditLog.id))
        .where(
            AuditLog.table_name == model.__tablename__,
            AuditLog.record_id == cast(model.id, String),
            AuditLog.action == "create",
        )
        .scalar_subquery()
    )


def with_author(stmt: Select, model: Any) -> Select:
    """`stmt` (selecting from `model`) with two more columns: saved_by and saved_at."""
    created = aliased(AuditLog)
    return stmt.add_columns(
        created.username.label("saved_by"), created.at.label("saved_at")
    ).outerjoin(created, and_(created.id == _latest_create(model)))


def author_of(session_or_conn: Any, model: Any, record_id: int) -> tuple[str | None, Any]:
    """(username, time) of the record's latest "create" row; (None, None) if none."""
    row = session_or_conn.execute(
        with_author(select(model.id), model).where(model.id == record_id)
    ).first()
    return (row.saved_by, row.saved_at) if row else (None, None)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
