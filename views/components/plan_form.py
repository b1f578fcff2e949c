"""Plan's sections: the current plan (or the baseline's due date) and the plan form.

The form has two steps. Step 1 (live, outside the form) picks the sub-goals, most relevant
first, and the parameters for each, so step 2 can offer the matching sub-elements and
scores; step 2 (one form, one submit) holds the sub-elements, why and focus, the scores,
who took part and the long-term goal."""

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
        lambda: _plan_fields(form, cat, goal_params, previous, current, ctx.last_scores),
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
        list(cat.sub_goals),
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
    return goal_params


def _plan_fields(
    form: str,
    cat: Catalogue,
    goal_params: dict[int, list[int]],
    previous: dict[int, PlanSubGoalView],
    current: PlanView | None,
    last_scores: dict[int, int],
) -> dict[str, Any]:
    """Step 2, inside the form: PlanInput's values but the sub-goals (those are read from
    their widgets' keys after the submit)."""
    created_on = date_field(form, "created_on", "Plandato", dt.date.today())
    for priority, gid in enumerate(goal_params, start=1):
        _sub_goal_fields(form, cat, priority, gid, goal_params[gid], previous.get(gid))
    chosen = dict.fromkeys(p for params in goal_params.values() for p in params)
    if chosen:
        st.markdown("##### Score nu (baseline for parametrene)")
    scores = score_fields(
        form, cat.score_levels, {p: cat.parameters[p] for p in chosen}, last_scores
    )
    st.markdown("##### Ejerskab")
    made_with = st.checkbox(
        "Planen er lavet sammen med deltageren", value=True, key=form_key(form, "made_with")
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
        "made_with_participant": made_with,
        "took_part": took_part,
        "long_term_goal": long_term_goal,
    }


def _sub_goal_fields(
    form: str,
    cat: Catalogue,
    priority: int,
    gid: int,
    parameter_ids: list[int],
    before: PlanSubGoalView | None,
) -> None:
    """One sub-goal's sub-elements (of its chosen parameters), why and focus."""
    st.markdown(f"##### {priority}. {inert(cat.sub_goals[gid])}")
    elements = cat.elements_of(parameter_ids)
    st.multiselect(
        "Underelementer",
        list(elements),
        default=[x for x in (before.sub_element_ids if before else []) if x in elements],
        format_func=lambda i: plain(elements.get(i)),
        key=form_key(form, f"goal_{gid}_elements"),
        placeholder="Vælg underelementer" if elements else "Vælg først parametre ovenfor",
    )
    field_error(form, f"goal_{gid}_elements")
    for name, label, value in (
        ("rationale", "Hvorfor er delmålet relevant?", before.rationale if before else ""),
        ("focus", "Hvad er fokus?", before.focus if before else ""),
    ):
        text_area_field(form, f"goal_{gid}_{name}", label, value=value, height=80)
