"""Evalueringsrapport: the eight questions per agreement with the numbers the data gives,
a text field beside each for staff's assessment (saved per agreement and period), and
downloads as Word and PowerPoint. Suppression applies to every number shown here."""

import streamlit as st

from lib.domain.enums import MANAGER_ROLES
from lib.domain.questions import COMMON_SECTIONS
from lib.queries.occupancy import occupancy_by_agreement
from views.components.committee import (
    ReportTexts,
    agreement_assessment,
    agreement_choice,
    agreements_to_assess,
    agreements_to_cover,
    choose_hint,
    committee_report,
    committee_report_charts,
    complete_period,
    header_form,
    numbers_note,
    period_input,
    report_charts_at,
    report_downloads,
    unsaved_text_guard,
)
from views.components.layout import empty_state, page_header
from views.components.runtime import cached_query, current_user, get_engine, require_scope
from views.texts import committee as texts

scope = require_scope(*MANAGER_ROLES)
engine = get_engine()
page_header("Evalueringsrapport", texts.REPORT_INTRO)

agreements = cached_query(occupancy_by_agreement, scope)
if not agreements:
    empty_state(texts.NO_AGREEMENTS_TO_EVALUATE)
    st.stop()
names, positions = agreement_choice(agreements)

left, right = st.columns([1, 2])
period_value = period_input(left, "rap_period")
chosen = agreements_to_cover(right, names, "rap_agr")
period = complete_period(period_value)
if not chosen:
    empty_state(choose_hint(names, chosen, texts.CHOOSE_AGREEMENT))
    st.stop()

with st.expander("Rapportens hoved (udvalg, mødedato, sagsnummer, forfatter)"):
    loaded = header_form(engine, current_user(), period)
report, threshold = committee_report(engine, scope, period, chosen, loaded)
sheet = ReportTexts(engine, current_user(), period, chosen)
# The charts the Word file embeds, shown where the document puts them.
charts = committee_report_charts(report, positions)

numbers_note(report)
st.subheader("Introduktion")
sheet.form("rap_intro", [((None, "intro"), texts.INTRO_LABEL)], "Gem introduktion")
report_charts_at(charts, None, None)
for agreement in agreements_to_assess(report.agreements):
    agreement_assessment(agreement, sheet, charts)

st.header("Status og udvikling")
sheet.form(
    "rap_status",
    [((None, key), COMMON_SECTIONS[key]) for key in ("what_works", "development_points")],
    "Gem status",
)
report_downloads(engine, scope, period, chosen, positions, threshold)
unsaved_text_guard(period, sheet)
