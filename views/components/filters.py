"""The dashboards' sidebar filter: agreement, target group, (sub-goal,) placement type,
period. Kept in st.query_params (aftale, maalgruppe, delmaal, forlobstype, fra, til), so a
copied link opens the same view; the widgets start from the URL and write back to it on
every run.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.domain.access import Scope
from lib.domain.enums import PlacementType
from lib.domain.format import fmt_date
from lib.domain.period import Filters, default_period
from lib.domain.text import plain
from lib.queries.filters import filter_options
from views.components.runtime import cached_query
from views.components.url import query_param_date, query_param_ints, set_query_params

EARLIEST = dt.date(2000, 1, 1)


def _multiselect(label: str, options: dict[int, str], param: str, key: str, help: str) -> list[int]:
    if key not in st.session_state:
        st.session_state[key] = [i for i in query_param_ints(param) if i in options]
    return st.multiselect(
        label,
        list(options),
        format_func=lambda i: plain(options.get(i, str(i))),
        key=key,
        placeholder="Alle",
        help=help,
    )


def sidebar_filters(scope: Scope, *, sub_goals: bool = False) -> Filters:
    """Draw the filter in the sidebar and return it; the URL always mirrors it."""
    options = cached_query(filter_options, scope)
    today = dt.date.today()
    default_start, default_end = default_period(today)
    latest = today + dt.timedelta(days=366)
    # Within the date picker's bounds, or it raises instead of drawing.
    start = min(max(query_param_date("fra") or default_start, EARLIEST), latest)
    end = min(max(query_param_date("til") or default_end, EARLIEST), latest)
    if end < start:
        start, end = end, start
    with st.sidebar:
        st.subheader("Filtre")
        agreements = _multiselect(
            "Samarbejdsaftale",
            options.agreements,
            "aftale",
            "flt_agreements",
            "Tom = alle aftaler, du har adgang til.",
        )
        groups = _multiselect(
            "Målgruppe", options.target_groups, "maalgruppe", "flt_groups", "Tom = alle målgrupper."
        )
        goals: list[int] = []
        if sub_goals:
            goals = _multiselect(
                "Delmål",
                options.sub_goals,
                "delmaal",
                "flt_goals",
                "Deltagere, hvis plan har mindst ét af de valgte delmål. Tom = alle.",
            )
        placements = _placement_select()
        if "flt_period" not in st.session_state:
            st.session_state["flt_period"] = (start, end)
        picked = st.date_input(
            "Periode",
            key="flt_period",
            min_value=EARLIEST,
            max_value=latest,
            format="DD.MM.YYYY",
            help="Standard: de seneste 12 måneder til og med i dag. Tal opgøres pr. "
            "periodens slutdato (eller i dag, hvis den ligger senere).",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
        st.caption(f"Periode: {fmt_date(start)} – {fmt_date(end)}")
    set_query_params(
        aftale=agreements or None,
        maalgruppe=groups or None,
        delmaal=goals or None,
        forlobstype=placements or None,
        fra=None if start == default_start else start,
        til=None if end == default_end else end,
    )
    return Filters(start, end, tuple(agreements), tuple(groups), tuple(goals), tuple(placements))


def _placement_select() -> list[str]:
    """Forløbstype (praktik, løntilskud, ...): codes in the URL, labels on screen."""
    options = PlacementType.labels()
    if "flt_placements" not in st.session_state:
        wanted = ",".join(st.query_params.get_all("forlobstype")).split(",")
        st.session_state["flt_placements"] = [code for code in wanted if code in options]
    return st.multiselect(
        "Forløbstype",
        list(options),
        format_func=lambda code: options.get(code, code),
        key="flt_placements",
        placeholder="Alle",
        help="Forløb af de valgte typer (praktik, løntilskud, ...). Tom = alle, også forløb "
        "uden registreret type.",
    )


def agreement_names(scope: Scope) -> list[str]:
    """All agreement names in scope, in id order: the fixed order behind the colours."""
    return list(cached_query(filter_options, scope).agreements.values())
