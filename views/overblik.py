"""Overblik: occupancy per agreement today, the key figures, 12 months of occupancy."""

from views.components import overview
from views.components.dashboard import dashboard_page
from views.components.live import live_section
from views.texts import dashboards as texts

scope, filters = dashboard_page("Overblik", texts.OVERVIEW_INTRO)
# Redraws itself while open (managers keep it on a screen); the filters stay as they are.
live_section(overview.overview_body, scope, filters)
