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

from lib.commands.certificates import add_certificate, certificate_values, delete_certificate
from lib.commands.deliverables import delete_deliverable, register_deliverable
from lib.commands.meetings import delete_meeting, plan_meeting, record_meeting
from lib.commands.pauses import add_pause, delete_pause, pause_values
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus, MeetingState, PauseKind
from lib.domain.format import fmt_date
from lib.domain.text import inert
from lib.queries.catalogue import catalogue
from lib.queries.course_records import (
    CertificateRow,
    DeliverableRow,
    MeetingRow,
    PauseRow,
    certificates,
    deliverables_due,
    meetings,
    pauses,
    saved_by,
)
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
from views.components.layout import empty_state, lazy_tabs, table
from views.components.runtime import cached_query
from views.components.saved_record import (
    SavedRecord,
    deletable_by_me,
    done_editing,
    remember,
    saved_or_form,
)
from views.texts import entry as texts

RECORD_TABS = ("Møder", "Leverancer", "Pauser", "Beviser")
RECORD_TAB_KEY = "forlob_registrering"


def course_records(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    """The course's meetings, deliverables, pauses and certificates, one tab each."""
    if row.status != EnrolmentStatus.ACTIVE:
        st.caption(texts.RECORDS_WHEN_ACTIVE)
        return
    lazy_tabs(
        RECORD_TABS,
        RECORD_TAB_KEY,
        (
            lambda: meeting_section(scope, engine, row),
            lambda: deliverable_section(scope, engine, row),
            lambda: pause_section(scope, engine, row),
            lambda: certificate_section(scope, engine, row),
        ),
    )


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
    key = f"meeting_saved_{row.id}"
    by_id = {m.id: m for m in found}

    def new_forms() -> None:
        _plan_meeting_form(scope, engine, row, key)
        planned = {m.id: m for m in found if m.state == MeetingState.PLANNED}
        if planned:
            st.markdown("###### Registrér et planlagt møde")
            chosen = st.selectbox(
                "Møde",
                list(planned),
                format_func=lambda i: f"Planlagt {fmt_date(planned[i].planned_on)}",
                key=f"meeting_pick_{row.id}",
            )
            _record_meeting_form(scope, engine, planned[chosen], key)

    def load(meeting_id: int) -> SavedRecord | None:
        m = by_id.get(meeting_id)
        if m is None:
            return None
        planned_only = m.state == MeetingState.PLANNED
        return SavedRecord(
            title="Gemt møde",
            lines={
                "Planlagt": fmt_date(m.planned_on),
                "Status": MeetingState.label_of(m.state),
                **(
                    {}
                    if planned_only
                    else {
                        "Afholdt": fmt_date(m.held_on),
                        "Sagsbehandler deltog": YES_NO[m.caseworker_present]
                        if m.state == MeetingState.HELD
                        else "–",
                        "Aflyst fordi": m.cancel_reason,
                    }
                ),
            },
            what="mødet",
            deletable=_mine(scope, engine, row, "meeting", m.id) and not m.with_evaluation,
            delete=lambda: delete_meeting(engine, scope, m.id),
            edit=lambda: (
                _plan_meeting_form(scope, engine, row, key, m)
                if planned_only
                else _record_meeting_form(scope, engine, m, key, m)
            ),
            new_label="Nyt møde",
        )

    saved_or_form(key, new_forms, load)


def _mine(scope: Scope, engine: Engine, row: EnrolmentRow, kind: str, record_id: int) -> bool:
    """Whether the signed-in user saved this record within a day (Slet is theirs)."""
    return deletable_by_me(saved_by(engine, scope, row.id, kind, record_id), scope.username)


def _plan_meeting_form(
    scope: Scope, engine: Engine, row: EnrolmentRow, key: str, start: MeetingRow | None = None
) -> None:
    form = f"meeting_plan_{row.id}" if start is None else f"meeting_move_{start.id}"
    version = opened_version(form, start.version) if start else None
    values = submit_form(
        form,
        "Planlæg møde" if start is None else "Gem rettelse",
        lambda: {
            "planned_on": date_field(
                form, "planned_on", "Mødedato", start.planned_on if start else None
            )
        },
        caption=texts.PLAN_MEETING_CAPTION,
    )
    if values is not None:
        run_save(
            form,
            lambda: plan_meeting(
                engine,
                scope,
                row.id,
                values["planned_on"],
                meeting_id=start.id if start else None,
                expected_version=version,
            ),
            f"Mødet den {fmt_date(values['planned_on'])} er planlagt.",
            on_success=remember(key) if start is None else done_editing(key),
        )


def _record_meeting_form(
    scope: Scope, engine: Engine, meeting: MeetingRow, key: str, start: MeetingRow | None = None
) -> None:
    """Held (date, caseworker present) or cancelled (reason); `start`: Ret of a recorded
    meeting, prefilled with what was saved."""
    form = f"meeting_record_{meeting.id}"
    version = opened_version(form, meeting.version)
    states = [MeetingState.HELD, MeetingState.CANCELLED]

    def fields() -> dict:
        state = st.radio(
            "Hvad skete der?",
            states,
            index=states.index(start.state) if start and start.state in states else None,
            format_func=MeetingState.label_of,
            horizontal=True,
            key=form_key(form, "state"),
        )
        field_error(form, "state")
        held = bool(start and start.state == MeetingState.HELD)
        return {
            "state": state,
            "held_on": date_field(
                form, "held_on", "Afholdt den", start.held_on if held else meeting.planned_on
            ),
            "caseworker_present": yes_no_field(
                form,
                "caseworker_present",
                "Deltog sagsbehandleren?",
                start.caseworker_present if held else None,
            ),
            "cancel_reason": text_area_field(
                form,
                "cancel_reason",
                "Hvorfor blev mødet aflyst?",
                value=start.cancel_reason if start else "",
                height=68,
            ),
        }

    values = submit_form(
        form,
        "Gem mødet" if start is None else "Gem rettelse",
        fields,
        caption=texts.RECORD_MEETING_CAPTION,
    )
    if values is not None:
        run_save(
            form,
            lambda: record_meeting(
                engine,
                scope,
                meeting.id,
                version,
                values["state"],
                held_on=values["held_on"],
                caseworker_present=values["caseworker_present"],
                cancel_reason=values["cancel_reason"] or "",
            ),
            "Mødet er registreret.",
            on_success=(lambda _: remember(key)(meeting.id))
            if start is None
            else done_editing(key),
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
    key = f"deliverable_saved_{row.id}"
    saved = {d.id: d for d in due if d.id is not None}

    def load(deliverable_id: int) -> SavedRecord | None:
        d = saved.get(deliverable_id)
        if d is None:
            return None
        return SavedRecord(
            title="Gemt leverance",
            lines={
                "Leverance": d.label,
                "Frist": fmt_date(d.due_on),
                "Modtaget": fmt_date(d.received_on, "Ikke modtaget"),
            },
            what="leverancen",
            deletable=_mine(scope, engine, row, "deliverable", d.id),
            delete=lambda: delete_deliverable(engine, scope, d.id),  # type: ignore[arg-type]
            edit=lambda: _deliverable_form(scope, engine, row, {0: d}, key, d),
            new_label="Ny leverance",
        )

    def new_form() -> None:
        open_ones = {n: d for n, d in enumerate(due) if d.received_on is None}
        if not open_ones:
            st.caption(texts.ALL_DELIVERABLES_RECEIVED)
            return
        _deliverable_form(scope, engine, row, open_ones, key)

    saved_or_form(key, new_form, load)


def _deliverable_form(
    scope: Scope,
    engine: Engine,
    row: EnrolmentRow,
    open_ones: dict[int, DeliverableRow],
    key: str,
    start: DeliverableRow | None = None,
) -> None:
    form = f"deliverable_{row.id}" if start is None else f"deliverable_fix_{start.id}"

    def fields() -> dict:
        pick = choice_field(
            form,
            "kind",
            "Leverance",
            {n: f"{d.label} – frist {fmt_date(d.due_on)}" for n, d in open_ones.items()},
            "Vælg leverancen",
            index=0 if start else None,
        )
        received = yes_no_field(
            form,
            "received",
            "Har sagsbehandleren modtaget den?",
            (start.received_on is not None) if start else None,
        )
        received_on = date_field(
            form, "received_on", "Modtaget den", start.received_on if start else None
        )
        return {"pick": pick, "received": received, "received_on": received_on}

    values = submit_form(
        form,
        "Gem leverance" if start is None else "Gem rettelse",
        fields,
        caption=texts.DELIVERABLE_CAPTION,
    )
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
            on_success=remember(key) if start is None else done_editing(key),
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
    key = f"pause_saved_{row.id}"
    by_id = {p.id: p for p in found}

    def load(pause_id: int) -> SavedRecord | None:
        p = by_id.get(pause_id)
        if p is None:
            return None
        return SavedRecord(
            title="Gemt pause",
            lines=pause_values(p) | {"Dage": str(p.days)},
            what="pausen",
            deletable=_mine(scope, engine, row, "pause", p.id),
            delete=lambda: delete_pause(engine, scope, p.id),
            edit=lambda: _pause_form(scope, engine, row, key, p),
            new_label="Ny pause",
            delete_note=texts.PAUSE_DELETE_NOTE,
        )

    saved_or_form(key, lambda: _pause_form(scope, engine, row, key), load)


def _pause_form(
    scope: Scope, engine: Engine, row: EnrolmentRow, key: str, start: PauseRow | None = None
) -> None:
    form = f"pause_{row.id}" if start is None else f"pause_fix_{start.id}"
    kinds = list(PauseKind)

    def fields() -> dict:
        kind = st.radio(
            "Pause på grund af",
            kinds,
            index=kinds.index(PauseKind(start.kind)) if start else None,
            format_func=PauseKind.label_of,
            horizontal=True,
            key=form_key(form, "kind"),
        )
        field_error(form, "kind")
        c1, c2 = st.columns(2)
        with c1:
            first = date_field(
                form, "start_date", "Første dag", start.start_date if start else None
            )
        with c2:
            last = date_field(form, "end_date", "Sidste dag", start.end_date if start else None)
        reason = st.text_input(
            "Begrundelse", value=start.reason if start else "", key=form_key(form, "reason")
        )
        field_error(form, "reason")
        return {"kind": kind, "start_date": first, "end_date": last, "reason": reason}

    values = submit_form(
        form, "Gem pause" if start is None else "Gem rettelse", fields, caption=texts.PAUSE_CAPTION
    )
    if values is not None:
        run_save(
            form,
            lambda: add_pause(
                engine,
                scope,
                row.id,
                **values,
                pause_id=start.id if start else None,
                opened=pause_values(start) if start else None,
            ),
            f"Pausen for {inert(row.case_code)} er gemt; fristerne er rykket.",
            on_success=remember(key) if start is None else done_editing(key),
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
    key = f"certificate_saved_{row.id}"
    by_id = {c.id: c for c in found}

    def load(certificate_id: int) -> SavedRecord | None:
        c = by_id.get(certificate_id)
        if c is None:
            return None
        return SavedRecord(
            title="Gemt bevis",
            lines={"Bevis": c.label, "Opnået": fmt_date(c.obtained_on)},
            what="beviset",
            deletable=_mine(scope, engine, row, "certificate", c.id),
            delete=lambda: delete_certificate(engine, scope, c.id),
            edit=lambda: _certificate_form(scope, engine, row, key, c),
            new_label="Nyt bevis",
        )

    saved_or_form(key, lambda: _certificate_form(scope, engine, row, key), load)


def _certificate_form(
    scope: Scope, engine: Engine, row: EnrolmentRow, key: str, start: CertificateRow | None = None
) -> None:
    cat = cached_query(catalogue)
    form = f"certificate_{row.id}" if start is None else f"certificate_fix_{start.id}"
    types = list(cat.certificate_types)
    index = (
        types.index(start.certificate_type_id)
        if start and start.certificate_type_id in types
        else None
    )
    values = submit_form(
        form,
        "Gem bevis" if start is None else "Gem rettelse",
        lambda: {
            "certificate_type_id": choice_field(
                form, "certificate_type_id", "Bevis", cat.certificate_types, "Vælg bevis", index
            ),
            "obtained_on": date_field(
                form, "obtained_on", "Opnået den", start.obtained_on if start else dt.date.today()
            ),
        },
    )
    if values is not None:
        run_save(
            form,
            lambda: add_certificate(
                engine,
                scope,
                row.id,
                **values,
                certificate_id=start.id if start else None,
                opened=certificate_values(start) if start else None,
            ),
            "Beviset er gemt.",
            on_success=remember(key) if start is None else done_editing(key),
        )
