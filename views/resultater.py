"""Resultater: ended courses by outcome per agreement and target group, course length
and extensions, share into job or education, certificates obtained."""

import pandas as pd
import streamlit as st

from lib.chart_style import danish
from lib.charts import outcome_chart
from lib.format import fmt_int, fmt_number, fmt_pct
from lib.outcomes import (
    HELP_CERTIFICATES,
    HELP_ENDED,
    HELP_EXTENSIONS,
    HELP_JOB_EDUCATION,
    HELP_LENGTH,
    certificates,
    course_lengths,
    outcome_counts,
    total_lengths,
)
from views.common import cached_query, empty_state, page_header, require_scope
from views.filters import agreement_names, sidebar_filters

scope = require_scope()
filters = sidebar_filters(scope)
page_header("Resultater", "Hvad sker der efter endt forløb? Afsluttede forløb i perioden.")

lengths = cached_query(course_lengths, scope, filters)
total = total_lengths(lengths)
if not total.ended:
    empty_state(
        "Ingen afsluttede forløb i perioden med de valgte filtre.",
        "Vælg en længere periode i venstre side for at se tidligere forløb.",
    )
else:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Afsluttede forløb", fmt_int(total.ended), help=HELP_ENDED, border=True)
    c2.metric(
        "I job eller uddannelse",
        fmt_pct(total.job_or_education_share),
        f"{fmt_int(total.job_or_education)} af {fmt_int(total.ended)}",
        delta_color="off",
        delta_arrow="off",
        help=HELP_JOB_EDUCATION,
        border=True,
    )
    c3.metric(
        "Gns. længde",
        f"{fmt_number(total.mean_weeks, 1)} uger",
        f"n = {fmt_int(total.ended)}",
        delta_color="off",
        delta_arrow="off",
        help=HELP_LENGTH,
        border=True,
    )
    c4.metric(
        "Forlængede forløb",
        fmt_pct(total.extended_share),
        f"{fmt_int(total.extended_courses)} af {fmt_int(total.ended)}; "
        f"{fmt_int(total.extensions)} forlængelser",
        delta_color="off",
        delta_arrow="off",
        help=HELP_EXTENSIONS,
        border=True,
    )

    counts = cached_query(outcome_counts, scope, filters)
    frame = pd.DataFrame(
        counts, columns=["Samarbejdsaftale", "Målgruppe", "Resultat", "Kategori", "Forløb"]
    )
    by_agreement = frame.groupby(["Resultat", "Samarbejdsaftale"], as_index=False)["Forløb"].sum()
    st.altair_chart(
        danish(outcome_chart(by_agreement, "Samarbejdsaftale", agreement_names(scope))),
        width="stretch",
        theme=None,
    )
    by_group = frame.groupby(["Resultat", "Målgruppe"], as_index=False)["Forløb"].sum()
    st.altair_chart(danish(outcome_chart(by_group, "Målgruppe")), width="stretch", theme=None)
    st.caption(HELP_ENDED)

    st.subheader("Pr. samarbejdsaftale")
    st.dataframe(
        pd.DataFrame(
            {
                "Samarbejdsaftale": [r.agreement for r in [*lengths, total]],
                "Afsluttede": [r.ended for r in [*lengths, total]],
                "I job/uddannelse": [
                    f"{fmt_pct(r.job_or_education_share)} ({r.job_or_education})"
                    for r in [*lengths, total]
                ],
                "Gns. længde (uger)": [fmt_number(r.mean_weeks, 1) for r in [*lengths, total]],
                "Forlængelser": [r.extensions for r in [*lengths, total]],
                "Forløb forlænget": [r.extended_courses for r in [*lengths, total]],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "I job/uddannelse": st.column_config.TextColumn(help=HELP_JOB_EDUCATION),
            "Gns. længde (uger)": st.column_config.TextColumn(help=HELP_LENGTH),
            "Forlængelser": st.column_config.NumberColumn(help=HELP_EXTENSIONS),
        },
    )
    with st.expander("Resultater pr. målgruppe"):
        pivot = frame.pivot_table(
            index="Resultat", columns="Målgruppe", values="Forløb", aggfunc="sum", fill_value=0
        ).reset_index()
        st.dataframe(pivot, hide_index=True, width="stretch")

st.subheader("Beviser")
certs = cached_query(certificates, scope, filters)
if certs:
    st.dataframe(
        pd.DataFrame(certs, columns=["Samarbejdsaftale", "Bevis", "Antal"]),
        hide_index=True,
        width="stretch",
        column_config={"Antal": st.column_config.NumberColumn(help=HELP_CERTIFICATES)},
    )
else:
    empty_state("Ingen beviser opnået i perioden.")
