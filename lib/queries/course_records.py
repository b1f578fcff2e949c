"""Scoped reads of one course's own records for the entry forms: its follow-up meetings,
the deliverables due to the caseworker (registered or still expected, with due dates
from lib.domain.rules), its pauses and its certificates. No Streamlit here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from db.models import (
    Certificate,
    CertificateType,
    Deliverable,
    Enrolment,
    Evaluation,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Pause,
    Plan,
)
from lib.domain import rules
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind, MeetingState
from lib.queries.authorship import as_utc, with_author
from lib.queries.courses import enrolment_in, pauses_in
from lib.queries.scope import enrolment_clause


@dataclass(frozen=True)
class MeetingRow:
    id: int
    planned_on: dt.date | None
    state: str  # MeetingState
    held_on: dt.date | None
    caseworker_present: bool
    cancel_reason: str
    with_evaluation: bool
    version: int


def meetings(engine: Engine, scope: Scope, enrolment_id: int) -> list[MeetingRow]:
    """The course's follow-up meetings, newest planned first."""
    with engine.connect() as conn:
        enrolment_in(conn, scope, enrolment_id)
        rows = conn.execute(
            select(FollowUpMeeting.__table__)
            .where(FollowUpMeeting.enrolment_id == enrolment_id)
            .order_by(FollowUpMeeting.planned_on.desc(), FollowUpMeeting.id.desc())
        ).all()
    return [
        MeetingRow(
            r.id,
            r.planned_on,
            _state(r.held, r.cancelled, r.evaluation_id),
            r.held_on,
            bool(r.caseworker_present),
            r.cancel_reason or "",
            r.evaluation_id is not None,
            r.version,
        )
        for r in rows
    ]


def _state(held: bool, cancelled: bool, evaluation_id: int | None) -> MeetingState:
    """Planned until recorded; one recorded with an evaluation as not held is not held."""
    if held:
        return MeetingState.HELD
    if cancelled:
        return MeetingState.CANCELLED
    return MeetingState.NOT_HELD if evaluation_id is not None else MeetingState.PLANNED


@dataclass(frozen=True)
class DeliverableRow:
    id: int | None  # None: due by the rules, not registered yet
    kind: str
    due_on: dt.date | None
    received_on: dt.date | None

    @property
    def label(self) -> str:
        return DeliverableKind.label_of(self.kind, self.kind)


def deliverables_due(engine: Engine, scope: Scope, enrolment_id: int) -> list[DeliverableRow]:
    """What the caseworker is to receive on this course, by due date: the rows already
    registered, plus those the rules expect and nobody has registered yet (the meeting
    plan, the baseline plan, the invitation to the next evaluation)."""
    with engine.connect() as conn:
        row = enrolment_in(conn, scope, enrolment_id)
        saved = [
            DeliverableRow(d.id, d.kind, d.due_on, d.received_on)
            for d in conn.execute(
                select(Deliverable.__table__).where(Deliverable.enrolment_id == enrolment_id)
            )
        ]
        pauses = pauses_in(conn, enrolment_id)
        # Only the days the rules need: the baseline plan's and the latest evaluation's (not
        # every plan and evaluation with their goals and scores, which Forløb reads already).
        baseline_on = conn.scalar(
            select(Plan.created_on)
            .where(Plan.enrolment_id == enrolment_id)
            .order_by(Plan.version_no)
            .limit(1)
        )
        last_evaluated = conn.scalar(
            select(func.max(Evaluation.evaluated_on)).where(Evaluation.enrolment_id == enrolment_id)
        )
    kinds = {d.kind for d in saved}
    expected: list[DeliverableRow] = []
    if DeliverableKind.MEETING_PLAN not in kinds:
        expected.append(
            DeliverableRow(
                None,
                DeliverableKind.MEETING_PLAN,
                rules.meeting_plan_due(row.start_date, pauses),
                None,
            )
        )
    if DeliverableKind.PLAN not in kinds:
        expected.append(
            DeliverableRow(
                None,
                DeliverableKind.PLAN,
                rules.plan_due(row.start_date, row.planned_weeks, pauses),
                None,
            )
        )
    if baseline_on is not None:
        next_due = rules.next_evaluation_due(
            baseline_on,
            [last_evaluated] if last_evaluated else [],
            row.interval_months or rules.DEFAULT_EVALUATION_INTERVAL,
            pauses,
        )
        invitation = rules.invitation_due(next_due)
        if not any(
            d.kind == DeliverableKind.EVALUATION_INVITATION and d.due_on == invitation
            for d in saved
        ):
            expected.append(
                DeliverableRow(None, DeliverableKind.EVALUATION_INVITATION, invitation, None)
            )
    return sorted(saved + expected, key=lambda d: (d.due_on or dt.date.max, d.kind))


@dataclass(frozen=True)
class PauseRow:
    id: int
    kind: str
    start_date: dt.date
    end_date: dt.date
    reason: str

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


def pauses(engine: Engine, scope: Scope, enrolment_id: int) -> list[PauseRow]:
    with engine.connect() as conn:
        enrolment_in(conn, scope, enrolment_id)
        return [
            PauseRow(r.id, r.kind, r.start_date, r.end_date, r.reason)
            for r in conn.execute(
                select(Pause.__table__)
                .where(Pause.enrolment_id == enrolment_id)
                .order_by(Pause.start_date)
            )
        ]


@dataclass(frozen=True)
class CertificateRow:
    id: int
    label: str
    obtained_on: dt.date
    name: str = ""  # as saved (the catalogue's label then)
    certificate_type_id: int | None = None


def certificates(engine: Engine, scope: Scope, enrolment_id: int) -> list[CertificateRow]:
    with engine.connect() as conn:
        enrolment_in(conn, scope, enrolment_id)
        return [
            CertificateRow(r.id, r.label or r.name, r.obtained_on, r.name, r.certificate_type_id)
            for r in conn.execute(
                select(
                    Certificate.id,
                    Certificate.name,
                    CertificateType.label,
                    Certificate.obtained_on,
                    Certificate.certificate_type_id,
                )
                .outerjoin(CertificateType, CertificateType.id == Certificate.certificate_type_id)
                .where(Certificate.enrolment_id == enrolment_id)
                .order_by(Certificate.obtained_on)
            )
        ]


@dataclass(frozen=True)
class SavedBy:
    """Who saved a record and when (its create row in the audit log); None if unknown."""

    username: str | None
    at: dt.datetime | None


RECORDS: dict[str, Any] = {
    "plan": Plan,
    "meeting": FollowUpMeeting,
    "deliverable": Deliverable,
    "pause": Pause,
    "certificate": Certificate,
}


def saved_by(engine: Engine, scope: Scope, enrolment_id: int, kind: str, record_id: int) -> SavedBy:
    """Who saved one of the course's records (`kind` in RECORDS) and when: what Slet's
    author-within-a-day rule needs."""
    model = RECORDS[kind]
    with engine.connect() as conn:
        enrolment_in(conn, scope, enrolment_id)
        row = conn.execute(
            with_author(select(model.id), model).where(
                model.id == record_id, model.enrolment_id == enrolment_id
            )
        ).first()
    return SavedBy(row.saved_by, as_utc(row.saved_at)) if row else SavedBy(None, None)


@dataclass(frozen=True)
class ContactRow:
    id: int
    mentor_assignment_id: int
    contact_on: dt.date
    note: str
    saved_by: SavedBy


def mentor_contact(engine: Engine, scope: Scope, contact_id: int) -> ContactRow | None:
    """One mentor contact with who logged it and when, if its course is in scope."""
    with engine.connect() as conn:
        r = conn.execute(
            with_author(
                select(
                    MentorContact.id,
                    MentorContact.mentor_assignment_id,
                    MentorContact.contact_on,
                    MentorContact.note,
                ),
                MentorContact,
            )
            .join(MentorAssignment, MentorAssignment.id == MentorContact.mentor_assignment_id)
            .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
            .where(MentorContact.id == contact_id, enrolment_clause(scope))
        ).first()
    if r is None:
        return None
    return ContactRow(
        r.id, r.mentor_assignment_id, r.contact_on, r.note, SavedBy(r.saved_by, as_utc(r.saved_at))
    )
