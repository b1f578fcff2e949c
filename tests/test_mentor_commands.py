"""The writes behind Mentorkontakt and Forløbsside on the demo data (SQLite and
PostgreSQL): scope is checked in the data layer, bad input gets Danish messages per field,
a frequency change moves compliance, an ended mentor owes nothing, and an outcome
correction is audited with the old value."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import (
    AuditLog,
    Enrolment,
    MentorAssignment,
    MentorContact,
    Outcome,
    OutcomeType,
    Participant,
)
from lib.commands import mentors
from lib.commands.kit import ValidationError
from lib.commands.outcomes import correct_outcome
from lib.commands.placement import set_placement_type
from lib.domain.access import AccessDenied
from lib.queries.quality import mentor_compliance
from lib.queries.tasks import TaskKind, my_tasks
from tests.conftest import scope_for

TODAY = dt.date.today()


@pytest.fixture
def engine(any_demo_url):
    e = make_engine(any_demo_url)
    yield e
    e.dispose()


def _assignment(engine, agreement_id: int, mentor_type: str | None = None):
    """An open mentor assignment on an active course of the agreement."""
    stmt = (
        select(MentorAssignment)
        .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
        .where(
            Enrolment.agreement_id == agreement_id,
            Enrolment.status == "active",
            MentorAssignment.end_date.is_(None),
        )
        .order_by(MentorAssignment.id)
    )
    if mentor_type:
        stmt = stmt.where(MentorAssignment.mentor_type == mentor_type)
    with engine.connect() as conn:
        return conn.execute(stmt.limit(1)).one()


def test_enterprise_staff_log_contacts_for_their_own_enterprise_only(engine):
    own = _assignment(engine, 2)  # Motalavej: the demo's "mentor"
    other = _assignment(engine, 1)
    scope = scope_for(engine, "mentor")
    cid = mentors.log_contact(engine, scope, own.id, TODAY, "Opfølgning")
    with engine.connect() as conn:
        row = conn.execute(select(MentorContact).where(MentorContact.id == cid)).one()
    assert row.logged_by_id == scope.user_id and row.contact_on == TODAY
    with pytest.raises(AccessDenied):
        mentors.log_contact(engine, scope, other.id, TODAY, "")
    with pytest.raises(ValidationError) as exc:
        mentors.log_contact(engine, scope, own.id, TODAY + dt.timedelta(days=1), "x" * 2001)
    assert set(exc.value.errors) == {"contact_on", "note"}


def test_a_caseworker_cannot_touch_another_caseworkers_mentor(engine):
    jk = scope_for(engine, "jobkonsulent")
    with engine.connect() as conn:
        theirs = conn.scalar(
            select(MentorAssignment.id)
            .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Participant.caseworker_id == jk.user_id)
            .limit(1)
        )
    sara = scope_for(engine, "sagsbehandler")
    with pytest.raises(AccessDenied):
        mentors.log_contact(engine, sara, theirs, TODAY, "")
    with pytest.raises(AccessDenied):
        mentors.change_frequency(engine, sara, theirs, 21, TODAY)
    with pytest.raises(AccessDenied):
        mentors.end_mentor(engine, sara, theirs, TODAY)


def test_frequency_change_is_validated_and_moves_compliance(engine):
    a = _assignment(engine, 1)
    scope = scope_for(engine, "leder")
    with pytest.raises(ValidationError) as exc:
        mentors.change_frequency(engine, scope, a.id, 10, a.start_date)
    assert set(exc.value.errors) == {"frequency_days", "changed_from"}
    with pytest.raises(ValidationError) as exc:
        mentors.change_frequency(engine, scope, a.id, 7, TODAY + dt.timedelta(weeks=9))
    assert "8 uger" in exc.value.errors["changed_from"]

    def row():
        rows = mentor_compliance(engine, scope, (1,), TODAY).rows
        return next(r for r in rows if r.assignment_id == a.id)

    before = row()
    # Weekly from the day after the start: the course's gaps are judged against 7 days.
    mentors.change_frequency(engine, scope, a.id, 7, a.start_date + dt.timedelta(days=1))
    weekly = row()
    assert weekly.frequency_days == 7
    assert weekly.intervals.on_time <= before.intervals.on_time
    # Every 3 weeks from the same day replaces that change (one per day).
    mentors.change_frequency(engine, scope, a.id, 21, a.start_date + dt.timedelta(days=1))
    loose = row()
    assert loose.frequency_days == 21
    assert loose.intervals.on_time >= before.intervals.on_time >= weekly.intervals.on_time


def test_an_ended_mentor_owes_no_more_contacts(engine):
    a = _assignment(engine, 2, "enterprise")
    scope = scope_for(engine, "mentor")
    with engine.connect() as conn:
        last = conn.scalar(
            select(MentorContact.contact_on)
            .where(MentorContact.mentor_assignment_id == a.id)
            .order_by(MentorContact.contact_on.desc())
            .limit(1)
        )
    with pytest.raises(ValidationError) as exc:
        mentors.end_mentor(engine, scope, a.id, TODAY + dt.timedelta(days=1))
    assert "fremtiden" in exc.value.errors["end_date"]
    if last and last > a.start_date:
        with pytest.raises(ValidationError) as exc:
            mentors.end_mentor(engine, scope, a.id, last - dt.timedelta(days=1))
        assert "kontakt" in exc.value.errors["end_date"]
    mentors.end_mentor(engine, scope, a.id, TODAY)
    with pytest.raises(ValidationError):
        mentors.end_mentor(engine, scope, a.id, TODAY)
    tasks = my_tasks(engine, scope)
    mentor_tasks = [t for t in tasks.overdue + tasks.due_soon if t.kind == TaskKind.MENTOR]
    others = _assignment_count(engine, a.enrolment_id)
    assert len([t for t in mentor_tasks if t.enrolment_id == a.enrolment_id]) <= others


def _assignment_count(engine, enrolment_id: int) -> int:
    with engine.connect() as conn:
        return len(
            conn.execute(
                select(MentorAssignment.id).where(
                    MentorAssignment.enrolment_id == enrolment_id,
                    MentorAssignment.end_date.is_(None),
                )
            ).all()
        )


def _ended_course(engine, username: str) -> Enrolment:
    scope = scope_for(engine, username)
    with engine.connect() as conn:
        return conn.execute(
            select(Enrolment)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Enrolment.status == "ended", Participant.caseworker_id == scope.user_id)
            .limit(1)
        ).one()


def test_outcome_correction_is_the_job_centres_and_is_audited(engine):
    e = _ended_course(engine, "sagsbehandler")
    with engine.connect() as conn:
        old = conn.scalar(select(Outcome.outcome_type_id).where(Outcome.enrolment_id == e.id))
        new = conn.scalar(select(OutcomeType.id).where(OutcomeType.id != old).limit(1))
    with pytest.raises(AccessDenied):
        correct_outcome(engine, scope_for(engine, "mentor1"), e.id, new, e.end_date, "x", None)
    with pytest.raises(AccessDenied):
        correct_outcome(engine, scope_for(engine, "jobkonsulent"), e.id, new, e.end_date, "x", None)
    scope = scope_for(engine, "sagsbehandler")
    with pytest.raises(ValidationError) as exc:
        correct_outcome(engine, scope, e.id, None, None, "  ", e.version)
    assert set(exc.value.errors) == {"outcome_type_id", "outcome_on", "reason"}
    correct_outcome(engine, scope, e.id, new, e.end_date, "Fik job efter stop", e.version)
    with engine.connect() as conn:
        assert (
            conn.scalar(select(Outcome.outcome_type_id).where(Outcome.enrolment_id == e.id)) == new
        )
        audit = conn.execute(
            select(AuditLog)
            .where(AuditLog.table_name == "outcome", AuditLog.action == "update")
            .order_by(AuditLog.id.desc())
            .limit(1)
        ).one()
    assert audit.username == "sagsbehandler"
    assert json.loads(audit.before)["outcome_type_id"] == old
    assert json.loads(audit.after)["outcome_type_id"] == new


def test_placement_type_is_the_job_centres(engine):
    e = _ended_course(engine, "sagsbehandler")
    with pytest.raises(AccessDenied):
        set_placement_type(engine, scope_for(engine, "mentor1"), e.id, "praktik", None)
    with pytest.raises(ValidationError):
        set_placement_type(engine, scope_for(engine, "sagsbehandler"), e.id, "guru", None)
    set_placement_type(engine, scope_for(engine, "sagsbehandler"), e.id, "loentilskud", None)
    with engine.connect() as conn:
        assert conn.scalar(select(Enrolment.placement_type).where(Enrolment.id == e.id)) == (
            "loentilskud"
        )
