"""Shared chart styling: Danish locale, colour-blind-safe colours, one colour per
parameter and per agreement on every page.

Applied per chart (never `alt.theme.enable`, which is process-global).
"""

from __future__ import annotations

import altair as alt
import vl_convert as vlc

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
STATUS_COLORS = {"Til tiden": "#009E73", "For sent": "#E69F00", "Mangler": "#D55E00"}

DANISH_LOCALE = {
    "number": vlc.get_format_locale("da-DK"),
    "time": vlc.get_time_format_locale("da-DK"),
}


def agreement_color(position: int) -> str:
    """Colour for the agreement at this position in the agreement list (by id)."""
    return OKABE_ITO[position % len(OKABE_ITO)]


def color_scale(mapping: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


def danish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Attach the Danish number and time locale so '83,3 %' and 'januar' render the
    same in the browser and in server-side exports."""
    return chart.configure(locale=DANISH_LOCALE)
