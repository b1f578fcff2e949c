"""Timer: planned and attended hours, illness absence and ordinary paid hours, several
weeks at once in one grid and one submit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import entry
from lib.entry_queries import hours
from lib.format import fmt_date
from views.common import cached_query
from views.entry_ui import (
    entry_page,
    errors_of,
    form_counter,
    form_key,
    form_notices,
    picked_course,
    run_save,
)

scope, engine = entry_page(
    "Timer", "Timer og fremmøde pr. uge. Ret direkte i tabellen, og gem alle uger på én gang."
)
row = picked_course(scope, "timer_forlob")
form = f"timer_{row.id}"
weeks = st.segmented_control(
    "Vis uger", [4, 8, 13], default=8, format_func=lambda n: f"{n} uger", key="timer_weeks"
)
# The grid as it was when opened: kept until a save, so the versions guard the save.
snapshot_key = f"{form}__snapshot_{form_counter(form)}_{weeks}"
if snapshot_key not in st.session_state:
    st.session_state[snapshot_key] = cached_query(hours, scope, row.id, weeks or 8)
saved = st.session_state[snapshot_key]

frame = pd.DataFrame(
    {
        "Uge": [f"Uge {h.week_start.isocalendar().week} · {fmt_date(h.week_start)}" for h in saved],
        "planned_hours": [h.planned_hours for h in saved],
        "attended_hours": [h.attended_hours for h in saved],
        "illness_hours": [h.illness_hours for h in saved],
        "ordinary_paid_hours": [h.ordinary_paid_hours for h in saved],
        "Gemt": [h.version is not None for h in saved],
    }
)
number = {"min_value": 0.0, "max_value": 80.0, "step": 0.5, "format": "localized"}
form_notices(form)
with st.form(form_key(form, "form")):
    edited = st.data_editor(
        frame,
        key=form_key(form, "grid"),
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        disabled=["Uge", "Gemt"],
        column_config={
            "planned_hours": st.column_config.NumberColumn("Planlagte timer", **number),
            "attended_hours": st.column_config.NumberColumn("Fremmødte timer", **number),
            "illness_hours": st.column_config.NumberColumn("Sygefravær (timer)", **number),
            "ordinary_paid_hours": st.column_config.NumberColumn(
                "Ordinære løntimer", help="Timer med ordinær løn", **number
            ),
            "Gemt": st.column_config.CheckboxColumn("Gemt", help="Ugen er registreret før"),
        },
    )
    for message in errors_of(form).values():
        st.error(message, icon=":material/error:")
    submitted = st.form_submit_button("Gem timer", type="primary")

st.caption(
    "Fremmøde og sygefravær kan tilsammen højst være de planlagte timer. "
    "Uger uden timer gemmes ikke."
)

if submitted:
    rows = []
    for i, h in enumerate(saved):
        values = {name: edited.iloc[i][name] for name in entry.HOURS_FIELDS}
        rows.append(
            entry.HoursInput(
                week_start=h.week_start,
                version=h.version,
                **{k: None if pd.isna(v) else float(v) for k, v in values.items()},
            )
        )
    run_save(
        form,
        lambda: entry.save_hours(engine, scope, row.id, rows),
        f"Timerne for {row.case_code} ({row.initials}) er gemt.",
    )
