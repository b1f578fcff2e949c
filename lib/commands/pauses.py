"""Writes for a course's pauses (illness or other, first and last day, reason): paused
days move the course's due dates (lib.domain.rules.shift_for_pauses)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, and_, select

from db.engine import write_session
from db.models import Enrolment, Pause
from lib.commands.kit import (
    ValidationError,
    check_text,
    current_date,
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
) -> int:
    """A pause within the course, not overlapping another; a pause for another reason
    than illness says which."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
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
        pause = Pause(
            enrolment_id=e.id,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            reason=reason.strip() or PauseKind(kind).label,
            created_by_id=scope.user_id,
        )
        s.add(pause)
        s.flush()
        return pause.id


def delete_pause(engine: Engine, scope: Scope, pause_id: int) -> None:
    """Remove a pause registered by mistake (audited); the due dates move back."""
    with write_session(engine, scope.username) as s:
        pause = load_in_scope(
            s,
            scope,
            select(Pause)
            .join(Enrolment, Enrolment.id == Pause.enrolment_id)
            .where(Pause.id == pause_id),
        )
        s.delete(pause)
