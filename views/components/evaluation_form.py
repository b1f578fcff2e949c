"""Evaluering's sections: what the evaluation builds on (due date, last evaluation, plan),
the evaluation form (one form, one submit: the plan's sub-goals inline with a status,
comment and sub-element scores, the parameter scores, the long-term goal, the follow-up
meeting and the caseworker's invitation), the saved evaluation read-only with "Ret" and
"Slet", and the earlier evaluations with corrections and their history.

No fact is pre-ticked: every Ja/Nej starts unanswered and every score starts empty ("ikke
vurderet") with the previous score beside it; only a correction starts from the saved
answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.evaluations import (
    EvaluationInput,
    can_delete,
    delete_evaluation,
    record_evaluation,
    update_evaluation,
)
from lib.commands.kit import TEXT_LIMITS
from lib.domain.access import Scope
from lib.domain.enums import GoalProgress, SubGoalStatus
from lib.domain.format import fmt_date, fmt_yes_no
from lib.domain.rules import invitation_due
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
    yes_no_field,
)
from views.components.layout import table as kit_table
from views.components.runtime import cached_query
from views.components.saved_record import SavedRecord, done_editing, remember, saved_or_form
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


def saved_key(row: EnrolmentRow) -> str:
    return f"eval_saved_{row.id}"


def new_evaluation(
    scope: Scope, engine: Engine, row: EnrolmentRow, ctx: EvaluationContext, plan: PlanView
) -> None:
    """The form for a new evaluation, or, right after saving one, that evaluation
    read-only with Ret and Slet (not a refilled form that invites a second entry)."""
    cat = cached_query(catalogue)

    def load(evaluation_id: int) -> SavedRecord | None:
        try:
            saved = evaluation(engine, scope, evaluation_id)
        except PermissionError:  # deleted meanwhile
            return None
        form = f"eval_fix_{saved.id}"
        return SavedRecord(
            title=f"Gemt evaluering fra {fmt_date(saved.evaluated_on)}",
            lines=evaluation_lines(saved, plan, cat),
            what="evalueringen",
            deletable=can_delete(
                saved.created_by_id, saved.created_at, scope, dt.datetime.now(dt.UTC)
            ),
            delete=lambda: delete_evaluation(engine, scope, saved.id),
            edit=lambda: (
                opened_version(form, saved.version),
                evaluation_form(scope, engine, row, ctx, plan, saved, form),
            ),
            new_label="Ny evaluering",
            delete_note=texts.EVALUATION_DELETE_NOTE,
        )

    saved_or_form(saved_key(row), lambda: evaluation_form(scope, engine, row, ctx, plan), load)


def evaluation_lines(view: EvaluationView, plan: PlanView, cat: Catalogue) -> dict[str, str]:
    """An evaluation as label -> shown value, in the form's order."""

    def score(value: int | None) -> str:
        return f"{value} – {cat.score_levels.get(value, '')}" if value else "ikke vurderet"

    lines = {"Dato": fmt_date(view.evaluated_on)}
    for goal in plan.sub_goals:
        status = view.sub_goal_status.get(goal.sub_goal_id)
        comment = view.sub_goal_comment.get(goal.sub_goal_id, "")
        lines[f"Delmål {goal.priority}: {goal.label}"] = SubGoalStatus.label_of(
            status, "ikke vurderet"
        ) + (f" – {comment}" if comment else "")
    for pid in plan.parameter_ids:
        lines[cat.parameters[pid]] = score(view.scores.get(pid))
    for xid in _plan_elements(plan):
        if xid in view.element_scores:
            lines[cat.sub_elements[xid][1]] = score(view.element_scores[xid])
    lines |= {
        "Nærmer sig det langsigtede mål": GoalProgress.label_of(view.goal_progress),
        "Delmål skal justeres": fmt_yes_no(view.sub_goals_need_adjusting),
        "Skrevet sammen med deltageren": fmt_yes_no(view.written_with_participant),
        "Opfølgningsmøde": fmt_date(view.meeting_on) if view.meeting_held else "Ikke afholdt",
        "Sagsbehandler deltog": fmt_yes_no(view.caseworker_present),
        "Invitation modtaget": fmt_date(view.invitation_received_on, "Nej"),
        "Noter": view.notes or "–",
    }
    return lines


def _plan_elements(plan: PlanView) -> list[int]:
    """The sub-elements the plan chose, each once, in sub-goal order."""
    return list(dict.fromkeys(x for g in plan.sub_goals for x in g.sub_element_ids))


def evaluation_form(
    scope: Scope,
    engine: Engine,
    row: EnrolmentRow,
    ctx: EvaluationContext,
    plan: PlanView,
    start: EvaluationView | None = None,
    form: str | None = None,
) -> None:
    """A new evaluation (start=None: nothing answered yet) or a correction of `start`.
    One submit saves everything."""
    form = form or f"eval_new_{row.id}"
    cat = cached_query(catalogue)
    values = submit_form(
        form,
        "Gem rettelse" if start else "Gem evaluering",
        lambda: _evaluation_fields(form, cat, ctx, plan, start),
        caption=None if start else texts.SCORES_START_EMPTY,
    )
    if values is None:
        return
    confirmed = values.pop("confirm_close")
    data = EvaluationInput(**values)
    key = saved_key(row)
    if start is None:
        run_save(
            form,
            lambda: record_evaluation(engine, scope, row.id, data, confirm_close=confirmed),
            f"Evalueringen af {inert(row.case_code)} ({inert(row.initials)}) den "
            f"{fmt_date(data.evaluated_on)} er gemt.",
            on_success=remember(key),
        )
    else:
        version = opened_version(form, start.version)
        run_save(
            form,
            lambda: update_evaluation(
                engine, scope, start.id, version, data, confirm_close=confirmed
            ),
            f"Rettelsen af evalueringen fra {fmt_date(start.evaluated_on)} er gemt.",
            on_success=done_editing(key),
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
    st.markdown("##### Del 1 – Delmålene i planen og parametrene")
    values |= _sub_goal_fields(form, cat, ctx, plan, start)
    st.markdown("###### Score pr. parameter")
    values["scores"] = score_fields(
        form,
        cat.score_levels,
        {pid: cat.parameters[pid] for pid in plan.parameter_ids},
        start.scores if start else {},
        ctx.last_scores,
    )
    st.markdown("##### Del 2 – Det langsigtede mål")
    progress_options = list(GoalProgress)
    values["goal_progress"] = st.radio(
        "Nærmer deltageren sig det langsigtede mål?",
        progress_options,
        index=progress_options.index(GoalProgress(start.goal_progress)) if start else None,
        format_func=GoalProgress.label_of,
        horizontal=True,
        key=form_key(form, "goal_progress"),
    )
    field_error(form, "goal_progress")
    values["sub_goals_need_adjusting"] = yes_no_field(
        form,
        "sub_goals_need_adjusting",
        "Skal delmålene justeres?",
        start.sub_goals_need_adjusting if start else None,
    )
    values["notes"] = text_area_field(
        form,
        "notes",
        "Noter",
        value=start.notes if start else "",
        help=texts.notes_help(TEXT_LIMITS["notes"]),
    )
    values["written_with_participant"] = yes_no_field(
        form,
        "written_with_participant",
        "Er evalueringen skrevet sammen med deltageren?",
        start.written_with_participant if start else None,
    )
    return values | _meeting_fields(form, ctx, start)


def _sub_goal_fields(
    form: str,
    cat: Catalogue,
    ctx: EvaluationContext,
    plan: PlanView,
    start: EvaluationView | None,
) -> dict[str, Any]:
    """The plan's sub-goals inline, most relevant first: parameters and focus, a status
    (empty until chosen), an optional comment and the sub-elements' scores."""
    statuses: dict[int, str | None] = {}
    comments: dict[int, str] = {}
    element_scores: dict[int, int] = {}
    shown: set[int] = set()
    for goal in plan.sub_goals:
        gid = goal.sub_goal_id
        with st.container(border=True):
            st.markdown(f"**{goal.priority}. {inert(goal.label)}**")
            names = ", ".join(cat.parameters[p] for p in goal.parameter_ids)
            st.caption(
                f"Parametre: {inert(names)}"
                + (f" · Fokus: {inert(goal.focus)}" if goal.focus else "")
            )
            statuses[gid] = st.segmented_control(
                "Status for delmålet",
                list(SubGoalStatus),
                default=start.sub_goal_status.get(gid) if start else None,
                format_func=SubGoalStatus.label_of,
                key=form_key(form, f"goal_{gid}_status"),
            )
            field_error(form, f"goal_{gid}_status")
            comments[gid] = st.text_input(
                "Kommentar (valgfri)",
                value=start.sub_goal_comment.get(gid, "") if start else "",
                key=form_key(form, f"goal_{gid}_comment"),
            )
            field_error(form, f"goal_{gid}_comment")
            elements = {
                x: f"Underelement: {cat.sub_elements[x][1]}"
                for x in goal.sub_element_ids
                if x not in shown and x in cat.sub_elements
            }
            shown |= set(elements)
            element_scores |= score_fields(
                form,
                cat.score_levels,
                elements,
                start.element_scores if start else {},
                ctx.last_element_scores,
                prefix="element",
            )
    return {
        "sub_goal_status": statuses,
        "sub_goal_comment": {g: c for g, c in comments.items() if c.strip()},
        "element_scores": element_scores,
    }


def _meeting_fields(
    form: str, ctx: EvaluationContext, start: EvaluationView | None
) -> dict[str, Any]:
    """The follow-up meeting and the caseworker's invitation to the evaluation."""
    st.markdown("##### Opfølgningsmøde og invitation til sagsbehandleren")
    values: dict[str, Any] = {}
    c1, c2 = st.columns(2)
    with c1:
        values["meeting_held"] = yes_no_field(
            form,
            "meeting_held",
            "Blev opfølgningsmødet holdt?",
            start.meeting_held if start else None,
        )
    with c2:
        values["meeting_on"] = date_field(
            form, "meeting_on", "Mødedato", start.meeting_on if start else dt.date.today()
        )
    values["caseworker_present"] = yes_no_field(
        form,
        "caseworker_present",
        "Deltog sagsbehandleren i mødet?",
        start.caseworker_present if start and start.meeting_held else None,
        help=texts.CASEWORKER_PRESENT_HELP,
    )
    due = invitation_due(start.evaluated_on if start else (ctx.due_on or dt.date.today()))
    st.caption(texts.invitation_due_caption(due))
    c3, c4 = st.columns(2)
    with c3:
        values["invitation_received"] = yes_no_field(
            form,
            "invitation_received",
            "Fik sagsbehandleren invitation til evalueringen?",
            (start.invitation_received_on is not None) if start else None,
        )
    with c4:
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
            **{
                cat.parameters[p]: [str(e.scores[p]) if p in e.scores else "–" for e in earlier]
                for p in plan.parameter_ids
            },
            "Delmål opnået": [
                sum(s == SubGoalStatus.REACHED for s in e.sub_goal_status.values())
                if e.sub_goal_status
                else None
                for e in earlier
            ],
            "Mål": [GoalProgress.label_of(e.goal_progress, "") for e in earlier],
            "Møde": [fmt_date(e.meeting_on) if e.meeting_held else "Ikke afholdt" for e in earlier],
            "Sagsbeh. deltog": ["Ja" if e.caseworker_present else "Nej" for e in earlier],
            "Noter": [e.notes for e in earlier],
            "Skrevet af": [e.created_by for e in earlier],
        }
    )
    kit_table(table)
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
