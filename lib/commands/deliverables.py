"""Writes for what the caseworker receives from the enterprise (mødeplan, plan til
sagsbehandler, indkaldelse til evaluering): register one as received on a date. The due
date comes from the rules (lib.domain.rules), never from the form; "received" without a
date is refused, not guessed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import Deliverable, Enrolment
from lib.commands.kit import (
    ValidationError,
    check_answered,
    check_date,
    current_date,
    delete_own,
    load_enrolment,
    load_in_scope,
)
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind

NO_DATE = "Skriv hvornår sagsbehandleren modtog den; datoen gættes ikke."


def register_deliverable(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    kind: str | None,
    due_on: dt.date | None,
    received: bool | None,
    received_on: dt.date | None,
    deliverable_id: int | None = None,
    today: dt.date | None = None,
) -> int:
    """Received (Ja with a date) or not yet (Nej) for one deliverable: an existing row
    (`deliverable_id`) or a new one of `kind` due on `due_on` (from the form's list of
    what is due, lib.queries.course_records.deliverables_due). Returns the row id."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        row: Deliverable | None = None
        if deliverable_id is not None:
            row = load_in_scope(
                s,
                scope,
                select(Deliverable)
                .join(Enrolment, Enrolment.id == Deliverable.enrolment_id)
                .where(Deliverable.id == deliverable_id, Deliverable.enrolment_id == e.id),
            )
            kind = row.kind
        errors: dict[str, str] = {}
        if kind not in DeliverableKind.labels():
            errors["kind"] = "Vælg hvilken leverance det er."
        check_answered(errors, "received", received)
        if received:
            if received_on is None:
                errors["received_on"] = NO_DATE
            else:
                check_date(errors, "received_on", received_on, today=today, not_before=None)
        if errors or kind is None:
            raise ValidationError(errors)
        if row is None:
            row = Deliverable(enrolment_id=e.id, kind=kind, due_on=due_on)
            s.add(row)
        row.received_on = received_on if received else None
        s.flush()
        return row.id


WITH_EVALUATION = "Invitationen hører til en evaluering. Ret eller slet evalueringen."


def delete_deliverable(
    engine: Engine, scope: Scope, deliverable_id: int, now: dt.datetime | None = None
) -> None:
    """Slet: the user who registered the deliverable removes the registration within a
    day (audited); the rules then expect it again with its due date."""
    with write_session(engine, scope.username) as s:
        row = load_in_scope(
            s,
            scope,
            select(Deliverable)
            .join(Enrolment, Enrolment.id == Deliverable.enrolment_id)
            .where(Deliverable.id == deliverable_id),
        )
        if row.evaluation_id is not None:
            raise ValidationError({"_form": WITH_EVALUATION})
        delete_own(s, scope, row, "leverancen", now)
