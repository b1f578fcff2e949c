"""Audit log: every create, update and delete made through an ORM Session is recorded
with who, when, which record, and the values before and after.

Done in a flush hook so no write path can forget it; the audit rows are inserted in the
same transaction as the change, so a rolled-back change leaves no audit row either.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

REDACTED_COLUMNS = {"password_hash"}
NOT_AUDITED_TABLES = {"audit_log", "app_setting"}
# Security events written to the same log (lib.security): they change no figure, so they
# do not change the data version the dashboards' caches are keyed on.
SESSION_ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_blocked",
    "sign_out",
    "session_end",
    "sessions_revoked",
)


def _jsonable(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _values(obj: object, *, before: bool) -> dict[str, object]:
    state = inspect(obj)
    out: dict[str, object] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in REDACTED_COLUMNS:
            out[key] = "***"
            continue
        hist = state.attrs[key].history
        if before and hist.deleted:
            value = hist.deleted[0]
        elif before and hist.unchanged:
            value = hist.unchanged[0]
        elif before and hist.added and not hist.deleted:
            value = None  # was not set before
        else:
            value = getattr(obj, key, None) if not before else None
        out[key] = _jsonable(value)
    return out


def _record_id(obj: object) -> str:
    identity = inspect(obj).identity
    if identity is None:
        pk = inspect(obj).mapper.primary_key
        identity = tuple(getattr(obj, c.key, None) for c in pk)
    return "/".join(str(v) for v in identity)


def _dump(values: dict[str, object] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


@event.listens_for(Session, "before_flush")
def _capture_before(session: Session, _ctx: object, _instances: object) -> None:
    # Before-values of updates must be read before the flush resets attribute history.
    pending = session.info.setdefault("_audit_pending", [])
    if not session.info.get("audit", True):
        return
    for obj in session.dirty:
        if obj.__table__.name in NOT_AUDITED_TABLES or not session.is_modified(obj):
            continue
        pending.append(("update", obj, _values(obj, before=True)))
    for obj in session.deleted:
        if obj.__table__.name in NOT_AUDITED_TABLES:
            continue
        pending.append(("delete", obj, _values(obj, before=True)))
    for obj in session.new:
        if obj.__table__.name in NOT_AUDITED_TABLES:
            continue
        pending.append(("create", obj, None))


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _ctx: object) -> None:
    pending = session.info.pop("_audit_pending", [])
    if not pending:
        return
    actor = session.info.get("actor")
    if not actor:
        raise RuntimeError("A write without an actor cannot be audited; use write_session().")
    from db.models import AuditLog

    rows = []
    for action, obj, before in pending:
        after = None
        if action != "delete":
            after = {
                a.key: ("***" if a.key in REDACTED_COLUMNS else _jsonable(getattr(obj, a.key)))
                for a in inspect(obj).mapper.column_attrs
            }
        rows.append(
            {
                "username": actor,
                "action": action,
                "table_name": obj.__table__.name,
                "record_id": _record_id(obj),
                "before": _dump(before),
                "after": _dump(after),
            }
        )
    session.connection().execute(insert(AuditLog.__table__), rows)
