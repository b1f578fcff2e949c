"""What the four dashboards (Overblik, Opfølgning, Progression, Resultater) share: how a
page opens (role check, sidebar filters, header), a key figure that is a share of n, and
an Altair chart in the Danish locale."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.charts.style import MAX_CHART_AGREEMENTS
from lib.domain.access import Scope
from lib.domain.format import fmt_int, fmt_pct
from lib.domain.measures import Measure
from lib.domain.period import Filters
from views.components.filters import sidebar_filters
from views.components.layout import kpi, page_header
from views.components.runtime import require_scope
from views.texts.dashboards import MANY_AGREEMENTS_CHART


def dashboard_page(title: str, intro: str, *, sub_goals: bool = False) -> tuple[Scope, Filters]:
    """How every dashboard opens: the role check (every signed-in role may see the
    dashboards; the scope limits what), the sidebar filters and the header."""
    scope = require_scope()
    filters = sidebar_filters(scope, sub_goals=sub_goals)
    page_header(title, intro)
    return scope, filters


def share_kpi(
    column: DeltaGenerator,
    measure: Measure,
    part: int,
    n: int,
    n_suffix: str = "",
    label: str | None = None,
) -> None:
    """A key figure that is a share: 'part ÷ n' as a percentage, 'part af n' under it and
    the measure's definition in the help. `label` overrides the measure's label for a
    figure that is a variant of it (e.g. the caseworker's presence at the meetings)."""
    kpi(
        column,
        label or measure.label,
        fmt_pct(part / n if n else None),
        f"{fmt_int(part)} af {fmt_int(n)}{n_suffix}",
        measure.definition,
    )


def show_chart_once(
    name: str, data: str, build: Callable[[], alt.TopLevelMixin], *, stretch: bool = True
) -> None:
    """A chart drawn from a spec made once per `data` (the chart's input as text), for a
    chart whose conversion is slow: Altair's schema check of the element chart (40
    agreements x 7 elements at M) took 0.2 s of every rerun of Kvalitet, and building and
    checking Progression's four charts was 85 % of its rerun. Drawn as st.altair_chart
    draws it (Streamlit's own conversion; its theme not used)."""
    st.vega_lite_chart(
        spec=_chart_spec(name, data, build), theme=None, width="stretch" if stretch else None
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _chart_spec(name: str, data: str, _build: Callable[[], alt.TopLevelMixin]) -> dict:
    return vega_lite_spec(_build())


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The spec st.altair_chart would send for `chart` (schema-checked, the data as Arrow
    datasets); st.vega_lite_chart draws it as st.altair_chart draws the chart."""
    # Streamlit 1.67's private converter (pinned in uv.lock).
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return _convert_altair_to_vega_lite_spec(chart)


def pools_agreements(count: int) -> bool:
    """Whether a chart with a line or bar per agreement shows the `count` agreements
    pooled: more than the palette can tell apart (lib.charts.style.MAX_CHART_AGREEMENTS)."""
    return count > MAX_CHART_AGREEMENTS


def pooled_note(count: int) -> None:
    """Under such a chart: that it pools the agreements and how to compare a few."""
    if pools_agreements(count):
        st.caption(MANY_AGREEMENTS_CHART.format(count=count, limit=MAX_CHART_AGREEMENTS))
