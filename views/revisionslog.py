"""Revisionslog (admin): every create, update and delete with who, when, which record,
and the values before and after."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from lib.entry_queries import AuditFilter, audit_entries, audit_facets
from lib.format import fmt_datetime
from views.common import get_engine, page_header, require_scope

ACTIONS = {"create": "Oprettet", "update": "Rettet", "delete": "Slettet"}

scope = require_scope("admin")
engine = get_engine()
page_header("Revisionslog", "Hvem ændrede hvad og hvornår – med værdierne før og efter.")

users, tables = audit_facets(engine, scope)
c1, c2, c3, c4 = st.columns([1, 1, 1, 1.4])
username = c1.selectbox("Bruger", users, index=None, placeholder="Alle", key="audit_user")
table_name = c2.selectbox("Tabel", tables, index=None, placeholder="Alle", key="audit_table")
action = c3.selectbox(
    "Handling",
    list(ACTIONS),
    index=None,
    format_func=ACTIONS.get,
    placeholder="Alle",
    key="audit_action",
)
period = c4.date_input(
    "Periode",
    value=(dt.date.today() - dt.timedelta(days=30), dt.date.today()),
    format="DD.MM.YYYY",
    key="audit_period",
)
record_id = st.text_input("Post-id", key="audit_record", placeholder="fx 55")
date_from, date_to = (tuple(period) + (None, None))[:2] if period else (None, None)

changes = audit_entries(
    engine,
    scope,
    AuditFilter(
        username=username,
        table_name=table_name,
        action=action,
        record_id=record_id.strip() or None,
        date_from=date_from,
        date_to=date_to or date_from,
    ),
)
st.caption(f"{len(changes)} ændringer (højst 500, nyeste først).")
if not changes:
    st.info("Ingen ændringer med disse filtre.", icon=":material/inbox:")
    st.stop()


def summary(change) -> str:
    if change.action == "update":
        return "; ".join(f"{k}: {b} → {a}" for k, (b, a) in change.changed_fields().items())
    values = change.after if change.action == "create" else change.before
    return ", ".join(f"{k}={v}" for k, v in (values or {}).items() if k != "version")[:300]


st.dataframe(
    pd.DataFrame(
        {
            "Tidspunkt": [fmt_datetime(c.at) for c in changes],
            "Bruger": [c.username for c in changes],
            "Handling": [ACTIONS.get(c.action, c.action) for c in changes],
            "Tabel": [c.table_name for c in changes],
            "Post": [c.record_id for c in changes],
            "Ændring": [summary(c) for c in changes],
        }
    ),
    hide_index=True,
    width="stretch",
)

with st.expander("Se før og efter for én ændring"):
    index = st.selectbox(
        "Ændring",
        range(len(changes)),
        format_func=lambda i: (
            f"{fmt_datetime(changes[i].at)} · {changes[i].username} · "
            f"{ACTIONS.get(changes[i].action)} {changes[i].table_name} {changes[i].record_id}"
        ),
        key="audit_detail",
    )
    left, right = st.columns(2)
    left.markdown("**Før**")
    left.code(json.dumps(changes[index].before, ensure_ascii=False, indent=2), language="json")
    right.markdown("**Efter**")
    right.code(json.dumps(changes[index].after, ensure_ascii=False, indent=2), language="json")
