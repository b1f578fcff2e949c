"""Opfølgning: plans, evaluations, meetings and deliverables on time, per agreement and
per caseworker; what is overdue now and what falls due in the next 14 days; mentor
follow-up against the agreed frequency (issue 6: mentor compliance belongs here)."""

import datetime as dt

import streamlit as st

from lib.chart_style import danish
from lib.charts import status_share_chart
from lib.compliance import (
    DUE_SOON_DAYS,
    HELP_DELIVERABLE,
    HELP_EVALUATION,
    HELP_MEETING,
    HELP_PLAN,
    MEASURES,
    compliance,
    group_tables,
    open_items_table,
    status_frame,
)
from lib.format import fmt_date, fmt_int, fmt_pct
from lib.rules import ON_TIME
from views.common import cached_query, empty_state, page_header, require_scope
from views.filters import sidebar_filters
from views.quality_ui import mentor_compliance_section

scope = require_scope()
filters = sidebar_filters(scope)
page_header(
    "Opfølgning",
    "Sker opfølgningen til tiden? Planer, evalueringer, opfølgningsmøder og det, "
    "sagsbehandleren skal have.",
)
data = cached_query(compliance, scope, filters)
if not data.courses:
    empty_state(
        "Der er ingen forløb at følge op på med de valgte filtre.",
        "Forløb i visitation tæller først med, når de er startet.",
    )
    st.stop()

t = data.total
st.caption(f"Opgjort pr. {fmt_date(data.as_of)} for {fmt_int(data.courses)} forløb.")
c1, c2, c3, c4, c5 = st.columns(5)
for col, title, tally_, help_text in (
    (c1, "Planer til tiden", t.plans, HELP_PLAN),
    (c2, "Evalueringer til tiden", t.evaluations, HELP_EVALUATION),
    (c5, "Leverancer til tiden", t.deliverables, HELP_DELIVERABLE),
):
    col.metric(
        title,
        fmt_pct(tally_.share(ON_TIME)),
        f"{fmt_int(tally_.on_time)} af {fmt_int(tally_.n)}",
        delta_color="off",
        delta_arrow="off",
        help=help_text,
        border=True,
    )
for col, title, part in (
    (c3, "Møder holdt", t.meetings_held),
    (c4, "Sagsbeh. deltog", t.caseworker_present),
):
    col.metric(
        title,
        fmt_pct(part / t.evaluations_held) if t.evaluations_held else "–",
        f"{fmt_int(part)} af {fmt_int(t.evaluations_held)}",
        delta_color="off",
        delta_arrow="off",
        help=HELP_MEETING,
        border=True,
    )

tab_agreement, tab_caseworker = st.tabs(["Pr. samarbejdsaftale", "Pr. sagsbehandler"])
for tab, groups, label in (
    (tab_agreement, data.by_agreement, "Samarbejdsaftale"),
    (tab_caseworker, data.by_caseworker, "Sagsbehandler"),
):
    with tab:
        # Two tables of five columns: all visible at once on a manager's screen.
        for title, frame, help_texts in group_tables(groups, label):
            st.markdown(f"**{title}**")
            st.dataframe(
                frame,
                hide_index=True,
                width="stretch",
                column_config={
                    column: st.column_config.TextColumn(column, help=text)
                    for column, text in help_texts.items()
                },
            )
        for measure, title in MEASURES.items():
            frame = status_frame(groups, measure)
            if frame.empty:
                empty_state(f"Ingen {title.lower()} med frist i perioden.")
            else:
                st.altair_chart(
                    danish(status_share_chart(frame, f"{title} med frist i perioden")),
                    width="stretch",
                    theme=None,
                )

st.subheader("Overskredet nu")
if data.overdue:
    st.dataframe(
        open_items_table(data.overdue, "Dage over fristen"),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"{fmt_int(len(data.overdue))} ting i aktive forløb er over fristen.")
else:
    empty_state("Intet er over fristen i aktive forløb.")
st.subheader(f"Forfalder de næste {DUE_SOON_DAYS} dage")
if data.due_soon:
    st.dataframe(
        open_items_table(data.due_soon, "Dage til fristen"),
        hide_index=True,
        width="stretch",
    )
else:
    empty_state(f"Intet forfalder de næste {DUE_SOON_DAYS} dage.")
if filters.end < dt.date.today():
    st.caption("Listerne over frister vises kun, når perioden går til og med i dag.")

# Mentor follow-up is compliance too: the quality pages' section, for the same agreements.
mentor_compliance_section(scope, filters)
