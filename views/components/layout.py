"""Small drawing kit shared by the pages: the header, a friendly empty state, key-figure
cards that always show their n, and tables whose columns carry their definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lib.domain.format import fmt_int
from lib.domain.text import inert
from views.components.downloads import table_downloads
from views.texts.dashboards import ROWS_SHOWN

# Streamlit's table toolbar offers "Download as CSV", which writes cells raw (a case code
# "=HYPERLINK(…)" becomes a live formula in Excel). The kit's own buttons replace it.
NO_RAW_DOWNLOAD = """
<style>
[data-testid="stElementToolbar"] button[aria-label="Download as CSV"] {display:none !important}
</style>
"""


def page_header(title: str, caption: str | None = None) -> None:
    st.markdown(NO_RAW_DOWNLOAD, unsafe_allow_html=True)
    st.session_state["_page_title"] = title
    st.title(title)
    if caption:
        st.caption(caption)


def lazy_tabs(labels: Sequence[str], key: str, sections: Sequence[Callable[[], None]]) -> None:
    """Tabs of which only the open one runs (st.tabs with state): each section's queries
    are paid when a person opens its tab, not on every run of the page. The open tab stays
    open across reruns and saves (its label is in st.session_state[key])."""
    tabs = st.tabs(list(labels), key=key, on_change="rerun")
    for tab, section in zip(tabs, sections, strict=True):
        if tab.open:
            with tab:
                section()


def empty_state(message: str, hint: str | None = None) -> None:
    st.info(message + (f"\n\n{hint}" if hint else ""), icon=":material/inbox:")


def kpi(column, label: str, value: str, n_text: str | None, help_text: str) -> None:
    """A key figure on a card: the value, its n underneath and its definition in the help.
    The n line is neutral grey (no arrow, no colour): it is a count, not a change. The
    label may be a name someone typed (an agreement's): shown inert."""
    column.metric(
        inert(label),
        value,
        n_text,
        delta_color="off",
        delta_arrow="off",
        help=help_text,
        border=True,
    )


# Cards side by side stay readable for a handful of groups. A manager of a large
# municipality has 40 agreements (500 nationally): a card each made a row of slivers.
MAX_GROUP_CARDS = 6


@dataclass(frozen=True)
class Card:
    """One key figure for `kpi`: what it is of, its value, its n and its definition; a
    caption under the card when something needs attention."""

    label: str
    value: str
    n_text: str | None
    help_text: str
    caption: str | None = None


def group_cards(
    groups: Sequence[Card],
    total: Card | None,
    columns: tuple[str, str, str] | None = None,
    definition: str = "",
) -> None:
    """A card per group and one for all of them, side by side while they fit. With more
    than MAX_GROUP_CARDS the total's card alone and, under `columns` (the group, the
    value and its n; the value's help is `definition`), a table of the groups; None
    where the page has a table of its own. No `total`: the groups alone."""
    cards = [*groups, total] if total else list(groups)
    if len(cards) <= MAX_GROUP_CARDS:
        for column, card in zip(st.columns(len(cards)), cards, strict=True):
            _card(column, card)
        return
    if total:  # as wide as a card among three: a value like "855 af 640 i brug" fits
        _card(st.columns(3)[0], total)
    if columns is None:
        return
    group, value, n = columns
    frame = pd.DataFrame(
        {
            group: [c.label for c in groups],
            value: [c.value for c in groups],
            n: [c.n_text or "" for c in groups],
        }
    )
    if any(c.caption for c in groups):
        frame["Bemærkning"] = [c.caption or "" for c in groups]
    table(frame, {value: definition})


def _card(column, card: Card) -> None:
    kpi(column, card.label, card.value, card.n_text, card.help_text)
    if card.caption:
        column.caption(card.caption)


def table(
    frame: pd.DataFrame,
    definitions: Mapping[str, str] | None = None,
    widths: Mapping[str, int] | None = None,
    *,
    title: str | None = None,
    downloads: bool = True,
    links: Mapping[str, str] | None = None,
    column_config: Mapping[str, Any] | None = None,
    height: int | str = "auto",
    width: str = "stretch",
    key: str | None = None,
    shown: int | None = None,
    count: int | None = None,
    every: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """A table without the index; `definitions` become the columns' help (the ⓘ in the
    header), `widths` fix pixel widths where auto-sizing clips a column, `links` makes a
    column of addresses a link column showing that text (e.g. "Åbn"), `column_config`
    sets a column's Streamlit config outright. Under it "Hent Excel" and "Hent CSV"
    (views.components.downloads), titled `title` or the page's title, with the filters
    used and the definitions (link columns left out); `key` tells apart tables of the
    same title and content on one page. With `shown`, the screen gets the first `shown`
    rows and says so, and the files every row. When `frame` holds only the first of
    `count` rows, the screen says so too and `every` gives the files all of them, called
    when one is asked for. The one st.dataframe of the pages."""
    config: dict[str, Any] = {}
    for column, text in (links or {}).items():
        config[column] = st.column_config.LinkColumn(
            column, display_text=text, help=(definitions or {}).get(column)
        )
    for column in frame.columns:
        help_text = (definitions or {}).get(column)
        col_width = (widths or {}).get(column)
        if (help_text is None and col_width is None) or column in config:
            continue
        if pd.api.types.is_numeric_dtype(frame[column]):
            config[column] = st.column_config.NumberColumn(help=help_text, width=col_width)
        else:
            config[column] = st.column_config.TextColumn(help=help_text, width=col_width)
    config.update(column_config or {})
    # A list of 57,000 overdue items (national size) took seconds a run to send to the
    # browser, where no one reads past the first screens; the files have them all.
    total = len(frame) if count is None else count
    on_screen = frame.head(shown) if shown is not None and len(frame) > shown else frame
    st.dataframe(
        on_screen, hide_index=True, width=width, height=height, column_config=config or None
    )
    if total > len(on_screen):
        st.caption(ROWS_SHOWN.format(shown=fmt_int(len(on_screen)), count=fmt_int(total)))
    if downloads and not frame.empty:
        what = title or st.session_state.get("_page_title") or "Tabel"
        links = [c for c in frame.columns if c in config and _is_link(config[c])]
        table_downloads(
            frame.drop(columns=links),
            what,
            key=key,
            definitions=definitions,
            # The rows fetched when a file is asked for, not on every run.
            every=(lambda: every().drop(columns=links)) if every else None,
        )


def _is_link(config: Any) -> bool:
    return isinstance(config, dict) and config.get("type_config", {}).get("type") == "link"
