"""Evaluering's sections: what the evaluation builds on (due date, last evaluation, the
plan's sub-goals), the evaluation form (one form, one submit: scores, the long-term goal,
the follow-up meeting and the caseworker's invitation) and the earlier evaluations with
corrections and their history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.evaluations import EvaluationInput, record_evaluation, update_evaluation
from lib.commands.kit import TEXT_LIMITS
from lib.domain.access import Scope
from lib.domain.enums import GoalProgress
from lib.domain.format import fmt_date
from lib.domain.text import inert, plain
from lib.queries.catalogue import Catalogue, catalogue
from lib.queries.courses import (
    EnrolmentRow,
    EvaluationContext,
    EvaluationView,
    PlanView,
    evaluation,
    evaluations,
)
from views.components.audit_log import evaluation_history_table
from views.components.forms import (
    confirm_box,
    date_field,
    due_caption,
    errors_of,
    field_error,
    form_key,
    opened_version,
    run_save,
    score_fields,
    submit_form,
    text_area_field,
)
from views.components.runtime import cached_query
from views.texts import entry as texts


def evaluation_basis(ctx: EvaluationContext) -> None:
    """The next due date, the last evaluation and the plan whose sub-goals are evaluated."""
    left, middle, right = st.columns(3)
    with left:
        due_caption("Næste evaluering", ctx.due_on)
    middle.caption(
        f"Sidste evaluering: {fmt_date(ctx.last.evaluated_on) if ctx.last else 'ingen endnu'}"
    )
    right.caption(
        f"Plan: version {ctx.plan.version_no} fra {fmt_date(ctx.plan.created_on)}"
        if ctx.plan
        else "Plan: ingen endnu"
    )
    if ctx.plan:
        cat = cached_query(catalogue)
        with st.expander("Delmål i planen", expanded=False):
            for goal in ctx.plan.sub_goals:
                names = ", ".join(cat.parameters[p] for p in goal.parameter_ids)
                st.markdown(f"**{goal.priority}. {inert(goal.label)}** – {names}")
                if goal.focus:
                    st.caption("Fokus: " + inert(goal.focus))


def evaluation_form(
    scope: Scope,
    engine: Engine,
    row: EnrolmentRow,
    ctx: EvaluationContext,
    plan: PlanView,
    start: EvaluationView | None = None,
    form: str | None = None,
) -> None:
    """A new evaluation (start=None, prefilled with the last scores) or a correction of
    `start`. One submit saves everything."""
    form = form or f"eval_new_{row.id}"
    cat = cached_query(catalogue)
    values = submit_form(
        form,
        "Gem rettelse" if start else "Gem evaluering",
        lambda: _evaluation_fields(form, cat, ctx, plan, start),
    )
    if values is None:
        return
    confirmed = values.pop("confirm_close")
    data = EvaluationInput(**values)
    if start is None:
        run_save(
            form,
            lambda: record_evaluation(engine, scope, row.id, data, confirm_close=confirmed),
            f"Evalueringen af {inert(row.case_code)} ({inert(row.initials)}) den "
            f"{fmt_date(data.evaluated_on)} er gemt.",
        )
    else:
        version = opened_version(form, start.version)
        run_save(
            form,
            lambda: update_evaluation(
                engine, scope, start.id, version, data, confirm_close=confirmed
            ),
            f"Rettelsen af evalueringen fra {fmt_date(start.evaluated_on)} er gemt.",
        )


def _evaluation_fields(
    form: str,
    cat: Catalogue,
    ctx: EvaluationContext,
    plan: PlanView,
    start: EvaluationView | None,
) -> dict[str, Any]:
    """The form's fields: EvaluationInput's values and `confirm_close`."""
    values: dict[str, Any] = {
        "evaluated_on": date_field(
            form,
            "evaluated_on",
            "Evalueringsdato",
            start.evaluated_on if start else dt.date.today(),
        ),
        "confirm_close": confirm_box(form),
    }
    st.markdown("##### Del 1 – Fremskridt på de valgte parametre")
    scores_from = start.scores if start else ctx.last_scores
    values["scores"] = score_fields(
        form,
        cat.score_levels,
        {pid: cat.parameters[pid] for pid in plan.parameter_ids},
        {pid: scores_from.get(pid, ctx.last_scores.get(pid)) for pid in plan.parameter_ids},
        {
            pid: texts.last_score_help(ctx.last_scores.get(pid), cat.score_levels)
            for pid in plan.parameter_ids
        },
    )
    st.markdown("##### Del 2 – Det langsigtede mål og delmålene")
    progress_options = list(GoalProgress)
    values["goal_progress"] = st.radio(
        "Nærmer deltageren sig det langsigtede mål?",
        progress_options,
        index=progress_options.index(start.goal_progress if start else "unchanged"),
        format_func=GoalProgress.label_of,
        horizontal=True,
        key=form_key(form, "goal_progress"),
    )
    field_error(form, "goal_progress")
    values["sub_goals_need_adjusting"] = st.checkbox(
        "Delmålene skal justeres",
        value=start.sub_goals_need_adjusting if start else False,
        key=form_key(form, "adjust"),
    )
    values["notes"] = text_area_field(
        form,
        "notes",
        "Noter",
        value=start.notes if start else "",
        help=texts.notes_help(TEXT_LIMITS["notes"]),
    )
    values["written_with_participant"] = st.checkbox(
        "Skrevet sammen med deltageren",
        value=start.written_with_participant if start else True,
        key=form_key(form, "with_participant"),
    )
    return values | _meeting_fields(form, start)


def _meeting_fields(form: str, start: EvaluationView | None) -> dict[str, Any]:
    """The follow-up meeting and the caseworker's invitation to the evaluation."""
    st.markdown("##### Opfølgningsmøde og leverancer til sagsbehandleren")
    values: dict[str, Any] = {}
    c1, c2, c3 = st.columns(3)
    with c1:
        values["meeting_held"] = st.checkbox(
            "Opfølgningsmøde afholdt",
            value=start.meeting_held if start else True,
            key=form_key(form, "held"),
        )
    with c2:
        values["meeting_on"] = date_field(
            form, "meeting_on", "Mødedato", start.meeting_on if start else dt.date.today()
        )
    with c3:
        values["caseworker_present"] = st.checkbox(
            "Sagsbehandler deltog",
            value=start.caseworker_present if start else False,
            key=form_key(form, "present"),
        )
        field_error(form, "caseworker_present")
    c4, c5 = st.columns(2)
    with c4:
        values["invitation_received"] = st.checkbox(
            "Sagsbehandler fik invitation til evalueringen",
            value=bool(start and start.invitation_received_on),
            key=form_key(form, "received"),
        )
    with c5:
        values["invitation_received_on"] = date_field(
            form,
            "received_on",
            "Invitation modtaget den",
            start.invitation_received_on if start else None,
            "invitation_received_on",
            help=texts.INVITATION_DATE_HELP,
        )
    return values


# --------------------------------------------------------------------------- earlier ones


def earlier_evaluations(
    scope: Scope, engine: Engine, row: EnrolmentRow, ctx: EvaluationContext, plan: PlanView
) -> None:
    """The course's evaluations, newest first, and the correction of one of them."""
    st.subheader("Tidligere evalueringer")
    earlier = cached_query(evaluations, scope, row.id)
    if not earlier:
        st.caption(texts.NO_EVALUATIONS)
        return
    cat = cached_query(catalogue)
    table = pd.DataFrame(
        {
            "Dato": [fmt_date(e.evaluated_on) for e in earlier],
            **{cat.parameters[p]: [e.scores.get(p) for e in earlier] for p in plan.parameter_ids},
            "Mål": [GoalProgress.label_of(e.goal_progress, "") for e in earlier],
            "Møde": [fmt_date(e.meeting_on) if e.meeting_held else "Ikke afholdt" for e in earlier],
            "Sagsbeh. deltog": ["Ja" if e.caseworker_present else "Nej" for e in earlier],
            "Noter": [e.notes for e in earlier],
            "Skrevet af": [e.created_by for e in earlier],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    with st.expander(
        "Ret en tidligere evaluering", expanded=bool(st.session_state.get("eval_fix"))
    ):
        _correction(scope, engine, row, ctx, plan, earlier)


def _correction(
    scope: Scope,
    engine: Engine,
    row: EnrolmentRow,
    ctx: EvaluationContext,
    plan: PlanView,
    earlier: list[EvaluationView],
) -> None:
    by_id = {e.id: e for e in earlier}
    chosen = st.selectbox(
        "Evaluering",
        list(by_id),
        index=None,
        placeholder="Vælg den evaluering, der skal rettes",
        format_func=lambda i: plain(
            f"{fmt_date(by_id[i].evaluated_on)} ({by_id[i].created_by or 'ukendt'})"
        ),
        key="eval_fix",
    )
    if chosen is None:
        return
    form = f"eval_fix_{chosen}"
    # Open the evaluation as it is now; the version seen at opening guards the save.
    current = evaluation(engine, scope, chosen)
    if opened_version(form, current.version) != current.version and not st.session_state.get(
        f"{form}__stale"
    ):
        st.info(texts.CHANGED_SINCE_OPENED)
    evaluation_form(scope, engine, row, ctx, plan, current, form)
    if errors_of(form).get("_form"):
        return
    st.markdown("###### Historik")
    evaluation_history_table(engine, scope, chosen)
