"""Shared page plumbing: the engine, the signed-in user, role checks, the demo banner,
empty states and filters kept in the URL. Pages stay thin by calling these.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st


def query_param_int(name: str) -> int | None:
    raw = st.query_params.get(name)
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def query_param_ints(name: str) -> list[int]:
    out = []
    for raw in st.query_params.get_all(name):
        for part in str(raw).split(","):
            if part.strip().isdigit():
                out.append(int(part))
    return out


def query_param_date(name: str) -> dt.date | None:
    raw = st.query_params.get(name)
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def set_query_params(**values) -> None:
    """Write filters to the URL so a copied link opens the same view; None removes one."""
    for key, value in values.items():
        if value is None or value == [] or value == "":
            if key in st.query_params:
                del st.query_params[key]
        elif isinstance(value, list | tuple):
            st.query_params[key] = ",".join(str(v) for v in value)
        elif isinstance(value, dt.date):
            st.query_params[key] = value.isoformat()
        else:
            st.query_params[key] = str(value)
