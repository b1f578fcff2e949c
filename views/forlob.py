"""Forløb: the courses the user works with; enrolment, start, extension (the job
centre's), ending with an outcome and the enterprise's final summary, and one course's
meetings, deliverables, pauses and certificates."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import JOB_CENTRE_ROLES
from views.components.course_page import course_page_link
from views.components.course_records import course_records
from views.components.enrolment_forms import (
    OPEN_STATUSES,
    change_course,
    enrol_form,
    open_courses,
)
from views.components.forms import entry_page, participant_picker
from views.components.placement import placement_form
from views.texts import entry as texts

scope, engine = entry_page("Forløb", texts.forlob_intro)
open_courses(scope)

if scope.role in JOB_CENTRE_ROLES:
    with st.expander("Indskriv en deltager", icon=":material/person_add:"):
        enrol_form(scope, engine)

st.subheader("Ændr et forløb")
chosen = participant_picker(scope, "forlob_change", OPEN_STATUSES, "Forløb")
if chosen is not None:
    course_page_link(chosen.id)
    change_course(scope, engine, chosen)
    placement_form(scope, engine, chosen)
    st.subheader("Møder, leverancer, pauser og beviser")
    course_records(scope, engine, chosen)
