"""A picker of participants or courses that searches in SQL once there are more than a
selectbox should hold: Kvalitet's registration and hours, and the entry pages' participant
picker (views.components.forms)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from lib.domain.text import plain
from views.components.layout import empty_state

# Above this many participants or courses a picker searches (case code or initials) in SQL
# instead of listing them all: one option per course does not scale to a national
# caseload (45,000 open courses, 100,000 in all). Each page's module names it, so a test
# can lower it for one page.
PICKER_LIMIT = 200


def searched_picker(
    choices_for: Callable[[str, int], Sequence[Any]],
    option_id: Callable[[Any], int],
    option_label: Callable[[Any], str],
    *,
    label: str,
    key: str,
    search_key: str,
    noun: str,
    limit: int,
    help_text: str,
    no_match: str,
    empty: str | None = None,
    empty_hint: str | None = None,
    default: int | None = None,
) -> int | None:
    """A selectbox of at most `limit` participants or courses, with a search field (case
    code or initials) once there are more. `choices_for(search, n)` reads at most n in SQL:
    one option per course does not scale to a national caseload. `empty` (with
    `empty_hint`): the message when there is nothing to choose at all (else the no-match
    caption). `default`: the option chosen until the user chooses (when listed), e.g. the
    course in the address."""
    search = str(st.session_state.get(search_key) or "").strip()
    choices = choices_for(search, limit + 1)
    if empty is not None and not choices and not search:
        empty_state(empty, empty_hint)
        return None
    if search or len(choices) > limit:
        st.text_input(
            f"Søg {label.lower()}",
            key=search_key,
            placeholder="Sagsnummer eller initialer",
            help=f"Listen viser højst {limit} {noun}; søg for at finde andre.",
        )
    by_id = {option_id(c): c for c in choices[:limit]}
    if not by_id:
        st.caption(no_match)
        return None
    ids = list(by_id)
    # The index only counts while the widget has no value of its own.
    index = ids.index(default) if default in by_id and key not in st.session_state else 0
    return st.selectbox(
        label,
        ids,
        index=index,
        format_func=lambda i: plain(option_label(by_id[i])),
        key=key,
        help=help_text,
    )
