"""The sidebar's participant search for every role: case code or initials, within the
user's scope (lib.queries.course_timeline.find_courses), each hit opening its
Forløbsside; ended courses included."""

from __future__ import annotations

import streamlit as st

from lib.domain.access import Scope
from views.components.course_page import search_results
from views.texts import course as texts


def participant_search(scope: Scope) -> None:
    text = st.text_input(
        texts.SIDEBAR_SEARCH_LABEL,
        key="sidebar_participant_search",
        placeholder=texts.SIDEBAR_SEARCH_PLACEHOLDER,
        help=texts.SEARCH_HELP,
        max_chars=40,
    )
    if text.strip():
        search_results(scope, text)
