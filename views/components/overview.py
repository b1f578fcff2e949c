"""Overblik's sections: occupancy per agreement today, the key figures, the table per
agreement and twelve months of occupancy."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.charts.dashboards import occupancy_month_chart
from lib.charts.style import danish
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.enums import DueStatus
from lib.domain.format import fmt_int, fmt_pct
from lib.domain.period import Filters
from lib.queries.compliance import Compliance, GroupCompliance, compliance_counts, plan_coverage
from lib.queries.occupancy import (
    AgreementOccupancy,
    monthly_occupancy,
    months_pooled,
    occupancy_by_agreement,
    occupancy_totals,
)
from lib.queries.outcomes import outcomes_in_year
from views.components.dashboard import pooled_note, pools_agreements, share_kpi, show_chart_once
from views.components.filters import agreement_names
from views.components.layout import Card, empty_state, group_cards, kpi, table
from views.components.runtime import cached_query
from views.texts import dashboards as texts


def occupancy_cards(rows: list[AgreementOccupancy]) -> None:
    """One card per agreement and one for all: slots in use today, occupancy under it.
    With many agreements the card for all; the table below has each agreement's."""

    def card(row: AgreementOccupancy) -> Card:
        return Card(
            row.agreement,
            f"{row.in_use} af {row.slots} i brug",
            fmt_pct(row.occupancy),
            f"{measures.OCCUPANCY.definition} n = {row.slots} pladser; "
            f"{row.in_referral} i visitation.",
        )

    group_cards([card(r) for r in rows], card(occupancy_totals(rows)))


def key_figures(scope: Scope, filters: Filters, follow_up: GroupCompliance) -> None:
    """Plans, evaluations on time, meetings held (all within the filters) and this year's
    results."""
    year = dt.date.today().year
    with_plan, active = cached_query(plan_coverage, scope, filters)
    ended, good = cached_query(outcomes_in_year, scope, year)
    st.subheader("Nøgletal")
    plan, evaluations, meetings, results = st.columns(4)
    share_kpi(plan, measures.HAS_PLAN, with_plan, active)
    share_kpi(
        evaluations,
        measures.EVALUATIONS_ON_TIME,
        follow_up.evaluations.on_time,
        follow_up.evaluations.n,
        " frister",
    )
    share_kpi(
        meetings,
        measures.MEETINGS_HELD,
        follow_up.meetings_held,
        follow_up.evaluations_held,
        " evalueringer",
    )
    kpi(
        results,
        f"Resultater i {year}",
        f"{fmt_int(ended)} afsluttet",
        f"{fmt_int(good)} i job/uddannelse ({fmt_pct(good / ended if ended else None)})",
        measures.ENDED_THIS_YEAR.definition,
    )
    st.caption(texts.KEY_FIGURES_CAPTION)


def _share_with_n(share: float | None, n: int) -> str:
    return f"{fmt_pct(share)} (n = {fmt_int(n)})" if n else "–"


def agreement_table(rows: list[AgreementOccupancy], follow_up: Compliance) -> None:
    """Slots, occupancy and follow-up per agreement, with the totals in a caption."""
    groups = {g.key: g for g in follow_up.by_agreement}
    empty = GroupCompliance(None, "")
    follow = [groups.get(r.agreement_id, empty) for r in rows]
    frame = pd.DataFrame(
        {
            "Samarbejdsaftale": [r.agreement for r in rows],
            "Pladser": [r.slots for r in rows],
            "I brug": [r.in_use for r in rows],
            "I visitation": [r.in_referral for r in rows],
            "Ledige": [r.free for r in rows],
            measures.OCCUPANCY.label: [fmt_pct(r.occupancy) for r in rows],
            measures.EVALUATIONS_ON_TIME.label: [
                _share_with_n(g.evaluations.share(DueStatus.ON_TIME), g.evaluations.n)
                for g in follow
            ],
            measures.MEETINGS_HELD.label: [
                _share_with_n(g.meeting_share, g.evaluations_held) for g in follow
            ],
        }
    )
    # The enterprise is in the agreement's help, so all eight columns fit a projector
    # without scrolling sideways (meetings held was hidden at 1400 px).
    table(
        frame,
        {
            "Samarbejdsaftale": "Virksomhed: "
            + "; ".join(f"{r.agreement}: {r.enterprise}" for r in rows),
            **{
                m.label: m.definition
                for m in (measures.OCCUPANCY, measures.EVALUATIONS_ON_TIME, measures.MEETINGS_HELD)
            },
        },
    )
    total = occupancy_totals(rows)
    st.caption(
        f"I alt {fmt_int(total.in_use)} af {fmt_int(total.slots)} pladser i brug "
        f"({fmt_pct(total.occupancy)}); {fmt_int(total.in_referral)} i visitation."
    )


def monthly_occupancy_chart(scope: Scope, filters: Filters) -> None:
    """Mean occupancy per calendar month over the last twelve months, per agreement; all
    agreements as one line when there are more than the chart can tell apart."""
    months = cached_query(monthly_occupancy, scope, None, tuple(filters.agreement_ids))
    names = agreement_names(scope)
    count = len({m.agreement_id for m in months})
    if pools_agreements(count):
        months, names = months_pooled(months, texts.ALL_AGREEMENTS), [texts.ALL_AGREEMENTS]
    frame = pd.DataFrame(
        [
            {
                "Måned": m.month,
                "Samarbejdsaftale": m.agreement,
                "Belægning": m.occupancy,
                "I brug": m.used_days,
            }
            for m in months
            if m.occupancy is not None
        ]
    )
    if frame.empty:
        empty_state(texts.NO_MONTHS)
        return
    frame["Måned"] = pd.to_datetime(frame["Måned"])
    show_chart_once(
        "occupancy_months",
        frame.to_csv(index=False) + repr(names),
        lambda: danish(occupancy_month_chart(frame, names)),
    )
    st.caption(texts.MONTHLY_OCCUPANCY_CAPTION)
    pooled_note(count)


def overview_body(scope: Scope, filters: Filters) -> None:
    """Overblik below the header: occupancy, key figures, the table and 12 months."""
    rows = cached_query(occupancy_by_agreement, scope, list(filters.agreement_ids) or None)
    if not rows:
        empty_state(texts.NO_AGREEMENTS, texts.NO_AGREEMENTS_HINT)
        return
    follow_up = cached_query(compliance_counts, scope, filters)
    occupancy_cards(rows)
    key_figures(scope, filters, follow_up.total)
    agreement_table(rows, follow_up)
    monthly_occupancy_chart(scope, filters)
