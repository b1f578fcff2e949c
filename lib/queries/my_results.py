"""Mine resultater (the STV evaluation's minimum requirement 2: caseworkers and team
leaders can see the result of their work).

A caseworker gets their own participants' figures next to the job centre as a whole
(aggregates only: no other caseworker's participant or figures). A manager (leder, admin)
gets the same per caseworker.

Every figure is a dashboard measure (lib.domain.measures), counted per caseworker by the
dashboards' own queries over the dashboards' default period (the last 12 months to today):
compliance_by_caseworker (Planer til tiden, Møder holdt, Forløb), progression_by_caseworker
(Progression, Gennemsnitlig ændring) and outcomes_by_caseworker (I job eller uddannelse).
Two are a status today rather than a count over the period, each with a label of its own:
Evaluering ikke overskredet and Mentoropfølgning overholdt. The whole centre is the sum of
the caseworkers' counts.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import NamedTuple

from sqlalchemy import Engine, and_, case, func, select

from db.models import (
    Agreement,
    Enrolment,
    Evaluation,
    MentorAssignment,
    MentorContact,
    MentorFrequencyChange,
    OutcomeType,
    Parameter,
    Participant,
    Pause,
    User,
)
from lib.domain import rules
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import JOB_CENTRE_ROLES, DueStatus, EnrolmentStatus, Role
from lib.domain.period import Filters, Period, default_period
from lib.domain.quality import mentor_intervals, share
from lib.domain.rules import Tally
from lib.queries.compliance import (
    NO_CASEWORKER,
    baseline_plans,
    compliance_by_caseworker,
    dates_by_course,
    next_evaluation_due,
)
from lib.queries.filters import add_days, overlaps_period, side_by_side
from lib.queries.outcomes import NO_OUTCOME, outcomes_by_caseworker
from lib.queries.progression import ChangeSums, progression_by_caseworker
from lib.queries.quality import fixed_frequency_judged, frequency_changes

CENTRE_LABEL = "Hele jobcentret"


def evaluation_current(
    baseline_on: dt.date | None,
    evaluated_on: list[dt.date],
    interval_months: int,
    today: dt.date,
    pauses: rules.Pauses = (),
) -> bool:
    """An active course is up to date while no evaluation is missing by lib.domain.rules
    (the next one is due N months after the last evaluation or the baseline plan, with the
    grace days; before the first plan no evaluation is due)."""
    items = rules.evaluation_items(baseline_on, evaluated_on, interval_months, today, pauses=pauses)
    return not any(i.status == DueStatus.MISSING for i in items)


@dataclass
class Figures:
    """One caseworker's (or the whole centre's) figures. Counts and sums, so that groups
    add up (see `pooled`)."""

    key: int | None
    label: str
    courses: int = 0  # measures.COURSES
    active: int = 0  # of those, active today
    plans: Tally = field(default_factory=Tally)  # measures.PLANS_ON_TIME
    evaluations_held: int = 0  # measures.MEETINGS_HELD: n
    meetings_held: int = 0
    evaluations_active: int = 0  # measures.EVALUATIONS_CURRENT: n
    evaluations_current: int = 0
    mentor_due: int = 0  # measures.MENTOR_ON_TIME: n
    mentor_on_time: int = 0
    ended: int = 0  # measures.JOB_OR_EDUCATION: n
    job_or_education: int = 0
    outcome_types: dict[str, int] = field(default_factory=dict)  # outcome label -> ended
    progression: dict[str, ChangeSums] = field(default_factory=dict)  # measures.MEAN_CHANGE
    overall: ChangeSums = field(default_factory=ChangeSums)  # measures.OVERALL_CHANGE

    @property
    def plan_share(self) -> float | None:
        return self.plans.share(DueStatus.ON_TIME)

    @property
    def meeting_share(self) -> float | None:
        return share(self.meetings_held, self.evaluations_held)

    @property
    def evaluation_share(self) -> float | None:
        return share(self.evaluations_current, self.evaluations_active)

    @property
    def mentor_share(self) -> float | None:
        return share(self.mentor_on_time, self.mentor_due)

    @property
    def job_or_education_share(self) -> float | None:
        return share(self.job_or_education, self.ended)

    @property
    def mean_change(self) -> float | None:
        """measures.OVERALL_CHANGE: mean over participants of their own mean change."""
        return self.overall.mean_change


def _plus(a, b):
    """Counts, tallies and sums add; dicts of them add key by key."""
    if isinstance(a, dict):
        return {k: _plus(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k)) for k in a | b}
    return a + b


def pooled(groups: list[Figures], key: int | None, label: str) -> Figures:
    """The sum of the groups' counts: the centre is the sum of its caseworkers."""
    out = Figures(key, label)
    for g in groups:
        for f in fields(Figures):
            if f.name not in ("key", "label"):
                setattr(out, f.name, _plus(getattr(out, f.name), getattr(g, f.name)))
    return out


@dataclass(frozen=True)
class MyResults:
    as_of: dt.date
    period: Period  # the period the counts are over
    own: Figures | None  # a caseworker's own figures
    centre: Figures  # the whole job centre
    per_caseworker: list[Figures]  # managers only; empty for a caseworker
    parameters: list[tuple[str, str]]  # (code, label) in catalogue order
    outcomes: list[str]  # outcome labels in catalogue order, NO_OUTCOME last


def _evaluations_current(conn, f: Filters, today: dt.date) -> dict[int | None, tuple[int, int]]:
    """Per caseworker: (active courses, of which no evaluation is missing today).

    Only the evaluation after the last one can be missing (each one written is on time or
    late): for courses without a pause it is due on the last one's next_due_on
    (evaluation_follow_up) or N months after the baseline plan, counted in SQL; the few
    with a pause are judged by the rule (`evaluation_current`) in Python."""
    baseline = baseline_plans()
    active = (Enrolment.status == EnrolmentStatus.ACTIVE) & overlaps_period(f, today)
    paused = Enrolment.id.in_(select(Pause.enrolment_id))
    last, next_due = next_evaluation_due(
        select(Enrolment.id).where(active, ~paused), baseline, today
    )
    missing = and_(
        baseline.c.created_on <= today,
        add_days(next_due, rules.EVALUATION_GRACE_DAYS) < today,
    )
    out: dict[int | None, tuple[int, int]] = {
        key: (int(n), int(current))
        for key, n, current in conn.execute(
            select(Participant.caseworker_id, func.count(),
                   func.sum(case((missing, 0), else_=1)))
            .select_from(Enrolment)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .join(Agreement, Agreement.id == Enrolment.agreement_id)
            .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
            .outerjoin(last, last.c.enrolment_id == Enrolment.id)
            .where(active, ~paused)
            .group_by(Participant.caseworker_id)
        )
    }  # fmt: skip
    courses = conn.execute(
        select(
            Enrolment.id,
            Participant.caseworker_id,
            baseline.c.created_on,
            Agreement.evaluation_interval_months,
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .where(active, paused)
    ).all()
    ids = select(Enrolment.id).where(active, paused)
    evaluations = dates_by_course(
        conn,
        select(Evaluation.enrolment_id, func.max(Evaluation.evaluated_on))
        .where(Evaluation.enrolment_id.in_(ids), Evaluation.evaluated_on <= today)
        .group_by(Evaluation.enrolment_id),
    )
    pauses = dates_by_course(
        conn,
        select(Pause.enrolment_id, Pause.start_date, Pause.end_date).where(
            Pause.enrolment_id.in_(ids)
        ),
    )
    for course_id, key, baseline_on, interval_months in courses:
        current = evaluation_current(
            baseline_on,
            evaluations.get(course_id, []),
            interval_months,
            today,
            pauses.get(course_id, []),
        )
        n, ok = out.get(key, (0, 0))
        out[key] = (n + 1, ok + current)
    return out


def _mentors(conn, today: dt.date) -> dict[int | None, tuple[int, int]]:
    """Per caseworker: (mentor follow-up intervals due, of which on time), every mentor
    assignment up to today, as the Opfølgning page's mentor section counts them.

    lib.domain.quality.mentor_intervals in SQL (the gaps between each assignment's contact
    days, kept in mentor_contact_day), summed per caseworker: reading every contact into
    Python took seconds at L. tests/test_bench.py checks it against the rule."""
    a = MentorAssignment
    # Assignments with one frequency throughout are judged in SQL, as on Kvalitet
    # (lib.queries.quality.fixed_frequency_judged); the rest by the rule below.
    changed = select(MentorFrequencyChange.mentor_assignment_id).distinct()
    judged = fixed_frequency_judged(conn, select(a.id).where(a.start_date <= today), today)
    judged = judged.subquery()
    stmt = (
        select(
            Participant.caseworker_id,
            func.coalesce(func.sum(judged.c.due), 0),
            func.coalesce(func.sum(judged.c.on_time), 0),
        )
        .select_from(judged)
        .join(a, a.id == judged.c.aid)
        .join(Enrolment, Enrolment.id == a.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .group_by(Participant.caseworker_id)
    )
    out = {key: (int(due), int(on_time)) for key, due, on_time in conn.execute(stmt)}
    _add_changed_frequency_mentors(conn, today, changed, out)
    return out


def _add_changed_frequency_mentors(conn, today: dt.date, changed, out) -> None:
    """The few assignments whose frequency changed during the course: the rule itself,
    which judges each interval by the frequency in force on the day it falls due."""
    rows = conn.execute(
        select(MentorAssignment.id, MentorAssignment.start_date, MentorAssignment.end_date,
               MentorAssignment.frequency_days, Participant.caseworker_id)
        .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(MentorAssignment.start_date <= today, MentorAssignment.id.in_(changed))
    ).all()  # fmt: skip
    if not rows:
        return
    contacts = dates_by_course(
        conn,
        select(MentorContact.mentor_assignment_id, MentorContact.contact_on).where(
            MentorContact.contact_on <= today, MentorContact.mentor_assignment_id.in_(changed)
        ),
    )
    changes = frequency_changes(conn, changed)
    for a in rows:
        m = mentor_intervals(a.start_date, a.end_date, contacts.get(a.id, []),
                             a.frequency_days, today, changes=changes.get(a.id, []))  # fmt: skip
        due, on_time = out.get(a.caseworker_id, (0, 0))
        out[a.caseworker_id] = (due + m.due, on_time + m.on_time)


class _OtherFigures(NamedTuple):
    progression: dict
    outcomes: dict
    names: dict[int, str]  # user id -> display name
    listed: set[int]  # the active caseworkers
    evaluations: dict[int | None, tuple[int, int]]
    mentors: dict[int | None, tuple[int, int]]
    parameters: list[tuple[str, str]]
    outcome_labels: list[str]


def _other_figures(engine: Engine, f: Filters, today: dt.date) -> _OtherFigures:
    """Everything my_results reads but the compliance counts: progression, outcomes, the
    users, the evaluations not overdue, mentor follow-up and the catalogues' labels."""
    progression = progression_by_caseworker(engine, f, today)
    outcomes = outcomes_by_caseworker(engine, f)
    with engine.connect() as conn:
        names = dict(conn.execute(select(User.id, User.display_name)).all())
        listed = set(
            conn.scalars(
                select(User.id).where(User.role == Role.CASEWORKER, User.is_active.is_(True))
            ).all()
        )
        evaluations = _evaluations_current(conn, f, today)
        mentors = _mentors(conn, today)
        parameters = [
            (r.code, r.label)
            for r in conn.execute(
                select(Parameter.code, Parameter.label).order_by(Parameter.sort_order)
            )
        ]
        outcome_labels = [
            *conn.scalars(select(OutcomeType.label).order_by(OutcomeType.sort_order)),
            NO_OUTCOME,
        ]
    return _OtherFigures(
        progression, outcomes, names, listed, evaluations, mentors, parameters, outcome_labels
    )


def my_results(engine: Engine, scope: Scope, today: dt.date | None = None) -> MyResults:
    """The figures for the signed-in user: a caseworker's own and the centre's; a manager's
    per caseworker and the centre's. Enterprise staff have no caseload here."""
    if scope.role not in JOB_CENTRE_ROLES:
        raise AccessDenied("Mine resultater er for jobcentrets medarbejdere.")
    today = today or dt.date.today()
    period = Period(*default_period(today))
    f = Filters(period.start, period.end)
    # The compliance counts (half the time at national size) run on a connection of their
    # own beside the rest: the database works on both at once (2.0 -> 1.2 s at L).
    compliance, figures = side_by_side(
        lambda: compliance_by_caseworker(engine, f, today),
        lambda: _other_figures(engine, f, today),
    )
    progression, outcomes, names, listed, evaluations, mentors, parameters, outcome_labels = figures

    if scope.role == Role.CASEWORKER:
        listed.add(scope.user_id)
    keys = listed | set(compliance) | set(progression) | set(outcomes)
    keys |= set(evaluations) | set(mentors)
    by_key: dict[int | None, Figures] = {}
    for key in keys:
        g = Figures(key, names.get(key, NO_CASEWORKER) if key is not None else NO_CASEWORKER)
        if key in compliance:
            c = compliance[key]
            g.courses, g.plans = c.courses, c.plans
            g.evaluations_held, g.meetings_held = c.evaluations_held, c.meetings_held
        g.evaluations_active, g.evaluations_current = evaluations.get(key, (0, 0))
        g.active = g.evaluations_active
        g.mentor_due, g.mentor_on_time = mentors.get(key, (0, 0))
        if key in outcomes:
            o = outcomes[key]
            g.ended, g.job_or_education, g.outcome_types = o.ended, o.job_or_education, o.by_outcome
        if key in progression:
            g.progression, g.overall = progression[key].by_parameter, progression[key].overall
        by_key[key] = g

    centre = pooled(list(by_key.values()), None, CENTRE_LABEL)
    shown_outcomes = [label for label in outcome_labels if label in centre.outcome_types]
    if scope.role == Role.CASEWORKER:
        own = by_key[scope.user_id]
        own.label = names.get(scope.user_id, scope.username)
        return MyResults(today, period, own, centre, [], parameters, shown_outcomes)
    rows = sorted(by_key.values(), key=lambda g: (g.key is None, g.label.lower()))
    rows = [g for g in rows if g.key is not None or g.courses]
    return MyResults(today, period, None, centre, rows, parameters, shown_outcomes)
