"""Aftaler (admin): the enterprises and their cooperation agreements."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import Role
from views.components.admin_agreements import (
    agreement_table,
    change_agreement,
    enterprise_section,
    new_agreement_form,
)
from views.components.forms import entry_page
from views.texts import admin as texts

scope, engine = entry_page("Aftaler", texts.AFTALER_INTRO, (Role.ADMIN,))

st.subheader("Samarbejdsaftaler")
rows = agreement_table(engine)

st.subheader("Virksomheder")
companies = {e.id: e.name for e in enterprise_section(scope, engine)}

if companies:
    st.subheader("Opret og ret aftaler")
    with st.expander("Ny aftale", icon=":material/add:", expanded=not rows):
        new_agreement_form(scope, engine, companies)
    if rows:
        with st.expander("Ret, ændr pladser eller slet en aftale", icon=":material/edit:"):
            change_agreement(scope, engine, rows, companies)
