"""Resultater's sections: the key figures of the ended courses, outcomes per agreement and
per target group, length and extensions per agreement, certificates obtained."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.charts.dashboards import outcome_chart
from lib.charts.style import danish
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.format import fmt_int, fmt_number, fmt_pct
from lib.domain.period import Filters
from lib.queries.outcomes import LengthSummary, certificates, outcome_counts
from views.components.dashboard import share_kpi, show_chart_once
from views.components.filters import agreement_names
from views.components.layout import empty_state, kpi, table
from views.components.runtime import cached_query
from views.texts import dashboards as texts


def result_cards(total: LengthSummary) -> None:
    """Ended courses, the share into job or education, mean length and extensions."""
    ended, job_or_education, length, extended = st.columns(4)
    kpi(ended, measures.ENDED.label, fmt_int(total.ended), None, measures.ENDED.definition)
    share_kpi(job_or_education, measures.JOB_OR_EDUCATION, total.job_or_education, total.ended)
    kpi(
        length,
        measures.COURSE_LENGTH.label,
        f"{fmt_number(total.mean_weeks, 1)} uger",
        f"n = {fmt_int(total.ended)}",
        measures.COURSE_LENGTH.definition,
    )
    share_kpi(
        extended,
        measures.EXTENSIONS,
        total.extended_courses,
        total.ended,
        f"; {fmt_int(total.extensions)} forlængelser",
    )


def outcome_frame(scope: Scope, filters: Filters) -> pd.DataFrame:
    """Ended courses per agreement, target group and outcome."""
    return pd.DataFrame(
        cached_query(outcome_counts, scope, filters),
        columns=["Samarbejdsaftale", "Målgruppe", "Resultat", "Kategori", "Forløb"],
    )


def outcome_charts(scope: Scope, outcomes: pd.DataFrame) -> None:
    """Outcomes per agreement (in the agreements' colours), then per target group."""
    for by, colours in (
        ("Samarbejdsaftale", agreement_names(scope)),
        ("Målgruppe", None),
    ):
        frame = outcomes.groupby(["Resultat", by], as_index=False)["Forløb"].sum()
        show_chart_once(
            f"outcomes:{by}",
            frame.to_csv(index=False) + repr(colours),
            lambda frame=frame, by=by, colours=colours: danish(outcome_chart(frame, by, colours)),
        )
    st.caption(measures.ENDED.definition)


def agreement_table(lengths: list[LengthSummary], total: LengthSummary) -> None:
    """Per agreement and in all: ended, job or education, mean length, extensions."""
    rows = [*lengths, total]
    st.subheader("Pr. samarbejdsaftale")
    weeks = f"{measures.COURSE_LENGTH.label} (uger)"
    table(
        pd.DataFrame(
            {
                "Samarbejdsaftale": [r.agreement for r in rows],
                measures.ENDED.label: [r.ended for r in rows],
                measures.JOB_OR_EDUCATION.label: [
                    f"{fmt_pct(r.job_or_education_share)} ({r.job_or_education})" for r in rows
                ],
                weeks: [fmt_number(r.mean_weeks, 1) for r in rows],
                measures.EXTENSIONS.label: [r.extensions for r in rows],
                "Forløb forlænget": [r.extended_courses for r in rows],
            }
        ),
        {
            measures.JOB_OR_EDUCATION.label: measures.JOB_OR_EDUCATION.definition,
            weeks: measures.COURSE_LENGTH.definition,
            measures.EXTENSIONS.label: measures.EXTENSIONS.definition,
        },
    )


def target_group_table(outcomes: pd.DataFrame) -> None:
    """Ended courses per outcome (rows) and target group (columns)."""
    with st.expander("Resultater pr. målgruppe"):
        pivot = outcomes.pivot_table(
            index="Resultat", columns="Målgruppe", values="Forløb", aggfunc="sum", fill_value=0
        ).reset_index()
        table(pivot)


def certificate_table(scope: Scope, filters: Filters) -> None:
    """Certificates obtained in the period, per agreement."""
    st.subheader(measures.CERTIFICATES.label)
    rows = cached_query(certificates, scope, filters)
    if not rows:
        empty_state(texts.NO_CERTIFICATES)
        return
    table(
        pd.DataFrame(rows, columns=["Samarbejdsaftale", "Bevis", "Antal"]),
        {"Antal": measures.CERTIFICATES.definition},
    )
