"""Brugere (admin): who can sign in, with which role; create, deactivate/reactivate,
reset a password, unlock."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import Role
from views.components.admin_users import (
    create_user_form,
    show_one_time_password,
    user_actions,
    user_table,
)
from views.components.forms import entry_page
from views.texts import admin as texts

scope, engine = entry_page("Brugere", texts.BRUGERE_INTRO, (Role.ADMIN,))
show_one_time_password()
rows = user_table(engine)

with st.expander("Opret bruger", icon=":material/person_add:"):
    create_user_form(scope, engine)

st.subheader("Ændr en bruger")
user_actions(scope, engine, rows)
