"""Fidelitet: the fidelity surveys of the STV project's mid-term evaluation. Per minimum
requirement and staff role, the share who agree it is met, baseline against midpoint with
the change in percentage points; entry in a grid or import from a sheet. Managers only."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import MANAGER_ROLES
from lib.queries.fidelity import requirements, rounds
from views.components.fidelity import (
    grid_form,
    import_section,
    new_requirement_form,
    new_round_form,
    results_section,
)
from views.components.forms import entry_page
from views.components.runtime import cached_query
from views.texts import quality as texts

scope, engine = entry_page("Fidelitet", texts.FIDELITY_INTRO, roles=MANAGER_ROLES)
survey_rounds = cached_query(rounds, scope)
catalogue = cached_query(requirements, scope)

results, entry, upload = st.tabs(texts.FIDELITY_TABS)
with results:
    results_section(scope)
with entry:
    grid_form(engine, scope, survey_rounds, catalogue)
    with st.expander("Opret en ny runde", expanded=not survey_rounds):
        new_round_form(engine, scope)
    with st.expander("Tilføj et minimumskrav"):
        new_requirement_form(engine, scope)
with upload:
    import_section(engine, scope)
