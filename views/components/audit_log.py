"""The audit log on the pages: Revisionslog's filters, list and before/after view (admins),
and one evaluation's change history under its correction form (Evaluering)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.domain.access import Scope
from lib.domain.format import fmt_datetime
from lib.domain.text import plain
from lib.queries.audit import AuditFilter, Change, audit_facets, evaluation_history
from views.components.layout import table
from views.texts import audit as words


def _action(change: Change) -> str:
    return words.action(change.action)


def _updated_fields(change: Change) -> str:
    """An update's changed fields in Danish: 'Status: Aktiv → Afsluttet; ...'."""
    return "; ".join(
        f"{words.field(k)}: {words.value(k, b)} → {words.value(k, a)}"
        for k, (b, a) in change.changed_fields().items()
    )


def _values(change: Change) -> str:
    """What a change did: the changed fields of an update, else the values created or
    deleted (the version counter left out, cut to 300 characters), in Danish."""
    if change.action == "update":
        return _updated_fields(change)
    values = change.after if change.action in ("create", "rebuild") else change.before
    return ", ".join(
        f"{words.field(k)}: {words.value(k, v)}"
        for k, v in (values or {}).items()
        if k != "version"
    )[:300]


def audit_filters(engine: Engine, scope: Scope) -> AuditFilter:
    """The filter row: user, table, action, period (the last 30 days) and a record id."""
    users, tables = audit_facets(engine, scope)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.4])
    username = c1.selectbox(
        "Bruger", users, index=None, placeholder="Alle", key="audit_user", format_func=words.user
    )
    table_name = c2.selectbox(
        "Tabel", tables, index=None, placeholder="Alle", key="audit_table", format_func=words.table
    )
    action = c3.selectbox(
        "Handling",
        list(words.ACTIONS),
        index=None,
        format_func=words.action,
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
    return AuditFilter(
        username=username,
        table_name=table_name,
        action=action,
        record_id=record_id.strip() or None,
        date_from=date_from,
        date_to=date_to or date_from,
    )


def audit_table(changes: list[Change]) -> None:
    table(
        pd.DataFrame(
            {
                "Tidspunkt": [fmt_datetime(c.at) for c in changes],
                "Bruger": [words.user(c.username) for c in changes],
                "Handling": [_action(c) for c in changes],
                "Tabel": [words.table(c.table_name) for c in changes],
                "Post": [c.record_id for c in changes],
                "Ændring": [_values(c) for c in changes],
            }
        ),
    )


def change_detail(changes: list[Change]) -> None:
    """One chosen change with its full values before and after, as JSON."""
    index = st.selectbox(
        "Ændring",
        range(len(changes)),
        format_func=lambda i: plain(
            f"{fmt_datetime(changes[i].at)} · {words.user(changes[i].username)} · "
            f"{words.action(changes[i].action)} {words.table(changes[i].table_name)} "
            f"{changes[i].record_id}"
        ),
        key="audit_detail",
    )
    left, right = st.columns(2)
    left.markdown("**Før**")
    left.code(json.dumps(changes[index].before, ensure_ascii=False, indent=2), language="json")
    right.markdown("**Efter**")
    right.code(json.dumps(changes[index].after, ensure_ascii=False, indent=2), language="json")


def evaluation_history_table(engine: Engine, scope: Scope, evaluation_id: int) -> None:
    """An evaluation's history: its own changes and those of its scores, meeting and
    invitation, oldest first (the audit trail keeps what a correction replaced)."""
    changes = evaluation_history(engine, scope, evaluation_id)
    table(
        pd.DataFrame(
            [
                {
                    "Tidspunkt": fmt_datetime(c.at),
                    "Bruger": words.user(c.username),
                    "Handling": _action(c),
                    "Tabel": words.table(c.table_name),
                    "Ændring": _updated_fields(c) if c.action == "update" else _action(c).lower(),
                }
                for c in changes
            ]
        ),
    )
