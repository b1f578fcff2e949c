"""Writes for a course's pauses (illness or other, first and last day, reason): paused
days move the course's due dates (lib.domain.rules.shift_for_pauses). The due dates are
computed from the pauses on every read, so a corrected or deleted pause moves them back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, and_, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import Enrolment, Pause
from lib.commands.kit import (
    ValidationError,
    check_text,
    check_unchanged,
    current_date,
    delete_own,
    load_enrolment,
    load_in_scope,
)
from lib.domain.access import Scope
from lib.domain.enums import PauseKind
from lib.domain.format import fmt_date


def add_pause(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    kind: str | None,
    start_date: dt.date | None,
    end_date: dt.date | None,
    reason: str = "",
    today: dt.date | None = None,
    *,
    pause_id: int | None = None,
    opened: dict[str, str] | None = None,
) -> int:
    """A pause within the course, not overlapping another; a pause for another reason
    than illness says which. With `pause_id`: Ret of that pause (refused if it changed
    since the user opened it with the values `opened`, see pause_values)."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        pause = _pause(s, scope, pause_id, e.id) if pause_id is not None else None
        if pause is not None:
            check_unchanged(pause_values(pause), opened, "Pausen")
        errors: dict[str, str] = {}
        if kind not in PauseKind.labels():
            errors["kind"] = "Vælg sygdom eller andet."
        if start_date is None:
            errors["start_date"] = "Vælg pausens første dag."
        elif start_date < e.start_date:
            errors["start_date"] = (
                f"Pausen starter før forløbet ({fmt_date(e.start_date)}). Vælg en dato i forløbet."
            )
        if end_date is None:
            errors["end_date"] = "Vælg pausens sidste dag."
        elif start_date is not None and end_date < start_date:
            errors["end_date"] = "Den sidste dag ligger før den første."
        elif e.end_date is not None and end_date > e.end_date:
            errors["end_date"] = f"Pausen slutter efter forløbet ({fmt_date(e.end_date)})."
        if kind == PauseKind.OTHER and not reason.strip():
            errors["reason"] = "Skriv hvorfor forløbet holder pause."
        check_text(errors, "reason", reason, "pause_reason")
        if start_date and end_date and not errors:
            overlap = s.scalars(
                select(Pause).where(
                    Pause.enrolment_id == e.id,
                    Pause.id != (pause_id or 0),
                    and_(Pause.start_date <= end_date, Pause.end_date >= start_date),
                )
            ).first()
            if overlap is not None:
                errors["start_date"] = (
                    f"Pausen overlapper en registreret pause ({fmt_date(overlap.start_date)}–"
                    f"{fmt_date(overlap.end_date)})."
                )
        if errors or kind is None:
            raise ValidationError(errors)
        if pause is None:
            pause = Pause(enrolment_id=e.id, created_by_id=scope.user_id)
            s.add(pause)
        pause.kind = kind
        pause.start_date = start_date  # type: ignore[assignment]
        pause.end_date = end_date  # type: ignore[assignment]
        pause.reason = reason.strip() or PauseKind(kind).label
        s.flush()
        return pause.id


def pause_values(pause: Any) -> dict[str, str]:
    """A pause (the model or a row read with its columns) as Danish label -> shown value:
    what a Ret opened, and the newer values a stale Ret shows."""
    return {
        "Årsag": PauseKind.label_of(pause.kind, pause.kind),
        "Første dag": fmt_date(pause.start_date),
        "Sidste dag": fmt_date(pause.end_date),
        "Begrundelse": pause.reason,
    }


def _pause(s: Session, scope: Scope, pause_id: int, enrolment_id: int | None = None) -> Pause:
    stmt = select(Pause).join(Enrolment, Enrolment.id == Pause.enrolment_id)
    if enrolment_id is not None:
        stmt = stmt.where(Pause.enrolment_id == enrolment_id)
    return load_in_scope(s, scope, stmt.where(Pause.id == pause_id))


def delete_pause(
    engine: Engine, scope: Scope, pause_id: int, now: dt.datetime | None = None
) -> None:
    """Slet: the user who saved the pause removes it within a day (audited); the due
    dates move back, since they are computed from the pauses on every read."""
    with write_session(engine, scope.username) as s:
        delete_own(s, scope, _pause(s, scope, pause_id), "pausen", now)
