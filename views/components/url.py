"""Query parameters, parsed and bounded before any page uses them: an id is a positive
integer that fits the database's integer column, a date lies within 2000–2100. Anything
else counts as absent (the page falls back to its default), never as an error."""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_ID = 2**31 - 1  # PostgreSQL's integer; a larger id would fail in the database
_ID = re.compile(r"[0-9]{1,10}")  # ASCII digits only ("²".isdigit() is True)


def parse_id(raw: object) -> int | None:
    text = str(raw).strip() if raw is not None else ""
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_date(raw: object) -> dt.date | None:
    text = str(raw).strip() if raw is not None else ""
    if len(text) != 10:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return value if MIN_DATE <= value <= MAX_DATE else None


def query_param_int(name: str) -> int | None:
    return parse_id(st.query_params.get(name))


def query_param_ints(name: str) -> list[int]:
    out = []
    for raw in st.query_params.get_all(name)[:50]:
        for part in str(raw).split(",")[:200]:
            value = parse_id(part)
            if value is not None:
                out.append(value)
    return out


def query_param_date(name: str) -> dt.date | None:
    return parse_date(st.query_params.get(name))


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
