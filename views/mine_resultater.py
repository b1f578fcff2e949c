"""Mine resultater (the STV evaluation's minimum requirement 2: caseworkers and team
leaders can see the result of their work): a caseworker's own participants' progression,
outcomes and compliance against the job centre as a whole; a manager sees the same per
caseworker."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import JOB_CENTRE_ROLES, Role
from lib.domain.text import inert, plain
from lib.queries.my_results import MyResults, my_results
from views.components.layout import empty_state
from views.components.my_results import detail, header, overview
from views.components.runtime import cached_query, require_scope
from views.texts import my_results as text

scope = require_scope(*JOB_CENTRE_ROLES)
results: MyResults = cached_query(my_results, scope)

if scope.role == Role.CASEWORKER and results.own is not None:
    header(results, text.CASEWORKER_INTRO)
    detail(results, results.own, text.OWN_NAME, text.OWN_GROUP, text.OWN_WHOSE)
else:
    header(results, text.MANAGER_INTRO)
    if not results.per_caseworker:
        empty_state(text.NO_CASEWORKERS)
        st.stop()
    overview(results)
    by_label = {f.label: f for f in results.per_caseworker}
    chosen = st.selectbox(
        text.CHOOSE,
        list(by_label),
        key="mine_resultater_sagsbehandler",
        help=text.CHOOSE_HELP,
        format_func=plain,  # a selectbox shows its options as plain text
    )
    if chosen:
        st.divider()
        name = inert(chosen)
        st.header(name)
        # The chart and tables show the group's name as data (inert); headings and
        # captions render Markdown and get the escaped name.
        group = text.GROUP_OF.format(name=chosen)
        detail(results, by_label[chosen], name, group, text.WHOSE_OF.format(name=name))
