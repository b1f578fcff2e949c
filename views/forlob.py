"""Forløb: the courses the user works with; enrolment, start, extension (the job
centre's) and ending with an outcome and the enterprise's final summary."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import entry
from lib.entry_queries import (
    STATUS_LABELS,
    agreements_for_enrolment,
    caseworkers,
    catalogue,
    my_enrolments,
    participants_for,
)
from lib.format import fmt_date
from views.common import cached_query, empty_state
from views.entry_ui import (
    date_input,
    entry_page,
    field_error,
    form_key,
    form_notices,
    opened_version,
    participant_picker,
    run_save,
)

scope, engine = entry_page(
    "Forløb",
    lambda scope: (
        "Indskrivning, forlængelse og afslutning af forløb."
        if scope.role in entry.JOB_CENTRE
        else "Din virksomheds forløb. Indskrivning og forlængelse sker i jobcentret."
    ),
)
job_centre = scope.role in entry.JOB_CENTRE
cat = cached_query(catalogue)

# --------------------------------------------------------------------------- the list

rows = cached_query(my_enrolments, scope, ("referral", "active"))
if rows:
    st.dataframe(
        pd.DataFrame(
            {
                "Sagskode": [r.case_code for r in rows],
                "Initialer": [r.initials for r in rows],
                "Aftale": [r.agreement for r in rows],
                "Status": [STATUS_LABELS[r.status] for r in rows],
                "Start": [fmt_date(r.start_date) for r in rows],
                "Længde": [f"{r.planned_weeks} uger" for r in rows],
                "Planlagt slut": [fmt_date(r.planned_end) for r in rows],
                "Sagsbehandler": [r.caseworker for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    empty_state("Der er ingen forløb i gang eller i visitation, som du har adgang til.")

# --------------------------------------------------------------------------- enrol


def enrol_form() -> None:
    form = "enrol"
    agreements = cached_query(agreements_for_enrolment, scope)
    by_id = {a.agreement_id: a for a in agreements}
    kind = st.radio(
        "Deltager",
        ["new", "existing"],
        format_func={"new": "Ny deltager", "existing": "Eksisterende deltager"}.get,
        horizontal=True,
        key="enrol_kind",
    )
    form_notices(form)
    with st.form(form_key(form, "form")):
        agreement_id = st.selectbox(
            "Samarbejdsaftale",
            list(by_id),
            format_func=lambda i: (
                f"{by_id[i].agreement} – {by_id[i].free} ledige af {by_id[i].slots}"
            ),
            key=form_key(form, "agreement_id"),
        )
        field_error(form, "agreement_id")
        participant_id = None
        case_code = initials = ""
        target_group_id = caseworker_id = None
        if kind == "existing":
            known = cached_query(participants_for, scope)
            participant_id = st.selectbox(
                "Deltager",
                list(known),
                index=None,
                format_func=known.get,
                placeholder="Vælg deltager",
                key=form_key(form, "participant_id"),
            )
            field_error(form, "participant_id")
        else:
            c1, c2 = st.columns(2)
            case_code = c1.text_input(
                "Sagskode (pseudonym)",
                key=form_key(form, "case_code"),
                help="Aldrig CPR-nummer.",
            )
            with c1:
                field_error(form, "case_code")
            initials = c2.text_input("Initialer", key=form_key(form, "initials"))
            with c2:
                field_error(form, "initials")
            c3, c4 = st.columns(2)
            target_group_id = c3.selectbox(
                "Målgruppe",
                list(cat.target_groups),
                index=None,
                format_func=cat.target_groups.get,
                placeholder="Vælg målgruppe",
                key=form_key(form, "target_group_id"),
            )
            with c3:
                field_error(form, "target_group_id")
            workers = cached_query(caseworkers, scope)
            caseworker_id = c4.selectbox(
                "Sagsbehandler",
                list(workers),
                index=list(workers).index(scope.user_id) if scope.user_id in workers else None,
                format_func=workers.get,
                placeholder="Vælg sagsbehandler",
                key=form_key(form, "caseworker_id"),
            )
            with c4:
                field_error(form, "caseworker_id")
        c5, c6, c7 = st.columns(3)
        status = c5.radio(
            "Status",
            ["referral", "active"],
            format_func=STATUS_LABELS.get,
            horizontal=True,
            key=form_key(form, "status"),
        )
        with c5:
            field_error(form, "status")
        with c6:
            start_date = date_input("Startdato", form_key(form, "start_date"), dt.date.today())
            field_error(form, "start_date")
        weeks = c7.radio(
            "Længde",
            [13, 52],
            format_func=lambda w: f"{w} uger",
            horizontal=True,
            key=form_key(form, "planned_weeks"),
        )
        with c7:
            field_error(form, "planned_weeks")
        submitted = st.form_submit_button("Indskriv", type="primary")
    if submitted:
        data = entry.EnrolmentInput(
            agreement_id=agreement_id,
            status=status,
            start_date=start_date,
            planned_weeks=weeks,
            participant_id=participant_id,
            case_code=case_code,
            initials=initials,
            target_group_id=target_group_id,
            caseworker_id=caseworker_id,
        )
        label = case_code or "Deltageren"
        run_save(
            form,
            lambda: entry.enrol(engine, scope, data),
            f"{label} er indskrevet ({STATUS_LABELS[status].lower()}).",
        )


# --------------------------------------------------------------------------- change one


def start_form(row) -> None:
    form = f"start_{row.id}"
    version = opened_version(form, row.version)
    form_notices(form)
    with st.form(form_key(form, "form")):
        start_date = date_input("Startdato", form_key(form, "start_date"), dt.date.today())
        field_error(form, "start_date", "status")
        submitted = st.form_submit_button("Start forløbet", type="primary")
    if submitted:
        run_save(
            form,
            lambda: entry.start_enrolment(engine, scope, row.id, start_date, version),
            f"Forløbet for {row.case_code} er startet.",
        )


def extend_form(row) -> None:
    form = f"extend_{row.id}"
    version = opened_version(form, row.version)
    form_notices(form)
    st.caption(f"Nuværende planlagte slut: {fmt_date(row.planned_end)}")
    with st.form(form_key(form, "form")):
        new_end = date_input(
            "Ny slutdato",
            form_key(form, "new_end_date"),
            row.planned_end + dt.timedelta(weeks=13),
        )
        field_error(form, "new_end_date", "status")
        reason = st.text_area("Begrundelse", key=form_key(form, "reason"), height=80)
        field_error(form, "reason")
        submitted = st.form_submit_button("Forlæng", type="primary")
    if submitted:
        run_save(
            form,
            lambda: entry.extend_enrolment(engine, scope, row.id, new_end, reason, version),
            f"Forløbet for {row.case_code} er forlænget til {fmt_date(new_end)}.",
        )


def end_form(row) -> None:
    form = f"end_{row.id}"
    version = opened_version(form, row.version)
    form_notices(form)
    with st.form(form_key(form, "form")):
        end_date = date_input("Slutdato", form_key(form, "end_date"), dt.date.today())
        field_error(form, "end_date", "status")
        outcome = st.selectbox(
            "Resultat efter forløbet",
            list(cat.outcome_types),
            index=None,
            format_func=cat.outcome_types.get,
            placeholder="Vælg resultat",
            key=form_key(form, "outcome_type_id"),
        )
        field_error(form, "outcome_type_id")
        summary = st.text_area(
            "Opsamlende beskrivelse (virksomheden)",
            key=form_key(form, "final_summary"),
            help=f"Højst {entry.TEXT_LIMITS['final_summary']} tegn.",
        )
        field_error(form, "final_summary")
        submitted = st.form_submit_button("Afslut forløbet", type="primary")
    if submitted:
        run_save(
            form,
            lambda: entry.end_enrolment(engine, scope, row.id, end_date, outcome, summary, version),
            f"Forløbet for {row.case_code} er afsluttet.",
        )


if job_centre:
    with st.expander("Indskriv en deltager", icon=":material/person_add:"):
        enrol_form()

st.subheader("Ændr et forløb")
chosen = participant_picker(scope, "forlob_change", ("referral", "active"), "Forløb")
if chosen is not None:
    if chosen.status == "referral":
        actions = {"start": "Start forløb"} if job_centre else {}
    else:
        actions = {"extend": "Forlæng"} if job_centre else {}
    actions["end"] = "Afslut"
    action = st.segmented_control(
        "Handling",
        list(actions),
        format_func=actions.get,
        default="end" if not job_centre else next(iter(actions)),
        key=f"forlob_action_{chosen.id}",
    )
    if action == "start":
        start_form(chosen)
    elif action == "extend":
        extend_form(chosen)
    elif action == "end":
        end_form(chosen)
