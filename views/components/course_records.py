"""Forløb's record sections for one course: follow-up meetings (plan one, then record it
as held or cancelled), the deliverables due to the caseworker with their due dates (mark
one received with its date), pauses (illness or other; they move the due dates) and
certificates from the catalogue. Each form is one save through lib/commands, with its
errors at the fields; no Ja/Nej is pre-answered."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.certificates import add_certificate
from lib.commands.deliverables import register_deliverable
from lib.commands.meetings import plan_meeting, record_meeting
from lib.commands.pauses import add_pause
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus, MeetingState, PauseKind
from lib.domain.format import fmt_date
from lib.domain.text import inert
from lib.queries.catalogue import catalogue
from lib.queries.course_records import certificates, deliverables_due, meetings, pauses
from lib.queries.courses import EnrolmentRow
from views.components.forms import (
    YES_NO,
    choice_field,
    date_field,
    field_error,
    form_key,
    opened_version,
    run_save,
    submit_form,
    text_area_field,
    yes_no_field,
)
from views.components.layout import empty_state, table
from views.components.runtime import cached_query
from views.texts import entry as texts


def course_records(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    """The course's meetings, deliverables, pauses and certificates, one tab each."""
    if row.status != EnrolmentStatus.ACTIVE:
        st.caption(texts.RECORDS_WHEN_ACTIVE)
        return
    tabs = st.tabs(["Møder", "Leverancer", "Pauser", "Beviser"])
    with tabs[0]:
        meeting_section(scope, engine, row)
    with tabs[1]:
        deliverable_section(scope, engine, row)
    with tabs[2]:
        pause_section(scope, engine, row)
    with tabs[3]:
        certificate_section(scope, engine, row)


# --------------------------------------------------------------------------- meetings


def meeting_section(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    found = cached_query(meetings, scope, row.id)
    if found:
        table(
            pd.DataFrame(
                {
                    "Planlagt": [fmt_date(m.planned_on) for m in found],
                    "Status": [MeetingState.label_of(m.state) for m in found],
                    "Afholdt": [fmt_date(m.held_on) for m in found],
                    "Sagsbeh. deltog": [
                        YES_NO[m.caseworker_present] if m.state == "held" else "–" for m in found
                    ],
                    "Aflyst fordi": [m.cancel_reason for m in found],
                    "Ved evaluering": [YES_NO[m.with_evaluation] for m in found],
                }
            ),
        )
    else:
        st.caption(texts.NO_MEETINGS)
    form = f"meeting_plan_{row.id}"
    values = submit_form(
        form,
        "Planlæg møde",
        lambda: {"planned_on": date_field(form, "planned_on", "Mødedato", None)},
        caption=texts.PLAN_MEETING_CAPTION,
    )
    if values is not None:
        run_save(
            form,
            lambda: plan_meeting(engine, scope, row.id, values["planned_on"]),
            f"Mødet den {fmt_date(values['planned_on'])} er planlagt.",
        )
    planned = {m.id: m for m in found if m.state == MeetingState.PLANNED}
    if planned:
        _record_meeting_form(scope, engine, row, planned)


def _record_meeting_form(scope: Scope, engine: Engine, row: EnrolmentRow, planned) -> None:
    st.markdown("###### Registrér et planlagt møde")
    chosen = st.selectbox(
        "Møde",
        list(planned),
        format_func=lambda i: f"Planlagt {fmt_date(planned[i].planned_on)}",
        key=f"meeting_pick_{row.id}",
    )
    meeting = planned[chosen]
    form = f"meeting_record_{chosen}"
    version = opened_version(form, meeting.version)

    def fields() -> dict:
        state = st.radio(
            "Hvad skete der?",
            [MeetingState.HELD, MeetingState.CANCELLED],
            index=None,
            format_func=MeetingState.label_of,
            horizontal=True,
            key=form_key(form, "state"),
        )
        field_error(form, "state")
        return {
            "state": state,
            "held_on": date_field(form, "held_on", "Afholdt den", meeting.planned_on),
            "caseworker_present": yes_no_field(
                form, "caseworker_present", "Deltog sagsbehandleren?", None
            ),
            "cancel_reason": text_area_field(
                form, "cancel_reason", "Hvorfor blev mødet aflyst?", height=68
            ),
        }

    values = submit_form(form, "Gem mødet", fields, caption=texts.RECORD_MEETING_CAPTION)
    if values is not None:
        run_save(
            form,
            lambda: record_meeting(
                engine,
                scope,
                chosen,
                version,
                values["state"],
                held_on=values["held_on"],
                caseworker_present=values["caseworker_present"],
                cancel_reason=values["cancel_reason"] or "",
            ),
            "Mødet er registreret.",
        )


# --------------------------------------------------------------------------- deliverables


def deliverable_section(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    due = cached_query(deliverables_due, scope, row.id)
    table(
        pd.DataFrame(
            {
                "Leverance": [d.label for d in due],
                "Frist": [fmt_date(d.due_on) for d in due],
                "Modtaget": [fmt_date(d.received_on, "Ikke modtaget") for d in due],
            }
        ),
    )
    open_ones = {n: d for n, d in enumerate(due) if d.received_on is None}
    if not open_ones:
        st.caption(texts.ALL_DELIVERABLES_RECEIVED)
        return
    form = f"deliverable_{row.id}"

    def fields() -> dict:
        pick = choice_field(
            form,
            "kind",
            "Leverance",
            {n: f"{d.label} – frist {fmt_date(d.due_on)}" for n, d in open_ones.items()},
            "Vælg leverancen",
        )
        received = yes_no_field(form, "received", "Har sagsbehandleren modtaget den?")
        received_on = date_field(form, "received_on", "Modtaget den", None)
        return {"pick": pick, "received": received, "received_on": received_on}

    values = submit_form(form, "Gem leverance", fields, caption=texts.DELIVERABLE_CAPTION)
    if values is not None:
        item = open_ones.get(values["pick"]) if values["pick"] is not None else None
        run_save(
            form,
            lambda: register_deliverable(
                engine,
                scope,
                row.id,
                item.kind if item else None,
                item.due_on if item else None,
                values["received"],
                values["received_on"],
                item.id if item else None,
            ),
            f"{item.label if item else 'Leverancen'} er registreret.",
        )


# --------------------------------------------------------------------------- pauses


def pause_section(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    found = cached_query(pauses, scope, row.id)
    if found:
        table(
            pd.DataFrame(
                {
                    "Årsag": [PauseKind.label_of(p.kind) for p in found],
                    "Fra": [fmt_date(p.start_date) for p in found],
                    "Til": [fmt_date(p.end_date) for p in found],
                    "Dage": [p.days for p in found],
                    "Begrundelse": [p.reason for p in found],
                }
            ),
        )
    else:
        empty_state(texts.NO_PAUSES)
    form = f"pause_{row.id}"

    def fields() -> dict:
        kind = st.radio(
            "Pause på grund af",
            list(PauseKind),
            index=None,
            format_func=PauseKind.label_of,
            horizontal=True,
            key=form_key(form, "kind"),
        )
        field_error(form, "kind")
        c1, c2 = st.columns(2)
        with c1:
            start = date_field(form, "start_date", "Første dag", None)
        with c2:
            end = date_field(form, "end_date", "Sidste dag", None)
        reason = st.text_input("Begrundelse", key=form_key(form, "reason"))
        field_error(form, "reason")
        return {"kind": kind, "start_date": start, "end_date": end, "reason": reason}

    values = submit_form(form, "Gem pause", fields, caption=texts.PAUSE_CAPTION)
    if values is not None:
        run_save(
            form,
            lambda: add_pause(engine, scope, row.id, **values),
            f"Pausen for {inert(row.case_code)} er gemt; fristerne er rykket.",
        )


# --------------------------------------------------------------------------- certificates


def certificate_section(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    found = cached_query(certificates, scope, row.id)
    if found:
        table(
            pd.DataFrame(
                {
                    "Bevis": [c.label for c in found],
                    "Opnået": [fmt_date(c.obtained_on) for c in found],
                }
            ),
        )
    else:
        st.caption(texts.NO_CERTIFICATES)
    cat = cached_query(catalogue)
    form = f"certificate_{row.id}"
    values = submit_form(
        form,
        "Gem bevis",
        lambda: {
            "certificate_type_id": choice_field(
                form, "certificate_type_id", "Bevis", cat.certificate_types, "Vælg bevis"
            ),
            "obtained_on": date_field(form, "obtained_on", "Opnået den", dt.date.today()),
        },
    )
    if values is not None:
        run_save(
            form,
            lambda: add_certificate(engine, scope, row.id, **values),
            "Beviset er gemt.",
        )
