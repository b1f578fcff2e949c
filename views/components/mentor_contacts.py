"""Mentorkontakt's forms: log a contact (enterprise staff for their own enterprise's
courses, the job centre for its participants), change the follow-up frequency from a date,
and end a mentor. Each saves through lib/commands/mentors.py with the entry pages' form
plumbing (errors at their fields, a clean form after a save)."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Engine

from lib.commands import mentors as mentor_entry
from lib.domain.access import Scope
from lib.domain.format import fmt_date
from lib.domain.quality import FREQUENCY_LABELS
from lib.domain.text import inert, plain
from lib.queries.course_records import ContactRow, mentor_contact
from lib.queries.course_timeline import MentorView, course_timeline
from lib.queries.courses import EnrolmentRow
from views.components import forms
from views.components.runtime import cached_query
from views.components.saved_record import (
    SavedRecord,
    deletable_by_me,
    done_editing,
    remember,
    saved_or_form,
)
from views.texts import course as texts


def mentor_forms(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    mentors = cached_query(course_timeline, scope, row.id).mentors
    active = [m for m in mentors if m.end_date is None]
    if not active:
        st.info(texts.NO_MENTOR_ON_COURSE, icon=":material/person_off:")
        return
    by_id = {m.id: m for m in active}
    chosen = st.selectbox(
        "Mentor", list(by_id), format_func=lambda i: plain(by_id[i].label),
        key=f"mentor_pick_{row.id}",
    )  # fmt: skip
    m = by_id[chosen]
    st.caption(
        f"Hyppighed: {m.frequency_text}. Næste kontakt: {fmt_date(m.next_due)}. "
        f"Til tiden: {m.on_time} af {m.due} intervaller."
    )
    contact_form(scope, engine, m)
    with st.expander("Skift hyppighed", icon=":material/update:"):
        frequency_form(scope, engine, m)
    with st.expander("Afslut mentor", icon=":material/person_remove:"):
        end_form(scope, engine, m)
    recent_contacts(m)


def contact_form(scope: Scope, engine: Engine, m: MentorView) -> None:
    """Log a contact, or the contact just logged read-only with Ret and Slet."""
    key = f"mentorkontakt_saved_{m.id}"

    def load(contact_id: int) -> SavedRecord | None:
        c = mentor_contact(engine, scope, contact_id)
        if c is None or c.mentor_assignment_id != m.id:
            return None
        return SavedRecord(
            title="Gemt mentorkontakt",
            lines=mentor_entry.contact_values(c),
            what="kontakten",
            deletable=deletable_by_me(c.saved_by, scope.username),
            delete=lambda: mentor_entry.delete_contact(engine, scope, c.id),
            edit=lambda: _contact_fields_form(scope, engine, m, key, c),
            new_label="Ny kontakt",
        )

    saved_or_form(key, lambda: _contact_fields_form(scope, engine, m, key), load)


def _contact_fields_form(
    scope: Scope, engine: Engine, m: MentorView, key: str, start: ContactRow | None = None
) -> None:
    form = f"mentorkontakt_{m.id}" if start is None else f"mentorkontakt_fix_{start.id}"

    def fields() -> tuple[dt.date | None, str]:
        day = forms.date_field(
            form, "contact_on", "Kontaktdato", start.contact_on if start else dt.date.today()
        )
        note = st.text_input(
            "Note", value=start.note if start else "", key=forms.form_key(form, "note"),
            max_chars=2000,
        )  # fmt: skip
        forms.field_error(form, "note")
        return day, note

    values = forms.submit_form(
        form, "Registrér kontakt" if start is None else "Gem rettelse", fields
    )
    if values is not None:
        day, note = values
        forms.run_save(
            form,
            lambda: mentor_entry.log_contact(
                engine,
                scope,
                m.id,
                day,
                note,
                contact_id=start.id if start else None,
                opened=mentor_entry.contact_values(start) if start else None,
            ),  # fmt: skip
            f"Mentorkontakten {fmt_date(day)} er registreret.",
            on_success=remember(key) if start is None else done_editing(key),
        )


def frequency_form(scope: Scope, engine: Engine, m: MentorView) -> None:
    form = f"mentorhyppighed_{m.id}"

    def fields() -> tuple[int | None, dt.date | None]:
        frequency = st.radio(
            "Ny hyppighed", list(FREQUENCY_LABELS), index=None, format_func=FREQUENCY_LABELS.get,
            horizontal=True, key=forms.form_key(form, "frequency"),
        )  # fmt: skip
        forms.field_error(form, "frequency_days")
        day = forms.date_field(form, "changed_from", "Gælder fra", None,
                               help=texts.FREQUENCY_CHANGE_HELP)  # fmt: skip
        return frequency, day

    values = forms.submit_form(form, "Gem ny hyppighed", fields)
    if values is not None:
        frequency, day = values
        forms.run_save(
            form,
            lambda: mentor_entry.change_frequency(engine, scope, m.id, frequency, day),
            f"Hyppigheden er ændret fra {fmt_date(day)}.",
        )


def end_form(scope: Scope, engine: Engine, m: MentorView) -> None:
    form = f"mentorslut_{m.id}"

    def fields() -> tuple[dt.date | None]:  # a tuple: submitted with no date is not None
        return (forms.date_field(form, "end_date", "Mentoren stoppede", None),)

    values = forms.submit_form(form, "Afslut mentor", fields)
    if values is not None:
        (day,) = values
        forms.run_save(
            form,
            lambda: mentor_entry.end_mentor(engine, scope, m.id, day),
            f"Mentoren er afsluttet {fmt_date(day)}.",
        )


def recent_contacts(m: MentorView, n: int = 10) -> None:
    st.markdown("**Seneste kontakter**")
    if not m.contacts:
        st.caption(texts.NO_CONTACTS)
        return
    for day, note, who in m.contacts[:n]:
        by = f" · {inert(who)}" if who else ""
        # Escaped: a line starting "19. nov." would otherwise render as a numbered list.
        st.markdown(f"{inert(fmt_date(day))}{by}  \n{inert(note)}")
