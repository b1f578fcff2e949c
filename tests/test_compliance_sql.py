"""compliance() judges plans and evaluations in SQL (a window over each course's
evaluations; lib.queries.filters.add_months / add_days) for courses without pauses, and by
lib.domain.rules for the few with pauses. These tests hold it to the course-by-course
Python computation it replaced (`reference` below: the old lib.queries.compliance
._compliance, kept here unchanged), on random courses, on SQLite and PostgreSQL: every
count per agreement and per caseworker, and the open lists.

Hypothesis draws agreements with intervals of 1-12 months, courses that start and end
around the period, baseline plans and evaluations on month ends (31 Jan + 1 month = 28 or
29 Feb) and a few days either side of each due date and its grace days, two evaluations on
a day, evaluations before the baseline plan, pauses, meetings and deliverables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    ColumnElement,
    Date,
    Engine,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    update,
)

from db.engine import make_engine, write_session
from db.models import (
    Agreement,
    Deliverable,
    Enrolment,
    Enterprise,
    Evaluation,
    FollowUpMeeting,
    Participant,
    Pause,
    Plan,
    User,
)
from db.summaries import rebuild_all
from lib.domain import rules
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind, EnrolmentStatus
from lib.domain.period import Filters
from lib.domain.rules import Tally
from lib.queries import my_results
from lib.queries.compliance import (
    DUE_SOON_DAYS,
    Compliance,
    CourseRow,
    GroupCompliance,
    OpenItem,
    _courses,
    _deliverable_counts,
    _file,
    compliance,
    compliance_by_caseworker,
    course_items,
    dates_by_course,
    open_items,
)
from lib.queries.filters import add_days, add_months, enrolment_filter, overlaps_period
from lib.queries.scope import enrolment_clause

D = dt.date
AGREEMENTS = (1, 2, 3)
CASEWORKERS = (2, 3)
MANAGER = Scope(1, "chef", "leder")
CASEWORKER = Scope(2, "cw2", "sagsbehandler")
ACTIVE, ENDED, REFERRAL = EnrolmentStatus.ACTIVE, EnrolmentStatus.ENDED, EnrolmentStatus.REFERRAL


def _open(c: CourseRow, kind: str, due, done_on, as_of, overdue: list, due_soon: list) -> None:
    """The reference's filing of a not-done item of an active course (overdue, or due
    within DUE_SOON_DAYS)."""
    if done_on is not None and done_on <= as_of:
        return
    _file(c.case_code, c.agreement, c.caseworker, kind, due, as_of, overdue, due_soon)


EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MONTH_ENDS = [D(2024, 1, 31), D(2024, 2, 29), D(2024, 8, 31), D(2024, 10, 31), D(2024, 12, 31),
              D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 5, 31), D(2025, 7, 31),
              D(2025, 12, 30), D(2025, 12, 31), D(2026, 1, 29), D(2026, 1, 31)]  # fmt: skip


# --------------------------------------------------------------------------- reference
def _meeting_counts(ids, f: Filters, as_of: dt.date):
    """Per course: evaluations in the period, with a held meeting, with the caseworker,
    from the meetings themselves (compliance reads them from evaluation_follow_up)."""
    in_period = and_(
        Evaluation.enrolment_id.in_(ids),
        Evaluation.evaluated_on >= f.start,
        Evaluation.evaluated_on <= as_of,
    )
    held = (
        select(
            FollowUpMeeting.evaluation_id,
            func.max(case((FollowUpMeeting.held, 1), else_=0)).label("held"),
            func.max(
                case((and_(FollowUpMeeting.held, FollowUpMeeting.caseworker_present), 1), else_=0)
            ).label("present"),
        )
        .group_by(FollowUpMeeting.evaluation_id)
        .subquery()
    )
    return (
        select(
            Evaluation.enrolment_id,
            func.count(),
            func.coalesce(func.sum(held.c.held), 0),
            func.coalesce(func.sum(held.c.present), 0),
        )
        .outerjoin(held, held.c.evaluation_id == Evaluation.id)
        .where(in_period)
        .group_by(Evaluation.enrolment_id)
    )


def reference(
    engine: Engine,
    courses_clause: ColumnElement[bool],
    f: Filters,
    today: dt.date | None,
    *,
    open_items: bool,
) -> Compliance:
    """lib.queries.compliance._compliance as it was before plans and evaluations were
    judged in SQL: every course's evaluation dates and pauses read into Python and judged by
    lib.domain.rules course by course."""
    today = today or dt.date.today()
    as_of = f.as_of(today)
    by_agreement: dict[int, GroupCompliance] = {}
    by_caseworker: dict[int | None, GroupCompliance] = {}
    overdue: list[OpenItem] = []
    due_soon: list[OpenItem] = []
    open_items = open_items and f.end >= today

    with engine.connect() as conn:
        courses = _courses(conn, courses_clause, f, today)
        ids = select(Enrolment.id).where(
            courses_clause, enrolment_filter(f), overlaps_period(f, today)
        )
        evaluations = dates_by_course(
            conn,
            select(Evaluation.enrolment_id, Evaluation.evaluated_on)
            .where(Evaluation.enrolment_id.in_(ids), Evaluation.evaluated_on <= as_of)
            .order_by(Evaluation.evaluated_on),
        )
        pauses = dates_by_course(
            conn,
            select(Pause.enrolment_id, Pause.start_date, Pause.end_date).where(
                Pause.enrolment_id.in_(ids)
            ),
        )
        meeting_rows = conn.execute(_meeting_counts(ids, f, as_of)).all()
        deliverable_rows = conn.execute(_deliverable_counts(ids, f, as_of)).all()
        deliverable_open = (
            conn.execute(
                select(Deliverable.enrolment_id, Deliverable.kind, Deliverable.due_on).where(
                    Deliverable.enrolment_id.in_(ids),
                    Deliverable.received_on.is_(None),
                    Deliverable.due_on.is_not(None),
                    Deliverable.due_on <= as_of + dt.timedelta(days=DUE_SOON_DAYS),
                )
            ).all()
            if open_items
            else []
        )
        meeting_open = (
            conn.execute(
                select(FollowUpMeeting.enrolment_id, FollowUpMeeting.planned_on).where(
                    FollowUpMeeting.enrolment_id.in_(ids),
                    FollowUpMeeting.evaluation_id.is_(None),
                    FollowUpMeeting.held.is_(False),
                    FollowUpMeeting.cancelled.is_(False),
                    FollowUpMeeting.planned_on <= as_of + dt.timedelta(days=DUE_SOON_DAYS),
                )
            ).all()
            if open_items
            else []
        )

    def groups(c: CourseRow) -> tuple[GroupCompliance, GroupCompliance]:
        a = by_agreement.setdefault(c.agreement_id, GroupCompliance(c.agreement_id, c.agreement))
        w = by_caseworker.setdefault(
            c.caseworker_id, GroupCompliance(c.caseworker_id, c.caseworker)
        )
        return a, w

    course_by_id = {c.enrolment_id: c for c in courses}
    for c in courses:
        items = course_items(
            c, evaluations.get(c.enrolment_id, []), pauses.get(c.enrolment_id, []), as_of
        )
        counted = [i for i in items if f.start <= i.due <= as_of]
        plan_t = rules.tally(i for i in counted if i.kind == "plan")
        eval_t = rules.tally(i for i in counted if i.kind == "evaluation")
        for g in groups(c):
            g.plans += plan_t
            g.evaluations += eval_t
            g.courses += 1
        if open_items and c.status == EnrolmentStatus.ACTIVE:
            for i in items:
                _open(c, i.kind, i.due, i.done_on, as_of, overdue, due_soon)

    for enrolment_id, n, held, present in meeting_rows:
        for g in groups(course_by_id[enrolment_id]):
            g.evaluations_held += n
            g.meetings_held += held
            g.caseworker_present += present
    for enrolment_id, on_time, late, missing in deliverable_rows:
        for g in groups(course_by_id[enrolment_id]):
            g.deliverables += Tally(on_time, late, missing)
    for enrolment_id, kind, due in deliverable_open:
        c = course_by_id[enrolment_id]
        if c.status == EnrolmentStatus.ACTIVE:
            _open(c, f"deliverable:{kind}", due, None, as_of, overdue, due_soon)
    for enrolment_id, planned_on in meeting_open:
        c = course_by_id[enrolment_id]
        if c.status == EnrolmentStatus.ACTIVE:
            _open(c, "meeting", planned_on, None, as_of, overdue, due_soon)

    total = GroupCompliance(None, "I alt")
    for g in by_agreement.values():
        total.plans += g.plans
        total.evaluations += g.evaluations
        total.deliverables += g.deliverables
        total.evaluations_held += g.evaluations_held
        total.meetings_held += g.meetings_held
        total.caseworker_present += g.caseworker_present
        total.courses += g.courses
    overdue.sort(key=lambda i: (-i.days, i.case_code))
    due_soon.sort(key=lambda i: (i.due, i.case_code))
    return Compliance(
        as_of,
        sorted(by_agreement.values(), key=lambda g: g.key or 0),
        sorted(by_caseworker.values(), key=lambda g: (g.label, g.key or 0)),
        total,
        overdue,
        due_soon,
        len(courses),
        len(overdue),
        len(due_soon),
    )


# --------------------------------------------------------------------------- worlds
@dataclass(frozen=True)
class GeneratedCourse:
    agreement_id: int
    caseworker_id: int | None
    status: EnrolmentStatus
    start: dt.date
    weeks: int
    end: dt.date | None
    baseline: dt.date | None
    evaluations: tuple[tuple[dt.date, tuple[bool, bool] | None], ...]  # (day, meeting)
    pauses: tuple[tuple[dt.date, dt.date], ...]
    deliverables: tuple[tuple[str, dt.date | None, dt.date | None], ...]
    planned_meetings: tuple[dt.date, ...]  # planned on their own, not held


@dataclass(frozen=True)
class World:
    intervals: tuple[int, ...]  # per agreement
    period: Filters
    today: dt.date
    courses: tuple[GeneratedCourse, ...]


def days_after(day: dt.date, low: int, high: int):
    return st.integers(low, high).map(lambda n: day + dt.timedelta(days=n))


# Offsets from a due date: either side of it and of its grace days, and far off.
OFFSETS = st.sampled_from([-1, 0, 1, 6, 7, 8, 9]) | st.integers(-70, 200) | st.just(-400)


@st.composite
def course(draw, intervals: tuple[int, ...], f: Filters, as_of: dt.date) -> GeneratedCourse:
    agreement_id = draw(st.sampled_from(AGREEMENTS))
    n = intervals[agreement_id - 1]
    status = draw(st.sampled_from([ACTIVE, ACTIVE, ENDED, REFERRAL]))
    # The baseline plan (or the day it would have been made) on a month end or anywhere,
    # the start up to 40 days before it.
    made = draw(
        st.sampled_from(MONTH_ENDS) | days_after(f.start, -500, 10) | days_after(as_of, -60, 1)
    )
    start = made - dt.timedelta(days=draw(st.integers(0, 40)))
    baseline = draw(st.none() | st.just(made) | st.just(made))
    end = draw(days_after(start, 0, 500)) if status == ENDED else None
    # A chain of evaluations, each a few days either side of its due date (or on the same
    # day as the one before); some before the baseline plan.
    days: list[dt.date] = []
    anchor = baseline or start
    for step in draw(st.lists(st.none() | OFFSETS, max_size=7) | st.lists(OFFSETS, max_size=4)):
        day = anchor if step is None else rules.add_months(anchor, n) + dt.timedelta(days=step)
        days.append(day)
        anchor = day
    meetings = st.none() | st.tuples(st.booleans(), st.booleans())
    evaluations = tuple((day, draw(meetings)) for day in days)
    pause = st.tuples(days_after(start, -10, 400), st.integers(0, 45)).map(
        lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))
    )
    pauses = draw(st.just(()) | st.just(()) | st.lists(pause, min_size=1, max_size=2).map(tuple))
    deliverable = st.tuples(
        st.sampled_from([k.value for k in DeliverableKind]),
        st.none() | days_after(as_of, -200, 20),
        st.none() | days_after(as_of, -200, 20),
    )
    return GeneratedCourse(
        agreement_id,
        draw(st.sampled_from((None, *CASEWORKERS))),
        status,
        start,
        draw(st.sampled_from([13, 52])),
        end,
        baseline,
        evaluations,
        pauses,
        tuple(draw(st.lists(deliverable, max_size=2))),
        tuple(draw(st.lists(days_after(as_of, -30, 20), max_size=1))),
    )


@st.composite
def worlds(draw) -> World:
    intervals = tuple(draw(st.lists(st.sampled_from([1, 2, 3, 6, 12]), min_size=3, max_size=3)))
    start = draw(st.sampled_from(MONTH_ENDS + [D(2025, 3, 1), D(2025, 1, 1)]) | days_after(
        D(2025, 1, 1), 0, 400))  # fmt: skip
    period = Filters(start, draw(days_after(start, 0, 400)))
    today = draw(days_after(start, 0, 500))
    as_of = period.as_of(today)
    courses = draw(st.lists(course(intervals, period, as_of), min_size=1, max_size=8))
    pairs = []  # (an evaluation, the next one's due date, the next one)
    for c in courses:
        days = sorted(day for day, _ in c.evaluations if c.baseline and day > c.baseline)
        n = intervals[c.agreement_id - 1]
        pairs += [(a, rules.add_months(a, n), b) for a, b in zip(days, days[1:], strict=False)]
    if pairs and draw(st.integers(0, 3)):
        # Mostly, a period that starts between an evaluation and the next one's due date,
        # counted after both: the evaluation before the period decides the due date of the
        # one in it.
        before, due, after = draw(st.sampled_from(pairs))
        start = before + dt.timedelta(days=draw(st.integers(1, (due - before).days + 3)))
        today = max(due, after) + dt.timedelta(days=draw(st.integers(-3, 120)))
        period = Filters(start, max(start, today + dt.timedelta(days=draw(st.integers(-3, 30)))))
    return World(intervals, period, today, tuple(courses))


@pytest.fixture
def engine(any_db_url):
    """One migrated database with a manager, two caseworkers and three agreements."""
    engine = make_engine(any_db_url)
    with write_session(engine, "test", audit_log=False) as s:
        s.add(Enterprise(id=1, name="Virksomhed"))
        s.add(User(id=1, username="chef", display_name="Chef", password_hash="x", role="leder"))
        s.add_all(
            User(id=u, username=f"cw{u}", display_name=f"Sagsbehandler {u}", password_hash="x",
                 role="sagsbehandler")
            for u in CASEWORKERS
        )  # fmt: skip
        s.flush()
        s.add_all(
            Agreement(id=a, enterprise_id=1, name=f"Aftale {a}", slots=5, start_date=D(2024, 1, 1))
            for a in AGREEMENTS
        )
    yield engine
    engine.dispose()


COURSE_TABLES = (FollowUpMeeting, Deliverable, Evaluation, Pause, Plan, Enrolment, Participant)


def store(engine, world: World) -> None:
    rows: dict[type, list[dict]] = defaultdict(list)
    for n, c in enumerate(world.courses, start=1):
        rows[Participant].append(dict(id=n, case_code=f"G-{n:02d}", initials="XX",
                                      target_group_id=1, caseworker_id=c.caseworker_id))  # fmt: skip
        rows[Enrolment].append(dict(id=n, participant_id=n, agreement_id=c.agreement_id,
                                    status=c.status, start_date=c.start, planned_weeks=c.weeks,
                                    end_date=c.end))  # fmt: skip
        if c.baseline:
            rows[Plan].append(dict(id=n, enrolment_id=n, version_no=1, created_on=c.baseline))
        for day, meeting in c.evaluations:
            evaluation_id = len(rows[Evaluation]) + 1
            rows[Evaluation].append(dict(id=evaluation_id, enrolment_id=n, evaluated_on=day))
            if meeting is not None:
                rows[FollowUpMeeting].append(dict(enrolment_id=n, evaluation_id=evaluation_id,
                                                  planned_on=None, held=meeting[0],
                                                  caseworker_present=meeting[1]))  # fmt: skip
        rows[Pause] += [dict(enrolment_id=n, start_date=a, end_date=b) for a, b in c.pauses]
        rows[Deliverable] += [dict(enrolment_id=n, kind=kind, due_on=due, received_on=received)
                              for kind, due, received in c.deliverables]  # fmt: skip
        rows[FollowUpMeeting] += [dict(enrolment_id=n, evaluation_id=None, planned_on=day,
                                       held=False, caseworker_present=False)
                                  for day in c.planned_meetings]  # fmt: skip
    with engine.begin() as conn:
        for table in COURSE_TABLES:  # children first
            conn.execute(delete(table))
        for a, n in zip(AGREEMENTS, world.intervals, strict=True):
            conn.execute(update(Agreement).where(Agreement.id == a).values(
                evaluation_interval_months=n))  # fmt: skip
        for table in reversed(COURSE_TABLES):  # parents first
            if rows[table]:
                conn.execute(insert(table), rows[table])
        rebuild_all(conn)  # Core inserts: the flush hook that keeps the summaries is not run


def course_with(agreement_id, start, baseline, *days, weeks=13, pauses=(), end=None):
    return GeneratedCourse(agreement_id, 2, ENDED if end else ACTIVE, start, weeks, end,
                           baseline, tuple((d, None) for d in days), tuple(pauses), (), ())  # fmt: skip


# Month ends, by hand: 31 Jan + 1 month = 29 Feb 2024 (on time up to 7 Mar) and 28 Feb
# 2025; 29 Feb 2024 + 12 months = 28 Feb 2025; 31 Dec + 2 months = 28 Feb.
MONTH_END_WORLD = World(
    (1, 12, 2),
    Filters(D(2024, 2, 1), D(2025, 4, 30)),
    D(2025, 4, 30),
    (
        course_with(1, D(2024, 1, 2), D(2024, 1, 31), D(2024, 3, 7), D(2024, 4, 8)),
        course_with(1, D(2024, 1, 2), D(2024, 1, 31), D(2024, 3, 8)),
        course_with(2, D(2024, 2, 1), D(2024, 2, 29), D(2025, 3, 7), weeks=52),
        course_with(2, D(2024, 2, 1), D(2024, 2, 29), D(2025, 3, 8)),
        course_with(3, D(2024, 12, 1), D(2024, 12, 31), D(2025, 3, 7), D(2025, 3, 7)),
        course_with(3, D(2024, 12, 1), D(2024, 12, 31), D(2024, 12, 20), D(2025, 3, 8)),
        course_with(1, D(2025, 1, 2), D(2025, 1, 31), D(2025, 3, 8), end=D(2025, 3, 31)),
        course_with(
            3,
            D(2024, 12, 1),
            D(2024, 12, 31),
            D(2025, 3, 8),
            pauses=[(D(2025, 2, 1), D(2025, 2, 1))],
        ),
    ),
)


# Only evaluations from a reach before the period are read: the one on 1 Mar (before the
# period) decides that the one on 1 May is due on 1 May, in the period. With 12-month
# intervals, the one on 20 Apr 2024 decides the due date of the one on 1 May 2025.
REACH_WORLD = World(
    (2, 12, 1),
    Filters(D(2025, 4, 1), D(2025, 12, 31)),
    D(2025, 12, 31),
    (
        course_with(1, D(2024, 12, 20), D(2025, 1, 1), D(2025, 3, 1), D(2025, 5, 1)),
        course_with(2, D(2024, 3, 1), D(2024, 3, 20), D(2024, 4, 20), D(2025, 5, 1), weeks=52),
        course_with(3, D(2025, 1, 1), D(2025, 1, 2), D(2025, 3, 3)),
    ),
)


# The open lists' edges, for a course still running today: a plan made today is done,
# one made tomorrow is not (1 Jun + 1 week: overdue since 8 Jun); the next evaluation is
# listed from 14 days before it is due (30 Jun + 14 days = 14 Jul, 2 months after 14 May)
# and not one day earlier; a course without a baseline plan owes the plan only.
OPEN_EDGE_WORLD = World(
    (2, 2, 2),
    Filters(D(2025, 1, 1), D(2025, 6, 30)),
    D(2025, 6, 30),
    (
        course_with(1, D(2025, 6, 1), D(2025, 6, 30)),
        course_with(1, D(2025, 6, 1), D(2025, 7, 1)),
        course_with(2, D(2025, 3, 1), D(2025, 3, 5), D(2025, 5, 14)),
        course_with(2, D(2025, 3, 1), D(2025, 3, 5), D(2025, 5, 15)),
        course_with(3, D(2025, 6, 20), None),
    ),
)


def evaluations_current(world: World) -> dict[int | None, tuple[int, int]]:
    """Mine resultater's Evaluering ikke overskredet from the generated courses and every
    evaluation date: per caseworker, (active courses, of which none missing today)."""
    f, today = world.period, world.today
    out: dict[int | None, tuple[int, int]] = {}
    for c in world.courses:
        if c.status != ACTIVE or c.start > f.as_of(today) or (c.end and c.end < f.start):
            continue
        current = my_results.evaluation_current(
            c.baseline,
            [day for day, _ in c.evaluations if day <= today],
            world.intervals[c.agreement_id - 1],
            today,
            c.pauses,
        )
        n, ok = out.get(c.caseworker_id, (0, 0))
        out[c.caseworker_id] = (n + 1, ok + current)
    return out


def compare(engine, world: World) -> None:
    f, today = world.period, world.today
    with engine.connect() as conn:
        assert my_results._evaluations_current(conn, f, today) == evaluations_current(world)
    for scope in (MANAGER, CASEWORKER):
        expected = reference(engine, enrolment_clause(scope), f, today, open_items=True)
        assert compliance(engine, scope, f, today) == expected
        # The screen's first item of each list (SQL ranks by due date; the case code
        # orders ties), the counts of all, and the files' every item.
        first = compliance(engine, scope, f, today, shown=1)
        assert (first.overdue, first.due_soon) == (expected.overdue[:1], expected.due_soon[:1])
        assert (first.overdue_count, first.due_soon_count) == (
            len(expected.overdue),
            len(expected.due_soon),
        )
        every = open_items(engine, scope, f, today)
        assert (every.overdue, every.due_soon) == (expected.overdue, expected.due_soon)
    everyone = reference(engine, true(), f, today, open_items=False)
    assert compliance_by_caseworker(engine, f, today) == {g.key: g for g in everyone.by_caseworker}


@EXAMPLES
@given(world=worlds())
@example(world=MONTH_END_WORLD)
@example(world=REACH_WORLD)
@example(world=OPEN_EDGE_WORLD)
def test_compliance_in_sql_is_the_rules_course_by_course(engine, world):
    store(engine, world)
    compare(engine, world)


def test_the_month_end_world_counts_what_the_rules_say(engine):
    """The hand-made month ends above, counted: the SQL path and the reference agree on
    figures that are not all zero."""
    store(engine, MONTH_END_WORLD)
    got = compliance(engine, MANAGER, MONTH_END_WORLD.period, MONTH_END_WORLD.today).total
    assert got.evaluations.on_time >= 3 and got.evaluations.late >= 3
    assert got.courses == len(MONTH_END_WORLD.courses)
    compare(engine, MONTH_END_WORLD)


@pytest.mark.parametrize("day", [*MONTH_ENDS, D(2023, 11, 30), D(2024, 3, 31), D(2026, 5, 15)])
def test_add_months_and_add_days_in_sql_are_the_rules(any_db_url, day):
    engine = make_engine(any_db_url)
    try:
        with engine.connect() as conn:
            for n in range(1, 13):
                got = conn.execute(
                    select(add_months(literal(day, Date), n), add_days(literal(day, Date), n))
                ).one()
                assert tuple(got) == (rules.add_months(day, n), day + dt.timedelta(days=n))
    finally:
        engine.dispose()


def test_the_open_edge_world_lists_what_the_rules_say(engine):
    """The hand-made edges above: the plan made tomorrow and the course without one are
    overdue, the evaluation due on 14 Jul is due soon, the one due on 15 Jul is not yet."""
    store(engine, OPEN_EDGE_WORLD)
    got = compliance(engine, MANAGER, OPEN_EDGE_WORLD.period, OPEN_EDGE_WORLD.today)
    assert [(i.kind, i.due) for i in got.overdue] == [
        ("Plan (baseline)", D(2025, 6, 8)),
        ("Plan (baseline)", D(2025, 6, 27)),
    ]
    assert [(i.kind, i.due) for i in got.due_soon] == [("Evaluering", D(2025, 7, 14))]
    compare(engine, OPEN_EDGE_WORLD)
