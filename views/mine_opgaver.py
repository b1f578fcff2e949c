"""Mine opgaver: a caseworker's or enterprise staff's start page. What is overdue and what
falls due in the next 14 days for their own participants, each opening its form."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import Role
from lib.queries.tasks import my_tasks
from views.components.layout import page_header
from views.components.runtime import cached_query, require_scope
from views.components.tasks import task_lists
from views.texts import course as texts

scope = require_scope(Role.CASEWORKER, Role.ENTERPRISE)
page_header("Mine opgaver", texts.TASKS_INTRO)
with st.expander("Sådan er fristerne regnet", icon=":material/info:"):
    st.markdown(texts.TASKS_DEFINITION)
task_lists(cached_query(my_tasks, scope))
