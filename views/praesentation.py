"""Præsentation: the committee's charts, one per screen, for the meeting room.

Aggregates only, suppression applied (lib/presentation.py): never a participant code,
initials or free text.
"""

import datetime as dt

import streamlit as st

from lib.chart_style import fit_width
from lib.exports import presentation_chart
from lib.format import fmt_date
from lib.occupancy import occupancy_by_agreement
from lib.presentation import CHART_KINDS, presentation_charts
from lib.report import Period, build_report, default_period
from lib.settings import suppression_threshold
from views.common import cached_query, empty_state, get_engine, page_header, require_scope
from views.export_ui import chart_downloads

scope = require_scope("admin", "leder")
engine = get_engine()

st.markdown(
    """
<style>
.fm-slide-title {font-size:2.4rem;font-weight:700;color:#000;line-height:1.2;margin:.2rem 0 .6rem}
.fm-slide-sub {font-size:1.35rem;color:#111;margin:.4rem 0}
.fm-slide-source {font-size:1.1rem;color:#333}
.fm-slide-count {font-size:1.1rem;color:#333;text-align:center;padding-top:.5rem}
</style>
""",
    unsafe_allow_html=True,
)

agreements = cached_query(occupancy_by_agreement, scope)
if not agreements:
    page_header("Præsentation")
    empty_state("Der er endnu ingen samarbejdsaftaler at vise.")
    st.stop()

names = {a.agreement_id: a.agreement for a in agreements}
# Each agreement keeps its dashboard colour (its place in the full list) when only some
# are chosen; legends list only the chosen ones.
positions = {agreement_id: i for i, agreement_id in enumerate(sorted(names))}
default = default_period()
with st.sidebar:
    st.subheader("Præsentation")
    chosen = st.multiselect(
        "Samarbejdsaftaler",
        list(names),
        default=list(names),
        format_func=names.get,
        key="praes_agreements",
    )
    period_value = st.date_input(
        "Periode",
        value=(default.start, default.end),
        format="DD.MM.YYYY",
        key="praes_period",
    )
    kinds = st.multiselect(
        "Diagrammer",
        list(CHART_KINDS),
        default=list(CHART_KINDS),
        format_func=CHART_KINDS.get,
        key="praes_kinds",
    )

if not (isinstance(period_value, tuple | list) and len(period_value) == 2):
    st.info("Vælg både start- og slutdato for perioden.")
    st.stop()
if not chosen or not kinds:
    page_header("Præsentation")
    empty_state("Vælg mindst én samarbejdsaftale og ét diagram i menuen til venstre.")
    st.stop()

period = Period(*period_value)
threshold = suppression_threshold(engine)
report = cached_query(
    build_report, scope, period, tuple(sorted(chosen)), threshold=threshold, today=dt.date.today()
)
charts = presentation_charts(report, kinds, positions)

index = min(st.session_state.get("praes_index", 0), len(charts) - 1)


def _step(delta: int) -> None:
    st.session_state["praes_index"] = max(0, min(len(charts) - 1, index + delta))


current = charts[index]
st.markdown(f'<div class="fm-slide-title">{current.title}</div>', unsafe_allow_html=True)
# fit-x: stretch the width only. Streamlit's default for a layered chart ("fit") squeezes
# axis, legend and title into the given height, so the bars got a few pixels.
if current.has_data:
    st.altair_chart(fit_width(presentation_chart(current.chart)), theme=None, width="stretch")
else:
    st.markdown(
        '<div class="fm-slide-sub">Ingen tal at vise for det valgte: de bygger på for få '
        "deltagere, eller der er ingen i perioden.</div>",
        unsafe_allow_html=True,
    )
st.markdown(f'<div class="fm-slide-sub">{current.subtitle}</div>', unsafe_allow_html=True)
st.markdown(
    f'<div class="fm-slide-source">{current.source}. Tal under {threshold} vises som '
    f"«&lt;{threshold}». Udskrevet {fmt_date(dt.date.today())}.</div>",
    unsafe_allow_html=True,
)

prev_col, count_col, next_col = st.columns([1, 2, 1])
prev_col.button(
    "Forrige",
    icon=":material/arrow_back:",
    disabled=index == 0,
    on_click=_step,
    args=(-1,),
    width="stretch",
    key="praes_prev",
)
count_col.markdown(
    f'<div class="fm-slide-count">Diagram {index + 1} af {len(charts)}</div>',
    unsafe_allow_html=True,
)
next_col.button(
    "Næste",
    icon=":material/arrow_forward:",
    icon_position="right",
    disabled=index >= len(charts) - 1,
    on_click=_step,
    args=(1,),
    width="stretch",
    key="praes_next",
    type="primary",
)

if current.has_data:
    with st.expander("Hent diagrammet"):
        chart_downloads(current.chart, current.title, key=f"praes_dl_{current.key}")
