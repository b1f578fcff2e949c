"""Overblik: slot occupancy per agreement."""

import pandas as pd
import streamlit as st

from lib.format import fmt_int, fmt_pct
from lib.occupancy import occupancy_by_agreement, occupancy_totals
from views.common import empty_state, get_engine, page_header, require_scope

scope = require_scope()
page_header("Overblik", "Belægning på samarbejdsaftalerne i dag.")
rows = occupancy_by_agreement(get_engine(), scope)
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
        help="Belægning = pladser i brug ÷ pladser i aftalen. "
        f"n = {row.slots} pladser; {row.in_referral} i visitation.",
        border=True,
    )

table = pd.DataFrame(
    {
        "Samarbejdsaftale": [r.agreement for r in rows],
        "Virksomhed": [r.enterprise for r in rows],
        "Pladser": [r.slots for r in rows],
        "I brug": [r.in_use for r in rows],
        "I visitation": [r.in_referral for r in rows],
        "Ledige": [r.free for r in rows],
        "Belægning": [fmt_pct(r.occupancy) for r in rows],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
st.caption(f"I alt {fmt_int(total.in_use)} af {fmt_int(total.slots)} pladser i brug.")
