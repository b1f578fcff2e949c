"""Scoped reads for the entry forms: the user's courses, the plans with their chosen
parameters, the evaluations and last scores, due dates and weekly hours.

No Streamlit here. Every participant-level read takes the signed-in user's Scope and
filters with lib.queries.scope, so a form can only ever offer (and prefill from) what the
user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, case, func, select
from sqlalchemy.engine import Connection

from db.models import (
    Agreement,
    Deliverable,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    EvaluationSubGoal,
    Extension,
    FollowUpMeeting,
    Participant,
    Pause,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalParameter,
    PlanSubGoalSubElement,
    SubGoal,
    User,
    WeeklyHours,
)
from lib.domain import rules
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import JOB_CENTRE_ROLES, EnrolmentStatus, Role
from lib.domain.rules import week_start
from lib.queries.filters import matching_participants
from lib.queries.occupancy import AgreementOccupancy, occupancy_by_agreement
from lib.queries.scope import enrolment_clause, participant_clause


def caseworkers(engine: Engine, scope: Scope) -> dict[int, str]:
    """Caseworkers a participant can be assigned to: a caseworker only themself."""
    stmt = select(User.id, User.display_name).where(
        User.role == Role.CASEWORKER, User.is_active.is_(True)
    )
    if scope.role == Role.CASEWORKER:
        stmt = stmt.where(User.id == scope.user_id)
    elif not scope.sees_all:
        return {}
    with engine.connect() as conn:
        return {r.id: r.display_name for r in conn.execute(stmt.order_by(User.display_name))}


def agreements_for_enrolment(engine: Engine, scope: Scope) -> list[AgreementOccupancy]:
    """Agreements the job centre can enrol on, with free slots (counts, not persons)."""
    if scope.role not in JOB_CENTRE_ROLES:
        return []
    return occupancy_by_agreement(engine, scope)


def participants_for(engine: Engine, scope: Scope) -> dict[int, str]:
    """Existing participants the user may enrol again: id -> 'D-1001 (KL)'."""
    stmt = (
        select(Participant.id, Participant.case_code, Participant.initials)
        .where(participant_clause(scope))
        .order_by(Participant.case_code)
    )
    with engine.connect() as conn:
        return {r.id: f"{r.case_code} ({r.initials})" for r in conn.execute(stmt)}


@dataclass(frozen=True)
class EnrolmentRow:
    id: int
    participant_id: int
    case_code: str
    initials: str
    agreement_id: int
    agreement: str
    enterprise: str
    status: str
    start_date: dt.date
    planned_weeks: int
    planned_end: dt.date
    end_date: dt.date | None
    caseworker: str
    caseworker_id: int | None
    interval_months: int
    version: int

    @property
    def label(self) -> str:
        return f"{self.case_code} ({self.initials}) – {self.agreement}"


def _planned_end_expr():
    return (
        select(func.max(Extension.new_end_date))
        .where(Extension.enrolment_id == Enrolment.id)
        .correlate(Enrolment)
        .scalar_subquery()
    )


def _enrolment_select():
    return (
        select(
            Enrolment.id,
            Enrolment.participant_id,
            Participant.case_code,
            Participant.initials,
            Enrolment.agreement_id,
            Agreement.name.label("agreement"),
            Enterprise.name.label("enterprise"),
            Enrolment.status,
            Enrolment.start_date,
            Enrolment.planned_weeks,
            _planned_end_expr().label("extended_to"),
            Enrolment.end_date,
            User.display_name.label("caseworker"),
            Participant.caseworker_id,
            Agreement.evaluation_interval_months,
            Enrolment.version,
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .join(Enterprise, Enterprise.id == Agreement.enterprise_id)
        .outerjoin(User, User.id == Participant.caseworker_id)
    )


def _row(r) -> EnrolmentRow:
    extension_ends = [r.extended_to] if r.extended_to else []
    planned_end = rules.expected_end(r.start_date, r.planned_weeks, extension_ends)
    return EnrolmentRow(
        r.id,
        r.participant_id,
        r.case_code,
        r.initials,
        r.agreement_id,
        r.agreement,
        r.enterprise,
        r.status,
        r.start_date,
        r.planned_weeks,
        planned_end,
        r.end_date,
        r.caseworker or "–",
        r.caseworker_id,
        r.evaluation_interval_months,
        r.version,
    )


def my_enrolments(
    engine: Engine,
    scope: Scope,
    statuses: tuple[str, ...] = (EnrolmentStatus.ACTIVE,),
    search: str = "",
    limit: int | None = None,
    first: int | None = None,
) -> list[EnrolmentRow]:
    """The courses the user may see and write to, ordered by case code. `search`: only
    those whose case code or initials contain it (any case); `limit`: at most that many;
    `first`: that course (if listed) before the others. Search and limit run in SQL: a
    manager's national caseload (45,000 open courses) is never read to fill a picker."""
    leading = [case((Enrolment.id == first, 0), else_=1)] if first is not None else []
    stmt = (
        _enrolment_select()
        .where(enrolment_clause(scope), Enrolment.status.in_(statuses))
        .where(matching_participants(search))
        .order_by(*leading, Participant.case_code, Enrolment.start_date, Enrolment.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(stmt)]


def count_enrolments(
    engine: Engine, scope: Scope, statuses: tuple[str, ...] = (EnrolmentStatus.ACTIVE,)
) -> int:
    """How many courses my_enrolments lists without search and limit."""
    stmt = (
        select(func.count())
        .select_from(Enrolment)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(enrolment_clause(scope), Enrolment.status.in_(statuses))
    )
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def enrolment(engine: Engine, scope: Scope, enrolment_id: int) -> EnrolmentRow:
    with engine.connect() as conn:
        return enrolment_in(conn, scope, enrolment_id)


def enrolment_in(conn: Connection, scope: Scope, enrolment_id: int) -> EnrolmentRow:
    row = conn.execute(
        _enrolment_select().where(Enrolment.id == enrolment_id, enrolment_clause(scope))
    ).first()
    if row is None:
        raise AccessDenied("Du har ikke adgang til dette forløb.")
    return _row(row)


def placement_type_of(engine: Engine, scope: Scope, enrolment_id: int) -> str | None:
    """The course's placement type (None: not registered); AccessDenied outside scope."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Enrolment.placement_type).where(
                Enrolment.id == enrolment_id, enrolment_clause(scope)
            )
        ).first()
    if row is None:
        raise AccessDenied("Du har ikke adgang til dette forløb.")
    return row.placement_type


@dataclass(frozen=True)
class PlanSubGoalView:
    sub_goal_id: int
    label: str
    priority: int
    rationale: str
    focus: str
    parameter_ids: list[int]
    sub_element_ids: list[int]


@dataclass(frozen=True)
class PlanView:
    id: int
    version_no: int
    created_on: dt.date
    made_with_participant: bool
    took_part: str
    long_term_goal: str
    sub_goals: list[PlanSubGoalView]
    scores: dict[int, int]  # parameter id -> score at the time of the plan
    version: int
    element_scores: dict[int, int] = field(default_factory=dict)  # sub-element id -> score

    @property
    def parameter_ids(self) -> list[int]:
        """The chosen parameters, in order of first appearance by sub-goal priority."""
        seen: list[int] = []
        for goal in self.sub_goals:
            seen += [p for p in goal.parameter_ids if p not in seen]
        return seen


def plans(engine: Engine, scope: Scope, enrolment_id: int) -> list[PlanView]:
    """All plan versions of a course, oldest (the baseline) first."""
    with engine.connect() as conn:
        enrolment_in(conn, scope, enrolment_id)
        return plans_in(conn, enrolment_id)


def plans_in(conn: Connection, enrolment_id: int) -> list[PlanView]:
    plan_rows = conn.execute(
        select(Plan.__table__).where(Plan.enrolment_id == enrolment_id).order_by(Plan.version_no)
    ).all()
    if not plan_rows:
        return []
    plan_ids = [p.id for p in plan_rows]
    goals = conn.execute(
        select(
            PlanSubGoal.id,
            PlanSubGoal.plan_id,
            PlanSubGoal.sub_goal_id,
            SubGoal.label,
            PlanSubGoal.priority,
            PlanSubGoal.rationale,
            PlanSubGoal.focus,
        )
        .join(SubGoal, SubGoal.id == PlanSubGoal.sub_goal_id)
        .where(PlanSubGoal.plan_id.in_(plan_ids))
        .order_by(PlanSubGoal.plan_id, PlanSubGoal.priority)
    ).all()
    goal_ids = [g.id for g in goals]
    params: dict[int, list[int]] = {}
    for link in conn.execute(
        select(PlanSubGoalParameter.plan_sub_goal_id, PlanSubGoalParameter.parameter_id)
        .where(PlanSubGoalParameter.plan_sub_goal_id.in_(goal_ids))
        .order_by(PlanSubGoalParameter.parameter_id)
    ):
        params.setdefault(link.plan_sub_goal_id, []).append(link.parameter_id)
    elements: dict[int, list[int]] = {}
    for chosen in conn.execute(
        select(PlanSubGoalSubElement.plan_sub_goal_id, PlanSubGoalSubElement.sub_element_id)
        .where(PlanSubGoalSubElement.plan_sub_goal_id.in_(goal_ids))
        .order_by(PlanSubGoalSubElement.sub_element_id)
    ):
        elements.setdefault(chosen.plan_sub_goal_id, []).append(chosen.sub_element_id)
    scores: dict[int, dict[int, int]] = {}
    element_scores: dict[int, dict[int, int]] = {}
    for score in conn.execute(
        select(
            PlanScore.plan_id, PlanScore.parameter_id, PlanScore.sub_element_id, PlanScore.score
        ).where(PlanScore.plan_id.in_(plan_ids))
    ):
        if score.sub_element_id is None:
            scores.setdefault(score.plan_id, {})[score.parameter_id] = score.score
        else:
            element_scores.setdefault(score.plan_id, {})[score.sub_element_id] = score.score
    out = []
    for p in plan_rows:
        out.append(
            PlanView(
                p.id,
                p.version_no,
                p.created_on,
                p.made_with_participant,
                p.took_part,
                p.long_term_goal,
                [
                    PlanSubGoalView(
                        g.sub_goal_id,
                        g.label,
                        g.priority,
                        g.rationale,
                        g.focus,
                        params.get(g.id, []),
                        elements.get(g.id, []),
                    )
                    for g in goals
                    if g.plan_id == p.id
                ],
                scores.get(p.id, {}),
                p.version,
                element_scores.get(p.id, {}),
            )
        )
    return out


def current_plan(engine: Engine, scope: Scope, enrolment_id: int) -> PlanView | None:
    found = plans(engine, scope, enrolment_id)
    return found[-1] if found else None


@dataclass(frozen=True)
class EvaluationView:
    id: int
    evaluated_on: dt.date
    goal_progress: str
    sub_goals_need_adjusting: bool
    notes: str
    written_with_participant: bool
    scores: dict[int, int]
    meeting_held: bool
    meeting_on: dt.date | None
    caseworker_present: bool
    invitation_received_on: dt.date | None
    version: int
    created_by: str = ""
    extra: dict = field(default_factory=dict)
    created_by_id: int | None = None
    created_at: dt.datetime | None = None
    sub_goal_status: dict[int, str] = field(default_factory=dict)  # sub-goal id -> status
    sub_goal_comment: dict[int, str] = field(default_factory=dict)
    element_scores: dict[int, int] = field(default_factory=dict)  # sub-element id -> score


def evaluations(engine: Engine, scope: Scope, enrolment_id: int) -> list[EvaluationView]:
    """A course's evaluations, newest first, with scores, meeting and deliverable."""
    with engine.connect() as conn:
        enrolment_in(conn, scope, enrolment_id)
        return evaluations_in(conn, [enrolment_id])


def evaluations_in(
    conn: Connection, enrolment_ids: list[int], evaluation_id: int | None = None
) -> list[EvaluationView]:
    stmt = (
        select(Evaluation.__table__, User.display_name.label("author"))
        .outerjoin(User, User.id == Evaluation.created_by_id)
        .where(Evaluation.enrolment_id.in_(enrolment_ids))
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
    )
    if evaluation_id is not None:
        stmt = stmt.where(Evaluation.id == evaluation_id)
    rows = conn.execute(stmt).all()
    ids = [e.id for e in rows]
    if not ids:
        return []
    scores: dict[int, dict[int, int]] = {}
    element_scores: dict[int, dict[int, int]] = {}
    for r in conn.execute(
        select(
            EvaluationScore.evaluation_id,
            EvaluationScore.parameter_id,
            EvaluationScore.sub_element_id,
            EvaluationScore.score,
        )
        .where(EvaluationScore.evaluation_id.in_(ids))
        .order_by(EvaluationScore.parameter_id, EvaluationScore.sub_element_id)
    ):
        if r.sub_element_id is None:
            scores.setdefault(r.evaluation_id, {})[r.parameter_id] = r.score
        else:
            element_scores.setdefault(r.evaluation_id, {})[r.sub_element_id] = r.score
    statuses: dict[int, dict[int, str]] = {}
    comments: dict[int, dict[int, str]] = {}
    for g in conn.execute(
        select(EvaluationSubGoal.__table__).where(EvaluationSubGoal.evaluation_id.in_(ids))
    ):
        statuses.setdefault(g.evaluation_id, {})[g.sub_goal_id] = g.status
        comments.setdefault(g.evaluation_id, {})[g.sub_goal_id] = g.comment
    meetings = {
        m.evaluation_id: m
        for m in conn.execute(
            select(FollowUpMeeting.__table__).where(FollowUpMeeting.evaluation_id.in_(ids))
        )
    }
    invitations = {
        d.evaluation_id: d
        for d in conn.execute(
            select(Deliverable.__table__).where(
                Deliverable.evaluation_id.in_(ids), Deliverable.kind == "evaluation_invitation"
            )
        )
    }
    out = []
    for e in rows:
        m = meetings.get(e.id)
        d = invitations.get(e.id)
        out.append(
            EvaluationView(
                e.id,
                e.evaluated_on,
                e.goal_progress,
                e.sub_goals_need_adjusting,
                e.notes,
                e.written_with_participant,
                scores.get(e.id, {}),
                bool(m and m.held),
                m.held_on if m else None,
                bool(m and m.caseworker_present),
                d.received_on if d else None,
                e.version,
                e.author or "",
                created_by_id=e.created_by_id,
                created_at=e.created_at,
                sub_goal_status=statuses.get(e.id, {}),
                sub_goal_comment=comments.get(e.id, {}),
                element_scores=element_scores.get(e.id, {}),
            )
        )
    return out


def evaluation(engine: Engine, scope: Scope, evaluation_id: int) -> EvaluationView:
    """One evaluation with its current values and version (for a correction form)."""
    with engine.connect() as conn:
        enrolment_id = conn.scalar(
            select(Evaluation.enrolment_id).where(Evaluation.id == evaluation_id)
        )
        if enrolment_id is None:
            raise AccessDenied("Evalueringen findes ikke.")
        enrolment_in(conn, scope, enrolment_id)
        return evaluations_in(conn, [enrolment_id], evaluation_id)[0]


@dataclass(frozen=True)
class EvaluationContext:
    """What the evaluation form shows before anything is typed."""

    enrolment: EnrolmentRow
    plan: PlanView | None
    last: EvaluationView | None
    last_scores: dict[int, int]  # prefill: the last evaluation's, else the plan's
    due_on: dt.date | None  # the next evaluation (lib.rules; None before the first plan)
    plan_due_on: dt.date | None = None  # the baseline plan (lib.rules)
    last_element_scores: dict[int, int] = field(default_factory=dict)  # sub-element id ->


def evaluation_context(engine: Engine, scope: Scope, enrolment_id: int) -> EvaluationContext:
    with engine.connect() as conn:
        row = enrolment_in(conn, scope, enrolment_id)
        plan_list = plans_in(conn, enrolment_id)
        evals = evaluations_in(conn, [enrolment_id])
        pauses = pauses_in(conn, enrolment_id)
    plan = plan_list[-1] if plan_list else None
    last = evals[0] if evals else None
    scores = dict(plan.scores) if plan else {}
    if last:
        scores.update(last.scores)
    due = None
    if plan_list:
        due = rules.next_evaluation_due(
            plan_list[0].created_on,
            [e.evaluated_on for e in evals],
            row.interval_months or rules.DEFAULT_EVALUATION_INTERVAL,
            pauses,
        )
    plan_due = rules.plan_due(row.start_date, row.planned_weeks, pauses)
    elements: dict[int, int] = {}
    for ev in reversed(evals):  # oldest first, so the newest score wins
        elements.update(ev.element_scores)
    return EvaluationContext(row, plan, last, scores, due, plan_due, elements)


def pauses_in(conn: Connection, enrolment_id: int) -> list[tuple[dt.date, dt.date]]:
    """A course's paused periods (first, last day): they move its due dates (lib.rules)."""
    return [
        (r.start_date, r.end_date)
        for r in conn.execute(
            select(Pause.start_date, Pause.end_date)
            .where(Pause.enrolment_id == enrolment_id)
            .order_by(Pause.start_date)
        )
    ]


@dataclass(frozen=True)
class HoursRow:
    week_start: dt.date
    planned_hours: float
    attended_hours: float
    illness_hours: float
    ordinary_paid_hours: float
    version: int | None = None  # None: not saved yet


def hours(
    engine: Engine, scope: Scope, enrolment_id: int, weeks: int = 8, today: dt.date | None = None
) -> list[HoursRow]:
    """The last `weeks` weeks of a course up to this week, saved or blank, oldest first."""
    today = today or dt.date.today()
    with engine.connect() as conn:
        row = enrolment_in(conn, scope, enrolment_id)
        last_week = week_start(min(today, row.end_date or today))
        first_week = max(week_start(row.start_date), last_week - dt.timedelta(weeks=weeks - 1))
        saved = {
            h.week_start: h
            for h in conn.execute(
                select(WeeklyHours.__table__).where(
                    WeeklyHours.enrolment_id == enrolment_id,
                    WeeklyHours.week_start >= first_week,
                    WeeklyHours.week_start <= last_week,
                )
            )
        }
    out = []
    week = first_week
    while week <= last_week:
        h = saved.get(week)
        if h is None:
            out.append(HoursRow(week, 0.0, 0.0, 0.0, 0.0, None))
        else:
            out.append(
                HoursRow(
                    week,
                    h.planned_hours,
                    h.attended_hours,
                    h.illness_hours,
                    h.ordinary_paid_hours,
                    h.version,
                )
            )
        week += dt.timedelta(days=7)
    return out
