"""The evaluation's second part, counted: at each course's latest evaluation in the
period, how many of the plan's sub-goals are reached (lib.domain.measures
SUB_GOALS_REACHED), whether the participant nears the long-term goal (NEARING_GOAL) and
whether the sub-goals need adjusting (SUB_GOALS_TO_ADJUST). Counted in SQL over the
courses in scope and filter; no Streamlit here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, case, func, select

from db.models import Enrolment, Evaluation, EvaluationSubGoal
from lib.domain.access import Scope
from lib.domain.enums import GoalProgress, SubGoalStatus
from lib.domain.period import Filters
from lib.queries.filters import enrolment_filter, overlaps_period
from lib.queries.scope import enrolment_clause


@dataclass(frozen=True)
class SubGoalProgress:
    evaluations: int  # courses with an evaluation in the period
    closer: int
    further: int
    to_adjust: int
    # n for each answer: latest evaluations where it was answered (an imported evaluation
    # leaves them blank; unanswered is neither yes nor no).
    goal_answered: int
    adjust_answered: int
    goals: int  # sub-goals with a status at those evaluations (n for reached)
    reached: int
    in_progress: int
    not_started: int

    @property
    def reached_share(self) -> float | None:
        return self.reached / self.goals if self.goals else None

    @property
    def closer_share(self) -> float | None:
        return self.closer / self.goal_answered if self.goal_answered else None

    @property
    def adjust_share(self) -> float | None:
        return self.to_adjust / self.adjust_answered if self.adjust_answered else None


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _latest(scope: Scope, f: Filters, today: dt.date | None, by_agreement: bool):
    """Subquery: each course's latest evaluation in [f.start, as_of] (id, the two answers,
    and the course's agreement when `by_agreement`)."""
    as_of = f.as_of(today)
    courses = select(Enrolment.id).where(
        enrolment_clause(scope), enrolment_filter(f), overlaps_period(f, today)
    )
    ranked = select(
        Evaluation.id,
        Evaluation.goal_progress,
        Evaluation.sub_goals_need_adjusting,
        func.row_number()
        .over(
            partition_by=Evaluation.enrolment_id,
            order_by=(Evaluation.evaluated_on.desc(), Evaluation.id.desc()),
        )
        .label("rank"),
    )
    if by_agreement:
        ranked = ranked.add_columns(Enrolment.agreement_id).join(
            Enrolment, Enrolment.id == Evaluation.enrolment_id
        )
    ranked_sq = ranked.where(
        Evaluation.enrolment_id.in_(courses),
        Evaluation.evaluated_on >= f.start,
        Evaluation.evaluated_on <= as_of,
    ).subquery()
    return select(ranked_sq).where(ranked_sq.c.rank == 1).subquery()


def _answers(latest):
    return (
        func.count(),
        _count(latest.c.goal_progress == GoalProgress.CLOSER),
        _count(latest.c.goal_progress == GoalProgress.FURTHER),
        _count(latest.c.sub_goals_need_adjusting.is_(True)),
        _count(latest.c.goal_progress.is_not(None)),
        _count(latest.c.sub_goals_need_adjusting.is_not(None)),
    )


def _goals():
    return (
        func.count(),
        _count(EvaluationSubGoal.status == SubGoalStatus.REACHED),
        _count(EvaluationSubGoal.status == SubGoalStatus.IN_PROGRESS),
        _count(EvaluationSubGoal.status == SubGoalStatus.NOT_STARTED),
    )


def sub_goal_progress(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> SubGoalProgress:
    """The three measures over each course's latest evaluation in [f.start, as_of]."""
    latest = _latest(scope, f, today, by_agreement=False)
    answers = select(*_answers(latest)).select_from(latest)
    goals = (
        select(*_goals())
        .select_from(EvaluationSubGoal)
        .join(latest, latest.c.id == EvaluationSubGoal.evaluation_id)
    )
    with engine.connect() as conn:
        answered = conn.execute(answers).one()
        g, reached, in_progress, not_started = conn.execute(goals).one()
    return _progress(tuple(answered), (g, reached, in_progress, not_started))


def sub_goal_progress_by_agreement(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> dict[int, SubGoalProgress]:
    """sub_goal_progress for each agreement of the filter, in two statements (GROUP BY
    agreement) whatever the number of agreements: the committee report's question 6. An
    agreement with no evaluation in the period is left out."""
    latest = _latest(scope, f, today, by_agreement=True)
    key = latest.c.agreement_id
    answers = select(key, *_answers(latest)).select_from(latest).group_by(key)
    goals = (
        select(key, *_goals())
        .select_from(EvaluationSubGoal)
        .join(latest, latest.c.id == EvaluationSubGoal.evaluation_id)
        .group_by(key)
    )
    with engine.connect() as conn:
        by_answers = {r[0]: tuple(r[1:]) for r in conn.execute(answers)}
        by_goals = {r[0]: tuple(r[1:]) for r in conn.execute(goals)}
    return {
        agreement_id: _progress(a, by_goals.get(agreement_id, (0, 0, 0, 0)))
        for agreement_id, a in by_answers.items()
    }


def _progress(answers: tuple, goals: tuple) -> SubGoalProgress:
    n, closer, further, adjust, goal_answered, adjust_answered = answers
    g, reached, in_progress, not_started = goals
    return SubGoalProgress(
        int(n),
        int(closer),
        int(further),
        int(adjust),
        int(goal_answered),
        int(adjust_answered),
        int(g),
        int(reached),
        int(in_progress),
        int(not_started),
    )
