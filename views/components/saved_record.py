"""After saving, every entry form shows the saved record read-only with "Ret" and "Slet"
instead of a refilled form that invites a second entry (evaluation, plan, meeting,
deliverable, pause, certificate, mentor contact).

How a form uses it: its save's `on_success=remember(key)` keeps the new record's id under
`key`; the section then calls `saved_or_form(key, new_form, load)`. While an id is kept,
`load(id)` gives a `SavedRecord` (None: deleted meanwhile or out of scope), drawn here
read-only with Ret (its `edit` draws the correction form, whose save calls
`done_editing(key)`), Slet (only when `deletable`: the author within a day; the command in
lib/commands checks it again) and a button for a new record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from lib.domain.authorship import may_delete
from lib.domain.text import inert
from lib.queries.course_records import SavedBy
from views.components.forms import field_error, run_save
from views.texts import entry as texts


@dataclass
class SavedRecord:
    title: str  # "Gemt pause"
    lines: dict[str, str]  # label -> value as stored (shown inert)
    what: str  # "pausen": in the Slet button and the messages
    deletable: bool
    delete: Callable[[], object]  # the lib/commands delete
    edit: Callable[[], None]  # draws the correction (Ret) form
    new_label: str = "Ny registrering"
    delete_note: str = ""  # what else goes with it, in the confirmation


def deletable_by_me(saved: SavedBy, username: str) -> bool:
    return may_delete(saved.username, saved.at, username, dt.datetime.now(dt.UTC))


def remember(key: str) -> Callable[[int], None]:
    """A save's on_success: show the saved record (its id) read-only from the next run."""
    return lambda record_id: st.session_state.__setitem__(key, record_id)


def done_editing(key: str) -> Callable[[object], None]:
    """A correction's on_success: back to the read-only record."""
    return lambda _: st.session_state.pop(f"{key}_edit", None)


def saved_or_form(
    key: str, new_form: Callable[[], None], load: Callable[[int], SavedRecord | None]
) -> None:
    """The new-record form, or the record just saved read-only (or its correction)."""
    saved_id = st.session_state.get(key)
    record = load(saved_id) if saved_id is not None else None
    if record is None:
        st.session_state.pop(key, None)
        new_form()
        return
    if st.session_state.get(f"{key}_edit"):
        record.edit()
        if st.button(texts.CANCEL_CORRECTION, key=f"{key}_cancel"):
            st.session_state.pop(f"{key}_edit", None)
            st.rerun()
        return
    show_saved(key, record)


def show_saved(key: str, record: SavedRecord) -> None:
    """The record as stored, with Ret, Slet (its author within a day) and a new one."""
    st.markdown(f"**{inert(record.title)}**")
    with st.container(border=True):
        for label, value in record.lines.items():
            st.markdown(f"**{inert(label)}:** {inert(value or '–')}")
    c1, c2, c3 = st.columns(3)
    if c1.button(texts.FIX, icon=":material/edit:", key=f"{key}_fix", width="stretch"):
        st.session_state[f"{key}_edit"] = True
        st.rerun()
    if record.deletable and c2.button(
        texts.DELETE, icon=":material/delete:", key=f"{key}_delete", width="stretch"
    ):
        st.session_state[f"{key}_confirm_delete"] = True
    if c3.button(record.new_label, icon=":material/add:", key=f"{key}_new", width="stretch"):
        st.session_state.pop(key, None)
        st.rerun()
    if not record.deletable:
        st.caption(texts.delete_only_author(record.what))
    form = f"{key}_delete_form"
    if st.session_state.get(f"{key}_confirm_delete"):
        st.warning(texts.confirm_delete(record.what, record.delete_note), icon=":material/delete:")
        if st.button(
            texts.confirm_delete_button(record.what), type="primary", key=f"{key}_delete_yes"
        ):
            st.session_state.pop(f"{key}_confirm_delete", None)
            run_save(
                form,
                record.delete,
                texts.deleted(record.what),
                on_success=lambda _: st.session_state.pop(key, None),
            )
    field_error(form, "_form")
