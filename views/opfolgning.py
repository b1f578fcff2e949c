"""Opfølgning: plans, evaluations, meetings and deliverables on time, per agreement and
per caseworker; what is overdue now and what falls due in the next 14 days; mentor
follow-up against the agreed frequency (issue 6: mentor compliance belongs here)."""

import streamlit as st

from lib.domain.format import fmt_date, fmt_int
from lib.queries.compliance import compliance
from views.components import follow_up
from views.components.dashboard import dashboard_page
from views.components.layout import empty_state
from views.components.quality import mentor_compliance_section
from views.components.runtime import cached_query
from views.texts import dashboards as texts

scope, filters = dashboard_page("Opfølgning", texts.FOLLOW_UP_INTRO)
data = cached_query(compliance, scope, filters)
if not data.courses:
    empty_state(texts.NO_COURSES, texts.NO_COURSES_HINT)
    st.stop()

st.caption(f"Opgjort pr. {fmt_date(data.as_of)} for {fmt_int(data.courses)} forløb.")
follow_up.follow_up_cards(data.total)
follow_up.group_tabs(data)
follow_up.deadline_lists(data, filters)
# Mentor follow-up is compliance too: the quality pages' section, for the same agreements.
mentor_compliance_section(scope, filters)
