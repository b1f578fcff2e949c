"""Kataloger (admin): target groups, sub-goals, sub-elements, outcome types, the score
scale's labels and the small-count threshold for committee material."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import Role
from views.components.admin_catalogues import KINDS, catalogue_tab, scale_tab, threshold_tab
from views.components.forms import entry_page
from views.texts import admin as texts

scope, engine = entry_page("Kataloger", texts.KATALOGER_INTRO, (Role.ADMIN,))

tabs = st.tabs([*KINDS.values(), "Skala", "Småtal"])
for tab, kind in zip(tabs, KINDS, strict=False):
    with tab:
        catalogue_tab(scope, engine, kind)
with tabs[-2]:
    scale_tab(scope, engine)
with tabs[-1]:
    threshold_tab(scope, engine)
