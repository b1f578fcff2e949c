"""Kvalitet's first section: how many started courses have a written work agreement, which
elements the agreements contain (against the STV project's mid-term evaluation), over time
and per course."""

from __future__ import annotations

import streamlit as st

from lib.charts.quality import MAX_QUARTERS, element_chart, element_time_chart
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.format import fmt_date, fmt_pct
from lib.domain.quality import (
    STV_LABEL,
    STV_MIDPOINT_WRITTEN,
    WORK_AGREEMENT_ELEMENTS,
    ElementCounts,
    element_shares,
    written_share,
)
from lib.queries.quality import WorkAgreementSummary, work_agreement_rows, work_agreement_summary
from views.components.dashboard import pooled_note, pools_agreements, show_chart_once
from views.components.layout import Card, empty_state, group_cards
from views.components.quality import course_cells, course_table, on_request
from views.components.runtime import cached_query
from views.texts import quality as texts

ELEMENT_SHARE_BY_QUARTER = (
    "Samme andele, opdelt efter det kvartal, forløbet startede. n i kolonneoverskriften = "
    "antal skriftlige aftaler; 'Skriftlig arbejdsaftale' er andelen af alle startede forløb "
    "i kvartalet."
)


def work_agreements_section(
    scope: Scope, agreement_ids: tuple[int, ...], colour_order: list[str]
) -> None:
    st.subheader("Arbejdsaftaler")
    summary = cached_query(work_agreement_summary, scope, agreement_ids)
    if summary.total.enrolments == 0:
        empty_state(texts.NO_STARTED_COURSES, texts.NO_STARTED_COURSES_HINT)
        return
    written_cards(summary)
    if summary.total.written == 0:
        empty_state(texts.NO_WRITTEN_AGREEMENTS)
    else:
        element_charts(summary, colour_order)
    if not on_request(texts.SHOW_WORK_AGREEMENTS, summary.total.enrolments, "arbejdsaftaler"):
        return
    rows = cached_query(work_agreement_rows, scope, agreement_ids)
    course_table(
        "Arbejdsaftalen pr. forløb",
        [
            {
                **course_cells(r),
                "Underskrevet": fmt_date(r.signed_on, "Ingen aftale"),
                **{label: r.elements[key] for key, label in WORK_AGREEMENT_ELEMENTS},
                "Elementer": f"{r.element_count} af 7" if r.signed_on else "–",
            }
            for r in rows
        ],
        {
            label: st.column_config.CheckboxColumn(label, width="small")
            for _, label in WORK_AGREEMENT_ELEMENTS
        },
        expander=False,
    )


def written_cards(summary: WorkAgreementSummary) -> None:
    """The written share per agreement and for all shown, beside the national figure."""
    stv = fmt_pct(STV_MIDPOINT_WRITTEN, 0)

    def card(name: str, counts: ElementCounts) -> Card:
        return Card(
            name,
            fmt_pct(written_share(counts)),
            f"{counts.written} af {counts.enrolments} med skriftlig arbejdsaftale",
            f"{measures.WRITTEN_WORK_AGREEMENT.definition} {counts.enrolments} forløb, heraf "
            f"{counts.written} med aftale. {STV_LABEL}: {stv}.",
        )

    group_cards(
        [card(name, counts) for _, name, counts in summary.by_agreement],
        card(texts.ALL_SHOWN, summary.total),
        ("Samarbejdsaftale", measures.WRITTEN_WORK_AGREEMENT.label, "Forløb"),
        measures.WRITTEN_WORK_AGREEMENT.definition,
    )
    st.caption(f"Til sammenligning: {STV_LABEL} fandt {stv}.")


def element_charts(summary: WorkAgreementSummary, colour_order: list[str]) -> None:
    """Which elements the written agreements contain: per agreement, then per quarter."""
    st.markdown(
        "**Hvilke elementer indeholder aftalerne?**",
        help=measures.WORK_AGREEMENT_ELEMENT.definition,
    )
    groups = summary.by_agreement
    if pools_agreements(len(groups)):
        groups, colour_order = [(0, texts.ALL_SHOWN, summary.total)], [texts.ALL_SHOWN]
    show_chart_once(
        "elements",
        repr((groups, colour_order)),
        lambda: element_chart(groups, colour_order),
    )
    st.caption(texts.STV_REFERENCE_CAPTION)
    pooled_note(len(summary.by_agreement))
    st.markdown("**Over tid – efter kvartalet, forløbet startede**", help=ELEMENT_SHARE_BY_QUARTER)
    if len(summary.by_quarter) < 2:
        st.caption(texts.ONE_QUARTER_ONLY)
    elif len(summary.by_quarter) > MAX_QUARTERS:
        st.caption(texts.LATEST_QUARTERS.format(shown=MAX_QUARTERS, count=len(summary.by_quarter)))
    show_chart_once(
        "elements_by_quarter",
        repr(summary.by_quarter),
        lambda: element_time_chart(summary.by_quarter),
    )
    st.caption(
        "Alle viste aftaler: "
        + " · ".join(
            f"{e.label} {fmt_pct(e.share, 0)} ({e.count} af {e.n})"
            for e in element_shares(summary.total)
        )
    )
