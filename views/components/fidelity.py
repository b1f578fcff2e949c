"""Fidelitet's sections: the results per minimum requirement (baseline against midpoint,
per role), the grid to enter a round's shares, the forms for a new round and a new
requirement, and the import from a spreadsheet. Writes go through lib/commands/fidelity.py;
a refused save shows its Danish messages and keeps what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.charts.quality import fidelity_chart
from lib.commands.fidelity import add_requirement, create_round, save_round_results
from lib.commands.kit import ValidationError
from lib.documents.exports import MIME
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.enums import FidelityRole, SurveyRoundKind
from lib.domain.fidelity import fmt_pp
from lib.domain.format import fmt_date, fmt_pct
from lib.domain.text import inert, plain
from lib.imports.dry_run import DryRun
from lib.imports.fidelity import (
    FidelityCheck,
    FidelityImportRefused,
    check_upload,
    import_fidelity,
    template_xlsx,
)
from lib.imports.limits import FileRefused, check_size
from lib.queries.fidelity import Comparison, Requirement, RoundInfo, comparisons, grid_rows
from views.components.forms import DATE_FORMAT, confirm_on_next_run
from views.components.import_section import dry_run_report, once_per_upload
from views.components.layout import empty_state
from views.components.layout import table as kit_table
from views.components.runtime import cached_query
from views.texts import admin as admin_texts
from views.texts import quality as texts

T = TypeVar("T")

ERROR_ICON = ":material/error:"


def save_and_confirm(
    save: Callable[[], T], confirmation: Callable[[T], str], refused: str | None = None
) -> None:
    """Run a save. Refused: its messages (and `refused`, if given) where the save was asked
    for, the input kept. Saved: the confirmation at the top of the next run."""
    try:
        result = save()
    except ValidationError as exc:
        for message in exc.errors.values():
            st.error(inert(message), icon=ERROR_ICON)
        if refused:
            st.error(refused, icon=ERROR_ICON)
    else:
        # Shown once by forms.flash() at the top of the page (entry_page calls it).
        confirm_on_next_run(confirmation(result))
        st.rerun()


# --------------------------------------------------------------------------- results


def results_section(scope: Scope) -> None:
    """Per requirement with figures: the total's change, a chart and a table per role."""
    all_comparisons = cached_query(comparisons, scope)
    shown = [c for c in all_comparisons if c.has_data]
    if not shown:
        empty_state(texts.NO_FIDELITY, texts.NO_FIDELITY_HINT)
    for c in shown:
        requirement_results(c)
    without = [inert(c.requirement.title) for c in all_comparisons if not c.has_data]
    if shown and without:
        st.caption("Uden målinger endnu: " + "; ".join(without) + ".")


def round_text(r: RoundInfo) -> str:
    """'Midtvejsmåling (2. nov. 2026)', the name as typed."""
    return f"{inert(r.name)} ({fmt_date(r.held_on)})"


def round_label(r: RoundInfo) -> str:
    """'Midtvejsmåling (midtvejs)', the name as typed (a selectbox option: plain text)."""
    return f"{plain(r.name)} ({r.kind_label.lower()})"


def requirement_results(c: Comparison) -> None:
    st.subheader(inert(c.requirement.title), help=measures.FIDELITY_AGREEING.definition)
    if c.before and c.after:
        st.caption(f"{round_text(c.before)} mod {round_text(c.after)}.")
    elif c.after or c.before:
        st.caption(f"Kun én måling endnu: {round_text(c.after or c.before)}.")
    total = next((r for r in c.roles if r.role == FidelityRole.TOTAL), None)
    if c.after and total and total.after is not None:
        st.metric(
            f"Total, {c.after.kind_label.lower()}",
            fmt_pct(total.after, 0),
            fmt_pp(total.change_pp) if total.change_pp is not None else None,
            help=f"{measures.FIDELITY_AGREEING.definition} n = {total.after_n if total.after_n is not None else '–'} "
            "besvarelser.",
        )
    st.altair_chart(fidelity_chart(c), theme=None, width="stretch")
    table = pd.DataFrame(
        [
            {
                "Rolle": r.label,
                "Nulpunkt": fmt_pct(r.before, 0),
                "n (nulpunkt)": r.before_n,
                "Midtvejs": fmt_pct(r.after, 0),
                "n (midtvejs)": r.after_n,
                "Ændring": fmt_pp(r.change_pp),
            }
            for r in c.roles
            if r.before is not None or r.after is not None
        ]
    )
    kit_table(table)


# --------------------------------------------------------------------------- entry


def grid_form(
    engine: Engine, scope: Scope, rounds: list[RoundInfo], requirements: list[Requirement]
) -> None:
    """One round's shares for one requirement, a row per role, edited in place."""
    st.subheader("Indtast andele for en runde")
    if not rounds:
        empty_state(texts.NO_ROUNDS)
        return
    if not requirements:
        empty_state(texts.NO_REQUIREMENTS)
        return
    by_round = {r.id: r for r in rounds}
    by_req = {r.id: r for r in requirements}
    left, right = st.columns(2)
    round_id = left.selectbox(
        "Runde", list(by_round), index=len(rounds) - 1,
        format_func=lambda i: round_label(by_round[i]), key="fidelitet_runde",
    )  # fmt: skip
    requirement_id = right.selectbox(
        "Minimumskrav", list(by_req), format_func=lambda i: plain(by_req[i].title),
        key="fidelitet_krav",
    )  # fmt: skip
    grid = pd.DataFrame(
        cached_query(grid_rows, scope, round_id, requirement_id),
        columns=["role", "Rolle", "Andel enige (%)", "Besvarelser"],
    )
    edited = st.data_editor(
        grid,
        key=f"fidelitet_grid_{round_id}_{requirement_id}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=["Rolle"],
        column_config={
            "role": None,
            "Andel enige (%)": st.column_config.NumberColumn(
                "Andel enige (%)", min_value=0.0, max_value=100.0, step=0.1, format="%.1f",
                help=texts.SHARE_COLUMN_HELP,
            ),
            "Besvarelser": st.column_config.NumberColumn(
                "Besvarelser", min_value=0, step=1, format="%d", help="Antal adspurgte (n)."
            ),
        },
    )  # fmt: skip
    if st.button("Gem andele", type="primary", key="fidelitet_gem"):
        round_name = inert(by_round[round_id].name)
        save_and_confirm(
            lambda: save_round_results(
                engine, scope, round_id, requirement_id, edited.to_dict("records")
            ),
            lambda saved: f"Andelene er gemt: {saved} roller i {round_name}.",
            refused=texts.NOTHING_SAVED,
        )


def new_round_form(engine: Engine, scope: Scope) -> None:
    with st.form("fidelitet_ny_runde", clear_on_submit=True):
        name = st.text_input("Navn", placeholder="fx Slutmåling 2027", max_chars=200)
        kind = st.selectbox("Type", list(SurveyRoundKind), format_func=SurveyRoundKind.label_of)
        held_on = st.date_input("Dato", value=dt.date.today(), format=DATE_FORMAT)
        submitted = st.form_submit_button("Opret runde")
    if submitted:
        save_and_confirm(
            lambda: create_round(engine, scope, name, kind, held_on),
            lambda _: f"Runden '{inert(name.strip())}' er oprettet.",
        )


def new_requirement_form(engine: Engine, scope: Scope) -> None:
    with st.form("fidelitet_nyt_krav", clear_on_submit=True):
        code = st.text_input("Nummer", placeholder="fx 3a", max_chars=20)
        label = st.text_input("Tekst", max_chars=300)
        submitted = st.form_submit_button("Tilføj krav")
    if submitted:
        save_and_confirm(
            lambda: add_requirement(engine, scope, code, label),
            lambda _: f"Minimumskrav {inert(code.strip())} er tilføjet.",
        )


# --------------------------------------------------------------------------- import


def checked_upload(engine: Engine, scope: Scope, upload) -> tuple[FidelityCheck, DryRun] | None:
    """The upload's size checked before its bytes are read, then read and dry-run once:
    every rerun of the page (each click) reuses the result for the same bytes and name,
    kept in this browser session only."""
    try:
        check_size(upload.size)
    except FileRefused as exc:
        st.error(str(exc), icon=":material/block:")
        return None
    files = [(upload.name, upload.getvalue())]
    return once_per_upload(
        "fidelitet_fil_check", files, lambda: check_upload(engine, scope, files[0][1], upload.name)
    )


def _preview(check: FidelityCheck) -> None:
    st.markdown("**Rækkerne, der importeres**")
    preview = pd.DataFrame(
        [
            {
                "Række": r.line,
                "Runde": plain(r.round_name),
                "Type": SurveyRoundKind(r.kind).label,
                "Dato": fmt_date(r.held_on),
                "Minimumskrav": plain(r.requirement),
                "Rolle": FidelityRole(r.role).label,
                "Andel enige": fmt_pct(r.share),
                "Besvarelser": r.respondents,
            }
            for r in check.rows
        ]
    )
    kit_table(preview)


def import_section(engine: Engine, scope: Scope) -> None:
    """A sheet gets the same dry run as every import (counts, every problem with row and
    column, the report as xlsx); nothing is saved before the user approves."""
    st.subheader("Importér fra et regneark")
    st.markdown(texts.IMPORT_FORMAT)
    st.download_button(
        "Hent en skabelon (.xlsx)",
        template_xlsx(),
        file_name="fidelitet_skabelon.xlsx",
        mime=MIME["xlsx"],
        icon=":material/download:",
    )
    upload = st.file_uploader("Regneark", type=["xlsx", "csv"], key="fidelitet_fil")
    if upload is None:
        st.session_state.pop("fidelitet_fil_check", None)
        return
    checked = checked_upload(engine, scope, upload)
    if checked is None:
        return
    check, result = checked
    dry_run_report(result, key="fidelitet_kontrol")
    if check.rows and not result.errors:
        _preview(check)
    if check.ok and not result.errors and result.changes:
        if st.button(
            f"Importér {len(check.rows)} rækker", type="primary", key="fidelitet_importer"
        ):
            _import(engine, scope, check)
    elif check.ok and not result.errors:
        st.info(admin_texts.IMPORT_NOTHING_TO_DO, icon=":material/info:")


def _import(engine: Engine, scope: Scope, check: FidelityCheck) -> None:
    try:
        summary = import_fidelity(engine, scope, check)
    except FidelityImportRefused as exc:
        st.session_state.pop("fidelitet_fil_check", None)
        st.error(f"{exc} Databasen er ændret siden kontrollen; indlæs filen igen.", icon=ERROR_ICON)
        return
    st.session_state.pop("fidelitet_fil_check", None)
    confirm_on_next_run(
        f"Importeret: {summary.inserted} nye og {summary.updated} opdaterede andele"
        f", {summary.rounds_created} nye runder."
    )
    st.rerun()
