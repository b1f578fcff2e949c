"""Reads of the audit log (written by db/audit.py on every write_session): one
evaluation's change history, scoped like the evaluation, and the whole log with filters
for administrators. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.models import (
    AuditLog,
    Deliverable,
    EvaluationScore,
    FollowUpMeeting,
)
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import Role
from lib.queries.courses import evaluation


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    username: str
    action: str
    table_name: str
    record_id: str
    before: dict | None
    after: dict | None

    def changed_fields(self) -> dict[str, tuple]:
        """field -> (before, after) for the fields an update changed."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return {
            k: (before.get(k), after.get(k))
            for k in keys
            if before.get(k) != after.get(k) and k != "version"
        }


def _change(row) -> Change:
    return Change(
        row.at,
        row.username,
        row.action,
        row.table_name,
        row.record_id,
        json.loads(row.before) if row.before else None,
        json.loads(row.after) if row.after else None,
    )


def evaluation_history(engine: Engine, scope: Scope, evaluation_id: int) -> list[Change]:
    """The audit trail of one evaluation and its scores, meeting and deliverable: a
    correction keeps the earlier values here. Scoped like the evaluation itself."""
    evaluation(engine, scope, evaluation_id)  # raises AccessDenied out of scope
    with engine.connect() as conn:
        children = {
            "evaluation_score": [
                str(i)
                for i in conn.scalars(
                    select(EvaluationScore.id).where(EvaluationScore.evaluation_id == evaluation_id)
                )
            ],
            "follow_up_meeting": [
                str(i)
                for i in conn.scalars(
                    select(FollowUpMeeting.id).where(FollowUpMeeting.evaluation_id == evaluation_id)
                )
            ],
            "deliverable": [
                str(i)
                for i in conn.scalars(
                    select(Deliverable.id).where(Deliverable.evaluation_id == evaluation_id)
                )
            ],
        }
        rows = conn.execute(
            select(AuditLog.__table__)
            .where(AuditLog.table_name == "evaluation", AuditLog.record_id == str(evaluation_id))
            .order_by(AuditLog.id)
        )
        out = [_change(r) for r in rows]
        for table, ids in children.items():
            if ids:
                out += [
                    _change(r)
                    for r in conn.execute(
                        select(AuditLog.__table__).where(
                            AuditLog.table_name == table, AuditLog.record_id.in_(ids)
                        )
                    )
                ]
        # Deleted score rows (replaced in a correction) carry the evaluation id in `before`.
        deleted = conn.execute(
            select(AuditLog.__table__).where(
                AuditLog.table_name == "evaluation_score",
                AuditLog.action == "delete",
                AuditLog.before.like(f'%"evaluation_id": {evaluation_id},%'),
            )
        )
        seen = {(c.table_name, c.record_id, c.action, c.at) for c in out}
        out += [
            c
            for c in map(_change, deleted)
            if (c.table_name, c.record_id, c.action, c.at) not in seen
        ]
    return sorted(out, key=lambda c: (c.at, c.table_name))


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    table_name: str | None = None
    action: str | None = None
    record_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 500


def audit_entries(engine: Engine, scope: Scope, f: AuditFilter) -> list[Change]:
    """The audit log, newest first, for administrators only."""
    if scope.role != Role.ADMIN:
        raise AccessDenied("Kun administratorer kan se revisionsloggen.")
    stmt = select(AuditLog.__table__).order_by(AuditLog.id.desc()).limit(f.limit)
    if f.username:
        stmt = stmt.where(AuditLog.username == f.username)
    if f.table_name:
        stmt = stmt.where(AuditLog.table_name == f.table_name)
    if f.action:
        stmt = stmt.where(AuditLog.action == f.action)
    if f.record_id:
        stmt = stmt.where(AuditLog.record_id == f.record_id)
    if f.date_from:
        stmt = stmt.where(
            AuditLog.at >= dt.datetime.combine(f.date_from, dt.time.min, tzinfo=dt.UTC)
        )
    if f.date_to:
        stmt = stmt.where(
            AuditLog.at
            < dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        )
    with engine.connect() as conn:
        return [_change(r) for r in conn.execute(stmt)]


def audit_facets(engine: Engine, scope: Scope) -> tuple[list[str], list[str]]:
    """Usernames and table names present in the audit log, for the filter choices."""
    if scope.role != Role.ADMIN:
        raise AccessDenied("Kun administratorer kan se revisionsloggen.")
    with engine.connect() as conn:
        users = list(conn.scalars(select(AuditLog.username).distinct().order_by(AuditLog.username)))
        tables = list(
            conn.scalars(select(AuditLog.table_name).distinct().order_by(AuditLog.table_name))
        )
    return users, tables
