"""Overblik: occupancy per agreement today, the key figures, 12 months of occupancy."""

import datetime as dt

import pandas as pd
import streamlit as st

from lib.chart_style import danish
from lib.charts import occupancy_month_chart
from lib.compliance import HELP_EVALUATION, HELP_HAS_PLAN, HELP_MEETING, compliance, plan_coverage
from lib.format import fmt_int, fmt_pct
from lib.occupancy import monthly_occupancy, occupancy_by_agreement, occupancy_totals
from lib.outcomes import HELP_JOB_EDUCATION, outcomes_in_year
from lib.rules import ON_TIME
from views.common import cached_query, empty_state, page_header, require_scope
from views.filters import agreement_names, sidebar_filters

HELP_OCCUPANCY = (
    "Belægning = pladser i brug ÷ pladser i aftalen. En plads er i brug, når et aktivt "
    "forløb dækker dagen; forløb i visitation venter på en plads og tæller ikke med."
)


def _eval_text(g) -> str:
    if g is None or not g.evaluations.n:
        return "–"
    return f"{fmt_pct(g.evaluations.share(ON_TIME))} (n = {fmt_int(g.evaluations.n)})"


def _meeting_text(g) -> str:
    if g is None or not g.evaluations_held:
        return "–"
    return f"{fmt_pct(g.meeting_share)} (n = {fmt_int(g.evaluations_held)})"


scope = require_scope()
filters = sidebar_filters(scope)
page_header("Overblik", "Belægning på samarbejdsaftalerne i dag og nøgletal for opfølgningen.")
rows = cached_query(occupancy_by_agreement, scope, list(filters.agreement_ids) or None)
if not rows:
    empty_state(
        "Der er endnu ingen samarbejdsaftaler.",
        "Når en aftale er oprettet, vises pladser og belægning her.",
    )
    st.stop()

total = occupancy_totals(rows)
cols = st.columns(len(rows) + 1)
for col, row in zip(cols, [*rows, total], strict=True):
    col.metric(
        row.agreement,
        f"{row.in_use} af {row.slots} i brug",
        fmt_pct(row.occupancy),
        delta_color="off",
        delta_arrow="off",
        help=f"{HELP_OCCUPANCY} n = {row.slots} pladser; {row.in_referral} i visitation.",
        border=True,
    )

# --------------------------------------------------------------------------- key figures
today = dt.date.today()
with_plan, active = cached_query(plan_coverage, scope, filters)
follow_up = cached_query(compliance, scope, filters)
year_n, year_good = cached_query(outcomes_in_year, scope, today.year)
t = follow_up.total

st.subheader("Nøgletal")
k1, k2, k3, k4 = st.columns(4)
k1.metric(
    "Deltagere med plan",
    fmt_pct(with_plan / active) if active else "–",
    f"{fmt_int(with_plan)} af {fmt_int(active)}",
    delta_color="off",
    delta_arrow="off",
    help=HELP_HAS_PLAN,
    border=True,
)
k2.metric(
    "Evalueringer til tiden",
    fmt_pct(t.evaluations.share(ON_TIME)),
    f"{fmt_int(t.evaluations.on_time)} af {fmt_int(t.evaluations.n)} frister",
    delta_color="off",
    delta_arrow="off",
    help=HELP_EVALUATION,
    border=True,
)
k3.metric(
    "Opfølgningsmøder holdt",
    fmt_pct(t.meeting_share),
    f"{fmt_int(t.meetings_held)} af {fmt_int(t.evaluations_held)} evalueringer",
    delta_color="off",
    delta_arrow="off",
    help=HELP_MEETING,
    border=True,
)
k4.metric(
    f"Resultater i {today.year}",
    f"{fmt_int(year_n)} afsluttet",
    f"{fmt_int(year_good)} i job/uddannelse ({fmt_pct(year_good / year_n) if year_n else '–'})",
    delta_color="off",
    delta_arrow="off",
    help="Afsluttede forløb med et resultat dateret i år. " + HELP_JOB_EDUCATION,
    border=True,
)
st.caption(
    "Evalueringer og møder: frister og evalueringer i den valgte periode. "
    "Målgruppefilteret gælder nøgletallene, ikke pladserne."
)

# --------------------------------------------------------------------------- per agreement
by_agreement = {g.key: g for g in follow_up.by_agreement}
table = pd.DataFrame(
    {
        "Samarbejdsaftale": [r.agreement for r in rows],
        "Pladser": [r.slots for r in rows],
        "I brug": [r.in_use for r in rows],
        "I visitation": [r.in_referral for r in rows],
        "Ledige": [r.free for r in rows],
        "Belægning": [fmt_pct(r.occupancy) for r in rows],
        "Evalueringer til tiden": [_eval_text(by_agreement.get(r.agreement_id)) for r in rows],
        "Møder holdt": [_meeting_text(by_agreement.get(r.agreement_id)) for r in rows],
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    # The enterprise is in the agreement's help, so all eight columns fit a projector
    # without scrolling sideways (meetings held was hidden at 1400 px).
    column_config={
        "Samarbejdsaftale": st.column_config.TextColumn(
            help="Virksomhed: " + "; ".join(f"{r.agreement}: {r.enterprise}" for r in rows)
        ),
        "Belægning": st.column_config.TextColumn(help=HELP_OCCUPANCY),
        "Evalueringer til tiden": st.column_config.TextColumn(help=HELP_EVALUATION),
        "Møder holdt": st.column_config.TextColumn(help=HELP_MEETING),
    },
)
st.caption(
    f"I alt {fmt_int(total.in_use)} af {fmt_int(total.slots)} pladser i brug "
    f"({fmt_pct(total.occupancy)}); {fmt_int(total.in_referral)} i visitation."
)

# --------------------------------------------------------------------------- 12 months
months = cached_query(monthly_occupancy, scope, None, tuple(filters.agreement_ids))
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
    empty_state("Ingen måneder med aftaler i drift endnu.")
else:
    frame["Måned"] = pd.to_datetime(frame["Måned"])
    st.altair_chart(
        danish(occupancy_month_chart(frame, agreement_names(scope))),
        width="stretch",
        theme=None,
    )
    st.caption(
        "Gennemsnitlig belægning pr. kalendermåned: brugte pladsdage ÷ pladser × dage i "
        "måneden (indeværende måned til og med i dag). Stiplet linje: fuld belægning."
    )
