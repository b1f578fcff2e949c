"""Pieces the quality sections share, and the mentor follow-up section.

`mentor_compliance_section(scope, filters)` is the mentor follow-up block of Kvalitet and of
the compliance page (views/opfolgning.py): compliance with the agreed frequency per
agreement and per mentor type, with n, and the courses whose follow-up is overdue now.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.charts.quality import share_bars
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.enums import MentorType
from lib.domain.format import fmt_date, fmt_int, fmt_pct
from lib.domain.quality import FREQUENCY_LABELS, MentorGroup
from lib.domain.text import plain
from lib.queries.quality import MentorCompliance, mentor_compliance
from views.components.course_page import LINK_COLUMN, LINK_HELP, course_address
from views.components.layout import Card, empty_state, group_cards, table
from views.components.runtime import cached_query
from views.components.url import query_param_ints, set_query_params
from views.texts import quality as texts


def chosen_agreement_ids(agreements: dict[int, str]) -> tuple[int, ...]:
    """Kvalitet's agreement choice, kept in the URL (?aftale=1&aftale=2). Empty = all."""
    if "kvalitet_aftaler" not in st.session_state:
        wanted = [i for i in query_param_ints("aftale") if i in agreements]
        st.session_state["kvalitet_aftaler"] = wanted
    chosen = st.multiselect(
        "Samarbejdsaftaler",
        list(agreements),
        key="kvalitet_aftaler",
        format_func=lambda i: plain(agreements.get(i)),
        placeholder="Alle samarbejdsaftaler",
        help=texts.AGREEMENT_PICKER_HELP,
    )
    set_query_params(aftale=sorted(chosen) or None)
    return tuple(sorted(chosen))


def course_cells(row) -> dict[str, str]:
    """The first columns of every per-course table: who, on which agreement, and the link
    to the participant's Forløbsside."""
    return {
        "Deltager": f"{row.case_code} ({row.initials})",
        "Samarbejdsaftale": row.agreement,
        LINK_COLUMN: course_address(row.case_code),
    }


# A course table's screen share at national size (97,000 mentor courses): the first rows,
# in the order the page gives; the Excel and CSV files have every row.
COURSE_ROWS_SHOWN = 500


def course_table(
    title: str, records: list[dict], column_config: dict | None = None, *, expander: bool = True
) -> None:
    """One row per course behind an expander whose title gives the number of rows (or
    without one, where the page has already asked whether to show them)."""
    link = st.column_config.LinkColumn(LINK_COLUMN, display_text="Åbn", help=LINK_HELP)
    with st.expander(f"{title} ({fmt_int(len(records))})") if expander else st.container():
        table(
            pd.DataFrame(records),
            column_config={LINK_COLUMN: link, **(column_config or {})},
            shown=COURSE_ROWS_SHOWN,
        )


def agreement_ids_of(filters) -> tuple[int, ...]:
    """Agreement ids from the compliance page's filters, whatever their shape: an object
    or a dict with `agreement_ids` (or `agreements`), or a plain list. Empty = all."""
    if filters is None:
        return ()
    if isinstance(filters, list | tuple | set):
        return tuple(sorted(int(i) for i in filters))
    for name in ("agreement_ids", "agreements"):
        value = filters.get(name) if isinstance(filters, dict) else getattr(filters, name, None)
        if value:
            return tuple(sorted(int(i) for i in value))
    return ()


def group_text(g: MentorGroup) -> str:
    return f"{fmt_pct(g.share)} ({g.on_time} af {g.due} intervaller)"


def mentor_status(row) -> str:
    if not row.active:
        return "Afsluttet"
    return "Overskredet nu" if row.intervals.overdue_now else "I rute"


def _mentor_card(g: MentorGroup) -> Card:
    return Card(
        g.label,
        fmt_pct(g.share),
        f"{fmt_int(g.on_time)} af {fmt_int(g.due)} intervaller",
        f"{measures.MENTOR_ON_TIME.definition} n = {g.due} intervaller i {g.assignments} "
        f"mentorforløb; {g.on_time} overholdt.",
        f"{g.overdue_now} forløb har overskredet frekvensen lige nu." if g.overdue_now else None,
    )


def mentor_compliance_section(scope: Scope, filters=None, *, heading: bool = True) -> None:
    """Mentor follow-up against the agreed frequency, for the scope and filters given."""
    ids = agreement_ids_of(filters)
    data: MentorCompliance = cached_query(mentor_compliance, scope, ids, rows=False)
    if heading:
        st.subheader("Mentoropfølgning", help=measures.MENTOR_ON_TIME.definition)
    if not data.total.assignments:
        empty_state(texts.NO_MENTORS, texts.NO_MENTORS_HINT)
        return
    # One agreement: its card is the total.
    group_cards(
        [_mentor_card(g) for g in data.by_agreement],
        _mentor_card(data.total) if len(data.by_agreement) > 1 else None,
        ("Samarbejdsaftale", measures.MENTOR_ON_TIME.label, "Intervaller"),
        measures.MENTOR_ON_TIME.definition,
    )
    st.markdown("**Pr. mentortype**")
    bars = [
        {"Gruppe": f"{g.label} (n = {g.assignments})", "Andel": g.share, "Tekst": group_text(g)}
        for g in data.by_type
    ]
    st.altair_chart(share_bars(bars, "Overholdt frekvens"), theme=None, width="stretch")
    st.caption(texts.MENTOR_TYPE_CAPTION)
    mentor_courses(scope, ids, data.total.assignments)


def on_request(label: str, count: int, key: str) -> bool:
    """A switch for a list of one row per course: the list is read only when asked for. At
    national size such a list is ~100,000 rows, which every run of the page would
    otherwise copy out of the cache, for a table few open."""
    return st.toggle(label.format(count=fmt_int(count)), key=key)


def mentor_courses(scope: Scope, ids: tuple[int, ...], count: int) -> None:
    """Each mentor course, on request."""
    if not on_request(texts.SHOW_MENTOR_COURSES, count, "mentorforlob"):
        return
    data: MentorCompliance = cached_query(mentor_compliance, scope, ids)
    course_table(
        "Mentorforløb",
        [
            {
                **course_cells(r),
                "Mentortype": MentorType(r.mentor_type).label,
                "Mentor": r.mentor_name,
                "Aftalt frekvens": FREQUENCY_LABELS.get(
                    r.frequency_days, f"{r.frequency_days} dage"
                ),
                "Kontakter": r.contacts,
                "Seneste kontakt": fmt_date(r.last_contact),
                "Overholdt": f"{fmt_pct(r.intervals.share)} ({r.intervals.on_time} af {r.intervals.due})",
                "Dage siden kontakt": r.intervals.days_since_last if r.active else None,
                "Status": mentor_status(r),
            }
            for r in sorted(data.rows, key=_most_overdue_first)
        ],
        expander=False,
    )


def _most_overdue_first(row) -> tuple:
    """Active courses over the frequency now, longest since a contact first; then the
    rest in the same order; ended courses last."""
    overdue = row.active and row.intervals.overdue_now
    return (not overdue, not row.active, -row.intervals.days_since_last)
