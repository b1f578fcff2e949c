"""Overblik: occupancy per agreement today, the key figures, 12 months of occupancy."""

import streamlit as st

from lib.queries.compliance import compliance
from lib.queries.occupancy import occupancy_by_agreement
from views.components import overview
from views.components.dashboard import dashboard_page
from views.components.layout import empty_state
from views.components.runtime import cached_query
from views.texts import dashboards as texts

scope, filters = dashboard_page("Overblik", texts.OVERVIEW_INTRO)
rows = cached_query(occupancy_by_agreement, scope, list(filters.agreement_ids) or None)
if not rows:
    empty_state(texts.NO_AGREEMENTS, texts.NO_AGREEMENTS_HINT)
    st.stop()

follow_up = cached_query(compliance, scope, filters)
overview.occupancy_cards(rows)
overview.key_figures(scope, filters, follow_up.total)
overview.agreement_table(rows, follow_up)
overview.monthly_occupancy_chart(scope, filters)
