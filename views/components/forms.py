"""Shared widgets for the entry pages: the participant picker, the score input with the
scale's labels, field errors, the form frame (`submit_form`) and fields that draw their own
error (`date_field`, `text_area_field`, `choice_field`, `score_fields`, `yes_no_field`), the
save-and-rerun pattern that keeps what was typed, the stale-edit notice and escaped
display of user text.

How a form save works on every entry page: the form's widgets have keys that include a
per-form counter, so after a refused save the same keys come back with what the user typed
and the errors are drawn right under each field; after a successful save the counter goes
up, the form starts clean and a confirmation is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from lib.commands.kit import ConfirmationNeeded, StaleEdit, ValidationError
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import EnrolmentStatus, Role
from lib.domain.format import fmt_date
from lib.domain.text import plain
from lib.queries.courses import EnrolmentRow, my_enrolments
from views.components.access_log import log_participants, viewers
from views.components.layout import page_header
from views.components.pickers import PICKER_LIMIT, searched_picker
from views.components.runtime import cached_query, get_engine, require_scope
from views.components.url import query_param_int
from views.texts import entry as texts

ENTRY_ROLES = tuple(Role)

DATE_FORMAT = "DD.MM.YYYY"

# Errors that belong to the whole form, not to one field: shown above the form.
FORM_WIDE_ERRORS = ("_form", "enrolment", "scores")

T = TypeVar("T")


def entry_page(
    title: str, intro: str | Callable[[Scope], str], roles: tuple[str, ...] = ENTRY_ROLES
):
    """How every entry page opens: the role check (stops the page for anyone else), the
    header (`intro` may depend on the user's scope) and the last save's confirmation.
    Returns the scope and the engine."""
    scope = require_scope(*roles)
    page_header(title, intro(scope) if callable(intro) else intro)
    flash()
    return scope, get_engine()


def picked_course(scope: Scope, key: str) -> EnrolmentRow:
    """The participant picker; the page stops here until a course is picked."""
    row = participant_picker(scope, key)
    if row is None:
        st.stop()
    return row


def form_counter(form: str) -> int:
    return st.session_state.setdefault(f"{form}__n", 0)


def form_key(form: str, name: str) -> str:
    """A widget key that survives a refused save and is fresh after a successful one."""
    return f"{form}__{form_counter(form)}__{name}"


def errors_of(form: str) -> dict[str, str]:
    return st.session_state.get(f"{form}__errors", {})


def field_error(form: str, *fields: str) -> None:
    """The Danish message for a field, drawn right under its widget."""
    errors = errors_of(form)
    for name in fields:
        if name in errors:
            st.error(errors[name], icon=":material/error:")


def needs_confirmation(form: str) -> bool:
    return bool(st.session_state.get(f"{form}__confirm"))


FLASH_KEY = "entry_flash"


def confirm_on_next_run(message: str) -> None:
    """Keep a save's confirmation for the next run's flash() (a save reruns the page)."""
    st.session_state[FLASH_KEY] = message


def flash() -> None:
    """The confirmation of the last save, shown once at the top of the page."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:")


def run_save(
    form: str,
    save: Callable[[], T],
    success: str,
    on_success: Callable[[T], object] | None = None,
) -> None:
    """Run one save. On success: a confirmation, a clean form and `on_success` with what
    the save returned (e.g. the new record's id, to show it read-only). On refusal: the
    errors at their fields (or the newer values for a stale edit) and the form as typed."""
    st.session_state.pop(f"{form}__stale", None)
    try:
        result = save()
    except ConfirmationNeeded as exc:
        st.session_state[f"{form}__errors"] = exc.errors
        st.session_state[f"{form}__confirm"] = True
    except ValidationError as exc:
        st.session_state[f"{form}__errors"] = exc.errors
    except StaleEdit as exc:
        st.session_state[f"{form}__errors"] = {}
        st.session_state[f"{form}__stale"] = (str(exc), exc.current, exc.version)
    except AccessDenied as exc:
        st.session_state[f"{form}__errors"] = {"_form": str(exc)}
    else:
        reset_form(form)
        confirm_on_next_run(success)
        if on_success is not None:
            on_success(result)
    st.rerun()


def reset_form(form: str) -> None:
    st.session_state[f"{form}__n"] = form_counter(form) + 1
    for suffix in ("errors", "confirm", "stale", "opened_version"):
        st.session_state.pop(f"{form}__{suffix}", None)


def form_notices(form: str) -> None:
    """Errors that belong to the whole form, and the stale-edit notice with newer values."""
    errors = errors_of(form)
    field_error(form, *FORM_WIDE_ERRORS)
    if errors and not set(errors) <= set(FORM_WIDE_ERRORS):
        st.error(texts.FORM_HAS_ERRORS, icon=":material/error:")
    stale = st.session_state.get(f"{form}__stale")
    if stale:
        message, current, _version = stale
        st.warning(message, icon=":material/sync_problem:")
        st.dataframe(
            pd.DataFrame({"Felt": list(current), "Nyeste værdi": list(current.values())}),
            hide_index=True,
            width="stretch",
        )
        if st.button("Hent de nye værdier", key=f"{form}__reload"):
            reset_form(form)
            st.rerun()


def opened_version(form: str, version: int) -> int:
    """The record's version when the user opened it: kept until a save or a reload."""
    return st.session_state.setdefault(f"{form}__opened_version", version)


def confirm_box(form: str) -> bool:
    """Inside a form: the 'save anyway' tick box after a ConfirmationNeeded."""
    if not needs_confirmation(form):
        return False
    return st.checkbox(texts.SAVE_ANYWAY, key=form_key(form, "confirm"))


def participant_picker(
    scope: Scope,
    key: str,
    statuses: tuple[str, ...] = (EnrolmentStatus.ACTIVE,),
    label: str = "Deltager",
) -> EnrolmentRow | None:
    """Choose one of the user's own courses (scope-filtered in lib; searched in SQL above
    PICKER_LIMIT). The choice is kept in the URL (?forlob=id) so it survives page switches
    and a copied link."""
    # The course chosen (or in the address) is listed first, whatever the search cut.
    current = st.session_state.get(key) or query_param_int("forlob")
    listed: dict[int, EnrolmentRow] = {}

    def choices(search: str, n: int) -> list[EnrolmentRow]:
        rows = cached_query(my_enrolments, scope, statuses, search, n, current)
        listed.update((r.id, r) for r in rows)
        return rows

    chosen = searched_picker(
        choices,
        lambda r: r.id,
        lambda r: r.label,
        label=label,
        key=key,
        search_key=f"{key}_search",
        noun="forløb",
        limit=PICKER_LIMIT,
        help_text=texts.OWN_PARTICIPANTS_ONLY,
        no_match=texts.NO_MATCHING_COURSE,
        empty=texts.NO_COURSES,
        empty_hint=texts.NO_COURSES_HINT,
        default=current,
    )
    if chosen is not None:
        st.query_params["forlob"] = str(chosen)
        log_participants([listed[chosen].participant_id])
        viewers(listed[chosen].participant_id)
    return listed.get(chosen) if chosen is not None else None


def score_input(
    levels: dict[int, str],
    label: str,
    start: int | None,
    key: str,
    previous: int | None = None,
) -> int | None:
    """A score as 1–5 buttons (segmented control: one tap, fits a phone), empty until
    chosen ("ikke vurderet"); the previous score and the scale's labels beside it."""
    chosen = st.segmented_control(
        label,
        list(levels),
        default=start if start in levels else None,
        format_func=str,
        key=key,
        help=texts.scale_help(levels),
    )
    st.caption(texts.score_caption(previous, levels))
    return chosen


YES_NO = {True: "Ja", False: "Nej"}


def yes_no_field(
    form: str, name: str, label: str, value: bool | None = None, help: str | None = None
) -> bool | None:
    """Inside a form: a fact answered Ja or Nej, unanswered (None) until the user picks one
    unless `value` (a saved answer being corrected) is given; its error underneath."""
    answer = st.radio(
        label,
        list(YES_NO),
        index=None if value is None else (0 if value else 1),
        format_func=YES_NO.get,
        horizontal=True,
        key=form_key(form, name),
        help=help,
    )
    field_error(form, name)
    return answer


def date_input(label: str, key: str, value: dt.date | None, **kwargs) -> dt.date | None:
    return st.date_input(label, value=value, key=key, format=DATE_FORMAT, **kwargs)


def due_caption(label: str, due: dt.date | None, today: dt.date | None = None) -> None:
    """A due date with a plain-language state: overdue, due soon or on time."""
    today = today or dt.date.today()
    if due is None:
        st.caption(f"{label}: ingen frist endnu")
        return
    days = (due - today).days
    if days < 0:
        st.warning(f"{label}: {fmt_date(due)} – {-days} dage over fristen", icon=":material/alarm:")
    elif days <= 14:
        st.info(f"{label}: {fmt_date(due)} – om {days} dage", icon=":material/event:")
    else:
        st.caption(f"{label}: {fmt_date(due)}")


def score_fields(
    form: str,
    levels: dict[int, str],
    items: Mapping[int, str],
    start: Mapping[int, int | None],
    previous: Mapping[int, int | None],
    prefix: str = "score",
) -> dict[int, int]:
    """Inside a form: one score per item (parameter or sub-element, in the order of
    `items`), starting at `start` (empty for a new record) with `previous` shown beside,
    each with its error underneath. Only the scored ones are returned: an item left
    empty is not scored."""
    scores: dict[int, int] = {}
    for item_id, label in items.items():
        chosen = score_input(
            levels,
            label,
            start.get(item_id),
            form_key(form, f"{prefix}_{item_id}"),
            previous.get(item_id),
        )
        field_error(form, f"{prefix}_{item_id}")
        if chosen is not None:
            scores[item_id] = chosen
    return scores


def date_field(
    form: str, name: str, label: str, value: dt.date | None, *errors: str, **kwargs: Any
) -> dt.date | None:
    """Inside a form: a date with the errors of `errors` (default: `name`) underneath."""
    chosen = date_input(label, form_key(form, name), value, **kwargs)
    field_error(form, *(errors or (name,)))
    return chosen


def text_area_field(form: str, name: str, label: str, **kwargs: Any) -> str:
    """Inside a form: a text area with its error underneath."""
    typed = st.text_area(label, key=form_key(form, name), **kwargs)
    field_error(form, name)
    return typed


def choice_field(
    form: str,
    name: str,
    label: str,
    options: Mapping[Any, str],
    placeholder: str,
    index: int | None = None,
) -> Any:
    """Inside a form: a select box over `options` (value -> label), empty until chosen
    unless `index` is given, with its error underneath."""
    chosen = st.selectbox(
        label,
        list(options),
        index=index,
        format_func=lambda o: plain(options.get(o)),
        placeholder=placeholder,
        key=form_key(form, name),
    )
    field_error(form, name)
    return chosen


def submit_form(
    form: str,
    submit: str,
    fields: Callable[[], T],
    caption: str | None = None,
) -> T | None:
    """The form-wide notices, an optional caption, then the form: its fields and one
    primary submit button. The fields' values when submitted, else None."""
    form_notices(form)
    if caption:
        st.caption(caption)
    with st.form(form_key(form, "form")):
        values = fields()
        submitted = st.form_submit_button(submit, type="primary")
    return values if submitted else None
