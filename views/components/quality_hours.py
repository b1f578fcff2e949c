"""Kvalitet's second section: hours toward ordinary employment. Attendance, illness
absence and ordinary paid hours per agreement, per month and per participant, and one
participant's weeks with the step-up and the evidence for attendance sub-goals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.charts.quality import monthly_share_chart, participant_hours_chart
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.format import fmt_date, fmt_number, fmt_pct
from lib.domain.quality import HoursTotals, Trend
from lib.domain.rules import add_months
from lib.domain.text import inert
from lib.queries.quality import (
    HoursSummary,
    ParticipantHours,
    hours_summary,
    participant_hours,
    participant_hours_table,
    participants_with_hours,
)
from views.components.dashboard import pooled_note, pools_agreements
from views.components.layout import MAX_GROUP_CARDS, empty_state, table
from views.components.pickers import PICKER_LIMIT, searched_picker
from views.components.quality import course_cells, course_table, on_request
from views.components.runtime import cached_query
from views.texts import quality as texts

# The hours section covers the latest 12 months (from the first of the month): the weekly
# hours grow by one row per course and week, and an unbounded sum read all of them.
HOURS_MONTHS = 12
SEARCH_KEY = "kvalitet_timer_soeg"


def hours_since(today: dt.date | None = None) -> dt.date:
    return add_months((today or dt.date.today()).replace(day=1), -(HOURS_MONTHS - 1))


def hours_section(scope: Scope, agreement_ids: tuple[int, ...], colour_order: list[str]) -> None:
    st.subheader("Timer mod ordinær beskæftigelse")
    since = hours_since()
    st.caption(f"Uger fra {fmt_date(since)} til i dag (seneste {HOURS_MONTHS} måneder).")
    hours = cached_query(hours_summary, scope, agreement_ids, since)
    if hours.total.weeks == 0:
        empty_state(texts.NO_HOURS, texts.NO_HOURS_HINT)
        return
    groups: list[tuple[int | None, str, HoursTotals]] = [*hours.by_agreement]
    if len(groups) > 1:
        groups.append((None, texts.ALL_SHOWN, hours.total))
    # A row of four cards per agreement while they fit on a screen; beyond, all shown
    # agreements on the cards and each agreement in a table.
    many = len(groups) > MAX_GROUP_CARDS
    for agreement_id, name, totals in groups[-1:] if many else groups:
        st.markdown(f"**{inert(name)}**")
        hours_cards(totals, hours.ordinary_trend(agreement_id))
    if many:
        hours_table(hours)
    monthly_charts(hours, colour_order)
    participants_table(scope, agreement_ids, since, hours.total.participants)
    one_participant(scope, agreement_ids, since)


def participants_table(
    scope: Scope, agreement_ids: tuple[int, ...], since: dt.date, count: int
) -> None:
    """Each participant's hours in the period, on request."""
    if not on_request(texts.SHOW_PARTICIPANT_HOURS, count, "timer_pr_deltager"):
        return
    rows = cached_query(participant_hours_table, scope, agreement_ids, since)
    course_table(
        "Timer pr. deltager",
        [
            {
                **course_cells(r),
                "Uger": r.totals.weeks,
                "Planlagt": r.totals.planned,
                "Fremmødt": r.totals.attended,
                "Fremmøde": fmt_pct(r.totals.attendance_rate),
                "Sygefravær": fmt_pct(r.totals.illness_share),
                "Ordinære løntimer": r.totals.ordinary,
                "Fra": fmt_date(r.first_week),
                "Til": fmt_date(r.last_week),
            }
            for r in rows
        ],
        {
            c: st.column_config.NumberColumn(c, format="%.1f")
            for c in ("Planlagt", "Fremmødt", "Ordinære løntimer")
        },
        expander=False,
    )


def signed(value: float, minus: str = "-") -> str:
    """A change with its sign: '+9,0', '-2,5' (the minus sign is the caller's choice)."""
    return f"{'+' if value >= 0 else minus}{fmt_number(abs(value), 1)}"


def hours_cards(t: HoursTotals, trend: Trend) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Fremmøde",
        fmt_pct(t.attendance_rate),
        help=f"{measures.ATTENDANCE.definition} n = {fmt_number(t.planned)} planlagte timer i {t.weeks} uger, "
        f"{t.participants} deltagere.",
    )
    c2.metric(
        "Sygefravær",
        fmt_pct(t.illness_share),
        help=f"{measures.ILLNESS.definition} n = {fmt_number(t.planned)} planlagte timer.",
    )
    c3.metric(
        "Med ordinære løntimer",
        fmt_pct(t.with_ordinary_share),
        help=f"{measures.WITH_ORDINARY_HOURS.definition} n = {t.participants} deltagere. Ordinære løntimer i alt: "
        f"{fmt_number(t.ordinary, 1)} ({fmt_pct(t.ordinary_share_of_hours)} af de "
        "fremmødte timer).",
    )
    c3.caption(f"{t.with_ordinary} af {t.participants} deltagere")
    c4.metric(
        "Udvikling, ordinære timer",
        trend.direction.capitalize(),
        f"{signed(trend.change_pp)} %-point" if trend.change_pp else None,
        help=f"{measures.ORDINARY_HOURS_TREND.definition} Seneste: {fmt_pct(trend.recent)} (n = {trend.recent_n}); "
        f"før: {fmt_pct(trend.earlier)} (n = {trend.earlier_n}).",
    )


def monthly_charts(hours: HoursSummary, colour_order: list[str]) -> None:
    """Attendance and the share with ordinary paid hours per month, one line per agreement."""
    attendance, ordinary = {}, {}
    groups = [(a, name) for a, name, _ in hours.by_agreement]
    if pools_agreements(len(groups)):
        groups, colour_order = [(None, texts.ALL_SHOWN)], [texts.ALL_SHOWN]
    for agreement_id, name in groups:
        months = hours.monthly(agreement_id)
        attendance[name] = [
            (m, t.attendance_rate, f"{fmt_number(t.planned)} planlagte timer") for m, t in months
        ]
        ordinary[name] = [
            (m, t.with_ordinary_share, f"{t.with_ordinary} af {t.participants} deltagere")
            for m, t in months
        ]
    left, right = st.columns(2)
    with left:
        st.markdown("**Fremmøde pr. måned**", help=measures.MONTHLY_ATTENDANCE.definition)
        chart = monthly_share_chart(attendance, "Fremmøde", colour_order)
        st.altair_chart(chart, theme=None, width="stretch")
    with right:
        st.markdown(
            "**Andel med ordinære løntimer pr. måned**",
            help=measures.MONTHLY_WITH_ORDINARY_HOURS.definition,
        )
        chart = monthly_share_chart(ordinary, "Med ordinære løntimer", colour_order)
        st.altair_chart(chart, theme=None, width="stretch")
    pooled_note(len(hours.by_agreement))


def hours_table(hours: HoursSummary) -> None:
    """Each agreement's hours as the cards show them, one row each."""
    rows = [(name, t, hours.ordinary_trend(a)) for a, name, t in hours.by_agreement]
    frame = pd.DataFrame(
        {
            "Samarbejdsaftale": [name for name, _, _ in rows],
            "Fremmøde": [fmt_pct(t.attendance_rate) for _, t, _ in rows],
            "Sygefravær": [fmt_pct(t.illness_share) for _, t, _ in rows],
            "Med ordinære løntimer": [fmt_pct(t.with_ordinary_share) for _, t, _ in rows],
            "Udvikling, ordinære timer": [trend.direction for _, _, trend in rows],
            "Deltagere": [t.participants for _, t, _ in rows],
            "Planlagte timer": [round(t.planned, 1) for _, t, _ in rows],
        }
    )
    table(
        frame,
        {
            "Fremmøde": measures.ATTENDANCE.definition,
            "Sygefravær": measures.ILLNESS.definition,
            "Med ordinære løntimer": measures.WITH_ORDINARY_HOURS.definition,
            "Udvikling, ordinære timer": measures.ORDINARY_HOURS_TREND.definition,
        },
    )


def one_participant(scope: Scope, agreement_ids: tuple[int, ...], since: dt.date) -> None:
    """One participant's weeks: planned against attended hours, the step-up and the recent
    attendance, which documents the attendance sub-goals of the participant's plan."""
    st.markdown("**Én deltagers uger**")
    picked = searched_picker(
        lambda search, n: cached_query(
            participants_with_hours, scope, agreement_ids, since, search, n
        ),
        lambda r: r.enrolment_id,
        lambda r: f"{r.case_code} ({r.initials}) – {r.agreement}",
        label="Deltager",
        key="kvalitet_timer_deltager",
        search_key=SEARCH_KEY,
        noun="deltagere",
        limit=PICKER_LIMIT,
        help_text=texts.HOURS_PARTICIPANT_HELP,
        no_match=texts.NO_PARTICIPANT_MATCHES,
    )
    if picked is None:
        return
    ph = cached_query(participant_hours, scope, picked)
    st.altair_chart(participant_hours_chart(ph.weeks), theme=None, width="stretch")
    st.caption(step_up_text(ph))
    recent = ph.recent(8)
    if ph.attendance_sub_goals:
        st.info(
            "**Dokumentation for delmålene** "
            + " og ".join(f"'{g}'" for g in ph.attendance_sub_goals)
            + f": fremmøde {fmt_pct(recent.attendance_rate)} og sygefravær "
            f"{fmt_pct(recent.illness_share)} de seneste {recent.weeks} uger "
            f"({fmt_number(recent.attended, 1)} af {fmt_number(recent.planned, 1)} "
            "planlagte timer). Vises ved scorerne på evalueringen.",
            icon=":material/fact_check:",
        )
    else:
        st.caption(
            f"Seneste {recent.weeks} uger: fremmøde {fmt_pct(recent.attendance_rate)}, "
            f"sygefravær {fmt_pct(recent.illness_share)}."
        )


def step_up_text(ph: ParticipantHours) -> str:
    """How the planned hours grew from the first 4 weeks to the latest 4."""
    su = ph.step_up
    if len(ph.weeks) == 1:
        return texts.ONE_WEEK_ONLY
    if su.change is None:
        return texts.TOO_FEW_WEEKS.format(weeks=len(ph.weeks))
    return (
        f"Optrapning: {fmt_number(su.first_planned, 1)} planlagte timer om ugen de første 4 "
        f"uger → {fmt_number(su.latest_planned, 1)} de seneste 4 uger "
        f"({signed(su.change, '−')} timer)."
    )
