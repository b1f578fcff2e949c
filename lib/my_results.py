"""My results (seed 2, minimum requirement 2): caseworkers and team leaders must be able to
see the result of their work.

A caseworker gets their own participants' progression, outcomes and compliance next to the
job centre as a whole (aggregates only: no other caseworker's participant or figures).
A manager (leder, admin) gets the same per caseworker.

Counted per caseworker in SQL where it is counting (outcomes, meetings, score changes);
the date rules (plan due, evaluation due, mentor intervals) are pure functions applied to
the rows. The due-date rules are lib/rules.py's (pauses move due dates; an evaluation
within rules.EVALUATION_GRACE_DAYS of its due date is on time), the same as the dashboards'.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, case, func, select

from db.models import (
    Agreement,
    Enrolment,
    Evaluation,
    EvaluationScore,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Outcome,
    OutcomeType,
    Parameter,
    Participant,
    Pause,
    Plan,
    PlanScore,
    User,
)
from lib import rules
from lib.compliance import dates_by_course
from lib.quality import mentor_intervals, share
from lib.scope import AccessDenied, Scope

STARTED = ("active", "ended")
NO_CASEWORKER = "Ingen sagsbehandler"
CENTRE_LABEL = "Hele jobcentret"
JOB_OR_EDUCATION = ("job", "education")


# =========================================================================== pure rules


def plan_on_time(
    start: dt.date,
    planned_weeks: int,
    plan_created: dt.date | None,
    today: dt.date,
    pauses: rules.Pauses = (),
) -> bool | None:
    """True: the baseline plan was made by its due date; False: made late, or missing
    after the due date; None: not due yet and not made (does not count). lib.rules."""
    item = rules.plan_item(start, planned_weeks, plan_created, today, pauses)
    return None if item.status == rules.PENDING else item.status == rules.ON_TIME


def evaluation_current(
    baseline_on: dt.date | None,
    evaluated_on: list[dt.date],
    interval_months: int,
    today: dt.date,
    pauses: rules.Pauses = (),
) -> bool:
    """An active course is up to date while no evaluation is missing by lib.rules (the
    next one is due N months after the last evaluation or the baseline plan, with the
    grace days; before the first plan no evaluation is due)."""
    items = rules.evaluation_items(baseline_on, evaluated_on, interval_months, today, pauses=pauses)
    return not any(i.status == rules.MISSING for i in items)


@dataclass
class ParameterChange:
    code: str
    label: str
    total_change: float = 0.0
    n: int = 0
    improved: int = 0

    @property
    def mean_change(self) -> float | None:
        return None if not self.n else self.total_change / self.n

    @property
    def improved_share(self) -> float | None:
        return share(self.improved, self.n)


@dataclass
class Figures:
    """One caseworker's (or the whole centre's) figures. Counts, so groups add up."""

    key: int | None
    label: str
    courses: int = 0  # started courses (active or ended)
    active: int = 0
    progression: dict[str, ParameterChange] = field(default_factory=dict)
    ended_with_outcome: int = 0
    outcome_categories: dict[str, int] = field(default_factory=dict)
    outcome_types: dict[str, int] = field(default_factory=dict)
    plans_due: int = 0
    plans_on_time: int = 0
    evaluations_active: int = 0
    evaluations_current: int = 0
    meetings_planned: int = 0
    meetings_held: int = 0
    mentor_due: int = 0
    mentor_on_time: int = 0

    @property
    def job_or_education(self) -> int:
        return sum(self.outcome_categories.get(c, 0) for c in JOB_OR_EDUCATION)

    @property
    def job_or_education_share(self) -> float | None:
        return share(self.job_or_education, self.ended_with_outcome)

    @property
    def plan_share(self) -> float | None:
        return share(self.plans_on_time, self.plans_due)

    @property
    def evaluation_share(self) -> float | None:
        return share(self.evaluations_current, self.evaluations_active)

    @property
    def meeting_share(self) -> float | None:
        return share(self.meetings_held, self.meetings_planned)

    @property
    def mentor_share(self) -> float | None:
        return share(self.mentor_on_time, self.mentor_due)

    @property
    def progression_n(self) -> int:
        """Courses with a baseline and an evaluation score (the most any parameter has)."""
        return max((p.n for p in self.progression.values()), default=0)

    @property
    def mean_change(self) -> float | None:
        """Mean change over all parameter scores (baseline -> latest evaluation)."""
        n = sum(p.n for p in self.progression.values())
        return None if not n else sum(p.total_change for p in self.progression.values()) / n

    @property
    def improved_share(self) -> float | None:
        n = sum(p.n for p in self.progression.values())
        return share(sum(p.improved for p in self.progression.values()), n)


def pooled(groups: list[Figures], key: int | None, label: str) -> Figures:
    """Add groups' counts: the centre is the sum of its caseworkers."""
    out = Figures(key, label)
    for g in groups:
        out.courses += g.courses
        out.active += g.active
        for code, p in g.progression.items():
            t = out.progression.setdefault(code, ParameterChange(code, p.label))
            t.total_change += p.total_change
            t.n += p.n
            t.improved += p.improved
        out.ended_with_outcome += g.ended_with_outcome
        for k, v in g.outcome_categories.items():
            out.outcome_categories[k] = out.outcome_categories.get(k, 0) + v
        for k, v in g.outcome_types.items():
            out.outcome_types[k] = out.outcome_types.get(k, 0) + v
        out.plans_due += g.plans_due
        out.plans_on_time += g.plans_on_time
        out.evaluations_active += g.evaluations_active
        out.evaluations_current += g.evaluations_current
        out.meetings_planned += g.meetings_planned
        out.meetings_held += g.meetings_held
        out.mentor_due += g.mentor_due
        out.mentor_on_time += g.mentor_on_time
    return out


# =========================================================================== queries


@dataclass(frozen=True)
class MyResults:
    as_of: dt.date
    own: Figures | None  # a caseworker's own figures
    centre: Figures  # the whole job centre
    per_caseworker: list[Figures]  # managers only; empty for a caseworker
    parameters: list[tuple[str, str]]  # (code, label) in catalogue order


def _progression(conn, groups) -> None:
    latest = (
        select(
            Evaluation.id,
            Evaluation.enrolment_id,
            func.row_number()
            .over(
                partition_by=Evaluation.enrolment_id,
                order_by=(Evaluation.evaluated_on.desc(), Evaluation.id.desc()),
            )
            .label("rn"),
        )
    ).subquery()
    latest_score = (
        select(
            latest.c.enrolment_id,
            EvaluationScore.parameter_id,
            func.avg(EvaluationScore.score).label("score"),
        )
        .join(EvaluationScore, EvaluationScore.evaluation_id == latest.c.id)
        .where(latest.c.rn == 1, EvaluationScore.sub_element_id.is_(None))
        .group_by(latest.c.enrolment_id, EvaluationScore.parameter_id)
    ).subquery()
    baseline = (
        select(Plan.enrolment_id, PlanScore.parameter_id, func.avg(PlanScore.score).label("score"))
        .join(PlanScore, PlanScore.plan_id == Plan.id)
        .where(Plan.version_no == 1, PlanScore.sub_element_id.is_(None))
        .group_by(Plan.enrolment_id, PlanScore.parameter_id)
    ).subquery()
    change = latest_score.c.score - baseline.c.score
    stmt = (
        select(
            Participant.caseworker_id,
            Parameter.code,
            func.sum(change).label("total"),
            func.count().label("n"),
            func.sum(case((change > 0, 1), else_=0)).label("improved"),
        )
        .select_from(baseline)
        .join(
            latest_score,
            (latest_score.c.enrolment_id == baseline.c.enrolment_id)
            & (latest_score.c.parameter_id == baseline.c.parameter_id),
        )
        .join(Enrolment, Enrolment.id == baseline.c.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Parameter, Parameter.id == baseline.c.parameter_id)
        .where(Enrolment.status.in_(STARTED))
        .group_by(Participant.caseworker_id, Parameter.code)
    )
    labels = dict(conn.execute(select(Parameter.code, Parameter.label)).all())
    for r in conn.execute(stmt):
        g = groups(r.caseworker_id)
        g.progression[r.code] = ParameterChange(
            r.code, labels[r.code], float(r.total or 0), int(r.n), int(r.improved or 0)
        )


def _outcomes(conn, groups) -> None:
    stmt = (
        select(
            Participant.caseworker_id,
            OutcomeType.category,
            OutcomeType.label,
            func.count().label("n"),
        )
        .select_from(Outcome)
        .join(Enrolment, Enrolment.id == Outcome.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
        .where(Enrolment.status == "ended")
        .group_by(Participant.caseworker_id, OutcomeType.category, OutcomeType.label)
    )
    for r in conn.execute(stmt):
        g = groups(r.caseworker_id)
        g.ended_with_outcome += r.n
        g.outcome_categories[r.category] = g.outcome_categories.get(r.category, 0) + r.n
        g.outcome_types[r.label] = g.outcome_types.get(r.label, 0) + r.n


def _courses_and_due_dates(conn, groups, today: dt.date) -> None:
    baseline = select(Plan.enrolment_id, Plan.created_on).where(Plan.version_no == 1).subquery()
    stmt = (
        select(
            Enrolment.id,
            Participant.caseworker_id,
            Enrolment.status,
            Enrolment.start_date,
            Enrolment.planned_weeks,
            baseline.c.created_on,
            Agreement.evaluation_interval_months,
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .where(Enrolment.status.in_(STARTED))
    )
    started = select(Enrolment.id).where(Enrolment.status.in_(STARTED))
    evaluations = dates_by_course(
        conn,
        select(Evaluation.enrolment_id, Evaluation.evaluated_on).where(
            Evaluation.enrolment_id.in_(started), Evaluation.evaluated_on <= today
        ),
    )
    pauses = dates_by_course(
        conn,
        select(Pause.enrolment_id, Pause.start_date, Pause.end_date).where(
            Pause.enrolment_id.in_(started)
        ),
    )
    for r in conn.execute(stmt):
        g = groups(r.caseworker_id)
        g.courses += 1
        paused = pauses.get(r.id, [])
        on_time = plan_on_time(r.start_date, r.planned_weeks, r.created_on, today, paused)
        if on_time is not None:
            g.plans_due += 1
            g.plans_on_time += 1 if on_time else 0
        if r.status == "active":
            g.active += 1
            g.evaluations_active += 1
            current = evaluation_current(
                r.created_on,
                evaluations.get(r.id, []),
                r.evaluation_interval_months,
                today,
                paused,
            )
            g.evaluations_current += 1 if current else 0


def _meetings(conn, groups, today: dt.date) -> None:
    stmt = (
        select(
            Participant.caseworker_id,
            func.count().label("planned"),
            func.sum(case((FollowUpMeeting.held.is_(True), 1), else_=0)).label("held"),
        )
        .select_from(FollowUpMeeting)
        .join(Enrolment, Enrolment.id == FollowUpMeeting.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(
            (FollowUpMeeting.held.is_(True))
            | (FollowUpMeeting.planned_on.is_not(None) & (FollowUpMeeting.planned_on <= today))
        )
        .group_by(Participant.caseworker_id)
    )
    for r in conn.execute(stmt):
        g = groups(r.caseworker_id)
        g.meetings_planned += int(r.planned)
        g.meetings_held += int(r.held or 0)


def _mentors(conn, groups, today: dt.date) -> None:
    assignments = conn.execute(
        select(
            MentorAssignment.id,
            MentorAssignment.start_date,
            MentorAssignment.end_date,
            MentorAssignment.frequency_days,
            Participant.caseworker_id,
        )
        .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(MentorAssignment.start_date <= today)
    ).all()
    contacts: dict[int, list[dt.date]] = {}
    for aid, day in conn.execute(
        select(MentorContact.mentor_assignment_id, MentorContact.contact_on).where(
            MentorContact.contact_on <= today
        )
    ):
        contacts.setdefault(aid, []).append(day)
    for a in assignments:
        m = mentor_intervals(
            a.start_date, a.end_date, contacts.get(a.id, []), a.frequency_days, today
        )
        g = groups(a.caseworker_id)
        g.mentor_due += m.due
        g.mentor_on_time += m.on_time


def my_results(engine: Engine, scope: Scope, today: dt.date | None = None) -> MyResults:
    """The figures for the signed-in user: a caseworker's own and the centre's; a manager's
    per caseworker and the centre's. Enterprise staff have no caseload here."""
    if scope.role not in ("admin", "leder", "sagsbehandler"):
        raise AccessDenied("Mine resultater er for jobcentrets medarbejdere.")
    today = today or dt.date.today()
    with engine.connect() as conn:
        names = dict(
            conn.execute(
                select(User.id, User.display_name).where(User.role == "sagsbehandler")
            ).all()
        )
        active_caseworkers = set(
            conn.scalars(
                select(User.id).where(User.role == "sagsbehandler", User.is_active.is_(True))
            ).all()
        )
        by_key: dict[int | None, Figures] = {}

        def groups(key: int | None) -> Figures:
            if key not in by_key:
                by_key[key] = Figures(key, names.get(key, NO_CASEWORKER))
            return by_key[key]

        for key in active_caseworkers:
            groups(key)
        if scope.role == "sagsbehandler":
            groups(scope.user_id)
        _courses_and_due_dates(conn, groups, today)
        _progression(conn, groups)
        _outcomes(
            conn,
            groups,
        )
        _meetings(conn, groups, today)
        _mentors(conn, groups, today)
        parameters = [
            (r.code, r.label)
            for r in conn.execute(
                select(Parameter.code, Parameter.label).order_by(Parameter.sort_order)
            )
        ]
    centre = pooled(list(by_key.values()), None, CENTRE_LABEL)
    if scope.role == "sagsbehandler":
        own = by_key[scope.user_id]
        own.label = names.get(scope.user_id, scope.username)
        return MyResults(today, own, centre, [], parameters)
    rows = sorted(by_key.values(), key=lambda f: (f.key is None, f.label.lower()))
    rows = [f for f in rows if f.key is not None or f.courses]
    return MyResults(today, None, centre, rows, parameters)
