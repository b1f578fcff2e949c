"""The access log on the pages: recording what a page shows of participants, who has seen
a participant, and the admin's search ("Adgangslog")."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.domain.format import fmt_datetime
from lib.security.access_log import (
    AccessEntry,
    AccessFilter,
    logged_usernames,
    record_access,
    viewers_of,
)
from views.components.downloads import table_downloads
from views.components.layout import table
from views.components.runtime import current_user, get_engine
from views.texts import security as texts

# A page's reruns (every click) within this long count as one look.
SAME_LOOK_SECONDS = 300


def current_page() -> str:
    try:
        url = st.context.url
    except Exception:
        return "?"
    if not isinstance(url, str):
        return "?"
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "start"


def log_participants(participant_ids: Iterable[int], page: str | None = None) -> None:
    """Record that the signed-in user is shown these participants (once per look)."""
    user = current_user()
    ids = tuple(sorted(set(participant_ids)))
    if user is None or not ids:
        return
    page = page or current_page()
    seen = st.session_state.setdefault("_access_logged", {})
    key = (page, ids)
    now = time.monotonic()
    if now - seen.get(key, -SAME_LOOK_SECONDS) < SAME_LOOK_SECONDS:
        return
    seen[key] = now
    record_access(get_engine(), user.id, user.username, page, ids)


def viewers(participant_id: int) -> None:
    """A closed expander on a course page: who has looked at this participant."""
    with st.expander(texts.VIEWERS_TITLE, icon=":material/visibility:"):
        rows = viewers_of(get_engine(), participant_id)
        if not rows:
            st.caption(texts.NO_VIEWERS)
            return
        frame = pd.DataFrame(
            {
                "Bruger": [v.username for v in rows],
                "Senest": [fmt_datetime(v.last_seen) for v in rows],
                "Opslag": [v.views for v in rows],
            }
        )
        table(frame)


def access_filters(engine: Engine) -> AccessFilter:
    c1, c2, c3 = st.columns([1, 1, 1.4])
    username = c1.selectbox(
        "Bruger", logged_usernames(engine), index=None, placeholder="Alle", key="access_user"
    )
    case_code = c2.text_input("Deltager (sagskode)", key="access_case", help=texts.CASE_CODE_HELP)
    today = dt.date.today()
    period = c3.date_input(
        "Periode",
        value=(today - dt.timedelta(days=30), today),
        min_value=dt.date(2000, 1, 1),
        max_value=today,
        format="DD.MM.YYYY",
        key="access_period",
    )
    start, end = (
        (period[0], period[-1]) if isinstance(period, tuple | list) and period else (None, None)
    )
    return AccessFilter(username or None, case_code.strip() or None, start, end)


def access_table(entries: list[AccessEntry]) -> None:
    frame = pd.DataFrame(
        {
            texts.COLUMNS["at"]: [e.at for e in entries],
            texts.COLUMNS["username"]: [e.username for e in entries],
            texts.COLUMNS["page"]: [e.page for e in entries],
            texts.COLUMNS["case_code"]: [e.case_code for e in entries],
        }
    )
    shown = frame.copy()
    shown[texts.COLUMNS["at"]] = [fmt_datetime(e.at) for e in entries]
    table(shown)
    table_downloads(frame, "Adgangslog", key="adgangslog")
