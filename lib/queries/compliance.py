"""Follow-up compliance (opfølgning) per agreement and per caseworker, within scope.

Every count is one SQL statement (`_counts`): plans and evaluations are judged in SQL for
courses without pauses (each evaluation is due N months after the one before it, the day
the evaluation_follow_up summary holds for it), meetings (also from
evaluation_follow_up) and deliverables are counted for every course; the few courses with
a pause (pauses move due dates) are read course by course and judged by lib.domain.rules.
The open lists are SQL rows too (`_open_items`): of each active course without a pause
only its plan and the evaluation after its last one can be open; the database ranks them
by due date and sends only those that can be among the first the screen shows
(`_open_lists`), with how many there are. tests/test_compliance_sql.py holds all this
to the rules course by course on random courses; the one-item rules
the meetings and deliverables follow (rules.deliverable_item, rules.meeting_status) are
checked against these counts by tests/test_measure_properties.py.

The measures' labels and definitions are lib.domain.measures' PLANS_ON_TIME,
EVALUATIONS_ON_TIME, MEETINGS_HELD, CASEWORKER_PRESENT and DELIVERABLES_ON_TIME; Mine
resultater takes the same figures per caseworker from `compliance_by_caseworker`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Engine,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)

from db.models import (
    Agreement,
    Deliverable,
    Enrolment,
    Evaluation,
    EvaluationFollowUp,
    Extension,
    FollowUpMeeting,
    Participant,
    Pause,
    Plan,
    User,
)
from db.sql import evaluation_interval
from lib.domain import rules
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind, EnrolmentStatus
from lib.domain.period import Filters
from lib.domain.rules import DueItem, Tally
from lib.queries.filters import (
    add_days,
    add_months,
    enrolment_filter,
    overlaps_period,
    side_by_side,
    sort_in_memory,
)
from lib.queries.scope import enrolment_clause

NO_CASEWORKER = "Ingen sagsbehandler"


DUE_SOON_DAYS = 14


KIND_LABELS = {
    "plan": "Plan (baseline)",
    "evaluation": "Evaluering",
    "meeting": "Opfølgningsmøde (planlagt)",
} | {f"deliverable:{kind.value}": kind.label for kind in DeliverableKind}


@dataclass(frozen=True)
class CourseRow:
    enrolment_id: int
    case_code: str
    agreement_id: int
    agreement: str
    caseworker_id: int | None
    caseworker: str
    status: str
    start: dt.date
    planned_weeks: int
    end_date: dt.date | None
    expected_end: dt.date
    interval_months: int
    baseline_on: dt.date | None


@dataclass
class GroupCompliance:
    key: int | None  # the agreement's id, or the caseworker's user id (None: no caseworker)
    label: str
    plans: Tally = field(default_factory=Tally)
    evaluations: Tally = field(default_factory=Tally)
    deliverables: Tally = field(default_factory=Tally)
    evaluations_held: int = 0  # evaluations in the period (meetings' n)
    meetings_held: int = 0
    caseworker_present: int = 0
    courses: int = 0  # courses that ran during some of the period

    @property
    def meeting_share(self) -> float | None:
        return self.meetings_held / self.evaluations_held if self.evaluations_held else None

    @property
    def caseworker_share(self) -> float | None:
        return self.caseworker_present / self.evaluations_held if self.evaluations_held else None


class OpenItem(NamedTuple):
    """Something not done: overdue now or falling due soon. A tuple: the lists hold one
    per open deadline (tens of thousands at national size), and the cache stores and
    copies them on every run."""

    case_code: str
    agreement: str
    caseworker: str
    kind: str
    due: dt.date
    days: int  # days overdue (>0) or days until due (>=0)


# The open lists hold the most overdue (or soonest due) items first; a manager works from
# the top. 57,000 overdue items at national size took seconds a run to fetch, build, copy
# from the cache and send; the screen shows these many and the files have them all.
OPEN_ITEMS_SHOWN = 500


@dataclass
class Compliance:
    as_of: dt.date
    by_agreement: list[GroupCompliance]
    by_caseworker: list[GroupCompliance]
    total: GroupCompliance
    overdue: list[OpenItem]  # the first `shown` (compliance()), most overdue first
    due_soon: list[OpenItem]  # the first `shown`, soonest first
    courses: int
    overdue_count: int = 0  # all of them
    due_soon_count: int = 0


@dataclass
class OpenLists:
    """The open lists alone (open_items: every item, for the files)."""

    overdue: list[OpenItem] = field(default_factory=list)
    due_soon: list[OpenItem] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0


def baseline_plans():
    """Each course's first plan (the baseline): enrolment_id and created_on, the day the
    plan and evaluation deadlines count from."""
    return select(Plan.enrolment_id, Plan.created_on).where(Plan.version_no == 1).subquery()


def _courses(conn, courses: ColumnElement[bool], f: Filters, today: dt.date) -> list[CourseRow]:
    baseline = baseline_plans()
    extended = (
        select(Extension.enrolment_id, func.max(Extension.new_end_date).label("new_end"))
        .group_by(Extension.enrolment_id)
        .subquery()
    )
    stmt = (
        select(
            Enrolment.id,
            Participant.case_code,
            Agreement.id.label("agreement_id"),
            Agreement.name.label("agreement"),
            Participant.caseworker_id,
            func.coalesce(User.display_name, NO_CASEWORKER).label("caseworker"),
            Enrolment.status,
            Enrolment.start_date,
            Enrolment.planned_weeks,
            Enrolment.end_date,
            extended.c.new_end,
            Agreement.evaluation_interval_months,
            baseline.c.created_on.label("baseline_on"),
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(User, User.id == Participant.caseworker_id)
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .outerjoin(extended, extended.c.enrolment_id == Enrolment.id)
        .where(courses, enrolment_filter(f), overlaps_period(f, today))
        .order_by(Enrolment.id)
    )
    return [
        CourseRow(
            r.id, r.case_code, r.agreement_id, r.agreement, r.caseworker_id, r.caseworker,
            r.status, r.start_date, r.planned_weeks, r.end_date,
            rules.expected_end(r.start_date, r.planned_weeks, [r.new_end] if r.new_end else []),
            r.evaluation_interval_months or rules.DEFAULT_EVALUATION_INTERVAL, r.baseline_on,
        )
        for r in conn.execute(stmt)
    ]  # fmt: skip


def dates_by_course(conn, column_stmt) -> dict[int, list]:
    """id -> its dates (or tuples of them) from a select whose first column is the id (of
    a course, or of a mentor assignment)."""
    out: dict[int, list] = {}
    for enrolment_id, *rest in conn.execute(column_stmt).all():  # fetchall, not row by row
        out.setdefault(enrolment_id, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return out


def course_items(course: CourseRow, evaluations: list[dt.date], pauses, as_of: dt.date):
    """The plan and evaluation items of one course, judged on as_of."""
    items: list[DueItem] = [
        rules.plan_item(course.start, course.planned_weeks, course.baseline_on, as_of, pauses)
    ]
    # An ended course owes nothing after its last day; a running one past its expected
    # end without an extension still owes its evaluations.
    items += rules.evaluation_items(
        course.baseline_on,
        evaluations,
        course.interval_months,
        as_of,
        course_end=course.end_date,
        pauses=pauses,
    )
    return items


def compliance(
    engine: Engine,
    scope: Scope,
    f: Filters,
    today: dt.date | None = None,
    shown: int | None = OPEN_ITEMS_SHOWN,
) -> Compliance:
    """Plans, evaluations, meetings and deliverables of the courses in scope and filter
    that ran during some of the period, per agreement, per caseworker and in total; and,
    for a period that runs to today, the open items of active courses: the first `shown`
    of each list (None: all) and how many there are."""
    return _compliance(engine, enrolment_clause(scope), f, today, open_items=True, shown=shown)


def compliance_counts(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> Compliance:
    """compliance() without the open lists (overdue and due soon empty): the same counts,
    for a page that shows only figures (Overblik)."""
    return _compliance(engine, enrolment_clause(scope), f, today, open_items=False)


def compliance_by_caseworker(
    engine: Engine, f: Filters, today: dt.date | None = None
) -> dict[int | None, GroupCompliance]:
    """The whole job centre's compliance per caseworker (key: the caseworker's user id,
    None: no caseworker): counts only, the same as compliance()'s by_caseworker for a
    manager. For Mine resultater, which shows a caseworker their own group and the sum of
    all groups, never another caseworker's group."""
    counted = _compliance(engine, true(), f, today, open_items=False)
    return {g.key: g for g in counted.by_caseworker}


def open_items(engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None) -> OpenLists:
    """Every open item of compliance() (overdue now, due soon), without the counts: the
    files behind the lists on the screen, made when a user asks for them."""
    today = today or dt.date.today()
    courses_clause = enrolment_clause(scope)
    in_scope = _in_scope(courses_clause, f, today)
    with engine.connect() as conn:
        paused = _paused_courses(conn, courses_clause, in_scope, f, today)
        return _open_lists(conn, in_scope, paused, f, today, None)


def _compliance(
    engine: Engine,
    courses_clause: ColumnElement[bool],
    f: Filters,
    today: dt.date | None,
    *,
    open_items: bool,
    shown: int | None = OPEN_ITEMS_SHOWN,
) -> Compliance:
    today = today or dt.date.today()
    as_of = f.as_of(today)
    in_scope = _in_scope(courses_clause, f, today)

    with engine.connect() as conn:  # JIT is off for the session (db.engine)
        paused = _paused_courses(conn, courses_clause, in_scope, f, today)

        def count_groups():
            sort_in_memory(conn)  # the counts group every course and evaluation in scope
            # Every count in one statement, per group; plans and evaluations only for the
            # courses without a pause.
            counts = _counts(conn, in_scope, _has_pause(), f, as_of)
            return conn.execute(_split(counts, COUNTS)).all()

        def listed() -> OpenLists:
            with engine.connect() as own:
                return _open_lists(own, in_scope, paused, f, today, shown)

        # The open lists run on a connection of their own beside the counts, so the
        # database works on both at once (at national size: counts ~1 s, lists ~0.5 s).
        if open_items:
            open_lists, group_counts = side_by_side(listed, count_groups)
        else:
            open_lists, group_counts = OpenLists(), count_groups()

    # Per agreement and per caseworker: label and counts in COUNTS' order.
    agreements: dict[int, tuple[str, list[int]]] = {}
    caseworkers: dict[int | None, tuple[str, list[int]]] = {}

    def add(groups: dict, key: int | None, label: str, names: tuple[str, ...], counts) -> None:
        sums = groups.get(key)
        if sums is None:
            sums = groups[key] = (label, [0] * len(COUNTS))
        for i, n in enumerate(counts, start=COUNTS.index(names[0])):
            sums[1][i] += int(n)

    for r in group_counts:
        groups = agreements if r.side == "agreement" else caseworkers
        add(groups, r.key, r.label, COUNTS, (getattr(r, n) for n in COUNTS))

    for c, items in paused:
        counted = [i for i in items if f.start <= i.due <= as_of]
        plans = rules.tally(i for i in counted if i.kind == "plan")
        evaluated = rules.tally(i for i in counted if i.kind == "evaluation")
        counts = (1, plans.on_time, plans.late, plans.missing,
                  evaluated.on_time, evaluated.late, evaluated.missing)  # fmt: skip
        add(agreements, c.agreement_id, c.agreement, JUDGED, counts)
        add(caseworkers, c.caseworker_id, c.caseworker, JUDGED, counts)

    by_agreement = [_group(key, *sums) for key, sums in agreements.items()]
    by_caseworker = [_group(key, *sums) for key, sums in caseworkers.items()]
    total = _group(None, "I alt", [sum(column) for column in zip(
        *(sums for _, sums in agreements.values()), strict=True)] or [0] * len(COUNTS))  # fmt: skip
    return Compliance(
        as_of,
        sorted(by_agreement, key=lambda g: g.key or 0),
        sorted(by_caseworker, key=lambda g: (g.label, g.key or 0)),
        total,
        open_lists.overdue,
        open_lists.due_soon,
        total.courses,
        open_lists.overdue_count,
        open_lists.due_soon_count,
    )


def _in_scope(courses_clause: ColumnElement[bool], f: Filters, today: dt.date):
    """The courses of `courses_clause` in the filter that ran during some of the period."""
    return and_(courses_clause, enrolment_filter(f), overlaps_period(f, today))


def _has_pause():
    return Enrolment.id.in_(select(Pause.enrolment_id))


def _paused_courses(
    conn, courses_clause: ColumnElement[bool], in_scope: ColumnElement[bool], f: Filters,
    today: dt.date,
) -> list[tuple[CourseRow, list[DueItem]]]:  # fmt: skip
    """The courses in scope with a pause (few: pauses move due dates), each with its plan
    and evaluation items judged on the period's as-of day by lib.domain.rules; their
    evaluations and pauses read in one statement."""
    as_of = f.as_of(today)
    paused = _has_pause()
    paused_ids = select(Enrolment.id).where(in_scope, paused)
    evaluations: dict[int, list[dt.date]] = {}
    pauses: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for enrolment_id, kind, day, until in conn.execute(
        union_all(
            select(Evaluation.enrolment_id, literal("e", String).label("kind"),
                   Evaluation.evaluated_on.label("first"), cast(null(), Date).label("last"))
            .where(Evaluation.enrolment_id.in_(paused_ids), Evaluation.evaluated_on <= as_of),
            select(Pause.enrolment_id, literal("p", String), Pause.start_date, Pause.end_date)
            .where(Pause.enrolment_id.in_(paused_ids)),
        ).order_by(text("kind"), text("first"))
    ).all():  # fmt: skip
        if kind == "e":
            evaluations.setdefault(enrolment_id, []).append(day)
        else:
            pauses.setdefault(enrolment_id, []).append((day, until))
    return [
        (c, course_items(c, evaluations.get(c.enrolment_id, []),
                         pauses.get(c.enrolment_id, []), as_of))
        for c in _courses(conn, and_(courses_clause, paused), f, today)
    ]  # fmt: skip


def _open_lists(
    conn, in_scope: ColumnElement[bool], paused: list[tuple[CourseRow, list[DueItem]]],
    f: Filters, today: dt.date, shown: int | None,
) -> OpenLists:  # fmt: skip
    """The open items of the active courses in scope, for a period that runs to today:
    overdue (most overdue first) and due within DUE_SOON_DAYS (soonest first), the first
    `shown` of each (None: all), and how many there are. SQL gives the items of the
    courses without a pause (_open_items) and ranks them by due date, so that only the
    items that can be among the first `shown` come back; the rules give those of the
    courses with a pause."""
    as_of = f.as_of(today)
    if f.end < today:  # an earlier period has no open lists
        return OpenLists()
    items = _open_items(conn, in_scope, _has_pause(), as_of).subquery()
    side = case((items.c.due < as_of, 0), else_=1)
    ranked = select(
        items,
        side.label("side"),
        func.count().over(partition_by=side).label("listed"),
        func.rank().over(partition_by=side, order_by=items.c.due).label("place"),
    ).subquery()
    stmt = select(ranked)
    if shown is not None:
        # rank: ties share a place, so every item due on the last shown day comes back and
        # the order below (with the case code) decides among them.
        stmt = stmt.where(ranked.c.place <= shown)
    pending: list[Any] = []
    counts = [0, 0]
    for r in conn.execute(stmt):
        pending.append(tuple(r)[:8])
        counts[r.side] = r.listed
    for c, course in paused:
        if c.status != EnrolmentStatus.ACTIVE:
            continue
        for n, i in enumerate(course):
            if i.done_on is None or i.done_on > as_of:
                pending.append(
                    (0, c.enrolment_id, n, c.case_code, c.agreement, c.caseworker, i.kind, i.due)
                )
                counts[0 if i.due < as_of else 1] += i.due <= as_of + dt.timedelta(
                    days=DUE_SOON_DAYS
                )
    # Most overdue (or soonest due) first; then by case code, and course by course (plan,
    # evaluation), deliverables, meetings.
    pending.sort(key=lambda item: (item[7], item[3], *item[:3]))
    overdue: list[OpenItem] = []
    due_soon: list[OpenItem] = []
    for _part, _id, _n, case_code, agreement, caseworker, kind, due in pending:
        _file(case_code, agreement, caseworker, kind, due, as_of, overdue, due_soon)
    if shown is not None:
        overdue, due_soon = overdue[:shown], due_soon[:shown]
    return OpenLists(overdue, due_soon, counts[0], counts[1])


COUNTS = (
    "courses",
    "plans_on_time", "plans_late", "plans_missing",
    "evaluations_on_time", "evaluations_late", "evaluations_missing",
    "deliverables_on_time", "deliverables_late", "deliverables_missing",
    "evaluations_held", "meetings_held", "caseworker_present",
)  # fmt: skip


JUDGED = COUNTS[:7]  # what the rules judge for a course with a pause


def _split(per_pair, names: tuple[str, ...]):
    """Counts per (agreement, caseworker) pair (at L nearly one pair per course) summed
    per agreement and per caseworker in SQL: rows of side ("agreement" or "caseworker"),
    key, label and the counts `names`."""
    pairs = per_pair.cte()
    sums = [func.coalesce(func.sum(pairs.c[n]), 0).label(n) for n in names]
    return union_all(
        select(literal("agreement", String).label("side"), pairs.c.agreement_id.label("key"),
               pairs.c.agreement.label("label"), *sums)
        .group_by(pairs.c.agreement_id, pairs.c.agreement),
        select(literal("caseworker", String), pairs.c.caseworker_id, pairs.c.caseworker, *sums)
        .group_by(pairs.c.caseworker_id, pairs.c.caseworker),
    )  # fmt: skip


def _group(key: int | None, label: str, sums: list[int]) -> GroupCompliance:
    """A group from its counts in COUNTS' order."""
    (courses, plans_on_time, plans_late, plans_missing, evaluations_on_time, evaluations_late,
     evaluations_missing, deliverables_on_time, deliverables_late, deliverables_missing,
     evaluations_held, meetings_held, caseworker_present) = sums  # fmt: skip
    return GroupCompliance(
        key,
        label,
        plans=Tally(plans_on_time, plans_late, plans_missing),
        evaluations=Tally(evaluations_on_time, evaluations_late, evaluations_missing),
        deliverables=Tally(deliverables_on_time, deliverables_late, deliverables_missing),
        evaluations_held=evaluations_held,
        meetings_held=meetings_held,
        caseworker_present=caseworker_present,
        courses=courses,
    )


def _counts(conn, in_scope: ColumnElement[bool], paused, f: Filters, as_of: dt.date):
    """Every count of COUNTS per agreement and caseworker pair, in one statement over the
    courses in scope: meetings (evaluations in the period, their meetings held, with the
    caseworker) and deliverables for every course; the courses and their plans and
    evaluations due in the period (on time / late / missing) only for the courses without
    a pause, whose due dates are lib.domain.rules' plan_item and evaluation_items in SQL
    (the others are judged by the rules in Python).

    Each evaluation after the baseline plan is due N months after the evaluation before
    it (the baseline plan for the first), the day evaluation_follow_up holds for it
    (db.summaries), and on time up to EVALUATION_GRACE_DAYS after its due date. The
    evaluation after the last one is missing once its due date + the grace days has
    passed, unless the course ended before it was due.

    Only evaluations from `reach` before the period's start are read. One before that can
    not matter: its due date is at most 31 * N days after the day before it, so before the
    period; and when a course's last evaluation is before the reach, the next one's due
    date, computed from the baseline plan (earlier still), is before the period as the
    true one is. tests/test_compliance_sql.py checks all this against the rules on random
    courses."""
    longest = conn.scalar(select(func.max(Agreement.evaluation_interval_months)))
    reach = dt.timedelta(days=31 * max(longest or 0, rules.DEFAULT_EVALUATION_INTERVAL))
    baseline = baseline_plans()
    course = (
        select(
            Enrolment.id,
            Enrolment.agreement_id,
            Agreement.name.label("agreement"),
            Participant.caseworker_id,
            func.coalesce(User.display_name, NO_CASEWORKER).label("caseworker"),
            Enrolment.end_date,
            _interval().label("n"),
            baseline.c.created_on.label("baseline_on"),
            add_days(Enrolment.start_date, _plan_days()).label("plan_due"),
            case((paused, 0), else_=1).label("judged"),
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(User, User.id == Participant.caseworker_id)
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .where(in_scope)
        .cte("course")
    )
    judged = course.c.judged == 1
    fu = EvaluationFollowUp
    window = (
        select(
            fu.enrolment_id.label("id"),
            fu.evaluated_on.label("day"),
            and_(judged, fu.due_on.is_not(None)).label("answers"),
            fu.due_on.label("due"),
            fu.next_due_on,
            fu.meeting_held,
            fu.caseworker_present,
        )
        .join(course, course.c.id == fu.enrolment_id)
        .where(fu.evaluated_on <= as_of, fu.evaluated_on >= f.start - reach)
        .subquery()
    )
    answers = window.c.answers
    in_period = and_(answers, window.c.due >= f.start, window.c.due <= as_of)
    on_time = window.c.day <= add_days(window.c.due, rules.EVALUATION_GRACE_DAYS)
    held = window.c.day >= f.start  # evaluated in the period: the meetings' n
    per_course = (
        select(
            window.c.id,
            _sum(and_(in_period, on_time)).label("on_time"),
            _sum(and_(in_period, ~on_time)).label("late"),
            # The next evaluation's due date: the last one's (add_months keeps order).
            func.max(case((answers, window.c.next_due_on), else_=None)).label("next_due"),
            _sum(held).label("held"),
            _sum(and_(held, window.c.meeting_held)).label("met"),
            _sum(and_(held, window.c.caseworker_present)).label("present"),
        )
        .group_by(window.c.id)
        .subquery()
    )
    d = Deliverable
    delivered = (
        select(d.enrolment_id.label("id"), *_deliverable_sums(as_of))
        .join(course, course.c.id == d.enrolment_id)
        .where(d.due_on >= f.start, d.due_on <= as_of)
        .group_by(d.enrolment_id)
        .subquery()
    )
    # The plan: due plan_due (1 or 4 weeks into the course), on time when made by then.
    plan_in_period = and_(judged, course.c.plan_due >= f.start, course.c.plan_due <= as_of)
    plan_made = and_(course.c.baseline_on.is_not(None), course.c.baseline_on <= as_of)
    # The evaluation after the last one (or the first, after the baseline plan).
    next_due = func.coalesce(per_course.c.next_due, add_months(course.c.baseline_on, course.c.n))
    next_missing = and_(
        judged,
        plan_made,
        or_(course.c.end_date.is_(None), next_due <= course.c.end_date),
        next_due >= f.start,
        add_days(next_due, rules.EVALUATION_GRACE_DAYS) < as_of,
    )

    def total(column):
        return func.coalesce(func.sum(column), 0)

    return (
        select(
            course.c.agreement_id,
            course.c.agreement,
            course.c.caseworker_id,
            course.c.caseworker,
            total(course.c.judged).label("courses"),
            _sum(and_(plan_in_period, plan_made, course.c.baseline_on <= course.c.plan_due))
            .label("plans_on_time"),
            _sum(and_(plan_in_period, plan_made, course.c.baseline_on > course.c.plan_due))
            .label("plans_late"),
            _sum(and_(plan_in_period, ~plan_made, course.c.plan_due < as_of))
            .label("plans_missing"),
            total(per_course.c.on_time).label("evaluations_on_time"),
            total(per_course.c.late).label("evaluations_late"),
            _sum(next_missing).label("evaluations_missing"),
            total(delivered.c.on_time).label("deliverables_on_time"),
            total(delivered.c.late).label("deliverables_late"),
            total(delivered.c.missing).label("deliverables_missing"),
            total(per_course.c.held).label("evaluations_held"),
            total(per_course.c.met).label("meetings_held"),
            total(per_course.c.present).label("caseworker_present"),
        )
        .select_from(course)
        .outerjoin(per_course, per_course.c.id == course.c.id)
        .outerjoin(delivered, delivered.c.id == course.c.id)
        .group_by(
            course.c.agreement_id, course.c.agreement, course.c.caseworker_id, course.c.caseworker
        )
    )  # fmt: skip


def _file(case_code, agreement, caseworker, kind, due, as_of, overdue: list, due_soon: list):
    """An open item as overdue (due before as_of) or due soon (within DUE_SOON_DAYS)."""
    label = KIND_LABELS.get(kind, kind)
    if due < as_of:
        overdue.append(OpenItem(case_code, agreement, caseworker, label, due, (as_of - due).days))
    elif due <= as_of + dt.timedelta(days=DUE_SOON_DAYS):
        due_soon.append(OpenItem(case_code, agreement, caseworker, label, due, (due - as_of).days))


def next_evaluation_due(courses, baseline, as_of: dt.date):
    """Each course's next evaluation due date as of as_of (lib.domain.rules.
    next_evaluation_due for a course without a pause): N months after its last evaluation
    after the baseline plan, which is that evaluation's next_due_on in evaluation_follow_up
    (add_months keeps order, so the last one's is the largest), or N months after the
    baseline plan. Returns the subquery of `courses` (a select of ids) to outer-join on
    enrolment_id and the date; the query joins `baseline` (baseline_plans) and Agreement."""
    fu = EvaluationFollowUp
    last = (
        select(fu.enrolment_id, func.max(fu.next_due_on).label("next_due"))
        .where(fu.due_on.is_not(None), fu.evaluated_on <= as_of, fu.enrolment_id.in_(courses))
        .group_by(fu.enrolment_id)
        .subquery()
    )
    return last, func.coalesce(last.c.next_due, add_months(baseline.c.created_on, _interval()))


def _open_items(conn, in_scope: ColumnElement[bool], paused, as_of: dt.date):
    """The open items of the active courses in scope due by as_of + DUE_SOON_DAYS, as rows
    of (part, course id, order, case code, agreement, caseworker, kind, due): part 0 the
    plan and the next evaluation of courses without a pause (rules.plan_item and the last
    of rules.evaluation_items, in SQL as in _counts), part 1 the deliverables not
    received, part 2 the meetings planned on their own and neither held nor cancelled."""
    soon = as_of + dt.timedelta(days=DUE_SOON_DAYS)
    active = and_(in_scope, Enrolment.status == EnrolmentStatus.ACTIVE)
    labels = (
        Participant.case_code.label("case_code"),
        Agreement.name.label("agreement"),
        func.coalesce(User.display_name, NO_CASEWORKER).label("caseworker"),
    )

    def rows(part: int, order, kind, due, *joins):
        stmt = select(
            literal(part, Integer).label("part"), Enrolment.id.label("id"), order.label("n"),
            *labels, kind.label("kind"), due.label("due"),
        )  # fmt: skip
        for target, on in joins:
            stmt = stmt.join(target, on)
        return (
            stmt.join(Participant, Participant.id == Enrolment.participant_id)
            .join(Agreement, Agreement.id == Enrolment.agreement_id)
            .outerjoin(User, User.id == Participant.caseworker_id)
        )

    baseline = baseline_plans()
    # The next evaluation; not owed when due after the course's end.
    last, next_due = next_evaluation_due(
        select(Enrolment.id).where(active, ~paused), baseline, as_of
    )
    plan_due = add_days(Enrolment.start_date, _plan_days())
    plans = (
        rows(0, literal(0, Integer), literal("plan", String), plan_due)
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .where(active, ~paused, or_(baseline.c.created_on.is_(None),
                                    baseline.c.created_on > as_of), plan_due <= soon)
    )  # fmt: skip
    evaluations = (
        rows(0, literal(1, Integer), literal("evaluation", String), next_due)
        .join(baseline, baseline.c.enrolment_id == Enrolment.id)
        .outerjoin(last, last.c.enrolment_id == Enrolment.id)
        .where(active, ~paused, baseline.c.created_on <= as_of, next_due <= soon,
               or_(Enrolment.end_date.is_(None), next_due <= Enrolment.end_date))
    )  # fmt: skip
    d = Deliverable
    deliverables = rows(
        1, d.id, literal("deliverable:", String) + d.kind, d.due_on,
        (d, d.enrolment_id == Enrolment.id),
    ).where(active, d.received_on.is_(None), d.due_on.is_not(None), d.due_on <= soon)  # fmt: skip
    m = FollowUpMeeting
    meetings = rows(
        2, m.id, literal("meeting", String), m.planned_on, (m, m.enrolment_id == Enrolment.id)
    ).where(active, m.evaluation_id.is_(None), m.held.is_(False), m.cancelled.is_(False),
            m.planned_on <= soon)  # fmt: skip
    return union_all(plans, evaluations, deliverables, meetings)


def _interval():
    """The agreement's evaluation interval in months (the default when not set)."""
    return evaluation_interval(Agreement.evaluation_interval_months)


def _plan_days():
    """Days from a course's start to its baseline plan's due date (rules.plan_due)."""
    return case(
        *((Enrolment.planned_weeks == w, 7 * n) for w, n in rules.PLAN_DUE_WEEKS.items()),
        else_=7 * 4,
    )


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _deliverable_sums(as_of: dt.date):
    """Deliverables received on time, received late, and missing (not received and past
    due) as of as_of: rules.deliverable_item, summed in SQL."""
    d = Deliverable
    received = and_(d.received_on.is_not(None), d.received_on <= as_of)
    return (
        _sum(and_(received, d.received_on <= d.due_on)).label("on_time"),
        _sum(and_(received, d.received_on > d.due_on)).label("late"),
        _sum(and_(~received, d.due_on < as_of)).label("missing"),
    )


def _deliverable_counts(ids, f: Filters, as_of: dt.date, *keys: Any):
    """Per course (or per `keys`): deliverables due in the period, received on time / late
    / missing. A key on Enrolment (the agreement) joins the course."""
    keys = keys or (Deliverable.enrolment_id,)
    stmt = select(*keys, *_deliverable_sums(as_of)).select_from(Deliverable)
    if any(getattr(k, "table", None) is Enrolment.__table__ for k in keys):
        stmt = stmt.join(Enrolment, Enrolment.id == Deliverable.enrolment_id)
    return stmt.where(
        Deliverable.enrolment_id.in_(ids),
        Deliverable.due_on >= f.start,
        Deliverable.due_on <= as_of,
    ).group_by(*keys)


def deliverables_by_kind(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> dict[str, Tally]:
    """The dashboard's deliverable tally split by kind (same courses, same rules): the
    kinds' tallies add up to Compliance.total.deliverables."""
    as_of = f.as_of(today)
    ids = select(Enrolment.id).where(
        enrolment_clause(scope), enrolment_filter(f), overlaps_period(f, today)
    )
    with engine.connect() as conn:
        rows = conn.execute(_deliverable_counts(ids, f, as_of, Deliverable.kind)).all()
    return {kind: Tally(int(a), int(b), int(c)) for kind, a, b, c in rows}


def deliverables_by_agreement(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> dict[int, dict[str, Tally]]:
    """deliverables_by_kind for each agreement of the filter, in one statement (GROUP BY
    agreement and kind) instead of one per agreement: the committee report's question 5."""
    as_of = f.as_of(today)
    ids = select(Enrolment.id).where(
        enrolment_clause(scope), enrolment_filter(f), overlaps_period(f, today)
    )
    out: dict[int, dict[str, Tally]] = {}
    with engine.connect() as conn:
        stmt = _deliverable_counts(ids, f, as_of, Enrolment.agreement_id, Deliverable.kind)
        for agreement_id, kind, a, b, c in conn.execute(stmt):
            out.setdefault(agreement_id, {})[kind] = Tally(int(a), int(b), int(c))
    return out


def plan_coverage(engine: Engine, scope: Scope, f: Filters) -> tuple[int, int]:
    """(active courses with a baseline plan, active courses), counted in SQL."""
    has_plan = Enrolment.id.in_(select(Plan.enrolment_id).where(Plan.version_no == 1))
    stmt = select(_sum(has_plan), func.count()).where(
        Enrolment.status == EnrolmentStatus.ACTIVE, enrolment_clause(scope), enrolment_filter(f)
    )
    with engine.connect() as conn:
        with_plan, active = conn.execute(stmt).one()
    return int(with_plan), int(active)
