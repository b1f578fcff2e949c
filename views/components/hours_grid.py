"""Timer's grid: planned and attended hours, illness absence and ordinary paid hours for the
last weeks of a course, edited in place and saved in one submit."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.hours import HOURS_FIELDS, HoursInput, save_hours
from lib.domain.access import Scope
from lib.domain.format import fmt_date, fmt_number
from lib.domain.text import inert
from lib.queries.courses import EnrolmentRow, HoursRow, hours
from views.components.forms import (
    errors_of,
    form_counter,
    form_key,
    run_save,
    submit_form,
)
from views.components.runtime import cached_query
from views.texts import entry as texts

# Hours are shown and typed as Danish text ("7,5"), whatever the browser's language: a
# NumberColumn formats by the browser's locale and shows "15.0" on an English one. A comma
# or a point is read as the decimal mark; the save checks the range (lib/commands/hours).
HOURS_TEXT = {"validate": r"^\s*\d{1,2}([,.]\d{0,2})?\s*$", "max_chars": 6}


HOURS_HELP = "Timer med komma, fx 7,5 (0 hvis ingen)."


def hours_grid(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    form = f"timer_{row.id}"
    weeks = st.segmented_control(
        "Vis uger", [4, 8, 13], default=8, format_func=lambda n: f"{n} uger", key="timer_weeks"
    )
    # The grid as it was when opened: kept until a save, so the versions guard the save.
    snapshot_key = f"{form}__snapshot_{form_counter(form)}_{weeks}"
    if snapshot_key not in st.session_state:
        st.session_state[snapshot_key] = cached_query(hours, scope, row.id, weeks or 8)
    saved: list[HoursRow] = st.session_state[snapshot_key]
    edited = submit_form(form, "Gem timer", lambda: _grid(form, saved))
    st.caption(texts.HOURS_RULES)
    if edited is None:
        return
    rows = [
        HoursInput(
            week_start=h.week_start,
            version=h.version,
            **{name: _hours(edited.iloc[i][name]) for name in HOURS_FIELDS},
        )
        for i, h in enumerate(saved)
    ]
    run_save(
        form,
        lambda: save_hours(engine, scope, row.id, rows),
        f"Timerne for {inert(row.case_code)} ({inert(row.initials)}) er gemt.",
    )


def _hours(cell: object) -> float | None:
    """A grid cell as hours ("7,5", "7.5" or a number); an emptied or unreadable cell is
    None (the save asks for a number, 0 if none)."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return None
    try:
        return float(str(cell).strip().replace(",", "."))
    except ValueError:
        return None


def _grid(form: str, saved: list[HoursRow]) -> pd.DataFrame:
    """Inside the form: the editable grid (one row a week) and its errors."""
    frame = pd.DataFrame(
        {
            "Uge": [
                f"Uge {h.week_start.isocalendar().week} · {fmt_date(h.week_start)}" for h in saved
            ],
            **{name: [fmt_number(getattr(h, name), 1) for h in saved] for name in HOURS_FIELDS},
            "Gemt": [h.version is not None for h in saved],
        }
    )
    edited = st.data_editor(
        frame,
        key=form_key(form, "grid"),
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        disabled=["Uge", "Gemt"],
        column_config={
            **{
                name: st.column_config.TextColumn(label, help=HOURS_HELP, **HOURS_TEXT)
                for name, label in HOURS_FIELDS.items()
            },
            "ordinary_paid_hours": st.column_config.TextColumn(
                HOURS_FIELDS["ordinary_paid_hours"],
                help=f"Timer med ordinær løn. {HOURS_HELP}",
                **HOURS_TEXT,
            ),
            "Gemt": st.column_config.CheckboxColumn("Gemt", help="Ugen er registreret før"),
        },
    )
    for message in errors_of(form).values():
        st.error(message, icon=":material/error:")
    return edited
