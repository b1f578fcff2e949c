"""Revisionslog (admin): every create, update and delete with who, when, which record,
and the values before and after."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import Role
from lib.queries.audit import audit_entries
from views.components.audit_log import audit_filters, audit_table, change_detail
from views.components.layout import empty_state, page_header
from views.components.runtime import get_engine, require_scope
from views.texts import audit as words
from views.texts import entry as texts

scope = require_scope(Role.ADMIN)
engine = get_engine()
page_header("Revisionslog", texts.REVISIONSLOG_INTRO)

wanted = audit_filters(engine, scope)
changes = audit_entries(engine, scope, wanted)
st.caption(words.changes_shown(len(changes), wanted.limit))
if not changes:
    empty_state(texts.NO_CHANGES)
    st.stop()

audit_table(changes)
with st.expander("Se før og efter for én ændring"):
    change_detail(changes)
