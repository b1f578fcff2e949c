"""Opfølgning's sections: the five follow-up figures, the tables and status charts per
agreement and per caseworker, and the lists of what is overdue now and due soon."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.charts.dashboards import status_share_chart
from lib.charts.style import danish
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.format import fmt_date, fmt_int
from lib.domain.period import Filters
from lib.queries.compliance import (
    DUE_SOON_DAYS,
    OPEN_ITEMS_SHOWN,
    Compliance,
    GroupCompliance,
    OpenItem,
    compliance,
    open_items,
)
from views.components.course_page import LINK_COLUMN, LINK_HELP
from views.components.dashboard import share_kpi, show_chart_once
from views.components.follow_up_tables import (
    STATUS_MEASURES,
    group_tables,
    open_items_table,
    status_frame,
)
from views.components.layout import empty_state, table
from views.components.quality import mentor_compliance_section
from views.components.runtime import cached_query, get_engine
from views.texts import dashboards as texts


def follow_up_cards(total: GroupCompliance) -> None:
    """Plans, evaluations, meetings, the caseworker at the meetings and deliverables on
    time, each with its n."""
    cards = (
        (measures.PLANS_ON_TIME, total.plans.on_time, total.plans.n, None),
        (measures.EVALUATIONS_ON_TIME, total.evaluations.on_time, total.evaluations.n, None),
        (measures.MEETINGS_HELD, total.meetings_held, total.evaluations_held, None),
        (measures.CASEWORKER_PRESENT, total.caseworker_present, total.evaluations_held, None),
        (measures.DELIVERABLES_ON_TIME, total.deliverables.on_time, total.deliverables.n, None),
    )
    for column, (measure, part, n, label) in zip(st.columns(len(cards)), cards, strict=True):
        share_kpi(column, measure, part, n, label=label)


def group_tabs(data: Compliance) -> None:
    """The same tables and charts per agreement and per caseworker, one tab each."""
    tab_agreement, tab_caseworker = st.tabs(["Pr. samarbejdsaftale", "Pr. sagsbehandler"])
    with tab_agreement:
        _group_section(data.by_agreement, "Samarbejdsaftale")
    with tab_caseworker:
        _group_section(data.by_caseworker, "Sagsbehandler")


def _group_section(groups: list[GroupCompliance], label: str) -> None:
    # Two tables of five columns: all visible at once on a manager's screen.
    for title, frame, help_texts in group_tables(groups, label):
        st.markdown(f"**{title}**")
        table(frame, help_texts)
    for measure, title in STATUS_MEASURES.items():
        frame = status_frame(groups, measure)
        if frame.empty:
            empty_state(f"Ingen {title.lower()} med frist i perioden.")
        else:
            # Checked and converted once per content: the schema check of the six
            # charts was half of a warm rerun (and the page redraws itself while open).
            show_chart_once(
                f"status:{label}:{measure}",
                frame.to_csv(index=False),
                lambda frame=frame, title=title: danish(
                    status_share_chart(frame, f"{title} med frist i perioden")
                ),
            )


def deadline_lists(data: Compliance, scope: Scope, filters: Filters) -> None:
    """What is overdue in active courses now, and what falls due in the next days: the
    first items of each on the screen (compliance() fetches only those), every item in
    the files, fetched when one is asked for."""
    engine = get_engine()  # the files are made on another thread, without the session

    def every(days_label: str, overdue: bool) -> Callable[[], pd.DataFrame]:
        def rows() -> pd.DataFrame:
            lists = open_items(engine, scope, filters)
            return open_items_table(lists.overdue if overdue else lists.due_soon, days_label)

        return rows

    _open_items(
        "Overskredet nu",
        data.overdue,
        data.overdue_count,
        "Dage over fristen",
        texts.NOTHING_OVERDUE,
        every("Dage over fristen", True),
        texts.OVERDUE_COUNT.format(count=fmt_int(data.overdue_count)),
    )
    _open_items(
        f"Forfalder de næste {DUE_SOON_DAYS} dage",
        data.due_soon,
        data.due_soon_count,
        "Dage til fristen",
        texts.NOTHING_DUE_SOON.format(days=DUE_SOON_DAYS),
        every("Dage til fristen", False),
    )
    if filters.end < dt.date.today():
        st.caption(texts.LISTS_ONLY_UP_TO_TODAY)


def _open_items(
    title: str,
    items: list[OpenItem],
    count: int,
    days_label: str,
    empty: str,
    every: Callable[[], pd.DataFrame],
    caption: str | None = None,
) -> None:
    st.subheader(title)
    if not items:
        empty_state(empty)
        return
    table(
        open_items_table(items, days_label),
        {LINK_COLUMN: LINK_HELP},
        title=title,  # the files' title and name: "Overskredet nu", not the page's
        links={LINK_COLUMN: "Åbn"},
        count=count,
        every=every if count > len(items) else None,
    )
    if caption:
        st.caption(caption)


def follow_up_body(scope: Scope, filters: Filters) -> None:
    """Opfølgning below the header: the figures, the groups, the deadlines, mentors."""
    data = cached_query(compliance, scope, filters, shown=OPEN_ITEMS_SHOWN)
    if not data.courses:
        empty_state(texts.NO_COURSES, texts.NO_COURSES_HINT)
        return
    st.caption(f"Opgjort pr. {fmt_date(data.as_of)} for {fmt_int(data.courses)} forløb.")
    follow_up_cards(data.total)
    group_tabs(data)
    deadline_lists(data, scope, filters)
    # Mentor follow-up is compliance too: the quality pages' section, same agreements.
    mentor_compliance_section(scope, filters)
