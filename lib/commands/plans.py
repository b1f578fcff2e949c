"""Writes for a course's plan: the baseline (version 1) and each revision as a new
version with its sub-goals, parameters, sub-elements and scores. Like every command, one
audited transaction that validates first (lib/commands/kit.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import (
    Enrolment,
    Parameter,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalParameter,
    PlanSubGoalSubElement,
    SubElement,
    SubGoal,
)
from lib.commands.kit import (
    STALE_MESSAGE,
    StaleEdit,
    ValidationError,
    check_answered,
    check_date,
    check_scores,
    check_text,
    current_date,
    delete_own,
    load_enrolment,
    load_in_scope,
)
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus
from lib.domain.format import fmt_date


@dataclass
class SubGoalInput:
    sub_goal_id: int
    parameter_ids: list[int]
    sub_element_ids: list[int] = field(default_factory=list)
    rationale: str = ""
    focus: str = ""


@dataclass
class PlanInput:
    created_on: dt.date | None
    sub_goals: list[SubGoalInput]  # most relevant first
    scores: dict[int, int]  # parameter id -> score when the plan is made; unscored left out
    made_with_participant: bool | None = None  # must be answered: it feeds question 3
    element_scores: dict[int, int] = field(default_factory=dict)  # sub-element id -> score
    took_part: str = ""
    long_term_goal: str = ""


def create_plan(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    data: PlanInput,
    expected_plan_version_no: int | None = None,
    today: dt.date | None = None,
    *,
    plan_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    """The baseline plan (version 1) or a revision (the next version). Returns the plan id.

    `expected_plan_version_no` is the latest version the user saw (0 for none): if someone
    else added a revision meanwhile, the save is refused instead of silently stacking.
    With `plan_id`: Ret of that plan version in place (its sub-goals and scores replaced),
    refused if it changed since the user opened it at `expected_version`."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        latest = s.scalar(select(func.max(Plan.version_no)).where(Plan.enrolment_id == e.id)) or 0
        plan: Plan | None = None
        if plan_id is not None:
            plan = _plan(s, scope, plan_id, e.id)
            if expected_version is not None and plan.version != expected_version:
                raise StaleEdit(STALE_MESSAGE.format(what="Planen"), _values(plan), plan.version)
        elif expected_plan_version_no is not None and latest != expected_plan_version_no:
            newest = s.execute(
                select(Plan).where(Plan.enrolment_id == e.id, Plan.version_no == latest)
            ).scalar_one()
            raise StaleEdit(STALE_MESSAGE.format(what="Planen"), _values(newest), latest)
        errors: dict[str, str] = {}
        if e.status == EnrolmentStatus.ENDED:
            errors["enrolment"] = "Forløbet er afsluttet; der kan ikke laves en ny plan."
        check_date(errors, "created_on", data.created_on, not_before=e.start_date, today=today)
        if not data.sub_goals:
            errors["sub_goals"] = "Vælg mindst ét delmål."
        known_goals = set(s.scalars(select(SubGoal.id)))
        element_param = dict(s.execute(select(SubElement.id, SubElement.parameter_id)).all())
        known_params = set(s.scalars(select(Parameter.id)))
        seen: set[int] = set()
        chosen_params: list[int] = []
        for g in data.sub_goals:
            key = f"goal_{g.sub_goal_id}"
            if g.sub_goal_id not in known_goals:
                errors["sub_goals"] = "Et valgt delmål findes ikke i kataloget."
                continue
            if g.sub_goal_id in seen:
                errors["sub_goals"] = "Det samme delmål er valgt to gange."
            seen.add(g.sub_goal_id)
            if not g.parameter_ids:
                errors[f"{key}_parameters"] = "Vælg mindst én progressionsparameter."
            elif not set(g.parameter_ids) <= known_params:
                errors[f"{key}_parameters"] = "En valgt parameter findes ikke i kataloget."
            wrong = [x for x in g.sub_element_ids if element_param.get(x) not in g.parameter_ids]
            if wrong:
                errors[f"{key}_elements"] = (
                    "Underelementerne skal høre til de valgte parametre for delmålet."
                )
            check_text(errors, f"{key}_rationale", g.rationale, "rationale")
            check_text(errors, f"{key}_focus", g.focus, "focus")
            chosen_params += [p for p in g.parameter_ids if p not in chosen_params]
        scores = {p: v for p, v in data.scores.items() if p in chosen_params}
        check_scores(errors, s, scores, [])
        chosen_elements = {x for g in data.sub_goals for x in g.sub_element_ids}
        if set(data.element_scores) - chosen_elements:
            errors["scores"] = "Der er scorer for underelementer, som ikke er valgt i planen."
        check_scores(errors, s, data.element_scores, [], prefix="element")
        check_answered(errors, "made_with_participant", data.made_with_participant)
        check_text(errors, "took_part", data.took_part)
        check_text(errors, "long_term_goal", data.long_term_goal)
        if errors:
            raise ValidationError(errors)

        if plan is None:
            plan = Plan(enrolment_id=e.id, version_no=latest + 1, created_by_id=scope.user_id)
            s.add(plan)
        else:  # Ret: the version's sub-goals and scores are written again below
            plan.sub_goals.clear()
            plan.scores.clear()
        plan.created_on = data.created_on  # type: ignore[assignment]
        plan.made_with_participant = bool(data.made_with_participant)
        plan.took_part = data.took_part
        plan.long_term_goal = data.long_term_goal
        s.flush()
        for priority, g in enumerate(data.sub_goals, start=1):
            psg = PlanSubGoal(
                plan_id=plan.id,
                sub_goal_id=g.sub_goal_id,
                priority=priority,
                rationale=g.rationale,
                focus=g.focus,
            )
            s.add(psg)
            s.flush()
            for p in dict.fromkeys(g.parameter_ids):
                s.add(PlanSubGoalParameter(plan_sub_goal_id=psg.id, parameter_id=p))
            for x in dict.fromkeys(g.sub_element_ids):
                s.add(PlanSubGoalSubElement(plan_sub_goal_id=psg.id, sub_element_id=x))
        for p, v in scores.items():
            s.add(PlanScore(plan_id=plan.id, parameter_id=p, score=v))
        for x, v in data.element_scores.items():
            s.add(
                PlanScore(plan_id=plan.id, parameter_id=element_param[x], sub_element_id=x, score=v)
            )
        s.flush()
        return plan.id


def _values(plan: Plan) -> dict[str, str]:
    return {
        "Version": str(plan.version_no),
        "Dato": fmt_date(plan.created_on),
        "Deltog": plan.took_part,
        "Langsigtet mål": plan.long_term_goal,
    }


def _plan(s: Session, scope: Scope, plan_id: int, enrolment_id: int | None = None) -> Plan:
    stmt = select(Plan).join(Enrolment, Enrolment.id == Plan.enrolment_id)
    if enrolment_id is not None:
        stmt = stmt.where(Plan.enrolment_id == enrolment_id)
    return load_in_scope(s, scope, stmt.where(Plan.id == plan_id))


NOT_LATEST = "Kun den nyeste version af planen kan slettes. Ret den i stedet."


def delete_plan(engine: Engine, scope: Scope, plan_id: int, now: dt.datetime | None = None) -> None:
    """Slet: the user who saved the plan version removes it within a day (audited), with its
    sub-goals and scores; only the newest version, so the versions stay 1, 2, 3 ..."""
    with write_session(engine, scope.username) as s:
        plan = _plan(s, scope, plan_id)
        latest = s.scalar(
            select(func.max(Plan.version_no)).where(Plan.enrolment_id == plan.enrolment_id)
        )
        if plan.version_no != latest:
            raise ValidationError({"_form": NOT_LATEST})
        delete_own(s, scope, plan, "planen", now)
