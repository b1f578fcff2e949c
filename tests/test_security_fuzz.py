"""Issue 13's fuzz test: the forms' write functions (enrolment, plan, evaluation, hours,
mentor contact, fidelity round) driven with generated text, dates and numbers. Each call either saves, and the row reads back equal to what was given (after
the write path's one normalisation, clean_text), or raises ValidationError with a Danish
message per field and changes no row. Never a database error. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import (
    Agreement,
    AuditLog,
    Deliverable,
    Enrolment,
    Evaluation,
    EvaluationScore,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Participant,
    Plan,
    PlanScore,
    PlanSubGoal,
    SurveyRound,
    TargetGroup,
    WeeklyHours,
)
from lib.commands.enrolments import EnrolmentInput, enrol
from lib.commands.evaluations import EvaluationInput, record_evaluation
from lib.commands.fidelity import create_round
from lib.commands.hours import HoursInput, save_hours
from lib.commands.kit import ValidationError, clean_field
from lib.commands.plans import PlanInput, SubGoalInput, create_plan
from lib.commands.quality import log_mentor_contact
from lib.domain.text import clean_text
from lib.queries.courses import evaluation_context, hours, my_enrolments
from tests.conftest import scope_for

TODAY = dt.date.today()
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2200
) | st.sampled_from(
    ["", "\x00", "a\x0bb", "x" * 4001, "![p](http://x.io/i.png)", "=HYPERLINK(1)", "R" * 300]
)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)) | st.none()
# Dates near today as well, so the save path is reached, not only the refusals.
recent = st.integers(min_value=-40, max_value=400).map(lambda d: TODAY - dt.timedelta(days=d))
dates = recent | dates
# A yes/no fact: None is "not answered" (refused); mostly answered, so saves happen too.
answers = st.sampled_from([True, False, True, False, None])
# Mostly a date in the course, so a form with many fields is saved now and then.
likely_dates = st.sampled_from([0, 1, 2, 3]).flatmap(lambda i: dates if i == 0 else recent)
progresses = st.sampled_from(["closer", "unchanged", "further"] * 2 + ["", "bedre", None])
scores = st.integers(min_value=-2, max_value=8) | st.none()
# Short codes as a caseworker types them, beside the generated text above.
codes = st.text(alphabet="ABCDEFGHßæøÅ0123456789- ", min_size=1, max_size=12) | texts
numbers = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**12), max_value=10**12).map(float)
    | st.none()
)


@pytest.fixture
def demo_db(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _rows(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditLog)) or 0


def _refused_cleanly(engine, exc: ValidationError, before: int) -> None:
    event("refused")  # pytest --hypothesis-show-statistics: how often each path ran
    assert exc.errors and all(isinstance(m, str) and m for m in exc.errors.values())
    assert _rows(engine) == before  # no row changed (every change writes an audit row)


@FUZZ
@given(name=texts, held_on=dates)
def test_fuzz_create_round(demo_db, name, held_on):
    scope = scope_for(demo_db, "leder")
    before = _rows(demo_db)
    try:
        rid = create_round(demo_db, scope, name, "midpoint", held_on)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    with demo_db.connect() as conn:
        row = conn.execute(select(SurveyRound).where(SurveyRound.id == rid)).one()
    assert row.name == clean_text(name.strip()) and row.held_on == held_on


@FUZZ
@given(note=texts, contact_on=dates)
def test_fuzz_log_mentor_contact(demo_db, note, contact_on):
    scope = scope_for(demo_db, "leder")
    with demo_db.connect() as conn:
        assignment_id = conn.scalar(select(func.min(MentorAssignment.id)))
    before = _rows(demo_db)
    try:
        cid = log_mentor_contact(demo_db, scope, assignment_id, contact_on, note)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    with demo_db.connect() as conn:
        row = conn.execute(select(MentorContact).where(MentorContact.id == cid)).one()
    assert row.note == clean_text(note) and row.contact_on == contact_on


@FUZZ
@given(planned=numbers, attended=numbers, illness=numbers, ordinary=numbers)
def test_fuzz_save_hours(demo_db, planned, attended, illness, ordinary):
    scope = scope_for(demo_db, "sagsbehandler")
    row = my_enrolments(demo_db, scope)[0]
    week = hours(demo_db, scope, row.id, weeks=1)[0]
    before = _rows(demo_db)
    given_values = (planned, attended, illness, ordinary)
    try:
        save_hours(
            demo_db,
            scope,
            row.id,
            [HoursInput(week.week_start, *given_values, version=week.version)],
        )
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    with demo_db.connect() as conn:
        saved = conn.execute(
            select(
                WeeklyHours.planned_hours,
                WeeklyHours.attended_hours,
                WeeklyHours.illness_hours,
                WeeklyHours.ordinary_paid_hours,
            ).where(WeeklyHours.enrolment_id == row.id, WeeklyHours.week_start == week.week_start)
        ).one_or_none()
    if saved is None:  # a week of only zeros is not a registration: nothing stored
        assert given_values == (0, 0, 0, 0)
        return
    for value, stored in zip(given_values, saved, strict=True):
        assert value is not None and math.isfinite(value) and 0 <= value <= 80
        assert stored == pytest.approx(value)


@FUZZ
@given(
    case_code=codes,
    initials=codes,
    start=dates,
    referred=dates,
    status=st.sampled_from(["referral", "active", "ended", ""]),
    weeks=st.sampled_from([13, 52]) | st.integers(min_value=-3, max_value=10**6),
)
# A referral may start in the future; in year 9999 its planned end cannot be computed.
@example("K-9999", "ab", dt.date(9999, 12, 31), None, "referral", 52)
@example("K-0001", "ßß", dt.date(1, 1, 1), None, "referral", 13)
# Ten characters typed, eleven or more once upper-cased ("ß" -> "SS").
@example("K-0002", "ßßßßßß", TODAY, None, "referral", 13)
def test_fuzz_enrol(demo_db, case_code, initials, start, referred, status, weeks):
    scope = scope_for(demo_db, "sagsbehandler")
    with demo_db.connect() as conn:
        agreement_id = conn.scalar(select(func.min(Agreement.id)))
        target_group_id = conn.scalar(select(func.min(TargetGroup.id)))
    data = EnrolmentInput(
        agreement_id,
        status,
        start,
        weeks,
        case_code=case_code,
        initials=initials,
        target_group_id=target_group_id,
        caseworker_id=scope.user_id,
        referred_on=referred,
    )
    before = _rows(demo_db)
    try:
        eid = enrol(demo_db, scope, data)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    event("saved")
    with demo_db.connect() as conn:
        row = conn.execute(
            select(
                Enrolment.status,
                Enrolment.start_date,
                Enrolment.planned_weeks,
                Enrolment.referred_on,
                Participant.case_code,
                Participant.initials,
            )
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Enrolment.id == eid)
        ).one()
    assert (row.status, row.start_date, row.planned_weeks) == (status, start, weeks)
    assert row.referred_on == (referred or TODAY)
    assert row.case_code == clean_field(case_code)
    assert row.initials == clean_field(initials).upper()
    # What was saved can be shown: the caseworker's course list reads it (with its end).
    assert eid in {r.id for r in my_enrolments(demo_db, scope, (status,))}


def _active_with_plan(engine, scope):
    for row in my_enrolments(engine, scope):
        ctx = evaluation_context(engine, scope, row.id)
        if row.status == "active" and ctx.plan is not None:
            return row, ctx
    raise AssertionError("the demo has an active course with a plan")


@FUZZ
@given(
    created_on=dates,
    took_part=texts,
    long_term_goal=texts,
    rationale=texts,
    focus=texts,
    score=scores,
    with_participant=answers,
)
def test_fuzz_create_plan(
    demo_db, created_on, took_part, long_term_goal, rationale, focus, score, with_participant
):
    scope = scope_for(demo_db, "sagsbehandler")
    row, _ = _active_with_plan(demo_db, scope)
    data = PlanInput(
        created_on,
        [SubGoalInput(1, [3], rationale=rationale, focus=focus)],
        {} if score is None else {3: score},
        made_with_participant=with_participant,
        took_part=took_part,
        long_term_goal=long_term_goal,
    )
    before = _rows(demo_db)
    try:
        plan_id = create_plan(demo_db, scope, row.id, data)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    event("saved")
    with demo_db.connect() as conn:
        plan = conn.execute(select(Plan).where(Plan.id == plan_id)).one()
        goal = conn.execute(select(PlanSubGoal).where(PlanSubGoal.plan_id == plan_id)).one()
        stored = conn.scalar(select(PlanScore.score).where(PlanScore.plan_id == plan_id))
    assert (plan.created_on, plan.made_with_participant) == (created_on, with_participant)
    assert plan.took_part == clean_text(took_part)
    assert plan.long_term_goal == clean_text(long_term_goal)
    assert (goal.rationale, goal.focus) == (clean_text(rationale), clean_text(focus))
    assert stored == score


@FUZZ
@given(
    evaluated_on=likely_dates,
    notes=texts,
    score=scores,
    progress=progresses,
    adjusting=answers,
    with_participant=answers,
    held=answers,
    meeting_on=likely_dates,
    caseworker_present=answers,
    invited=answers,
    invited_on=likely_dates,
)
@example(TODAY, "Godt møde", 3, "closer", False, True, True, TODAY, True, True, TODAY)
def test_fuzz_record_evaluation(
    demo_db,
    evaluated_on,
    notes,
    score,
    progress,
    adjusting,
    with_participant,
    held,
    meeting_on,
    caseworker_present,
    invited,
    invited_on,
):
    scope = scope_for(demo_db, "sagsbehandler")
    row, ctx = _active_with_plan(demo_db, scope)
    parameter = ctx.plan.parameter_ids[0]
    data = EvaluationInput(
        evaluated_on=evaluated_on,
        scores={} if score is None else {parameter: score},
        goal_progress=progress,
        sub_goals_need_adjusting=adjusting,
        notes=notes,
        written_with_participant=with_participant,
        meeting_held=held,
        meeting_on=meeting_on,
        caseworker_present=caseworker_present,
        invitation_received=invited,
        invitation_received_on=invited_on,
    )
    before = _rows(demo_db)
    try:
        eid = record_evaluation(demo_db, scope, row.id, data, confirm_close=True)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    event("saved")
    with demo_db.connect() as conn:
        ev = conn.execute(select(Evaluation).where(Evaluation.id == eid)).one()
        stored = conn.scalar(
            select(EvaluationScore.score).where(EvaluationScore.evaluation_id == eid)
        )
        meeting = conn.execute(
            select(FollowUpMeeting).where(FollowUpMeeting.evaluation_id == eid)
        ).one()
        received = conn.scalar(
            select(Deliverable.received_on).where(Deliverable.evaluation_id == eid)
        )
    assert (ev.evaluated_on, ev.goal_progress, ev.notes) == (
        evaluated_on,
        progress,
        clean_text(notes),
    )
    assert (ev.sub_goals_need_adjusting, ev.written_with_participant) == (
        adjusting,
        with_participant,
    )
    assert stored == score
    assert (meeting.held, meeting.held_on) == (held, meeting_on if held else None)
    assert meeting.caseworker_present == bool(held and caseworker_present)
    assert received == (invited_on if invited else None)
