"""Fidelitet (seed 2): survey rounds per minimum requirement and role, baseline against
midpoint with the change in percentage points; entry in a grid or import from a sheet."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import fidelity
from lib.entry import ValidationError
from lib.format import fmt_date, fmt_pct
from lib.quality_charts import fidelity_chart
from views.common import cached_query, empty_state, get_engine, page_header, require_scope
from views.entry_ui import flash

scope = require_scope("admin", "leder")
engine = get_engine()
page_header(
    "Fidelitet",
    "Hvor mange medarbejdere pr. rolle oplever, at minimumskravene er opfyldt – ved "
    "nulpunktsmåling, midtvejs og slut (STV-evalueringens surveys).",
)
flash()

SHARE_HELP = (
    "Andel enige = andelen af de adspurgte i rollen, der svarer 'helt enig' eller 'enig' i, "
    "at minimumskravet er opfyldt. Ændring = midtvejs minus nulpunkt i procentpoint."
)

comparisons = cached_query(fidelity.comparisons, scope)
rounds = cached_query(fidelity.rounds, scope)
requirements = cached_query(fidelity.requirements, scope)

tab_view, tab_grid, tab_import = st.tabs(["Resultater", "Indtast", "Importér fra regneark"])

with tab_view:
    shown = [c for c in comparisons if c.has_data]
    if not shown:
        empty_state(
            "Der er ingen fidelitetsmålinger endnu.",
            "Opret en runde og indtast andelene under 'Indtast', eller importér et regneark.",
        )
    for c in shown:
        st.subheader(c.requirement.title, help=SHARE_HELP)
        if c.before and c.after:
            st.caption(
                f"{c.before.name} ({fmt_date(c.before.held_on)}) mod {c.after.name} "
                f"({fmt_date(c.after.held_on)})."
            )
        elif c.after or c.before:
            only = c.after or c.before
            st.caption(f"Kun én måling endnu: {only.name} ({fmt_date(only.held_on)}).")
        total = next((r for r in c.roles if r.role == "total"), None)
        if total and total.after is not None:
            st.metric(
                f"Total, {fidelity.KIND_LABELS[c.after.kind].lower()}",
                fmt_pct(total.after, 0),
                fidelity.fmt_pp(total.change_pp) if total.change_pp is not None else None,
                help=f"{SHARE_HELP} n = {total.after_n if total.after_n is not None else '–'} "
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
                    "Ændring": fidelity.fmt_pp(r.change_pp),
                }
                for r in c.roles
                if r.before is not None or r.after is not None
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
    empty_reqs = [c.requirement.title for c in comparisons if not c.has_data]
    if shown and empty_reqs:
        st.caption("Uden målinger endnu: " + "; ".join(empty_reqs) + ".")

with tab_grid:
    st.subheader("Indtast andele for en runde")
    if not rounds:
        empty_state("Der er ingen runder endnu – opret den første herunder.")
    elif not requirements:
        empty_state("Der er ingen minimumskrav i kataloget – tilføj et herunder.")
    else:
        by_round = {r.id: r for r in rounds}
        by_req = {r.id: r for r in requirements}
        left, right = st.columns(2)
        round_id = left.selectbox(
            "Runde", list(by_round), index=len(rounds) - 1, format_func=lambda i: by_round[i].label,
            key="fidelitet_runde",
        )  # fmt: skip
        requirement_id = right.selectbox(
            "Minimumskrav", list(by_req), format_func=lambda i: by_req[i].title,
            key="fidelitet_krav",
        )  # fmt: skip
        grid = pd.DataFrame(
            cached_query(fidelity.grid_rows, scope, round_id, requirement_id),
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
                    help="0–100. Tom = ingen måling for rollen.",
                ),
                "Besvarelser": st.column_config.NumberColumn(
                    "Besvarelser", min_value=0, step=1, format="%d", help="Antal adspurgte (n)."
                ),
            },
        )  # fmt: skip
        if st.button("Gem andele", type="primary", key="fidelitet_gem"):
            try:
                saved = fidelity.save_round_results(
                    engine, scope, round_id, requirement_id, edited.to_dict("records")
                )
            except ValidationError as exc:
                for message in exc.errors.values():
                    st.error(message, icon=":material/error:")
                st.error("Intet er gemt.", icon=":material/error:")
            else:
                st.session_state["entry_flash"] = (
                    f"Andelene er gemt: {saved} roller i {by_round[round_id].name}."
                )
                st.rerun()

    with st.expander("Opret en ny runde", expanded=not rounds):
        with st.form("fidelitet_ny_runde", clear_on_submit=True):
            name = st.text_input("Navn", placeholder="fx Slutmåling 2027", max_chars=200)
            kind = st.selectbox(
                "Type", list(fidelity.KIND_LABELS), format_func=fidelity.KIND_LABELS.get
            )
            held_on = st.date_input("Dato", value=dt.date.today(), format="DD.MM.YYYY")
            create = st.form_submit_button("Opret runde")
        if create:
            try:
                fidelity.create_round(engine, scope, name, kind, held_on)
            except ValidationError as exc:
                for message in exc.errors.values():
                    st.error(message, icon=":material/error:")
            else:
                st.session_state["entry_flash"] = f"Runden '{name.strip()}' er oprettet."
                st.rerun()
    with st.expander("Tilføj et minimumskrav"):
        with st.form("fidelitet_nyt_krav", clear_on_submit=True):
            code = st.text_input("Nummer", placeholder="fx 3a", max_chars=20)
            label = st.text_input("Tekst", max_chars=300)
            add_req = st.form_submit_button("Tilføj krav")
        if add_req:
            try:
                fidelity.add_requirement(engine, scope, code, label)
            except ValidationError as exc:
                for message in exc.errors.values():
                    st.error(message, icon=":material/error:")
            else:
                st.session_state["entry_flash"] = f"Minimumskrav {code.strip()} er tilføjet."
                st.rerun()

with tab_import:
    st.subheader("Importér fra et regneark")
    st.markdown(
        "Et regneark (.xlsx) eller en .csv-fil med kolonnerne **Runde**, **Type** (nulpunkt, "
        "midt eller slut), **Dato** (ÅÅÅÅ-MM-DD; kræves for en ny runde), **Minimumskrav** "
        "(fx 3c), **Rolle** (Leder, Projektleder, Sagsbehandler, Virksomhedskonsulent, Mentor, "
        "Total), **Andel enige** (fx 73 eller 73 %) og evt. **Besvarelser**. Intet gemmes, før "
        "filen er kontrolleret, og du har godkendt."
    )
    st.download_button(
        "Hent en skabelon (.xlsx)",
        fidelity.template_xlsx(),
        file_name="fidelitet_skabelon.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    upload = st.file_uploader("Regneark", type=["xlsx", "csv"], key="fidelitet_fil")
    if upload is not None:
        check = fidelity.parse_import(
            upload.getvalue(), upload.name, [r.code for r in requirements]
        )
        if check.errors:
            st.error(
                f"Filen har {len(check.errors)} fejl – intet er importeret:\n\n"
                + "\n".join(f"- {e}" for e in check.errors[:30]),
                icon=":material/error:",
            )
        if check.rows:
            preview = pd.DataFrame(
                [
                    {
                        "Række": r.line,
                        "Runde": r.round_name,
                        "Type": fidelity.KIND_LABELS[r.kind],
                        "Dato": fmt_date(r.held_on),
                        "Minimumskrav": r.requirement,
                        "Rolle": fidelity.ROLE_LABELS[r.role],
                        "Andel enige": fmt_pct(r.share),
                        "Besvarelser": r.respondents,
                    }
                    for r in check.rows
                ]
            )
            st.dataframe(preview, hide_index=True, width="stretch")
        if check.ok and st.button(
            f"Importér {len(check.rows)} rækker", type="primary", key="fidelitet_importer"
        ):
            try:
                summary = fidelity.import_results(engine, scope, check)
            except ValidationError as exc:
                st.error(" ".join(exc.errors.values()), icon=":material/error:")
            else:
                st.session_state["entry_flash"] = (
                    f"Importeret: {summary.inserted} nye og {summary.updated} opdaterede andele"
                    f", {summary.rounds_created} nye runder."
                )
                st.rerun()
