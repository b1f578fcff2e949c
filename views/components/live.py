"""Live dashboards: a page body that redraws itself every few seconds while it is open.

The body runs as a fragment with `run_every`: only the fragment reruns, so the sidebar's
filters, the scroll position and everything outside it stay as they are. Its cached
queries are keyed on the data version (views.components.runtime), so a rerun with no new
data costs one cheap query (the version) and redraws from the cache; Streamlit's front end
then changes only the elements whose content changed, without a full-page flash. After a
save anywhere (this or another app process, same database) the next tick shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import streamlit as st

from lib.queries.settings import get_setting
from views.components.runtime import get_engine

REFRESH_SETTING = "live_refresh_seconds"
DEFAULT_REFRESH_SECONDS = 20
# Below 5 s the dashboards would mostly redraw; above 5 minutes they are not live.
REFRESH_BOUNDS = (5, 300)


@st.cache_data(ttl=60, show_spinner=False)
def _refresh_seconds(database: str) -> int:
    raw = get_setting(get_engine(), REFRESH_SETTING, str(DEFAULT_REFRESH_SECONDS))
    try:
        seconds = int(raw or DEFAULT_REFRESH_SECONDS)
    except ValueError:
        seconds = DEFAULT_REFRESH_SECONDS
    low, high = REFRESH_BOUNDS
    return max(low, min(high, seconds))


def refresh_seconds() -> int:
    """How often the live dashboards look for new data: app_setting
    'live_refresh_seconds' (default 20, within 5-300)."""
    from db.engine import database_url

    return _refresh_seconds(database_url())


def live_section(body: Callable[..., None], *args: object) -> None:
    """Draw `body(*args)` now, and again every refresh_seconds() while the page is open."""
    seconds = refresh_seconds()

    @st.fragment(run_every=timedelta(seconds=seconds))
    def _live() -> None:
        body(*args)
        st.caption(f"Opdateres automatisk hvert {seconds}. sekund.")

    _live()
