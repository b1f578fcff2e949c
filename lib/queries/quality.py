"""Reads for the quality of the courses, as the STV project's mid-term evaluation measures
it: work agreements, hours toward ordinary employment and mentor follow-up.

The queries take an Engine and the signed-in user's Scope, aggregate in SQL where it is
aggregation (counts and sums grouped by agreement and month) and hand the result to the
pure rules in lib/domain/quality.py (`element_shares`, `pooled_trend`, `mentor_intervals`,
`step_up`, ...), which take plain numbers and dates and are tested by hand. Every
participant-level query filters by `enrolment_clause(scope)`.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import (
    Engine,
    and_,
    case,
    extract,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)

from db.models import (
    Agreement,
    Enrolment,
    HoursMonth,
    MentorAssignment,
    MentorContact,
    MentorContactDay,
    MentorFrequencyChange,
    Participant,
    Plan,
    PlanSubGoal,
    SubGoal,
    WeeklyHours,
    WorkAgreement,
)
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import STARTED, EnrolmentStatus, MentorType
from lib.domain.quality import (
    MENTOR_GRACE_DAYS,
    WORK_AGREEMENT_ELEMENTS,
    ElementCounts,
    HoursTotals,
    MentorGroup,
    MentorIntervals,
    StepUp,
    Trend,
    add_counts,
    add_hours,
    fixed_frequency_intervals,
    frequency_on,
    mentor_intervals,
    pooled_trend,
    quarter_label,
    quarter_of,
    quarter_start,
    step_up,
)
from lib.queries.filters import days_between, matching_participants
from lib.queries.scope import enrolment_clause

# Sub-goals whose evidence is the attendance in the weekly hours (codes of the sub-goal
# catalogue from the job centre's evaluation of its agreements).
ATTENDANCE_SUB_GOALS = ("attendance_stability", "daily_rhythm")


def _in_agreements(agreement_ids: Sequence[int] | None):
    if not agreement_ids:
        return True
    return Enrolment.agreement_id.in_(list(agreement_ids))


def _one_course(enrolment_id: int | None):
    return True if enrolment_id is None else Enrolment.id == enrolment_id


def _agreement_names(conn, ids: Iterable[int]) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(
        conn.execute(select(Agreement.id, Agreement.name).where(Agreement.id.in_(ids))).all()
    )


def _element_columns():
    cols = [
        func.count(Enrolment.id).label("enrolments"),
        func.count(WorkAgreement.id).label("written"),
    ]
    for key, _ in WORK_AGREEMENT_ELEMENTS:
        col = getattr(WorkAgreement, key)
        cols.append(func.coalesce(func.sum(case((col.is_(True), 1), else_=0)), 0).label(key))
    return cols


def _counts(row) -> ElementCounts:
    return ElementCounts(
        row.enrolments,
        row.written,
        {key: int(getattr(row, key) or 0) for key, _ in WORK_AGREEMENT_ELEMENTS},
    )


@dataclass(frozen=True)
class WorkAgreementSummary:
    total: ElementCounts
    by_agreement: list[tuple[int, str, ElementCounts]]
    by_quarter: list[tuple[dt.date, str, ElementCounts]]  # by the enrolment's start


def work_agreement_summary(
    engine: Engine, scope: Scope, agreement_ids: Sequence[int] | None = None
) -> WorkAgreementSummary:
    """Element counts over the started enrolments in scope, per agreement and per quarter
    of the course start. Counted in SQL; shares come from `element_shares`."""
    base = (
        select(*_element_columns())
        .select_from(Enrolment)
        .outerjoin(WorkAgreement, WorkAgreement.enrolment_id == Enrolment.id)
        .where(
            enrolment_clause(scope), Enrolment.status.in_(STARTED), _in_agreements(agreement_ids)
        )
    )
    year = extract("year", Enrolment.start_date)
    month = extract("month", Enrolment.start_date)
    with engine.connect() as conn:
        per_agreement = conn.execute(
            base.add_columns(Enrolment.agreement_id).group_by(Enrolment.agreement_id)
        ).all()
        per_month = conn.execute(
            base.add_columns(year.label("y"), month.label("m")).group_by(year, month)
        ).all()
        names = _agreement_names(conn, [r.agreement_id for r in per_agreement])
    by_agreement = [(r.agreement_id, names[r.agreement_id], _counts(r)) for r in per_agreement]
    by_agreement.sort(key=lambda t: t[0])
    quarters: dict[tuple[int, int], list[ElementCounts]] = {}
    for r in per_month:
        quarters.setdefault(quarter_of(int(r.y), int(r.m)), []).append(_counts(r))
    by_quarter = [
        (quarter_start(*q), quarter_label(*q), add_counts(items))
        for q, items in sorted(quarters.items())
    ]
    return WorkAgreementSummary(add_counts(c for _, _, c in by_agreement), by_agreement, by_quarter)


@dataclass(frozen=True)
class WorkAgreementRow:
    enrolment_id: int
    case_code: str
    initials: str
    agreement_id: int
    agreement: str
    status: str
    start_date: dt.date
    signed_on: dt.date | None
    elements: dict[str, bool]
    notes: str
    version: int | None

    @property
    def element_count(self) -> int:
        return sum(1 for v in self.elements.values() if v)


def work_agreement_rows(
    engine: Engine,
    scope: Scope,
    agreement_ids: Sequence[int] | None = None,
    enrolment_id: int | None = None,
) -> list[WorkAgreementRow]:
    """One row per started enrolment in scope with its work agreement (or none); with
    `enrolment_id`, that course's row only (the registration form's)."""
    element_cols = [getattr(WorkAgreement, key) for key, _ in WORK_AGREEMENT_ELEMENTS]
    stmt = (
        select(
            Enrolment.id, Participant.case_code, Participant.initials, Enrolment.agreement_id,
            Agreement.name, Enrolment.status, Enrolment.start_date, WorkAgreement.signed_on,
            WorkAgreement.notes, WorkAgreement.version, *element_cols,
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(WorkAgreement, WorkAgreement.enrolment_id == Enrolment.id)
        .where(enrolment_clause(scope), Enrolment.status.in_(STARTED), _in_agreements(agreement_ids),
               _one_course(enrolment_id))
        .order_by(Agreement.id, Participant.case_code)
    )  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [
        WorkAgreementRow(
            r.id, r.case_code, r.initials, r.agreement_id, r.name, r.status, r.start_date,
            r.signed_on,
            {key: bool(getattr(r, key)) for key, _ in WORK_AGREEMENT_ELEMENTS}
            if r.signed_on else {key: False for key, _ in WORK_AGREEMENT_ELEMENTS},
            r.notes or "", r.version,
        )
        for r in rows
    ]  # fmt: skip


def _hours_columns():
    return [
        func.count(func.distinct(WeeklyHours.enrolment_id)).label("participants"),
        func.count(WeeklyHours.id).label("weeks"),
        func.coalesce(func.sum(WeeklyHours.planned_hours), 0.0).label("planned"),
        func.coalesce(func.sum(WeeklyHours.attended_hours), 0.0).label("attended"),
        func.coalesce(func.sum(WeeklyHours.illness_hours), 0.0).label("illness"),
        func.coalesce(func.sum(WeeklyHours.ordinary_paid_hours), 0.0).label("ordinary"),
        func.count(
            func.distinct(case((WeeklyHours.ordinary_paid_hours > 0, WeeklyHours.enrolment_id)))
        ).label("with_ordinary"),
    ]


def _totals(r) -> HoursTotals:
    return HoursTotals(
        int(r.participants), int(r.weeks), float(r.planned), float(r.attended),
        float(r.illness), float(r.ordinary), int(r.with_ordinary),
    )  # fmt: skip


@dataclass(frozen=True)
class HoursSummary:
    total: HoursTotals
    by_agreement: list[tuple[int, str, HoursTotals]]
    # (agreement_id, month start, totals for that month), oldest first
    by_month: list[tuple[int, dt.date, HoursTotals]]

    @cached_property
    def _months_of(self) -> dict[int, list[tuple[dt.date, HoursTotals]]]:
        # Grouped once: the table of agreements asks for each agreement's months, and a
        # scan of every month per agreement was 500 x 6,000 rows at national size.
        out: dict[int, list[tuple[dt.date, HoursTotals]]] = {}
        for a, m, t in self.by_month:
            out.setdefault(a, []).append((m, t))
        return out

    def monthly(self, agreement_id: int | None = None) -> list[tuple[dt.date, HoursTotals]]:
        """Month series for one agreement, or summed over all when None."""
        if agreement_id is not None:
            return list(self._months_of.get(agreement_id, []))
        merged: dict[dt.date, list[HoursTotals]] = {}
        for _, m, t in self.by_month:
            merged.setdefault(m, []).append(t)
        return [(m, add_hours(ts)) for m, ts in sorted(merged.items())]

    def ordinary_trend(self, agreement_id: int | None = None, window: int = 3) -> Trend:
        """Share of participants with any ordinary paid hours, latest 3 months vs the 3
        before (participants counted per month)."""
        series = [(t.with_ordinary, t.participants) for _, t in self.monthly(agreement_id)]
        return pooled_trend(series, window)


def hours_summary(
    engine: Engine,
    scope: Scope,
    agreement_ids: Sequence[int] | None = None,
    since: dt.date | None = None,
) -> HoursSummary:
    """Sums of weekly hours in scope: overall, per agreement, per agreement and month (of
    the week's Monday), from the month `since` falls in (the page asks from a month's
    first day). Grouped in SQL from hours_month (db.summaries: each course's weeks summed
    per month, instead of every week: 2.4 million in a national year): the agreements'
    months and the agreements from those. A participant is a course with a week in the
    group, so no count needs DISTINCT."""
    h = HoursMonth
    course_months = (
        select(
            h.enrolment_id, Enrolment.agreement_id, h.year.label("y"), h.month.label("m"),
            h.weeks, h.planned, h.attended, h.illness, h.ordinary, h.paid,
        )
        .join(Enrolment, Enrolment.id == h.enrolment_id)
        .where(
            enrolment_clause(scope),
            _in_agreements(agreement_ids),
            h.year * 100 + h.month >= since.year * 100 + since.month
            if since is not None else true(),
        )
        .cte("course_months")
    )  # fmt: skip
    c = course_months.c
    courses = (
        select(
            c.enrolment_id, c.agreement_id, func.sum(c.weeks).label("weeks"),
            func.sum(c.planned).label("planned"), func.sum(c.attended).label("attended"),
            func.sum(c.illness).label("illness"), func.sum(c.ordinary).label("ordinary"),
            func.max(c.paid).label("paid"),
        )
        .group_by(c.enrolment_id, c.agreement_id)
        .subquery()
    )  # fmt: skip

    def sums(t):
        return (
            func.count().label("participants"), func.sum(t.weeks).label("weeks"),
            func.sum(t.planned).label("planned"), func.sum(t.attended).label("attended"),
            func.sum(t.illness).label("illness"), func.sum(t.ordinary).label("ordinary"),
            func.sum(t.paid).label("with_ordinary"),
        )  # fmt: skip

    per_month = select(c.agreement_id, c.y, c.m, *sums(c)).group_by(c.agreement_id, c.y, c.m)
    per_agreement = select(
        courses.c.agreement_id, null().label("y"), null().label("m"), *sums(courses.c)
    ).group_by(courses.c.agreement_id)
    with engine.connect() as conn:
        rows = conn.execute(union_all(per_agreement, per_month)).all()
        per_agreement_rows = [r for r in rows if r.y is None]
        per_month_rows = sorted((r for r in rows if r.y is not None), key=lambda r: (r.y, r.m))
        names = _agreement_names(conn, [r.agreement_id for r in per_agreement_rows])
    by_agreement = sorted(
        ((r.agreement_id, names[r.agreement_id], _totals(r)) for r in per_agreement_rows),
        key=lambda t: t[0],
    )
    by_month = [
        (r.agreement_id, dt.date(int(r.y), int(r.m), 1), _totals(r)) for r in per_month_rows
    ]
    # A course belongs to one agreement, so the agreements' participant counts add up: a
    # third pass over the weeks (2.4 million at national size, ~3.5 s) is not needed.
    total = add_hours(t for _, _, t in by_agreement)
    return HoursSummary(total, by_agreement, by_month)


@dataclass(frozen=True)
class HoursWeek:
    week_start: dt.date
    planned: float
    attended: float
    illness: float
    ordinary: float


@dataclass(frozen=True)
class ParticipantHours:
    enrolment_id: int
    case_code: str
    initials: str
    agreement: str
    status: str
    weeks: list[HoursWeek]
    attendance_sub_goals: list[str] = field(default_factory=list)

    @property
    def totals(self) -> HoursTotals:
        has_ordinary = any(w.ordinary > 0 for w in self.weeks)
        return HoursTotals(
            1 if self.weeks else 0, len(self.weeks),
            sum(w.planned for w in self.weeks), sum(w.attended for w in self.weeks),
            sum(w.illness for w in self.weeks), sum(w.ordinary for w in self.weeks),
            1 if has_ordinary else 0,
        )  # fmt: skip

    @property
    def step_up(self) -> StepUp:
        return step_up([w.planned for w in self.weeks])

    def recent(self, weeks: int = 8) -> HoursTotals:
        """Totals of the latest `weeks` registered weeks: the evidence for attendance
        stability and daily rhythm next to the scores."""
        latest = self.weeks[-weeks:]
        return ParticipantHours(self.enrolment_id, self.case_code, self.initials,
                                self.agreement, self.status, latest).totals  # fmt: skip


def participant_hours(engine: Engine, scope: Scope, enrolment_id: int) -> ParticipantHours:
    """One enrolment's weekly hours (oldest first), if it is in scope, with the attendance
    sub-goals chosen in its current plan."""
    with engine.connect() as conn:
        head = conn.execute(
            select(Enrolment.id, Participant.case_code, Participant.initials, Agreement.name,
                   Enrolment.status)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .join(Agreement, Agreement.id == Enrolment.agreement_id)
            .where(Enrolment.id == enrolment_id, enrolment_clause(scope))
        ).first()  # fmt: skip
        if head is None:
            raise AccessDenied("Du har ikke adgang til dette forløb.")
        weeks = [
            HoursWeek(*r)
            for r in conn.execute(
                select(
                    WeeklyHours.week_start,
                    WeeklyHours.planned_hours,
                    WeeklyHours.attended_hours,
                    WeeklyHours.illness_hours,
                    WeeklyHours.ordinary_paid_hours,
                )
                .where(WeeklyHours.enrolment_id == enrolment_id)
                .order_by(WeeklyHours.week_start)
            )
        ]
        latest_plan = (
            select(func.max(Plan.version_no)).where(Plan.enrolment_id == enrolment_id)
        ).scalar_subquery()
        goals = conn.scalars(
            select(SubGoal.label)
            .join(PlanSubGoal, PlanSubGoal.sub_goal_id == SubGoal.id)
            .join(Plan, Plan.id == PlanSubGoal.plan_id)
            .where(
                Plan.enrolment_id == enrolment_id,
                Plan.version_no == latest_plan,
                SubGoal.code.in_(ATTENDANCE_SUB_GOALS),
            )
            .order_by(PlanSubGoal.priority)
        ).all()
    return ParticipantHours(head.id, head.case_code, head.initials, head.name, head.status,
                            weeks, list(goals))  # fmt: skip


@dataclass(frozen=True)
class ParticipantHoursRow:
    enrolment_id: int
    case_code: str
    initials: str
    agreement_id: int
    agreement: str
    totals: HoursTotals
    first_week: dt.date
    last_week: dt.date


def participant_hours_table(
    engine: Engine,
    scope: Scope,
    agreement_ids: Sequence[int] | None = None,
    since: dt.date | None = None,
) -> list[ParticipantHoursRow]:
    """Per enrolment in scope: sums of its weekly hours (grouped in SQL), from the week
    of `since` on when given."""
    stmt = (
        select(
            *_hours_columns(), Enrolment.id.label("enrolment_id"), Participant.case_code,
            Participant.initials, Enrolment.agreement_id, Agreement.name,
            func.min(WeeklyHours.week_start).label("first"),
            func.max(WeeklyHours.week_start).label("last"),
        )
        .select_from(WeeklyHours)
        .join(Enrolment, Enrolment.id == WeeklyHours.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .where(enrolment_clause(scope), _in_agreements(agreement_ids),
               WeeklyHours.week_start >= since if since is not None else true())
        .group_by(Enrolment.id, Participant.case_code, Participant.initials,
                  Enrolment.agreement_id, Agreement.name)
        .order_by(Enrolment.agreement_id, Participant.case_code, Enrolment.id)
    )  # fmt: skip
    with engine.connect() as conn:
        return [
            ParticipantHoursRow(r.enrolment_id, r.case_code, r.initials, r.agreement_id, r.name,
                                _totals(r), r.first, r.last)
            for r in conn.execute(stmt)
        ]  # fmt: skip


@dataclass(frozen=True)
class ParticipantChoice:
    enrolment_id: int
    case_code: str
    initials: str
    agreement: str


def participants_with_hours(
    engine: Engine,
    scope: Scope,
    agreement_ids: Sequence[int] | None,
    since: dt.date,
    search: str = "",
    limit: int | None = None,
) -> list[ParticipantChoice]:
    """The participants (courses) in scope with a registered week from `since` on, in the
    hours table's order, for a picker: `search` and `limit` as in started_enrolments, in
    SQL. Only whether a week exists is asked (an index lookup per course), not its sums."""
    has_weeks = (
        select(WeeklyHours.id)
        .where(WeeklyHours.enrolment_id == Enrolment.id, WeeklyHours.week_start >= since)
        .exists()
    )
    stmt = (
        select(Enrolment.id, Participant.case_code, Participant.initials, Agreement.name)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .where(enrolment_clause(scope), _in_agreements(agreement_ids), matching_participants(search), has_weeks)
        .order_by(Enrolment.agreement_id, Participant.case_code, Enrolment.id)
        .limit(limit)
    )  # fmt: skip
    with engine.connect() as conn:
        return [ParticipantChoice(*r) for r in conn.execute(stmt)]


@dataclass(frozen=True)
class MentorRow:
    assignment_id: int
    enrolment_id: int
    case_code: str
    initials: str
    agreement_id: int
    agreement: str
    mentor_type: str
    mentor_name: str
    frequency_days: int
    start_date: dt.date
    end_date: dt.date | None
    contacts: int
    last_contact: dt.date | None
    intervals: MentorIntervals

    @property
    def active(self) -> bool:
        return self.end_date is None


def frequency_changes(conn, assignment_ids) -> dict[int, list[tuple[dt.date, int]]]:
    """Assignment id -> its frequency changes (from, days), oldest first, in one query
    (`assignment_ids`: a list or a select of ids)."""
    out: dict[int, list[tuple[dt.date, int]]] = {}
    rows = conn.execute(
        select(MentorFrequencyChange.mentor_assignment_id, MentorFrequencyChange.changed_from,
               MentorFrequencyChange.frequency_days)
        .where(MentorFrequencyChange.mentor_assignment_id.in_(assignment_ids))
        .order_by(MentorFrequencyChange.changed_from)
    )  # fmt: skip
    for aid, changed_from, days in rows:
        out.setdefault(aid, []).append((changed_from, days))
    return out


@dataclass(frozen=True)
class MentorCompliance:
    as_of: dt.date
    rows: list[MentorRow]
    by_agreement: list[MentorGroup]
    by_type: list[MentorGroup]
    total: MentorGroup


def fixed_frequency_gaps(conn, in_scope, as_of: dt.date):
    """Per mentor assignment of `in_scope` (a select of ids) whose frequency never changed:
    (id, contact days in its period, of the gaps between them those on time, the longest
    of those gaps, the first day, the last day); lib.domain.quality.mentor_intervals' own
    counting, in SQL, so no contact is read into Python. Assignments with no contact in
    their period have no row.

    One row per assignment from mentor_contact_day: its last contact day inside it by
    as_of, which db.summaries keeps with the running count of days, of gaps on time for
    the assignment's frequency, the longest gap and the first day. The gap of the first
    day in the period is NULL: the rule counts the start to the first contact as an
    interval of its own."""
    d = MentorContactDay
    return select(
        d.mentor_assignment_id.label("aid"),
        d.so_far.label("n"),
        d.on_time_so_far.label("on_time"),
        d.longest_so_far.label("longest"),
        d.first_on.label("first"),
        d.contact_on.label("last"),
    ).where(
        d.within.is_(True),
        d.contact_on <= as_of,
        or_(d.next_on.is_(None), d.next_on > as_of),
        d.mentor_assignment_id.in_(in_scope),
        ~d.mentor_assignment_id.in_(select(MentorFrequencyChange.mentor_assignment_id)),
    )


def fixed_frequency_judged(conn, in_scope, as_of: dt.date):
    """Per mentor assignment of `in_scope` (a select of ids, started by as_of) whose
    frequency never changed: (aid, due, on_time, overdue_now), lib.domain.quality's
    `fixed_frequency_intervals` in SQL on `fixed_frequency_gaps`: the first interval runs
    from the start to the first contact, the open one from the last contact (or the
    start) to the stop day and is due once overdue; overdue_now while it still runs.
    For figures pooled in SQL (Kvalitet's cards, Mine resultater), with no row per
    assignment in Python."""
    a = MentorAssignment
    per = fixed_frequency_gaps(conn, in_scope, as_of).subquery()
    stop = case(
        (and_(a.end_date.is_not(None), a.end_date < as_of), a.end_date), else_=literal(as_of)
    )
    limit = a.frequency_days + MENTOR_GRACE_DAYS
    first_gap = days_between(conn, a.start_date, per.c.first)
    overdue = days_between(conn, func.coalesce(per.c.last, a.start_date), stop) > limit
    running = or_(a.end_date.is_(None), a.end_date >= as_of)
    return (
        select(
            a.id.label("aid"),
            (func.coalesce(per.c.n, 0) + case((overdue, 1), else_=0)).label("due"),
            (func.coalesce(per.c.on_time, 0) + case((first_gap <= limit, 1), else_=0))
            .label("on_time"),
            case((and_(overdue, running), 1), else_=0).label("overdue_now"),
        )
        .select_from(a)
        .outerjoin(per, per.c.aid == a.id)
        .where(a.id.in_(in_scope), a.start_date <= as_of,
               ~a.id.in_(select(MentorFrequencyChange.mentor_assignment_id)))
    )  # fmt: skip


def mentor_compliance(
    engine: Engine,
    scope: Scope,
    agreement_ids: Sequence[int] | None = None,
    as_of: dt.date | None = None,
    enrolment_id: int | None = None,
    rows: bool = True,
) -> MentorCompliance:
    """Follow-up with the agreed frequency per mentor assignment in scope, pooled per
    agreement and per mentor type. The interval rule is `mentor_intervals`: for an
    assignment whose frequency never changed its counts come from SQL
    (`fixed_frequency_gaps`, `fixed_frequency_intervals`), for the few whose frequency
    changed from the rule itself; tests/test_measure_properties.py checks the two agree.
    With `enrolment_id`, that course's assignments only (the registration form's).
    `rows=False`: the pooled figures only, without a row per assignment (97,000 at national
    size, 18 MB for the cache to copy on every run of a page that shows only the cards),
    summed in SQL (`fixed_frequency_judged`) but for the few whose frequency changed."""
    as_of = as_of or dt.date.today()
    with engine.connect() as conn:
        assignments = conn.execute(
            select(
                MentorAssignment.id, MentorAssignment.enrolment_id, Participant.case_code,
                Participant.initials, Enrolment.agreement_id, Agreement.name,
                MentorAssignment.mentor_type, MentorAssignment.mentor_name,
                MentorAssignment.frequency_days, MentorAssignment.start_date,
                MentorAssignment.end_date,
            )
            .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .join(Agreement, Agreement.id == Enrolment.agreement_id)
            .where(enrolment_clause(scope), _in_agreements(agreement_ids),
                   _one_course(enrolment_id), MentorAssignment.start_date <= as_of,
                   # Pooled only: the rule in Python for the few whose frequency
                   # changed; the rest are summed in SQL (`pooled` below).
                   true() if rows else MentorAssignment.id.in_(
                       select(MentorFrequencyChange.mentor_assignment_id)))
            .order_by(Enrolment.agreement_id, Participant.case_code, MentorAssignment.id)
        ).all()  # fmt: skip
        # The same assignments, selected by the same conditions in SQL: an IN list of
        # every assignment id broke PostgreSQL's 65,535-parameter limit.
        in_scope = (
            select(MentorAssignment.id)
            .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
            .where(enrolment_clause(scope), _in_agreements(agreement_ids),
                   _one_course(enrolment_id), MentorAssignment.start_date <= as_of)
        )  # fmt: skip
        changes = frequency_changes(conn, in_scope)
        gaps = {} if not rows else {
            r[0]: r[1:] for r in conn.execute(fixed_frequency_gaps(conn, in_scope, as_of))
        }  # fmt: skip
        pooled = [] if rows else _pooled_fixed(conn, in_scope, as_of)
        # Contacts shown in the table: every day up to as_of (also outside the period).
        seen = {} if not rows else {
            aid: (int(n), last)
            for aid, n, last in conn.execute(
                select(MentorContact.mentor_assignment_id,
                       func.count(func.distinct(MentorContact.contact_on)),
                       func.max(MentorContact.contact_on))
                .where(MentorContact.mentor_assignment_id.in_(in_scope),
                       MentorContact.contact_on <= as_of)
                .group_by(MentorContact.mentor_assignment_id)
            )
        }  # fmt: skip
        # The few assignments whose frequency changed: their contact days, for the rule.
        changed_days: dict[int, list[dt.date]] = {}
        if changes:
            for aid, day in conn.execute(
                select(MentorContact.mentor_assignment_id, MentorContact.contact_on)
                .where(MentorContact.mentor_assignment_id.in_(in_scope),
                       MentorContact.mentor_assignment_id.in_(
                           select(MentorFrequencyChange.mentor_assignment_id)),
                       MentorContact.contact_on <= as_of)
            ):  # fmt: skip
                changed_days.setdefault(aid, []).append(day)
    listed: list[MentorRow] = []
    agreements: dict[int, MentorGroup] = {}
    types = {key: MentorGroup(key, label) for key, label in MentorType.labels().items()}
    total = MentorGroup("total", "I alt")
    for a in assignments:
        schedule = changes.get(a.id, [])
        if a.id in changes:
            m = mentor_intervals(a.start_date, a.end_date, changed_days.get(a.id, []),
                                 a.frequency_days, as_of, changes=schedule)  # fmt: skip
        else:
            m = fixed_frequency_intervals(
                a.start_date, a.end_date, a.frequency_days, as_of, *gaps.get(a.id, _NO_GAPS)
            )
        active = a.end_date is None or a.end_date >= as_of
        if rows:
            contacts, last = seen.get(a.id, (0, None))
            frequency = frequency_on(as_of, [(a.start_date, a.frequency_days), *schedule])
            listed.append(
                MentorRow(
                    a.id,
                    a.enrolment_id,
                    a.case_code,
                    a.initials,
                    a.agreement_id,
                    a.name,
                    a.mentor_type,
                    a.mentor_name,
                    frequency,
                    a.start_date,
                    a.end_date,
                    contacts,
                    last,
                    m,
                )  # fmt: skip
            )
        agreements.setdefault(a.agreement_id, MentorGroup(str(a.agreement_id), a.name)).add(
            m, active
        )
        types[a.mentor_type].add(m, active)
        total.add(m, active)
    for agreement_id, name, mentor_type, *sums in pooled:
        agreements.setdefault(agreement_id, MentorGroup(str(agreement_id), name)).add_sums(*sums)
        types[mentor_type].add_sums(*sums)
        total.add_sums(*sums)
    by_type = [g for g in types.values() if g.assignments]
    by_agreement = [agreements[k] for k in sorted(agreements)]
    return MentorCompliance(as_of, listed, by_agreement, by_type, total)


def _pooled_fixed(conn, in_scope, as_of: dt.date):
    """`fixed_frequency_judged` summed per agreement and mentor type: (agreement id, name,
    mentor type, assignments, due, on time, overdue now)."""
    judged = fixed_frequency_judged(conn, in_scope, as_of).subquery()
    return conn.execute(
        select(Enrolment.agreement_id, Agreement.name, MentorAssignment.mentor_type,
               func.count(), func.sum(judged.c.due), func.sum(judged.c.on_time),
               func.sum(judged.c.overdue_now))
        .select_from(judged)
        .join(MentorAssignment, MentorAssignment.id == judged.c.aid)
        .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .group_by(Enrolment.agreement_id, Agreement.name, MentorAssignment.mentor_type)
    ).all()  # fmt: skip


_NO_GAPS = (0, 0, None, None, None)


@dataclass(frozen=True)
class EnrolmentChoice:
    id: int
    label: str
    agreement_id: int


def started_enrolments(
    engine: Engine,
    scope: Scope,
    agreement_ids: Sequence[int] | None = None,
    search: str = "",
    limit: int | None = None,
) -> list[EnrolmentChoice]:
    """Started enrolments in scope for a picker: 'D-1001 (KL) – Samarbejdsaftale 1'.
    `search`: only those whose case code or initials contain it (any case); `limit`: at
    most that many, in the picker's order (the search and the limit in SQL, so a national
    caseload is never read to fill one selectbox)."""
    stmt = (
        select(Enrolment.id, Participant.case_code, Participant.initials, Agreement.name,
               Enrolment.agreement_id, Enrolment.status)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .where(enrolment_clause(scope), Enrolment.status.in_(STARTED), _in_agreements(agreement_ids))
        .where(matching_participants(search))
        .order_by(Enrolment.status, Participant.case_code, Enrolment.id)
        .limit(limit)
    )  # fmt: skip
    with engine.connect() as conn:
        return [
            EnrolmentChoice(
                r.id,
                f"{r.case_code} ({r.initials}) – {r.name}"
                + (" · afsluttet" if r.status == EnrolmentStatus.ENDED else ""),
                r.agreement_id,
            )
            for r in conn.execute(stmt)
        ]


def agreements_in_scope(engine: Engine, scope: Scope) -> dict[int, str]:
    """Agreements with at least one enrolment the user may see (for filters)."""
    stmt = (
        select(Agreement.id, Agreement.name)
        .where(Agreement.id.in_(select(Enrolment.agreement_id).where(enrolment_clause(scope))))
        .order_by(Agreement.id)
    )
    with engine.connect() as conn:
        return dict(conn.execute(stmt).all())
