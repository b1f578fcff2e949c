"""Summary tables derived from the recorded data, kept current in the transaction of every
write, so the dashboards read them instead of a window over millions of rows:

- score_span (ScoreSpan): each course's score per parameter and sub-element from the day
  an evaluation gave it until the next evaluation scoring the same, beside the baseline
  (the first plan's score for the same);
- mentor_contact_day (MentorContactDay): each mentor assignment's contact days, with the
  contact day before each, the gap since it and running counts (so an assignment's
  follow-up as of a day is one row);
- hours_month (HoursMonth): each course's weekly hours summed per month;
- evaluation_follow_up (EvaluationFollowUp): each evaluation's due date, the next one's,
  whether its meeting was held, the course's next evaluation day and how many parameters
  it scored.

Writes through an ORM Session (every form: write_session) are noted by a flush hook, as
the audit log is, so no form can forget them, and refreshed once before the commit, in
the same transaction. Writes in Core (the import, the benchmark generator) call
`refresh_score_spans`, `refresh_follow_ups`, `refresh_contact_days` or
`refresh_hours_months` for what they touched, or `rebuild_all`. A derived row is never
edited: the rows of a touched course or assignment are deleted and computed again from
the source, so a refresh cannot drift.
tests/test_summaries.py checks the tables against the source after every kind of write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    event,
    extract,
    func,
    insert,
    inspect,
    or_,
    select,
)  # fmt: skip
from sqlalchemy.orm import Session

from db.models import (
    Agreement,
    Enrolment,
    Evaluation,
    EvaluationFollowUp,
    EvaluationScore,
    FollowUpMeeting,
    HoursMonth,
    MentorAssignment,
    MentorContact,
    MentorContactDay,
    Plan,
    PlanScore,
    ScoreSpan,
    WeeklyHours,
)
from db.sql import add_months, days_between, evaluation_interval
from lib.domain.quality import MENTOR_GRACE_DAYS

# Which courses or assignments: ids, a select of ids, or None for all of them.
Ids = Iterable[int] | Select | None


def _where(column, ids: Ids):
    return column.in_(ids) if ids is not None else column.is_not(None)


def score_spans_from_source(enrolment_ids: Ids = None) -> Select:
    """The score_span rows of the given courses, computed from their evaluations and their
    first plan (the baseline)."""
    sub = func.coalesce(EvaluationScore.sub_element_id, 0)
    per_day = (
        select(
            Evaluation.enrolment_id.label("enrolment_id"),
            EvaluationScore.parameter_id.label("parameter_id"),
            sub.label("sub_key"),
            Evaluation.evaluated_on.label("day"),
            func.max(EvaluationScore.score).label("score"),
        )
        .join(Evaluation, Evaluation.id == EvaluationScore.evaluation_id)
        .where(_where(Evaluation.enrolment_id, enrolment_ids))
        .group_by(Evaluation.enrolment_id, EvaluationScore.parameter_id, sub,
                  Evaluation.evaluated_on)
        .subquery()
    )  # fmt: skip
    plan_sub = func.coalesce(PlanScore.sub_element_id, 0)
    baseline = (
        select(
            Plan.enrolment_id.label("enrolment_id"),
            PlanScore.parameter_id.label("parameter_id"),
            plan_sub.label("sub_key"),
            Plan.created_on.label("day"),
            func.max(PlanScore.score).label("score"),
        )
        .join(Plan, Plan.id == PlanScore.plan_id)
        .where(Plan.version_no == 1, _where(Plan.enrolment_id, enrolment_ids))
        .group_by(Plan.enrolment_id, PlanScore.parameter_id, plan_sub, Plan.created_on)
        .subquery()
    )
    key = (per_day.c.enrolment_id, per_day.c.parameter_id, per_day.c.sub_key)
    return select(
        *key,
        per_day.c.day,
        func.lead(per_day.c.day, type_=Date).over(partition_by=key, order_by=per_day.c.day),
        per_day.c.score,
        baseline.c.score,
        baseline.c.day,
    ).outerjoin(
        baseline,
        and_(
            baseline.c.enrolment_id == per_day.c.enrolment_id,
            baseline.c.parameter_id == per_day.c.parameter_id,
            baseline.c.sub_key == per_day.c.sub_key,
        ),
    )


SPAN_COLUMNS = (
    "enrolment_id", "parameter_id", "sub_key", "valid_from", "valid_until", "score",
    "baseline", "baseline_on",
)  # fmt: skip


def follow_ups_from_source(enrolment_ids: Ids = None) -> Select:
    """The evaluation_follow_up rows of the given courses, computed from their evaluations,
    their first plan (the baseline), their agreement's interval and the meetings recorded
    with the evaluations."""
    baseline = (
        select(Plan.enrolment_id, Plan.created_on)
        .where(Plan.version_no == 1, _where(Plan.enrolment_id, enrolment_ids))
        .subquery()
    )
    # Only evaluations after the baseline plan answer due dates, each the one after the
    # evaluation before it (two on a day: in id order, the second due from the first).
    after = Evaluation.evaluated_on > baseline.c.created_on  # NULL without a baseline
    previous = func.lag(Evaluation.evaluated_on, type_=Date).over(
        partition_by=(Evaluation.enrolment_id, after),
        order_by=(Evaluation.evaluated_on, Evaluation.id),
    )
    n = evaluation_interval(Agreement.evaluation_interval_months)
    held = FollowUpMeeting.held
    meetings = (
        select(
            FollowUpMeeting.evaluation_id,
            func.max(case((held, 1), else_=0)).label("held"),
            func.max(case((and_(held, FollowUpMeeting.caseworker_present), 1), else_=0)).label(
                "present"
            ),
        )
        .join(Evaluation, Evaluation.id == FollowUpMeeting.evaluation_id)
        .where(_where(Evaluation.enrolment_id, enrolment_ids))
        .group_by(FollowUpMeeting.evaluation_id)
        .subquery()
    )
    scored = (
        select(
            EvaluationScore.evaluation_id,
            func.count(func.distinct(EvaluationScore.parameter_id)).label("n"),
        )
        .join(Evaluation, Evaluation.id == EvaluationScore.evaluation_id)
        .where(EvaluationScore.sub_element_id.is_(None),
               _where(Evaluation.enrolment_id, enrolment_ids))
        .group_by(EvaluationScore.evaluation_id)
        .subquery()
    )  # fmt: skip
    following = func.lead(Evaluation.evaluated_on, type_=Date).over(
        partition_by=Evaluation.enrolment_id, order_by=(Evaluation.evaluated_on, Evaluation.id)
    )
    return (
        select(
            Evaluation.id,
            Evaluation.enrolment_id,
            Evaluation.evaluated_on,
            case((after, add_months(func.coalesce(previous, baseline.c.created_on), n))),
            case((after, add_months(Evaluation.evaluated_on, n))),
            func.coalesce(meetings.c.held, 0) == 1,
            func.coalesce(meetings.c.present, 0) == 1,
            following,
            func.coalesce(scored.c.n, 0),
        )
        .join(Enrolment, Enrolment.id == Evaluation.enrolment_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(baseline, baseline.c.enrolment_id == Evaluation.enrolment_id)
        .outerjoin(meetings, meetings.c.evaluation_id == Evaluation.id)
        .outerjoin(scored, scored.c.evaluation_id == Evaluation.id)
        .where(_where(Evaluation.enrolment_id, enrolment_ids))
    )


FOLLOW_UP_COLUMNS = (
    "evaluation_id", "enrolment_id", "evaluated_on", "due_on", "next_due_on", "meeting_held",
    "caseworker_present", "next_on", "scored",
)  # fmt: skip


def contact_days_from_source(conn: Connection, assignment_ids: Ids = None) -> Select:
    """The mentor_contact_day rows of the given assignments, computed from the contacts
    and the assignments' start and end (`conn` for its dialect's day arithmetic)."""
    days = (
        select(MentorContact.mentor_assignment_id.label("aid"), MentorContact.contact_on.label("day"))
        .where(_where(MentorContact.mentor_assignment_id, assignment_ids))
        .distinct()
        .subquery()
    )  # fmt: skip
    lagged = select(
        days.c.aid,
        days.c.day,
        func.lag(days.c.day, type_=Date).over(partition_by=days.c.aid, order_by=days.c.day).label("prev"),
    ).subquery()  # fmt: skip
    a = MentorAssignment
    day = (
        select(
            lagged.c.aid,
            lagged.c.day,
            lagged.c.prev,
            case(
                (lagged.c.prev >= a.start_date,
                 cast(days_between(conn, lagged.c.prev, lagged.c.day), Integer)),
                else_=None,
            ).label("gap"),
            and_(lagged.c.day >= a.start_date,
                 or_(a.end_date.is_(None), lagged.c.day <= a.end_date)).label("within"),
            a.frequency_days,
        )
        .join(a, a.id == lagged.c.aid)
        .subquery()
    )  # fmt: skip

    # Running over the days inside the assignment (and, unread, over those outside).
    def running(function):
        return function.over(partition_by=(day.c.aid, day.c.within), order_by=day.c.day)

    on_time = case((day.c.gap <= day.c.frequency_days + MENTOR_GRACE_DAYS, 1), else_=0)
    return select(
        day.c.aid,
        day.c.day,
        day.c.prev,
        day.c.gap,
        day.c.within,
        running(func.lead(day.c.day, type_=Date)),
        running(func.count()),
        running(func.sum(on_time)),
        running(func.max(day.c.gap)),
        running(func.min(day.c.day)),
    )


DAY_COLUMNS = (
    "mentor_assignment_id", "contact_on", "previous_on", "gap", "within", "next_on", "so_far",
    "on_time_so_far", "longest_so_far", "first_on",
)  # fmt: skip


def hours_months_from_source(enrolment_ids: Ids = None) -> Select:
    """The hours_month rows of the given courses, computed from their weekly hours."""
    w = WeeklyHours
    year = cast(extract("year", w.week_start), Integer)
    month = cast(extract("month", w.week_start), Integer)
    return (
        select(
            w.enrolment_id, year, month, func.count(),
            func.sum(w.planned_hours), func.sum(w.attended_hours),
            func.sum(w.illness_hours), func.sum(w.ordinary_paid_hours),
            func.max(case((w.ordinary_paid_hours > 0, 1), else_=0)),
        )
        .where(_where(w.enrolment_id, enrolment_ids))
        .group_by(w.enrolment_id, year, month)
    )  # fmt: skip


HOURS_COLUMNS = (
    "enrolment_id", "year", "month", "weeks", "planned", "attended", "illness", "ordinary",
    "paid",
)  # fmt: skip


def _refresh(conn: Connection, table, owner, lock, columns, source, ids: Ids) -> None:
    """The one way a summary is kept: lock the owners' rows, delete their summary rows,
    insert them again from `source(ids)`; in batches PostgreSQL takes."""
    for batch in _batches(ids):
        _lock(conn, lock, batch)
        conn.execute(delete(table).where(_where(owner, batch)))
        conn.execute(insert(table).from_select(columns, source(batch)))


def refresh_hours_months(conn: Connection, enrolment_ids: Ids = None) -> None:
    """Compute the monthly hours of these courses (None: all) again from their weeks."""
    _refresh(conn, HoursMonth, HoursMonth.enrolment_id, Enrolment.id, HOURS_COLUMNS,
             hours_months_from_source, enrolment_ids)  # fmt: skip


def refresh_score_spans(conn: Connection, enrolment_ids: Ids = None) -> None:
    """Compute the score spans of these courses (None: all) again from their plans and
    evaluations."""
    _refresh(conn, ScoreSpan, ScoreSpan.enrolment_id, Enrolment.id, SPAN_COLUMNS,
             score_spans_from_source, enrolment_ids)  # fmt: skip


def refresh_follow_ups(conn: Connection, enrolment_ids: Ids = None) -> None:
    """Compute the evaluations' due date references and meetings of these courses (None:
    all) again from their plans, evaluations and meetings."""
    _refresh(conn, EvaluationFollowUp, EvaluationFollowUp.enrolment_id, Enrolment.id,
             FOLLOW_UP_COLUMNS, follow_ups_from_source, enrolment_ids)  # fmt: skip


def refresh_contact_days(conn: Connection, assignment_ids: Ids = None) -> None:
    """Compute the contact days of these assignments (None: all) again from their contacts."""
    _refresh(conn, MentorContactDay, MentorContactDay.mentor_assignment_id, MentorAssignment.id,
             DAY_COLUMNS, partial(contact_days_from_source, conn), assignment_ids)  # fmt: skip


def courses_of(
    conn: Connection, model: type[Evaluation] | type[Plan], ids: Iterable[int]
) -> set[int]:
    """The courses (enrolment ids) of these evaluations or plans, asked in batches."""
    out: set[int] = set()
    for batch in _batches(list(ids)):
        out.update(conn.scalars(select(model.enrolment_id).where(_where(model.id, batch))))
    return out


def _lock(conn: Connection, id_column, ids: Ids) -> None:
    """Two saves for one course (or assignment) at once must not both delete its rows and
    insert them again: the second's insert would meet the first's rows (a duplicate key)
    or leave out its saved evaluation. Locking the course's row, in id order, makes the
    second wait for the first's commit; in PostgreSQL's READ COMMITTED its delete and insert
    then see what the first wrote. FOR NO KEY UPDATE: the key-share lock each save's
    foreign keys already hold on the row must not block it (two saves deadlocked on FOR
    UPDATE). SQLite runs one writer at a time and has no FOR UPDATE."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            select(id_column)
            .where(_where(id_column, ids))
            .order_by(id_column)
            .with_for_update(key_share=True)
        )


def _batches(ids: Ids, size: int = 1000) -> Iterable[Ids]:
    """A select or None as it is; a list of ids in lists PostgreSQL takes (≤ 65,535
    parameters), e.g. the demo's one large flush."""
    if ids is None or isinstance(ids, Select):
        yield ids
        return
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def rebuild_all(conn: Connection) -> None:
    """Every summary table from scratch: after a bulk load (the benchmark generator, a
    restore) and as the repair path (`python -m db.cli rebuild-summaries`)."""
    refresh_score_spans(conn)
    refresh_follow_ups(conn)
    refresh_contact_days(conn)
    refresh_hours_months(conn)


def _values(obj: object, key: str) -> set[Any]:
    """Every value the attribute had in this flush: before and after (a score moved to
    another evaluation, a contact to another assignment, changes both)."""
    history = inspect(obj).attrs[key].history
    return {v for v in chain(history.added, history.unchanged, history.deleted) if v is not None}


def _interval_changed(agreement: Agreement) -> bool:
    return inspect(agreement).attrs["evaluation_interval_months"].history.has_changes()


@dataclass
class _Touched:
    """What a transaction's flushes changed, by the summary it moves."""

    courses: set[int] = field(default_factory=set)  # evaluation or plan: spans, follow-ups
    met: set[int] = field(default_factory=set)  # a meeting: the follow-ups
    met_evaluations: set[int] = field(default_factory=set)
    agreements: set[int] = field(default_factory=set)  # an interval: its courses' due dates
    evaluations: set[int] = field(default_factory=set)  # a score: spans and follow-ups
    plans: set[int] = field(default_factory=set)
    assignments: set[int] = field(default_factory=set)
    hours: set[int] = field(default_factory=set)


TOUCHED = "summaries_touched"


@event.listens_for(Session, "after_flush")
def _note_touched(session: Session, _ctx: object) -> None:
    # After the flush the rows are written; new/dirty/deleted and the attribute history
    # still describe what this flush changed. Noted here, refreshed once before the
    # commit: a save flushes several times (the evaluation, its scores, its meeting).
    t = session.info.setdefault(TOUCHED, _Touched())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Evaluation | Plan):
            t.courses |= _values(obj, "enrolment_id")
        elif isinstance(obj, FollowUpMeeting):
            t.met |= _values(obj, "enrolment_id")
            t.met_evaluations |= _values(obj, "evaluation_id")
        elif isinstance(obj, EvaluationScore):
            t.evaluations |= _values(obj, "evaluation_id")
        elif isinstance(obj, PlanScore):
            t.plans |= _values(obj, "plan_id")
        elif isinstance(obj, WeeklyHours):
            t.hours |= _values(obj, "enrolment_id")
        elif isinstance(obj, MentorContact):
            t.assignments |= _values(obj, "mentor_assignment_id")
        elif isinstance(obj, MentorAssignment) and obj not in session.new:
            t.assignments |= _values(obj, "id")  # its start or end moved the gaps
        elif isinstance(obj, Agreement) and obj not in session.new and _interval_changed(obj):
            t.agreements.add(obj.id)


@event.listens_for(Session, "after_transaction_end")
def _forget_touched(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back or closed: nothing to keep
        session.info.pop(TOUCHED, None)


@event.listens_for(Session, "before_commit")
def _refresh_touched(session: Session) -> None:
    session.flush()  # what is still pending is noted too
    t = session.info.pop(TOUCHED, None)
    if t is None:
        return
    conn = session.connection()
    met = t.met | courses_of(conn, Evaluation, t.met_evaluations)
    if t.agreements:
        met |= set(
            conn.scalars(select(Enrolment.id).where(Enrolment.agreement_id.in_(t.agreements)))
        )
    scored = courses_of(conn, Evaluation, t.evaluations)
    spans = t.courses | scored | courses_of(conn, Plan, t.plans)
    if spans:
        refresh_score_spans(conn, spans)
    if t.courses | scored | met:
        refresh_follow_ups(conn, t.courses | scored | met)
    if t.assignments:
        refresh_contact_days(conn, t.assignments)
    if t.hours:
        refresh_hours_months(conn, t.hours)
