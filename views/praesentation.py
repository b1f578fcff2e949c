"""Præsentation: the committee's charts, one per screen, for the meeting room. 'Start
præsentation' fills the screen with the slide (no sidebar, header or banner); the keys
→/←/PageDown/PageUp and a presenter's clicker step through the slides.

Aggregates only, suppression applied (lib/documents/report.py): never a participant code,
initials or free text.
"""

import streamlit as st

from lib.documents.presentation import CHART_KINDS
from lib.domain.enums import MANAGER_ROLES
from lib.queries.occupancy import occupancy_by_agreement
from views.components.committee import (
    SLIDE_STYLE,
    agreement_choice,
    agreements_to_cover,
    all_by_default,
    choose_hint,
    committee_charts,
    committee_report,
    complete_period,
    period_input,
    presentation_controls,
    slide_show,
)
from views.components.layout import empty_state, page_header
from views.components.runtime import cached_query, get_engine, require_scope
from views.texts import committee as texts

scope = require_scope(*MANAGER_ROLES)
engine = get_engine()
st.markdown(SLIDE_STYLE, unsafe_allow_html=True)

agreements = cached_query(occupancy_by_agreement, scope)
if not agreements:
    page_header("Præsentation")
    empty_state(texts.NO_AGREEMENTS_TO_SHOW)
    st.stop()

names, positions = agreement_choice(agreements)
# While presenting the settings are hidden by style, not left out: their choices stay.
with st.container(key="praes_settings"):
    page_header("Præsentation")
    left, middle, right = st.columns([2, 1, 2])
    chosen = agreements_to_cover(left, names, "praes_agreements")
    period_value = period_input(middle, "praes_period")
    kinds = all_by_default(right, "Diagrammer", CHART_KINDS, "praes_kinds")

period = complete_period(period_value)
if not chosen or not kinds:
    empty_state(choose_hint(names, chosen, texts.CHOOSE_AGREEMENT_AND_CHART))
    st.stop()

presentation_controls()
report, threshold = committee_report(engine, scope, period, chosen)
slide_show(committee_charts(report, kinds, positions), threshold, period)
