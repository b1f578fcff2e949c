"""Plan: the baseline plan and later revisions, made with the participant.

Step 1 (live, outside the form) picks the sub-goals, most relevant first, and the
parameters for each; step 2 (one form, one submit) holds the sub-elements, why and focus,
the scores, who took part and the long-term goal."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib import entry
from lib.entry_queries import catalogue, evaluation_context, plans
from lib.format import fmt_date
from views.common import cached_query
from views.entry_ui import (
    date_input,
    due_caption,
    entry_page,
    escape_text,
    field_error,
    form_key,
    form_notices,
    picked_course,
    run_save,
    score_input,
)

scope, engine = entry_page(
    "Plan", "Planen laves sammen med deltageren. Den første plan er baseline."
)
cat = cached_query(catalogue)
row = picked_course(scope, "plan_forlob")
versions = cached_query(plans, scope, row.id)
current = versions[-1] if versions else None
# A revision starts from the latest known score (last evaluation, else the plan's).
ctx = cached_query(evaluation_context, scope, row.id)
last_scores = ctx.last_scores
form = f"plan_{row.id}"

if current is None:
    due_caption(
        f"Baseline-plan ({'1 uge' if row.planned_weeks == 13 else '4 uger'} inde i forløbet)",
        ctx.plan_due_on,
    )
    st.subheader("Ny baseline-plan")
else:
    st.caption(
        f"Nuværende plan: version {current.version_no} fra {fmt_date(current.created_on)}"
        f"{' (baseline)' if current.version_no == 1 else ''}. En revision gemmes som en ny "
        "version; de tidligere versioner bevares."
    )
    with st.expander("Nuværende plan"):
        for goal in current.sub_goals:
            st.markdown(f"**{goal.priority}. {escape_text(goal.label)}**")
            st.caption("Parametre: " + ", ".join(cat.parameters[p] for p in goal.parameter_ids))
            if goal.rationale:
                st.markdown("Hvorfor: " + escape_text(goal.rationale))
            if goal.focus:
                st.markdown("Fokus: " + escape_text(goal.focus))
    st.subheader(f"Revision (version {current.version_no + 1})")

# Step 1: sub-goals and parameters. Live widgets, prefilled from the current plan.
previous = {g.sub_goal_id: g for g in current.sub_goals} if current else {}
goal_ids = st.multiselect(
    "Delmål – vigtigste først",
    list(cat.sub_goals),
    default=list(previous),
    format_func=cat.sub_goals.get,
    key=form_key(form, "goals"),
    placeholder="Vælg delmål fra kataloget",
    help="Rækkefølgen er prioriteten: vælg det vigtigste delmål først.",
)
field_error(form, "sub_goals")
goal_params: dict[int, list[int]] = {}
for gid in goal_ids:
    goal_params[gid] = st.multiselect(
        f"Parametre for »{cat.sub_goals[gid]}«",
        list(cat.parameters),
        default=previous[gid].parameter_ids if gid in previous else [],
        format_func=cat.parameters.get,
        key=form_key(form, f"goal_{gid}_params"),
        placeholder="Vælg progressionsparametre",
    )
    field_error(form, f"goal_{gid}_parameters")

# Step 2: the rest, saved with one submit.
form_notices(form)
with st.form(form_key(form, "form")):
    created_on = date_input("Plandato", form_key(form, "created_on"), dt.date.today())
    field_error(form, "created_on")
    for priority, gid in enumerate(goal_ids, start=1):
        before = previous.get(gid)
        st.markdown(f"##### {priority}. {escape_text(cat.sub_goals[gid])}")
        elements = cat.elements_of(goal_params[gid])
        st.multiselect(
            "Underelementer",
            list(elements),
            default=[x for x in (before.sub_element_ids if before else []) if x in elements],
            format_func=elements.get,
            key=form_key(form, f"goal_{gid}_elements"),
            placeholder="Vælg underelementer" if elements else "Vælg først parametre ovenfor",
        )
        field_error(form, f"goal_{gid}_elements")
        st.text_area(
            "Hvorfor er delmålet relevant?",
            value=before.rationale if before else "",
            key=form_key(form, f"goal_{gid}_rationale"),
            height=80,
        )
        field_error(form, f"goal_{gid}_rationale")
        st.text_area(
            "Hvad er fokus?",
            value=before.focus if before else "",
            key=form_key(form, f"goal_{gid}_focus"),
            height=80,
        )
        field_error(form, f"goal_{gid}_focus")

    chosen_params = list(dict.fromkeys(p for gid in goal_ids for p in goal_params[gid]))
    scores: dict[int, int] = {}
    if chosen_params:
        st.markdown("##### Score nu (baseline for parametrene)")
    for pid in chosen_params:
        scores[pid] = score_input(
            cat.score_levels,
            cat.parameters[pid],
            last_scores.get(pid),
            form_key(form, f"score_{pid}"),
        )
        field_error(form, f"score_{pid}")

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
    long_term_goal = st.text_area(
        "Langsigtet mål",
        value=current.long_term_goal if current else "",
        key=form_key(form, "long_term_goal"),
        height=80,
    )
    field_error(form, "long_term_goal")
    submitted = st.form_submit_button(
        "Gem plan" if current is None else "Gem revision", type="primary"
    )

if submitted:
    data = entry.PlanInput(
        created_on=created_on,
        sub_goals=[
            entry.SubGoalInput(
                sub_goal_id=gid,
                parameter_ids=goal_params[gid],
                sub_element_ids=st.session_state.get(form_key(form, f"goal_{gid}_elements"), []),
                rationale=st.session_state.get(form_key(form, f"goal_{gid}_rationale"), ""),
                focus=st.session_state.get(form_key(form, f"goal_{gid}_focus"), ""),
            )
            for gid in goal_ids
        ],
        scores=scores,
        made_with_participant=made_with,
        took_part=took_part,
        long_term_goal=long_term_goal,
    )
    seen_version = current.version_no if current else 0
    run_save(
        form,
        lambda: entry.create_plan(engine, scope, row.id, data, seen_version),
        f"{'Planen' if current is None else 'Revisionen'} for {row.case_code} "
        f"({row.initials}) er gemt.",
    )
