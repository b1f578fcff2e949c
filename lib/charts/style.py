"""Shared chart styling: Danish locale, colour-blind-safe colours, one colour per
parameter and per agreement on every page.

Applied per chart (never `alt.theme.enable`, which is process-global).
"""

from __future__ import annotations

from typing import Any, TypeAlias, TypeVar

import altair as alt
import vl_convert as vlc

from lib.domain.enums import DueStatus

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]


PARAMETER_COLORS = {
    "motivation": "#0072B2",
    "active_action": "#E69F00",
    "upskilling": "#009E73",
    "toward_employment": "#CC79A7",
}


# Status colours keep their meaning everywhere: on time / late / missing.
STATUS_COLORS = {
    DueStatus.ON_TIME: "#009E73",
    DueStatus.LATE: "#E69F00",
    DueStatus.MISSING: "#D55E00",
}


# A chart as the builders return it: altair types `a + b` and alt.layer() as
# LayerChart | FacetChart, so a layered builder's result is one of these.
TopLevelChart: TypeAlias = (
    alt.Chart
    | alt.LayerChart
    | alt.FacetChart
    | alt.ConcatChart
    | alt.HConcatChart
    | alt.VConcatChart
)


# What altair types a layered chart (`a + b`, alt.layer()) as.
Layered: TypeAlias = alt.LayerChart | alt.FacetChart


# "The same kind of chart as was given" for functions that only add properties or config.
ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


DANISH_LOCALE = {
    "number": vlc.get_format_locale("da-DK"),
    "time": vlc.get_time_format_locale("da-DK"),
}


# Fit the width to the container and keep the height as the plotting area. Streamlit
# gives a layered chart drawn with width="stretch" autosize "fit", which squeezes axes,
# titles and the legend into the given height and leaves the bars a few pixels.
FIT_X = {"type": "fit-x", "contains": "padding"}


# A line or bar per agreement can be told apart for as many agreements as the palette
# has colours; above that (40 agreements at a large municipality) the charts show the
# agreements together and their tables carry each agreement's figures.
MAX_CHART_AGREEMENTS = len(OKABE_ITO)


def agreement_color(position: int) -> str:
    """Colour for the agreement at this position in the agreement list (by id)."""
    return OKABE_ITO[position % len(OKABE_ITO)]


def agreement_colors(shown: list[str], order: list[str] | None = None) -> list[str]:
    """Colours for the agreements shown, each by its position in `order` (all agreements
    in scope), so agreement 2 stays orange when it is shown alone."""
    order = order or shown
    return [agreement_color(order.index(n) if n in order else i) for i, n in enumerate(shown)]


def color_scale(mapping: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


def fit_width(chart: ChartT) -> ChartT:
    """For a single or layered chart drawn with width="stretch": stretch the width only,
    so the height stays what the chart asks for (not for facet or concat charts)."""
    return chart.properties(autosize=FIT_X)


def pct_label_expr(decimals: int = 0) -> str:
    """A Vega label expression for shares 0..1, '80 %', for axes and legends."""
    return f"format(datum.value * 100, ',.{decimals}f') + ' %'"


def pct_axis(decimals: int = 0, **kwargs: Any) -> alt.Axis:
    """An axis of shares 0..1 labelled the Danish way, '80 %' (d3's '%' format gives
    '80%'); the number is formatted in the chart's Danish locale, so '12,5 %'."""
    return alt.Axis(labelExpr=pct_label_expr(decimals), **kwargs)


def pct_text(share: float | None, decimals: int = 1) -> str:
    """'83,3 %' for 0.8333: for tooltips and labels built in Python."""
    if share is None or share != share:
        return "–"
    text = f"{share * 100:,.{decimals}f}".replace(",", "\x00").replace(".", ",")
    return text.replace("\x00", ".") + " %"


def danish(chart: ChartT) -> ChartT:
    """Attach the Danish number and time locale so '83,3 %' and 'januar' render the
    same in the browser and in server-side exports."""
    return chart.configure(locale=DANISH_LOCALE)
