"""The evaluation's part on the plan's sub-goals: a status per sub-goal (opnået / i gang /
ikke påbegyndt) with an optional comment, and scores for the sub-elements the plan chose.
Validated and written inside the evaluation's one transaction (lib/commands/evaluations.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Evaluation,
    EvaluationScore,
    EvaluationSubGoal,
    PlanSubGoal,
    PlanSubGoalSubElement,
    SubElement,
)
from lib.commands.kit import check_scores, check_text
from lib.domain.enums import SubGoalStatus


def plan_sub_goal_ids(s: Session, plan_id: int) -> list[int]:
    return list(
        s.scalars(
            select(PlanSubGoal.sub_goal_id)
            .where(PlanSubGoal.plan_id == plan_id)
            .order_by(PlanSubGoal.priority)
        )
    )


def plan_sub_element_parameters(s: Session, plan_id: int) -> dict[int, int]:
    """The sub-elements the plan chose -> their parameter."""
    return dict(
        s.execute(
            select(SubElement.id, SubElement.parameter_id)
            .join(PlanSubGoalSubElement, PlanSubGoalSubElement.sub_element_id == SubElement.id)
            .join(PlanSubGoal, PlanSubGoal.id == PlanSubGoalSubElement.plan_sub_goal_id)
            .where(PlanSubGoal.plan_id == plan_id)
        ).all()
    )


def check_sub_goals(
    errors: dict[str, str],
    s: Session,
    plan_id: int,
    statuses: dict[int, str | None],
    comments: dict[int, str],
    element_scores: dict[int, int],
) -> None:
    """Statuses only for the plan's sub-goals and from the list; comments within their
    limit; sub-element scores only for the plan's sub-elements, on the scale."""
    goals = set(plan_sub_goal_ids(s, plan_id))
    for gid, status in statuses.items():
        if gid not in goals:
            errors["sub_goals"] = "Der er status for et delmål, som ikke står i planen."
        elif status is not None and status not in SubGoalStatus.labels():
            errors[f"goal_{gid}_status"] = "Vælg opnået, i gang eller ikke påbegyndt."
    for gid, comment in comments.items():
        check_text(errors, f"goal_{gid}_comment", comment, "sub_goal_comment")
    chosen = plan_sub_element_parameters(s, plan_id)
    if set(element_scores) - set(chosen):
        errors["scores"] = "Der er scorer for underelementer, som ikke er valgt i planen."
    check_scores(errors, s, element_scores, [], prefix="element")


def write_sub_goals(
    s: Session,
    ev: Evaluation,
    plan_id: int,
    statuses: dict[int, str | None],
    comments: dict[int, str],
    element_scores: dict[int, int],
) -> None:
    """Bring the evaluation's sub-goal rows and sub-element scores up to date: a status
    left empty and a sub-element left unscored are stored as no row."""
    existing = {
        r.sub_goal_id: r
        for r in s.scalars(
            select(EvaluationSubGoal).where(EvaluationSubGoal.evaluation_id == ev.id)
        )
    }
    for gid, row in existing.items():
        if statuses.get(gid) is None:
            s.delete(row)
    for gid, status in statuses.items():
        if status is None:
            continue
        found = existing.get(gid)
        if found is None:
            s.add(
                EvaluationSubGoal(
                    evaluation_id=ev.id,
                    sub_goal_id=gid,
                    status=status,
                    comment=comments.get(gid, ""),
                )
            )
        else:
            found.status = status
            found.comment = comments.get(gid, "")
    chosen = plan_sub_element_parameters(s, plan_id)
    saved = {
        sc.sub_element_id: sc
        for sc in s.scalars(
            select(EvaluationScore).where(
                EvaluationScore.evaluation_id == ev.id, EvaluationScore.sub_element_id.is_not(None)
            )
        )
    }
    for xid, sc in saved.items():
        if xid not in element_scores:
            s.delete(sc)
        elif sc.score != element_scores[xid]:
            sc.score = element_scores[xid]
    for xid, score in element_scores.items():
        if xid not in saved:
            s.add(
                EvaluationScore(
                    evaluation_id=ev.id, parameter_id=chosen[xid], sub_element_id=xid, score=score
                )
            )
