"""Kvalitet: the quality of the courses as the STV project's mid-term evaluation measures
it. 1. work agreements, 2. hours toward ordinary employment, 3. mentor follow-up, and a tab
to record a course's work agreement and mentor contacts."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import JOB_CENTRE_ROLES, Role
from lib.queries.quality import agreements_in_scope
from views.components.filters import agreement_names
from views.components.forms import entry_page
from views.components.layout import empty_state, lazy_tabs
from views.components.quality import chosen_agreement_ids, mentor_compliance_section
from views.components.quality_forms import registration_section
from views.components.quality_hours import hours_section
from views.components.runtime import cached_query
from views.components.work_agreements import work_agreements_section
from views.texts import quality as texts

scope, engine = entry_page(
    "Kvalitet",
    lambda scope: (
        texts.QUALITY_INTRO + (texts.OWN_PARTICIPANTS_ONLY if scope.role == Role.CASEWORKER else "")
    ),
    roles=JOB_CENTRE_ROLES,
)

agreements = cached_query(agreements_in_scope, scope)
if not agreements:
    empty_state(texts.NO_COURSES, texts.NO_COURSES_HINT)
    st.stop()

ids = chosen_agreement_ids(agreements)
# All agreements in scope, in the dashboards' order: each keeps its colour when filtered.
colour_order = agreement_names(scope)

# Only the open tab runs: at national size each section is seconds of queries, and a
# manager reads one at a time.
lazy_tabs(
    texts.QUALITY_TABS,
    texts.TAB_KEY,
    (
        lambda: work_agreements_section(scope, ids, colour_order),
        lambda: hours_section(scope, ids, colour_order),
        lambda: mentor_compliance_section(scope, {"agreement_ids": ids}),
        lambda: registration_section(engine, scope, ids),
    ),
)
