"""lib/commands for the records that measures now rest on: meetings planned and recorded
on their own, deliverables registered with their received date, pauses that move due
dates, certificates from the catalogue, sub-goal statuses and sub-element scores in the
evaluation, and deleting one's own evaluation within a day. Scope: a caseworker cannot
see or change another caseworker's meetings, pauses or certificates. On the demo data, on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import (
    AuditLog,
    Certificate,
    Deliverable,
    Evaluation,
    EvaluationScore,
    EvaluationSubGoal,
    FollowUpMeeting,
    Pause,
)
from lib.commands.certificates import add_certificate
from lib.commands.deliverables import register_deliverable
from lib.commands.evaluations import (
    EvaluationInput,
    delete_evaluation,
    record_evaluation,
    update_evaluation,
)
from lib.commands.kit import ValidationError
from lib.commands.meetings import plan_meeting, record_meeting
from lib.commands.pauses import add_pause, delete_pause
from lib.domain.access import AccessDenied
from lib.domain.enums import DeliverableKind, MeetingState
from lib.queries.course_records import certificates, deliverables_due, meetings, pauses
from lib.queries.courses import evaluation, evaluation_context, my_enrolments
from tests.conftest import scope_for

TODAY = dt.date.today()


@pytest.fixture
def db(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _course(engine, username: str, *, quiet_days: int = 10):
    """An own active course with a plan, not evaluated in the last `quiet_days` days."""
    scope = scope_for(engine, username)
    for row in my_enrolments(engine, scope):
        ctx = evaluation_context(engine, scope, row.id)
        if ctx.plan and (ctx.last is None or (TODAY - ctx.last.evaluated_on).days > quiet_days):
            return scope, row, ctx
    raise AssertionError("no suitable course in the demo")


def _answers(ctx, **overrides) -> EvaluationInput:
    values = {
        "evaluated_on": TODAY,
        "scores": {},
        "goal_progress": "closer",
        "sub_goals_need_adjusting": False,
        "written_with_participant": True,
        "meeting_held": False,
        "caseworker_present": None,
        "invitation_received": False,
    } | overrides
    return EvaluationInput(**values)


# --------------------------------------------------------------------------- meetings


def test_meeting_is_planned_then_held_or_cancelled_with_field_messages(db):
    scope, row, _ctx = _course(db, "sagsbehandler")
    with pytest.raises(ValidationError) as caught:
        plan_meeting(db, scope, row.id, None)
    assert caught.value.errors["planned_on"] == "Vælg en dato."
    with pytest.raises(ValidationError) as caught:
        plan_meeting(db, scope, row.id, TODAY - dt.timedelta(days=2))
    assert "passeret" in caught.value.errors["planned_on"]
    mid = plan_meeting(db, scope, row.id, TODAY + dt.timedelta(days=5))
    planned = next(m for m in meetings(db, scope, row.id) if m.id == mid)
    assert planned.state == MeetingState.PLANNED
    # Held needs the date and a Ja/Nej on the caseworker; cancelled needs a reason.
    with pytest.raises(ValidationError) as caught:
        record_meeting(db, scope, mid, planned.version, "held")
    assert caught.value.errors["held_on"] == "Vælg en dato."
    assert "Ja eller Nej" in caught.value.errors["caseworker_present"]
    with pytest.raises(ValidationError) as caught:
        record_meeting(db, scope, mid, planned.version, "cancelled", cancel_reason="  ")
    assert "aflyst" in caught.value.errors["cancel_reason"]
    with pytest.raises(ValidationError) as caught:
        record_meeting(db, scope, mid, planned.version, None)
    assert "afholdt eller aflyst" in caught.value.errors["state"]
    record_meeting(db, scope, mid, planned.version, "held", held_on=TODAY, caseworker_present=False)
    held = next(m for m in meetings(db, scope, row.id) if m.id == mid)
    assert (held.state, held.held_on, held.caseworker_present) == ("held", TODAY, False)
    other = plan_meeting(db, scope, row.id, TODAY + dt.timedelta(days=30))
    version = next(m.version for m in meetings(db, scope, row.id) if m.id == other)
    record_meeting(db, scope, other, version, "cancelled", cancel_reason="Deltageren syg")
    cancelled = next(m for m in meetings(db, scope, row.id) if m.id == other)
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "Deltageren syg")


def test_evaluation_records_the_meeting_planned_for_it(db):
    scope, row, ctx = _course(db, "sagsbehandler")
    mid = plan_meeting(db, scope, row.id, TODAY)
    n = _count(db, FollowUpMeeting)
    eid = record_evaluation(
        db,
        scope,
        row.id,
        _answers(ctx, meeting_held=True, meeting_on=TODAY, caseworker_present=True),
    )
    assert _count(db, FollowUpMeeting) == n  # the planned one, not a second row
    with db.connect() as conn:
        m = conn.execute(select(FollowUpMeeting.__table__).where(FollowUpMeeting.id == mid)).one()
    assert (m.evaluation_id, m.held, m.caseworker_present) == (eid, True, True)


# --------------------------------------------------------------------------- deliverables


def test_deliverables_of_all_kinds_with_due_dates_and_received_needs_a_date(db):
    scope, row, _ctx = _course(db, "sagsbehandler")
    due = deliverables_due(db, scope, row.id)
    assert {d.kind for d in due} == set(DeliverableKind)
    assert all(d.due_on is not None for d in due)
    expected = next(d for d in due if d.id is None)
    with pytest.raises(ValidationError) as caught:
        register_deliverable(db, scope, row.id, expected.kind, expected.due_on, True, None)
    assert "gættes ikke" in caught.value.errors["received_on"]
    with pytest.raises(ValidationError) as caught:
        register_deliverable(db, scope, row.id, expected.kind, expected.due_on, None, TODAY)
    assert "Ja eller Nej" in caught.value.errors["received"]
    did = register_deliverable(db, scope, row.id, expected.kind, expected.due_on, True, TODAY)
    with db.connect() as conn:
        saved = conn.execute(select(Deliverable.__table__).where(Deliverable.id == did)).one()
    assert (saved.kind, saved.due_on, saved.received_on) == (
        expected.kind,
        expected.due_on,
        TODAY,
    )
    # An open one registered later clears it.
    open_one = next(
        (d for d in deliverables_due(db, scope, row.id) if d.id and d.received_on is None), None
    )
    if open_one is not None:
        register_deliverable(db, scope, row.id, None, None, True, TODAY, open_one.id)
        with db.connect() as conn:
            assert (
                conn.scalar(select(Deliverable.received_on).where(Deliverable.id == open_one.id))
                == TODAY
            )


# --------------------------------------------------------------------------- pauses


def test_pause_moves_the_next_evaluation_due_date_and_is_validated(db):
    scope, row, ctx = _course(db, "sagsbehandler")
    before = ctx.due_on
    assert before is not None
    start = max(row.start_date, TODAY - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as caught:
        add_pause(db, scope, row.id, "other", start, start - dt.timedelta(days=1), "")
    assert "før den første" in caught.value.errors["end_date"]
    assert "hvorfor" in caught.value.errors["reason"]
    with pytest.raises(ValidationError) as caught:
        add_pause(db, scope, row.id, None, None, None)
    assert set(caught.value.errors) >= {"kind", "start_date", "end_date"}
    pid = add_pause(db, scope, row.id, "illness", start, start + dt.timedelta(days=13))
    assert [p.days for p in pauses(db, scope, row.id) if p.id == pid] == [14]
    after = evaluation_context(db, scope, row.id).due_on
    # The paused days between the anchor and the due date move it on (lib.domain.rules).
    assert after is not None and after > before
    with pytest.raises(ValidationError) as caught:
        add_pause(
            db, scope, row.id, "illness", start + dt.timedelta(days=3), start + dt.timedelta(days=4)
        )
    assert "overlapper" in caught.value.errors["start_date"]
    delete_pause(db, scope, pid)
    assert evaluation_context(db, scope, row.id).due_on == before


# --------------------------------------------------------------------------- certificates


def test_certificate_from_the_catalogue(db):
    scope, row, _ctx = _course(db, "sagsbehandler")
    with pytest.raises(ValidationError) as caught:
        add_certificate(db, scope, row.id, None, TODAY + dt.timedelta(days=1))
    assert "listen" in caught.value.errors["certificate_type_id"]
    assert "fremtiden" in caught.value.errors["obtained_on"]
    cid = add_certificate(db, scope, row.id, 3, TODAY)
    assert [(c.label, c.obtained_on) for c in certificates(db, scope, row.id) if c.id == cid] == [
        ("Truckcertifikat", TODAY)
    ]


# --------------------------------------------------------------------------- sub-goals


def test_sub_goal_statuses_and_sub_element_scores_are_stored_with_the_evaluation(db):
    scope, row, ctx = _course(db, "sagsbehandler")
    goals = [g.sub_goal_id for g in ctx.plan.sub_goals]
    elements = [x for g in ctx.plan.sub_goals for x in g.sub_element_ids]
    assert goals and elements
    statuses = {goals[0]: "reached"} | {g: None for g in goals[1:]}
    data = _answers(
        ctx,
        sub_goal_status=statuses,
        sub_goal_comment={goals[0]: "Møder hver dag"},
        element_scores={elements[0]: 4},
    )
    eid = record_evaluation(db, scope, row.id, data)
    saved = evaluation(db, scope, eid)
    assert saved.sub_goal_status == {goals[0]: "reached"}  # unanswered: no row
    assert saved.sub_goal_comment == {goals[0]: "Møder hver dag"}
    assert saved.element_scores == {elements[0]: 4}
    assert evaluation_context(db, scope, row.id).last_element_scores[elements[0]] == 4
    # A correction changes them; a sub-element outside the plan is refused.
    outside = next(x for x in range(1, 19) if x not in elements)
    with pytest.raises(ValidationError) as caught:
        update_evaluation(db, scope, eid, saved.version, _answers(ctx, element_scores={outside: 2}))
    assert "underelementer" in caught.value.errors["scores"]
    update_evaluation(
        db,
        scope,
        eid,
        saved.version,
        _answers(ctx, sub_goal_status={goals[0]: "in_progress"}, element_scores={elements[0]: 3}),
    )
    fixed = evaluation(db, scope, eid)
    assert fixed.sub_goal_status == {goals[0]: "in_progress"}
    assert fixed.element_scores == {elements[0]: 3}


def test_bad_sub_goal_status_is_refused_at_its_field(db):
    scope, row, ctx = _course(db, "sagsbehandler")
    gid = ctx.plan.sub_goals[0].sub_goal_id
    with pytest.raises(ValidationError) as caught:
        record_evaluation(db, scope, row.id, _answers(ctx, sub_goal_status={gid: "done"}))
    assert "opnået" in caught.value.errors[f"goal_{gid}_status"]


# --------------------------------------------------------------------------- delete


def test_author_deletes_own_evaluation_within_a_day_audited(db):
    scope, row, ctx = _course(db, "sagsbehandler")
    eid = record_evaluation(
        db,
        scope,
        row.id,
        _answers(ctx, meeting_held=True, meeting_on=TODAY, caseworker_present=False),
    )
    # Another user (even a manager) and the author after a day are refused.
    with pytest.raises(ValidationError):
        delete_evaluation(db, scope_for(db, "leder"), eid)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    with pytest.raises(ValidationError) as caught:
        delete_evaluation(db, scope, eid, now=later)
    assert "inden for et døgn" in caught.value.errors["_form"]
    with pytest.raises(AccessDenied):
        delete_evaluation(db, scope_for(db, "jobkonsulent"), eid)
    delete_evaluation(db, scope, eid)
    assert _count(db, Evaluation, Evaluation.id == eid) == 0
    assert _count(db, EvaluationScore, EvaluationScore.evaluation_id == eid) == 0
    assert _count(db, FollowUpMeeting, FollowUpMeeting.evaluation_id == eid) == 0
    assert _count(db, EvaluationSubGoal, EvaluationSubGoal.evaluation_id == eid) == 0
    assert (
        _count(
            db,
            AuditLog,
            AuditLog.table_name == "evaluation",
            AuditLog.record_id == str(eid),
            AuditLog.action == "delete",
        )
        == 1
    )


# --------------------------------------------------------------------------- scope


def test_caseworker_cannot_see_or_change_another_caseworkers_records(db):
    own, _row, _ctx = _course(db, "sagsbehandler")
    other, other_row, _other_ctx = _course(db, "jobkonsulent")
    mid = plan_meeting(db, other, other_row.id, TODAY + dt.timedelta(days=3))
    pid = add_pause(db, other, other_row.id, "illness", TODAY, TODAY)
    counts = [_count(db, m) for m in (FollowUpMeeting, Pause, Certificate, Deliverable)]
    audit = _count(db, AuditLog)
    for read in (meetings, pauses, certificates, deliverables_due):
        with pytest.raises(AccessDenied):
            read(db, own, other_row.id)
    with pytest.raises(AccessDenied):
        plan_meeting(db, own, other_row.id, TODAY)
    with pytest.raises(AccessDenied):
        record_meeting(db, own, mid, None, "cancelled", cancel_reason="x")
    with pytest.raises(AccessDenied):
        add_pause(db, own, other_row.id, "illness", TODAY, TODAY)
    with pytest.raises(AccessDenied):
        delete_pause(db, own, pid)
    with pytest.raises(AccessDenied):
        add_certificate(db, own, other_row.id, 1, TODAY)
    with pytest.raises(AccessDenied):
        register_deliverable(db, own, other_row.id, "meeting_plan", TODAY, True, TODAY)
    mentor_other = scope_for(db, "mentor1" if other_row.agreement_id == 2 else "mentor")
    with pytest.raises(AccessDenied):
        add_certificate(db, mentor_other, other_row.id, 1, TODAY)
    assert [_count(db, m) for m in (FollowUpMeeting, Pause, Certificate, Deliverable)] == counts
    assert _count(db, AuditLog) == audit


# --------------------------------------------------------------------------- measures


def _overdue(engine, username: str = "leder"):
    from lib.domain.period import Filters, default_period
    from lib.queries.compliance import compliance

    return compliance(engine, scope_for(engine, username), Filters(*default_period())).overdue


def test_planned_meeting_and_open_deliverable_are_overdue_until_recorded(db):
    leder = scope_for(db, "leder")
    meeting_rows = [o for o in _overdue(db) if o.kind == "Opfølgningsmøde (planlagt)"]
    assert meeting_rows, "the demo has a meeting planned and never recorded"
    case_code = meeting_rows[0].case_code
    row = next(r for r in my_enrolments(db, leder) if r.case_code == case_code)
    meeting = next(m for m in meetings(db, leder, row.id) if m.state == MeetingState.PLANNED)
    record_meeting(db, leder, meeting.id, meeting.version, "cancelled", cancel_reason="Flyttet")
    assert not [
        o
        for o in _overdue(db)
        if o.kind == "Opfølgningsmøde (planlagt)" and o.case_code == case_code
    ]
    # An overdue deliverable clears when it is registered as received.
    late = [o for o in _overdue(db) if o.kind in {k.label for k in DeliverableKind}]
    assert late, "the demo has deliverables never received"
    item = late[0]
    row = next(r for r in my_enrolments(db, leder) if r.case_code == item.case_code)
    open_one = next(
        d
        for d in deliverables_due(db, leder, row.id)
        if d.id and d.received_on is None and d.label == item.kind and d.due_on == item.due
    )
    register_deliverable(db, leder, row.id, None, None, True, TODAY, open_one.id)
    assert not [
        o
        for o in _overdue(db)
        if (o.case_code, o.kind, o.due) == (item.case_code, item.kind, item.due)
    ]


def test_sub_goal_measures_count_the_latest_evaluation(db):
    from lib.domain.period import Filters, default_period
    from lib.queries.sub_goals import sub_goal_progress

    leder = scope_for(db, "leder")
    f = Filters(*default_period())
    before = sub_goal_progress(db, leder, f)
    assert before.evaluations > 0 and before.goals > 0  # the demo shows every figure
    assert 0 < before.reached <= before.goals
    assert before.reached + before.in_progress + before.not_started == before.goals
    scope, row, ctx = _course(db, "sagsbehandler")
    goals = [g.sub_goal_id for g in ctx.plan.sub_goals]
    record_evaluation(
        db,
        scope,
        row.id,
        _answers(ctx, sub_goal_status=dict.fromkeys(goals, "reached"), goal_progress="closer"),
    )
    after = sub_goal_progress(db, leder, f)
    # The course's new evaluation replaces its previous latest one.
    assert after.evaluations == before.evaluations + (0 if ctx.last else 1)
    assert after.reached >= before.reached + 1


def test_an_unanswered_question_is_left_out_of_its_share(db):
    """An evaluation without the answers (imported, or from before the questions) is in
    no n: it neither lowers nor raises 'nærmer sig målet' or 'delmål skal justeres'."""
    from sqlalchemy import update

    from db.models import Evaluation
    from lib.domain.period import Filters, default_period
    from lib.queries.sub_goals import sub_goal_progress

    leder = scope_for(db, "leder")
    f = Filters(*default_period())
    before = sub_goal_progress(db, leder, f)
    assert before.goal_answered == before.evaluations > 0  # the demo answers every one
    with db.begin() as conn:
        conn.execute(update(Evaluation).values(goal_progress=None, sub_goals_need_adjusting=None))
    blank = sub_goal_progress(db, leder, f)
    assert blank.evaluations == before.evaluations
    assert (blank.goal_answered, blank.adjust_answered, blank.closer, blank.to_adjust) == (0,) * 4
    assert blank.closer_share is None and blank.adjust_share is None  # shown as "–", not 0 %


def test_certificates_are_counted_from_the_records(db):
    from lib.domain.period import Filters, default_period
    from lib.queries.outcomes import certificates as counted

    leder = scope_for(db, "leder")
    f = Filters(*default_period())
    before = {(a, name): n for a, name, n in counted(db, leder, f)}
    scope, row, _ctx = _course(db, "sagsbehandler")
    add_certificate(db, scope, row.id, 3, TODAY)
    after = {(a, name): n for a, name, n in counted(db, leder, f)}
    assert (
        after[(row.agreement, "Truckcertifikat")]
        == before.get((row.agreement, "Truckcertifikat"), 0) + 1
    )


# --------------------------------------------------------------------------- rules


def test_pauses_move_the_deliverable_and_plan_due_dates():
    from lib.domain import rules

    start = dt.date(2026, 3, 2)
    assert rules.meeting_plan_due(start) == dt.date(2026, 3, 9)
    # A pause of 5 days inside the first week moves the meeting plan by 5 days.
    pause = [(dt.date(2026, 3, 4), dt.date(2026, 3, 8))]
    assert rules.meeting_plan_due(start, pause) == dt.date(2026, 3, 14)
    # A pause after the due date moves nothing; one starting on the start day does not
    # count (paused days are those after the anchor).
    assert rules.meeting_plan_due(start, [(dt.date(2026, 3, 20), dt.date(2026, 3, 30))]) == (
        dt.date(2026, 3, 9)
    )
    assert rules.plan_due(start, 13, pause) == dt.date(2026, 3, 14)
    assert rules.plan_due(start, 52, pause) == dt.date(2026, 4, 4)
    assert rules.invitation_due(dt.date(2026, 5, 1)) == dt.date(2026, 4, 24)


def test_opfolgning_moves_by_exactly_the_saved_evaluation(db):
    from lib.domain.period import Filters, default_period
    from lib.queries.compliance import compliance

    leder = scope_for(db, "leder")
    f = Filters(*default_period())
    scope, row, ctx = _course(db, "sagsbehandler")
    before = compliance(db, leder, f).total
    record_evaluation(
        db,
        scope,
        row.id,
        _answers(ctx, meeting_held=True, meeting_on=TODAY, caseworker_present=False),
    )
    after = compliance(db, leder, f).total
    assert after.evaluations_held == before.evaluations_held + 1
    assert after.meetings_held == before.meetings_held + 1
    assert after.caseworker_present == before.caseworker_present  # answered Nej
    eid2_scope, row2, ctx2 = _course(db, "jobkonsulent")
    record_evaluation(db, eid2_scope, row2.id, _answers(ctx2, meeting_held=False))
    last = compliance(db, leder, f).total
    assert (last.evaluations_held, last.meetings_held) == (
        after.evaluations_held + 1,
        after.meetings_held,
    )


def test_report_question_6_states_the_sub_goal_measures(db):
    from lib.documents.report import build_report
    from lib.domain.period import default_review_period

    report = build_report(db, scope_for(db, "leder"), default_review_period(), threshold=0)
    q6 = [q for a in report.agreements for q in a.questions if q.key == "q6"]
    text = " ".join(s for q in q6 for s in q.summary)
    assert "af delmålene opnået" in text
    assert "nærmer sig det langsigtede mål" in text and "skal delmålene justeres" in text
