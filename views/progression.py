"""Progression: baseline against latest scores per parameter, mean change with n, each
participant's trajectory, and one participant's star chart."""

from lib.queries.progression import parameter_changes
from views.components import progression
from views.components.dashboard import dashboard_page
from views.components.runtime import cached_query
from views.texts import dashboards as texts

scope, filters = dashboard_page("Progression", texts.PROGRESSION_INTRO, sub_goals=True)
changes = cached_query(parameter_changes, scope, filters)
progression.change_section(scope, filters, changes)
progression.sub_goal_section(scope, filters)
progression.sub_element_section(scope, filters, changes)
progression.trajectory_section(scope, filters)
progression.star_section(scope, filters)
