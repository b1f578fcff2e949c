"""Evaluering: the bi-monthly evaluation in one form and one submit, and corrections of
earlier evaluations with their history."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import entry
from lib.entry_queries import (
    GOAL_PROGRESS_LABELS,
    EvaluationContext,
    EvaluationView,
    catalogue,
    evaluation,
    evaluation_context,
    evaluation_history,
    evaluations,
)
from lib.format import fmt_date, fmt_datetime
from views.common import cached_query
from views.entry_ui import (
    confirm_box,
    date_input,
    due_caption,
    entry_page,
    errors_of,
    escape_text,
    field_error,
    form_key,
    form_notices,
    opened_version,
    picked_course,
    run_save,
    score_input,
)

scope, engine = entry_page(
    "Evaluering", "Den løbende evaluering hver 2. måned – skrevet sammen med deltageren."
)
cat = cached_query(catalogue)
row = picked_course(scope, "evaluering_forlob")
ctx: EvaluationContext = cached_query(evaluation_context, scope, row.id)


def show_context(ctx: EvaluationContext) -> None:
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
        with st.expander("Delmål i planen", expanded=False):
            for goal in ctx.plan.sub_goals:
                names = ", ".join(cat.parameters[p] for p in goal.parameter_ids)
                st.markdown(f"**{goal.priority}. {escape_text(goal.label)}** – {names}")
                if goal.focus:
                    st.caption("Fokus: " + escape_text(goal.focus))


def evaluation_form(form: str, ctx: EvaluationContext, start: EvaluationView | None) -> None:
    """The evaluation form: new (start=None, prefilled with the last scores) or a
    correction of `start`. One submit saves everything."""
    plan = ctx.plan
    scores_from = start.scores if start else ctx.last_scores
    form_notices(form)
    with st.form(form_key(form, "form"), border=True):
        evaluated_on = date_input(
            "Evalueringsdato",
            form_key(form, "evaluated_on"),
            start.evaluated_on if start else dt.date.today(),
        )
        field_error(form, "evaluated_on")
        confirmed = confirm_box(form)

        st.markdown("##### Del 1 – Fremskridt på de valgte parametre")
        scores: dict[int, int] = {}
        for pid in plan.parameter_ids:
            last = ctx.last_scores.get(pid)
            scores[pid] = score_input(
                cat.score_levels,
                cat.parameters[pid],
                scores_from.get(pid, last),
                form_key(form, f"score_{pid}"),
                help=(
                    f"Sidst: {last} – {cat.score_levels.get(last, '')}"
                    if last
                    else "Ingen tidligere score."
                ),
            )
            field_error(form, f"score_{pid}")

        st.markdown("##### Del 2 – Det langsigtede mål og delmålene")
        progress_options = list(GOAL_PROGRESS_LABELS)
        goal_progress = st.radio(
            "Nærmer deltageren sig det langsigtede mål?",
            progress_options,
            index=progress_options.index(start.goal_progress if start else "unchanged"),
            format_func=GOAL_PROGRESS_LABELS.get,
            horizontal=True,
            key=form_key(form, "goal_progress"),
        )
        field_error(form, "goal_progress")
        adjust = st.checkbox(
            "Delmålene skal justeres",
            value=start.sub_goals_need_adjusting if start else False,
            key=form_key(form, "adjust"),
        )
        notes = st.text_area(
            "Noter",
            value=start.notes if start else "",
            key=form_key(form, "notes"),
            help=f"Højst {entry.TEXT_LIMITS['notes']} tegn. Skrives som tekst.",
        )
        field_error(form, "notes")
        with_participant = st.checkbox(
            "Skrevet sammen med deltageren",
            value=start.written_with_participant if start else True,
            key=form_key(form, "with_participant"),
        )

        st.markdown("##### Opfølgningsmøde og leverancer til sagsbehandleren")
        c1, c2, c3 = st.columns(3)
        with c1:
            held = st.checkbox(
                "Opfølgningsmøde afholdt",
                value=start.meeting_held if start else True,
                key=form_key(form, "held"),
            )
        with c2:
            meeting_on = date_input(
                "Mødedato",
                form_key(form, "meeting_on"),
                (start.meeting_on if start else dt.date.today()),
            )
            field_error(form, "meeting_on")
        with c3:
            present = st.checkbox(
                "Sagsbehandler deltog",
                value=start.caseworker_present if start else False,
                key=form_key(form, "present"),
            )
            field_error(form, "caseworker_present")
        c4, c5 = st.columns(2)
        with c4:
            received = st.checkbox(
                "Sagsbehandler fik invitation til evalueringen",
                value=bool(start and start.invitation_received_on),
                key=form_key(form, "received"),
            )
        with c5:
            received_on = date_input(
                "Invitation modtaget den",
                form_key(form, "received_on"),
                start.invitation_received_on if start else None,
                help="Tom: evalueringsdatoen.",
            )
            field_error(form, "invitation_received_on")
        submitted = st.form_submit_button(
            "Gem rettelse" if start else "Gem evaluering", type="primary"
        )

    if submitted:
        data = entry.EvaluationInput(
            evaluated_on=evaluated_on,
            scores=scores,
            goal_progress=goal_progress,
            sub_goals_need_adjusting=adjust,
            notes=notes,
            written_with_participant=with_participant,
            meeting_held=held,
            meeting_on=meeting_on,
            caseworker_present=present,
            invitation_received=received,
            invitation_received_on=received_on,
        )
        if start is None:
            run_save(
                form,
                lambda: entry.record_evaluation(
                    engine, scope, row.id, data, confirm_close=confirmed
                ),
                f"Evalueringen af {row.case_code} ({row.initials}) den "
                f"{fmt_date(evaluated_on)} er gemt.",
            )
        else:
            version = opened_version(form, start.version)
            run_save(
                form,
                lambda: entry.update_evaluation(
                    engine, scope, start.id, version, data, confirm_close=confirmed
                ),
                f"Rettelsen af evalueringen fra {fmt_date(start.evaluated_on)} er gemt.",
            )


show_context(ctx)
if ctx.plan is None:
    st.warning(
        "Forløbet har ingen plan endnu. Lav planen først på siden Plan – så ved "
        "evalueringen, hvilke parametre der scores.",
        icon=":material/assignment:",
    )
    st.stop()

evaluation_form(f"eval_new_{row.id}", ctx, None)

# --------------------------------------------------------------------------- earlier ones

st.subheader("Tidligere evalueringer")
earlier = cached_query(evaluations, scope, row.id)
if not earlier:
    st.caption("Ingen evalueringer endnu.")
    st.stop()
table = pd.DataFrame(
    {
        "Dato": [fmt_date(e.evaluated_on) for e in earlier],
        **{cat.parameters[p]: [e.scores.get(p) for e in earlier] for p in ctx.plan.parameter_ids},
        "Mål": [GOAL_PROGRESS_LABELS.get(e.goal_progress, "") for e in earlier],
        "Møde": [fmt_date(e.meeting_on) if e.meeting_held else "Ikke afholdt" for e in earlier],
        "Sagsbeh. deltog": ["Ja" if e.caseworker_present else "Nej" for e in earlier],
        "Noter": [e.notes for e in earlier],
        "Skrevet af": [e.created_by for e in earlier],
    }
)
st.dataframe(table, hide_index=True, width="stretch")

with st.expander("Ret en tidligere evaluering", expanded=bool(st.session_state.get("eval_fix"))):
    chosen = st.selectbox(
        "Evaluering",
        [e.id for e in earlier],
        index=None,
        placeholder="Vælg den evaluering, der skal rettes",
        format_func=lambda i: next(
            f"{fmt_date(e.evaluated_on)} ({e.created_by or 'ukendt'})" for e in earlier if e.id == i
        ),
        key="eval_fix",
    )
    if chosen is not None:
        form = f"eval_fix_{chosen}"
        # Open the evaluation as it is now; the version seen at opening guards the save.
        current = evaluation(engine, scope, chosen)
        opened = opened_version(form, current.version)
        start = current
        if opened != current.version and not st.session_state.get(f"{form}__stale"):
            st.info("Evalueringen er ændret siden du åbnede den.")
        evaluation_form(form, ctx, start)
        if errors_of(form).get("_form"):
            st.stop()
        st.markdown("###### Historik")
        changes = evaluation_history(engine, scope, chosen)
        rows = []
        for c in changes:
            if c.action == "update":
                what = "; ".join(f"{k}: {b} → {a}" for k, (b, a) in c.changed_fields().items())
            elif c.action == "create":
                what = "oprettet"
            else:
                what = "slettet"
            rows.append(
                {
                    "Tidspunkt": fmt_datetime(c.at),
                    "Bruger": c.username,
                    "Handling": {"create": "Oprettet", "update": "Rettet", "delete": "Slettet"}[
                        c.action
                    ],
                    "Tabel": c.table_name,
                    "Ændring": what,
                }
            )
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
