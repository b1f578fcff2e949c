"""Kvalitet's entry tab: pick a started course, then record its work agreement, log a
mentor contact or assign a mentor. Each form saves through lib/commands/quality.py with the
entry pages' form plumbing (views/components/forms.py): errors at their fields, a stale
edit refused with the newer values, a clean form after a save."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Engine

from lib.commands import quality as quality_entry
from lib.domain.access import Scope
from lib.domain.enums import MentorType
from lib.domain.format import fmt_date
from lib.domain.quality import FREQUENCY_LABELS, WORK_AGREEMENT_ELEMENTS
from lib.domain.text import plain
from lib.queries.quality import (
    MentorRow,
    WorkAgreementRow,
    mentor_compliance,
    started_enrolments,
    work_agreement_rows,
)
from views.components import forms
from views.components.pickers import PICKER_LIMIT, searched_picker
from views.components.runtime import cached_query
from views.texts import quality as texts


def registration_section(engine: Engine, scope: Scope, agreement_ids: tuple[int, ...]) -> None:
    st.subheader("Registrér arbejdsaftale og mentorkontakt")
    enrolment_id = course_picker(scope, agreement_ids)
    if enrolment_id is None:
        return
    # This course's rows only: the tables' whole lists are not copied out of the cache again.
    current = next(iter(cached_query(work_agreement_rows, scope, (), enrolment_id)), None)
    work_agreement_form(engine, scope, enrolment_id, current)
    st.divider()
    st.markdown("**Mentor og kontakter**")
    mentors = cached_query(mentor_compliance, scope, (), None, enrolment_id).rows
    if mentors:
        mentor_contact_form(engine, scope, enrolment_id, mentors)
    else:
        st.caption(texts.NO_MENTOR_YET)
    with st.expander("Tilknyt en mentor", expanded=not mentors):
        add_mentor_form(engine, scope, enrolment_id)


SEARCH_KEY = "kvalitet_forlob_soeg"


def course_picker(scope: Scope, agreement_ids: tuple[int, ...]) -> int | None:
    """The started course to register for (searched in SQL above PICKER_LIMIT)."""
    return searched_picker(
        lambda search, n: cached_query(started_enrolments, scope, agreement_ids, search, n),
        lambda c: c.id,
        lambda c: c.label,
        label="Forløb",
        key="kvalitet_forlob",
        search_key=SEARCH_KEY,
        noun="forløb",
        limit=PICKER_LIMIT,
        help_text=texts.COURSE_PICKER_HELP,
        no_match=texts.NO_COURSE_MATCHES,
        empty=texts.NO_COURSES_TO_REGISTER,
    )


def work_agreement_form(
    engine: Engine, scope: Scope, enrolment_id: int, current: WorkAgreementRow | None
) -> None:
    """The course's work agreement: when it was signed and which elements it contains."""
    form = f"arbejdsaftale_{enrolment_id}"
    st.markdown("**Arbejdsaftale**")
    forms.form_notices(form)
    version = None
    if current is not None and current.signed_on is not None:
        version = forms.opened_version(form, current.version)
        st.caption(f"Aftalen er registreret (underskrevet {fmt_date(current.signed_on)}).")
    else:
        st.caption(texts.NO_WORK_AGREEMENT_YET)
    signed = current.signed_on if current and current.signed_on else dt.date.today()
    with st.form(forms.form_key(form, "form")):
        signed_on = forms.date_input("Underskrevet", forms.form_key(form, "signed_on"), signed)
        forms.field_error(form, "signed_on")
        st.caption("Aftalen indeholder:")
        values = {}
        cols = st.columns(2)
        for i, (key, label) in enumerate(WORK_AGREEMENT_ELEMENTS):
            values[key] = cols[i % 2].checkbox(
                label,
                value=bool(current and current.elements.get(key)),
                key=forms.form_key(form, key),
            )
        notes = st.text_area(
            "Bemærkning",
            value=current.notes if current else "",
            key=forms.form_key(form, "notes"),
        )
        forms.field_error(form, "notes")
        submitted = st.form_submit_button("Gem arbejdsaftale", type="primary")
    if submitted:
        forms.run_save(
            form,
            lambda: quality_entry.save_work_agreement(
                engine, scope, enrolment_id, signed_on, values, notes, version
            ),
            "Arbejdsaftalen er gemt.",
        )


def mentor_label(m: MentorRow) -> str:
    """'Social mentor – Susanne Socialmentor (hver 14. dag, seneste kontakt 22. nov. 2026)';
    the name as typed (a selectbox option shows plain text)."""
    name = f" – {plain(m.mentor_name)}" if m.mentor_name else ""
    frequency = FREQUENCY_LABELS.get(m.frequency_days, "").lower()
    return (
        f"{MentorType(m.mentor_type).label}{name} "
        f"({frequency}, seneste kontakt {fmt_date(m.last_contact, 'ingen')})"
    )


def mentor_contact_form(
    engine: Engine, scope: Scope, enrolment_id: int, mentors: list[MentorRow]
) -> None:
    """A contact between one of the course's mentors and the participant, on a date."""
    form = f"mentorkontakt_{enrolment_id}"
    forms.form_notices(form)
    by_mentor = {m.assignment_id: m for m in mentors}
    with st.form(forms.form_key(form, "form")):
        assignment = st.selectbox(
            "Mentor",
            list(by_mentor),
            format_func=lambda i: mentor_label(by_mentor[i]),
            key=forms.form_key(form, "assignment"),
        )
        contact_on = forms.date_input(
            "Kontaktdato", forms.form_key(form, "contact_on"), dt.date.today()
        )
        forms.field_error(form, "contact_on")
        note = st.text_input("Note", key=forms.form_key(form, "note"), max_chars=2000)
        forms.field_error(form, "note")
        submitted = st.form_submit_button("Registrér kontakt", type="primary")
    if submitted:
        forms.run_save(
            form,
            lambda: quality_entry.log_mentor_contact(engine, scope, assignment, contact_on, note),
            f"Mentorkontakten {fmt_date(contact_on)} er registreret.",
        )


def add_mentor_form(engine: Engine, scope: Scope, enrolment_id: int) -> None:
    """A mentor for the course, with the agreed follow-up frequency and a start date."""
    form = f"mentor_{enrolment_id}"
    forms.form_notices(form)
    with st.form(forms.form_key(form, "form")):
        mentor_type = st.selectbox(
            "Mentortype",
            list(MentorType),
            format_func=MentorType.label_of,
            key=forms.form_key(form, "type"),
        )
        mentor_name = st.text_input(
            "Mentorens navn", key=forms.form_key(form, "name"), max_chars=200
        )
        frequency = st.radio(
            "Aftalt opfølgning",
            list(FREQUENCY_LABELS),
            index=1,
            format_func=FREQUENCY_LABELS.get,
            horizontal=True,
            key=forms.form_key(form, "frequency"),
            help=texts.FREQUENCY_HELP,
        )
        forms.field_error(form, "frequency_days", "mentor_type", "mentor_name")
        start = forms.date_input("Start", forms.form_key(form, "start"), dt.date.today())
        forms.field_error(form, "start_date")
        submitted = st.form_submit_button("Tilknyt mentor")
    if submitted:
        forms.run_save(
            form,
            lambda: quality_entry.add_mentor(
                engine, scope, enrolment_id, mentor_type, mentor_name, frequency, start
            ),
            f"{MentorType(mentor_type).label} er tilknyttet forløbet.",
        )
