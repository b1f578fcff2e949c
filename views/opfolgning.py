"""Opfølgning: plans, evaluations, meetings and deliverables on time, per agreement and
per caseworker; what is overdue now and what falls due in the next 14 days; mentor
follow-up against the agreed frequency (issue 6: mentor compliance belongs here)."""

from views.components import follow_up
from views.components.dashboard import dashboard_page
from views.components.live import live_section
from views.texts import dashboards as texts

scope, filters = dashboard_page("Opfølgning", texts.FOLLOW_UP_INTRO)
# Redraws itself while open; the filters, tabs and scroll position stay as they are.
live_section(follow_up.follow_up_body, scope, filters)
