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

from lib.commands.plans import PlanInput, SubGoalInput, create_plan
from lib.domain.access import Scope
from lib.domain.text import inert, plain
from lib.queries.catalogue import Catalogue, catalogue
from lib.queries.courses import EnrolmentRow, EvaluationContext, PlanSubGoalView, PlanView
from views.components.forms import (
    date_field,
    due_caption,
    field_error,
    form_key,
    run_save,
    score_fields,
    submit_form,
    text_area_field,
    yes_no_field,
)
from views.components.runtime import cached_query
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


def plan_form(scope: Scope, engine: Engine, row: EnrolmentRow, ctx: EvaluationContext) -> None:
    """The baseline plan or a revision, prefilled from the current plan; a revision's
    scores start from the latest known (the last evaluation's, else the plan's)."""
    cat = cached_query(catalogue)
    current = ctx.plan
    form = f"plan_{row.id}"
    previous = {g.sub_goal_id: g for g in current.sub_goals} if current else {}
    goal_params = _sub_goals_and_parameters(form, cat, previous)
    values = submit_form(
        form,
        "Gem plan" if current is None else "Gem revision",
        lambda: _plan_fields(form, cat, goal_params, previous, current, ctx),
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
    run_save(
        form,
        lambda: create_plan(engine, scope, row.id, data, seen_version),
        f"{'Planen' if current is None else 'Revisionen'} for {inert(row.case_code)} "
        f"({inert(row.initials)}) er gemt.",
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
) -> dict[str, Any]:
    """Step 2, inside the form: PlanInput's values but the sub-goals (those are read from
    their widgets' keys after the submit)."""
    created_on = date_field(form, "created_on", "Plandato", dt.date.today())
    for priority, gid in enumerate(goal_params, start=1):
        _sub_goal_fields(form, cat, priority, gid, previous.get(gid))
    chosen = dict.fromkeys(p for params in goal_params.values() for p in params)
    if chosen:
        st.markdown("##### Score nu (baseline for parametrene)")
        st.caption(texts.SCORES_START_EMPTY)
    scores = score_fields(
        form, cat.score_levels, {p: cat.parameters[p] for p in chosen}, {}, ctx.last_scores
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
        {},
        ctx.last_element_scores,
        prefix="element",
    )
    st.markdown("##### Ejerskab")
    made_with = yes_no_field(
        form, "made_with_participant", "Er planen lavet sammen med deltageren?"
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
