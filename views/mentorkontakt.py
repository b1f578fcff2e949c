"""Mentorkontakt: enterprise mentors (and the job centre) log follow-up contacts, change
the agreed frequency from a date and end a mentor, for their own participants."""

from __future__ import annotations

import streamlit as st

from views.components.forms import entry_page, picked_course
from views.components.mentor_contacts import mentor_forms
from views.texts import course as texts

scope, engine = entry_page("Mentorkontakt", texts.MENTOR_INTRO)
row = picked_course(scope, "mentor_forlob")
mentor_forms(scope, engine, row)
st.caption(texts.MENTOR_DEFINITION)
