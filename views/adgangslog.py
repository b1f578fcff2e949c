"""Adgangslog (admin): who has seen which participants, when and on which page; search by
user, participant and period, and export."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import Role
from lib.security.access_log import access_entries
from views.components.access_log import access_filters, access_table
from views.components.layout import empty_state, page_header
from views.components.runtime import get_engine, require_scope
from views.texts import security as texts

require_scope(Role.ADMIN)
engine = get_engine()
page_header("Adgangslog", texts.ADGANGSLOG_INTRO)

wanted = access_filters(engine)
entries = access_entries(engine, wanted)
st.caption(texts.entries_shown(len(entries), wanted.limit))
if not entries:
    empty_state(texts.NO_ACCESS)
    st.stop()
access_table(entries)
