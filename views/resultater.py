"""Resultater: ended courses by outcome per agreement and target group, course length
and extensions, share into job or education, certificates obtained."""

from lib.queries.outcomes import course_lengths, total_lengths
from views.components import results
from views.components.dashboard import dashboard_page
from views.components.layout import empty_state
from views.components.runtime import cached_query
from views.texts import dashboards as texts

scope, filters = dashboard_page("Resultater", texts.RESULTS_INTRO)
lengths = cached_query(course_lengths, scope, filters)
total = total_lengths(lengths)
if not total.ended:
    empty_state(texts.NO_ENDED_COURSES, texts.NO_ENDED_COURSES_HINT)
else:
    outcomes = results.outcome_frame(scope, filters)
    results.result_cards(total)
    results.outcome_charts(scope, outcomes)
    results.agreement_table(lengths, total)
    results.target_group_table(outcomes)
# Certificates are obtained during a course too, so they show even without ended courses.
results.certificate_table(scope, filters)
