"""Slet and Ret of the records saved on their own (plan, meeting, deliverable, pause,
certificate, mentor contact) through lib/commands, on the demo data (SQLite and
PostgreSQL): only the user who saved a record deletes it, only within a day, only for
their own participants; the delete is one audited transaction; a deleted pause moves the
due dates back; a Ret of a record changed meanwhile is refused with the newer values."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import (
    AuditLog,
    Certificate,
    Deliverable,
    FollowUpMeeting,
    MentorContact,
    Pause,
    Plan,
    PlanScore,
    PlanSubGoal,
)
from lib.commands import certificates, deliverables, meetings, mentors, pauses, plans
from lib.commands.kit import StaleEdit, ValidationError
from lib.domain.access import AccessDenied
from lib.domain.enums import DeliverableKind
from lib.queries.courses import evaluation_context, my_enrolments
from tests.conftest import scope_for

TODAY = dt.date.today()
LATER = dt.timedelta(hours=25)


@pytest.fixture
def db(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _deleted_in_audit(engine, model, record_id: int) -> int:
    return _count(
        engine,
        AuditLog,
        AuditLog.table_name == model.__tablename__,
        AuditLog.record_id == str(record_id),
        AuditLog.action == "delete",
    )


def _course(engine, username: str = "sagsbehandler"):
    scope = scope_for(engine, username)
    for row in my_enrolments(engine, scope):
        if evaluation_context(engine, scope, row.id).plan:
            return scope, row
    raise AssertionError("no course with a plan in the demo")


def _mentor_contact(engine):
    scope = scope_for(engine, "mentor")
    with engine.connect() as conn:
        from db.models import Enrolment, MentorAssignment

        m = conn.execute(
            select(MentorAssignment.id)
            .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
            .where(Enrolment.agreement_id == 2, MentorAssignment.end_date.is_(None))
            .limit(1)
        ).scalar_one()
    return scope, m, mentors.log_contact(engine, scope, m, TODAY, "Ringede")


def _saved(engine):
    """One record of each kind saved now by the caseworker (the contact by the mentor),
    as (model, id, delete command, author's scope)."""
    scope, row = _course(engine)
    mentor, _m, contact = _mentor_contact(engine)
    kind = DeliverableKind.EVALUATION_INVITATION
    ctx = evaluation_context(engine, scope, row.id)
    assert ctx.plan is not None
    revision = plans.create_plan(
        engine,
        scope,
        row.id,
        plans.PlanInput(TODAY, [plans.SubGoalInput(1, [1])], {1: 2}, made_with_participant=True),
        ctx.plan.version_no,
    )
    return [
        (Plan, revision, plans.delete_plan, scope),
        (FollowUpMeeting, meetings.plan_meeting(engine, scope, row.id, TODAY),
         meetings.delete_meeting, scope),
        (Deliverable, deliverables.register_deliverable(engine, scope, row.id, kind, TODAY,
         True, TODAY), deliverables.delete_deliverable, scope),
        (Pause, pauses.add_pause(engine, scope, row.id, "illness", TODAY, TODAY),
         pauses.delete_pause, scope),
        (Certificate, certificates.add_certificate(engine, scope, row.id, 1, TODAY),
         certificates.delete_certificate, scope),
        (MentorContact, contact, mentors.delete_contact, mentor),
    ]  # fmt: skip


def test_the_author_deletes_within_a_day_and_nobody_else(db):
    records = _saved(db)
    leder, other = scope_for(db, "leder"), scope_for(db, "jobkonsulent")
    audit = _count(db, AuditLog)
    for model, rid, delete, author in records:
        # A user who sees the record but did not save it: refused, in Danish.
        with pytest.raises(ValidationError) as caught:
            delete(db, leder, rid)
        assert "Kun den, der gemte" in caught.value.errors["_form"], model
        # The author after a day: refused.
        with pytest.raises(ValidationError) as caught:
            delete(db, author, rid, now=dt.datetime.now(dt.UTC) + LATER)
        assert "inden for et døgn" in caught.value.errors["_form"], model
        # Another caseworker's participant is out of scope altogether.
        if model is not MentorContact:
            with pytest.raises(AccessDenied):
                delete(db, other, rid)
    with pytest.raises(AccessDenied):  # enterprise staff of another enterprise
        mentors.delete_contact(db, scope_for(db, "mentor1"), records[-1][1])
    assert _count(db, AuditLog) == audit, "a refused delete writes nothing"
    for model, rid, delete, author in records:
        delete(db, author, rid)
        assert _count(db, model, model.id == rid) == 0, model
        assert _deleted_in_audit(db, model, rid) == 1, model
    plan_id = records[0][1]
    assert _count(db, PlanSubGoal, PlanSubGoal.plan_id == plan_id) == 0
    assert _count(db, PlanScore, PlanScore.plan_id == plan_id) == 0


def test_deleting_a_pause_moves_the_due_dates_back(db):
    scope, row = _course(db)
    before = evaluation_context(db, scope, row.id)
    assert before.due_on is not None
    start = max(row.start_date, before.due_on - dt.timedelta(days=20))
    pid = pauses.add_pause(db, scope, row.id, "illness", start, start + dt.timedelta(days=9))
    assert evaluation_context(db, scope, row.id).due_on == before.due_on + dt.timedelta(days=10)
    pauses.delete_pause(db, scope, pid)
    after = evaluation_context(db, scope, row.id)
    assert (after.due_on, after.plan_due_on) == (before.due_on, before.plan_due_on)


def test_only_the_newest_plan_version_is_deleted_and_ret_corrects_in_place(db):
    scope, row = _course(db)
    ctx = evaluation_context(db, scope, row.id)
    assert ctx.plan is not None
    data = plans.PlanInput(TODAY, [plans.SubGoalInput(1, [1])], {1: 2}, made_with_participant=True)
    newest = plans.create_plan(db, scope, row.id, data, ctx.plan.version_no)
    with pytest.raises(ValidationError) as caught:
        plans.delete_plan(db, scope, ctx.plan.id)  # an older version
    assert "nyeste version" in caught.value.errors["_form"]
    versions = _count(db, Plan, Plan.enrolment_id == row.id)
    data.long_term_goal, data.scores = "Rettet mål", {1: 4}
    plans.create_plan(db, scope, row.id, data, plan_id=newest, expected_version=1)
    assert _count(db, Plan, Plan.enrolment_id == row.id) == versions  # no new version
    with db.connect() as conn:
        goal = conn.scalar(select(Plan.long_term_goal).where(Plan.id == newest))
        score = conn.scalar(select(PlanScore.score).where(PlanScore.plan_id == newest))
    assert (goal, score) == ("Rettet mål", 4)
    with pytest.raises(StaleEdit):  # opened before the correction above
        plans.create_plan(db, scope, row.id, data, plan_id=newest, expected_version=1)


def test_ret_of_a_pause_certificate_or_contact_changed_meanwhile_is_refused(db):
    scope, row = _course(db)
    pid = pauses.add_pause(db, scope, row.id, "illness", TODAY, TODAY)
    with db.connect() as conn:
        opened = pauses.pause_values(
            conn.execute(select(Pause.__table__).where(Pause.id == pid)).one()
        )
    pauses.add_pause(db, scope, row.id, "other", TODAY, TODAY, "Ferie", pause_id=pid,
                     opened=opened)  # fmt: skip
    with pytest.raises(StaleEdit) as caught:
        pauses.add_pause(db, scope, row.id, "illness", TODAY, TODAY, pause_id=pid, opened=opened)
    assert caught.value.current["Begrundelse"] == "Ferie"
    cid = certificates.add_certificate(db, scope, row.id, 1, TODAY)
    certificates.add_certificate(db, scope, row.id, 2, TODAY, certificate_id=cid)
    assert _count(db, Certificate, Certificate.id == cid, Certificate.certificate_type_id == 2)
    mentor, m, contact = _mentor_contact(db)
    mentors.log_contact(db, mentor, m, TODAY, "Mødtes", contact_id=contact)
    assert _count(db, MentorContact, MentorContact.id == contact, MentorContact.note == "Mødtes")
    with pytest.raises(AccessDenied):  # another caseworker's pause
        pauses.add_pause(db, scope_for(db, "jobkonsulent"), row.id, "illness", TODAY, TODAY,
                         pause_id=pid)  # fmt: skip
