"""Forløbsside: the whole course on one page, opened from every list that names a
participant (?forlob=<id> or ?kode=<case code>) or from a search; ended courses too."""

from __future__ import annotations

import streamlit as st

from views.components import course_page
from views.components.forms import flash
from views.components.layout import page_header
from views.components.runtime import get_engine, require_scope
from views.texts import course as texts

scope = require_scope()
page_header("Forløbsside", texts.COURSE_PAGE_INTRO)
flash()
enrolment_id = course_page.chosen_course(scope)
if enrolment_id is None:
    course_page.search_on_page(scope)
    st.stop()

tl = course_page.load(scope, enrolment_id)
if tl is None:
    course_page.search_on_page(scope)
    st.stop()

course_page.key_facts(tl)
course_page.timeline(tl)
course_page.plans_and_evaluations(tl)
course_page.hours_summary(tl)
course_page.mentors(tl)
course_page.ending(scope, get_engine(), tl)
