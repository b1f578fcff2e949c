"""Plan's sections: the current plan (or the baseline's due date) and the plan form.

The form has two steps. Step 1 (live, outside the form) picks the sub-goals, most relevant
first, and the parameters and sub-elements for each, so step 2 can offer their scores;
step 2 (one form, one submit) holds why and focus, the scores (empty until given, the
previous one beside), whether the plan was made with the participant (unanswered until
answered), who took part and the long-term goal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from lib.commands.plans import PlanInput, SubGoalInput, create_plan, delete_plan
from lib.domain.access import Scope
from lib.domain.format import fmt_date
from lib.domain.text import inert, plain
from lib.queries.catalogue import Catalogue, catalogue
from lib.queries.course_records import saved_by
from lib.queries.courses import (
    EnrolmentRow,
    EvaluationContext,
    PlanSubGoalView,
    PlanView,
    plans,
)
from views.components.forms import (
    YES_NO,
    date_field,
    due_caption,
    field_error,
    form_key,
    opened_version,
    run_save,
    score_fields,
    submit_form,
    text_area_field,
    yes_no_field,
)
from views.components.runtime import cached_query
from views.components.saved_record import (
    SavedRecord,
    deletable_by_me,
    done_editing,
    remember,
    saved_or_form,
)
from views.texts import entry as texts


def plan_heading(row: EnrolmentRow, ctx: EvaluationContext) -> None:
    """Before the first plan its due date; after, the current plan to revise from."""
    current = ctx.plan
    if current is None:
        due_caption(texts.baseline_plan_due(row.planned_weeks), ctx.plan_due_on)
        st.subheader("Ny baseline-plan")
        return
    cat = cached_query(catalogue)
    st.caption(texts.current_plan_caption(current.version_no, current.created_on))
    with st.expander("Nuværende plan"):
        for goal in current.sub_goals:
            st.markdown(f"**{goal.priority}. {inert(goal.label)}**")
            st.caption("Parametre: " + ", ".join(cat.parameters[p] for p in goal.parameter_ids))
            if goal.rationale:
                st.markdown("Hvorfor: " + inert(goal.rationale))
            if goal.focus:
                st.markdown("Fokus: " + inert(goal.focus))
    st.subheader(f"Revision (version {current.version_no + 1})")


def plan_section(scope: Scope, engine: Engine, row: EnrolmentRow, ctx: EvaluationContext) -> None:
    """The plan form, or, right after saving, the saved plan read-only with Ret and Slet."""
    key = f"plan_saved_{row.id}"
    cat = cached_query(catalogue)

    def load(plan_id: int) -> SavedRecord | None:
        saved = next((p for p in cached_query(plans, scope, row.id) if p.id == plan_id), None)
        if saved is None:
            return None
        mine = saved_by(engine, scope, row.id, "plan", saved.id)
        return SavedRecord(
            title=f"Gemt plan, version {saved.version_no}",
            lines=plan_lines(saved, cat),
            what="planen",
            deletable=deletable_by_me(mine, scope.username),
            delete=lambda: delete_plan(engine, scope, saved.id),
            edit=lambda: plan_form(scope, engine, row, ctx, key, saved),
            new_label="Ny revision",
            delete_note=texts.PLAN_DELETE_NOTE,
        )

    def new_form() -> None:
        plan_heading(row, ctx)
        plan_form(scope, engine, row, ctx, key)

    saved_or_form(key, new_form, load)


def plan_lines(plan: PlanView, cat: Catalogue) -> dict[str, str]:
    """A plan version as label -> shown value, in the form's order."""
    lines = {"Plandato": fmt_date(plan.created_on)}
    for goal in plan.sub_goals:
        params = ", ".join(cat.parameters[p] for p in goal.parameter_ids)
        lines[f"Delmål {goal.priority}: {goal.label}"] = params
    for pid in plan.parameter_ids:
        score = plan.scores.get(pid)
        lines[f"Score: {cat.parameters[pid]}"] = str(score) if score else "ikke vurderet"
    for xid, score in plan.element_scores.items():
        lines[f"Score: {cat.sub_elements[xid][1]}"] = str(score)
    return lines | {
        "Lavet sammen med deltageren": YES_NO[plan.made_with_participant],
        "Hvem deltog": plan.took_part,
        "Langsigtet mål": plan.long_term_goal,
    }


def plan_form(
    scope: Scope,
    engine: Engine,
    row: EnrolmentRow,
    ctx: EvaluationContext,
    key: str,
    start: PlanView | None = None,
) -> None:
    """The baseline plan or a revision, prefilled from the current plan; a revision's
    scores start from the latest known (the last evaluation's, else the plan's). With
    `start`: Ret of that saved version, prefilled with everything it holds."""
    cat = cached_query(catalogue)
    current = start or ctx.plan
    form = f"plan_{row.id}" if start is None else f"plan_fix_{start.id}"
    version = opened_version(form, start.version) if start else None
    previous = {g.sub_goal_id: g for g in current.sub_goals} if current else {}
    goal_params = _sub_goals_and_parameters(form, cat, previous)
    values = submit_form(
        form,
        "Gem rettelse" if start else ("Gem plan" if current is None else "Gem revision"),
        lambda: _plan_fields(form, cat, goal_params, previous, current, ctx, start),
    )
    if values is None:
        return
    data = PlanInput(
        sub_goals=[
            SubGoalInput(
                sub_goal_id=gid,
                parameter_ids=params,
                sub_element_ids=st.session_state.get(form_key(form, f"goal_{gid}_elements"), []),
                rationale=st.session_state.get(form_key(form, f"goal_{gid}_rationale"), ""),
                focus=st.session_state.get(form_key(form, f"goal_{gid}_focus"), ""),
            )
            for gid, params in goal_params.items()
        ],
        **values,
    )
    seen_version = current.version_no if current else 0
    what = "Rettelsen af planen" if start else ("Planen" if current is None else "Revisionen")
    run_save(
        form,
        lambda: create_plan(
            engine,
            scope,
            row.id,
            data,
            None if start else seen_version,
            plan_id=start.id if start else None,
            expected_version=version,
        ),
        f"{what} for {inert(row.case_code)} ({inert(row.initials)}) er gemt.",
        on_success=done_editing(key) if start else remember(key),
    )


def _sub_goals_and_parameters(
    form: str, cat: Catalogue, previous: dict[int, PlanSubGoalView]
) -> dict[int, list[int]]:
    """Step 1, live widgets prefilled from the current plan: the sub-goals in priority
    order, each with its parameters."""
    goal_ids = st.multiselect(
        "Delmål – vigtigste først",
        list(cat.choosable("sub_goal", cat.sub_goals, keep=previous)),
        default=list(previous),
        format_func=lambda i: plain(cat.sub_goals.get(i)),
        key=form_key(form, "goals"),
        placeholder="Vælg delmål fra kataloget",
        help=texts.GOAL_ORDER_HELP,
    )
    field_error(form, "sub_goals")
    goal_params: dict[int, list[int]] = {}
    for gid in goal_ids:
        goal_params[gid] = st.multiselect(
            f"Parametre for »{cat.sub_goals[gid]}«",
            list(cat.parameters),
            default=previous[gid].parameter_ids if gid in previous else [],
            format_func=lambda i: plain(cat.parameters.get(i)),
            key=form_key(form, f"goal_{gid}_params"),
            placeholder="Vælg progressionsparametre",
        )
        field_error(form, f"goal_{gid}_parameters")
        before = previous.get(gid)
        elements = cat.choosable(
            "sub_element",
            cat.elements_of(goal_params[gid]),
            keep=before.sub_element_ids if before else (),
        )
        st.multiselect(
            f"Underelementer for »{cat.sub_goals[gid]}«",
            list(elements),
            default=[x for x in (before.sub_element_ids if before else []) if x in elements],
            format_func=elements.get,
            key=form_key(form, f"goal_{gid}_elements"),
            placeholder="Vælg underelementer" if elements else "Vælg først parametre",
        )
        field_error(form, f"goal_{gid}_elements")
    return goal_params


def _plan_fields(
    form: str,
    cat: Catalogue,
    goal_params: dict[int, list[int]],
    previous: dict[int, PlanSubGoalView],
    current: PlanView | None,
    ctx: EvaluationContext,
    start: PlanView | None = None,
) -> dict[str, Any]:
    """Step 2, inside the form: PlanInput's values but the sub-goals (those are read from
    their widgets' keys after the submit). `start`: a Ret, prefilled from it."""
    created_on = date_field(
        form, "created_on", "Plandato", start.created_on if start else dt.date.today()
    )
    for priority, gid in enumerate(goal_params, start=1):
        _sub_goal_fields(form, cat, priority, gid, previous.get(gid))
    chosen = dict.fromkeys(p for params in goal_params.values() for p in params)
    if chosen:
        st.markdown("##### Score nu (baseline for parametrene)")
        st.caption(texts.SCORES_START_EMPTY)
    scores = score_fields(
        form,
        cat.score_levels,
        {p: cat.parameters[p] for p in chosen},
        start.scores if start else {},
        ctx.last_scores,
    )
    elements = dict.fromkeys(
        x
        for gid in goal_params
        for x in st.session_state.get(form_key(form, f"goal_{gid}_elements"), [])
    )
    if elements:
        st.markdown("##### Score nu for underelementerne")
    element_scores = score_fields(
        form,
        cat.score_levels,
        {x: f"Underelement: {cat.sub_elements[x][1]}" for x in elements},
        start.element_scores if start else {},
        ctx.last_element_scores,
        prefix="element",
    )
    st.markdown("##### Ejerskab")
    made_with = yes_no_field(
        form,
        "made_with_participant",
        "Er planen lavet sammen med deltageren?",
        start.made_with_participant if start else None,
    )
    took_part = st.text_input(
        "Hvem deltog?",
        value=current.took_part if current else "",
        key=form_key(form, "took_part"),
        placeholder="fx Deltager, mentor, jobkonsulent",
    )
    field_error(form, "took_part")
    long_term_goal = text_area_field(
        form,
        "long_term_goal",
        "Langsigtet mål",
        value=current.long_term_goal if current else "",
        height=80,
    )
    return {
        "created_on": created_on,
        "scores": scores,
        "element_scores": element_scores,
        "made_with_participant": made_with,
        "took_part": took_part,
        "long_term_goal": long_term_goal,
    }


def _sub_goal_fields(
    form: str,
    cat: Catalogue,
    priority: int,
    gid: int,
    before: PlanSubGoalView | None,
) -> None:
    """One sub-goal's why and focus."""
    st.markdown(f"##### {priority}. {inert(cat.sub_goals[gid])}")
    for name, label, value in (
        ("rationale", "Hvorfor er delmålet relevant?", before.rationale if before else ""),
        ("focus", "Hvad er fokus?", before.focus if before else ""),
    ):
        text_area_field(form, f"goal_{gid}_{name}", label, value=value, height=80)
