"""Opfølgning's tables and chart frames: each follow-up measure per agreement or caseworker as
'share (x of n)', the status shares for the stacked charts, and the overdue and due-soon
lists. Pure pandas shaping of lib.queries.compliance's result; the page draws them.
"""

from __future__ import annotations

import pandas as pd

from lib.domain import measures
from lib.domain.enums import DueStatus
from lib.domain.format import fmt_date, fmt_int, fmt_pct
from lib.domain.rules import Tally
from lib.queries.compliance import GroupCompliance, OpenItem
from views.components.course_page import LINK_COLUMN, course_address

STATUS_MEASURES = {
    "plans": "Planer",
    "evaluations": "Evalueringer",
    "deliverables": "Leverancer",
}


def status_frame(groups: list[GroupCompliance], measure: str) -> pd.DataFrame:
    """Long frame for a stacked status chart: Gruppe, Status, Rækkefølge, Antal, Andel, n."""
    records = []
    for g in groups:
        t: Tally = getattr(g, measure)
        if not t.n:
            continue
        for order, (status, count) in enumerate(
            (
                (DueStatus.ON_TIME, t.on_time),
                (DueStatus.LATE, t.late),
                (DueStatus.MISSING, t.missing),
            )
        ):
            records.append(
                {
                    "Gruppe": f"{g.label} (n = {t.n})",
                    "Status": status.label,
                    "Rækkefølge": order,
                    "Antal": count,
                    "Andel": count / t.n,
                    "n": t.n,
                }
            )
    return pd.DataFrame(records)


def share_of_n(part: int, n: int) -> str:
    return f"{fmt_pct(part / n)} ({fmt_int(part)} af {fmt_int(n)})" if n else "–"


def group_tables(
    groups: list[GroupCompliance], label: str
) -> list[tuple[str, pd.DataFrame, dict[str, str]]]:
    """Per group each measure as 'share (x of n)' in Danish, in two tables that each fit
    a manager's screen without scrolling sideways (eight measures in one did not):
    (title, frame, column -> definition for the column's help)."""
    names = {label: [g.label for g in groups]}
    plans_evaluations = pd.DataFrame(
        {
            **names,
            measures.PLANS_ON_TIME.label: [share_of_n(g.plans.on_time, g.plans.n) for g in groups],
            measures.EVALUATIONS_ON_TIME.label: [
                share_of_n(g.evaluations.on_time, g.evaluations.n) for g in groups
            ],
            "Evalueringer for sent": [
                share_of_n(g.evaluations.late, g.evaluations.n) for g in groups
            ],
            "Evalueringer mangler": [
                share_of_n(g.evaluations.missing, g.evaluations.n) for g in groups
            ],
        }
    )
    meetings_deliverables = pd.DataFrame(
        {
            **names,
            measures.MEETINGS_HELD.label: [
                share_of_n(g.meetings_held, g.evaluations_held) for g in groups
            ],
            measures.CASEWORKER_PRESENT.label: [
                share_of_n(g.caseworker_present, g.evaluations_held) for g in groups
            ],
            measures.DELIVERABLES_ON_TIME.label: [
                share_of_n(g.deliverables.on_time, g.deliverables.n) for g in groups
            ],
            "Leverancer mangler": [
                share_of_n(g.deliverables.missing, g.deliverables.n) for g in groups
            ],
        }
    )
    help_texts = {
        measures.PLANS_ON_TIME.label: measures.PLANS_ON_TIME.definition,
        measures.EVALUATIONS_ON_TIME.label: measures.EVALUATIONS_ON_TIME.definition,
        "Evalueringer for sent": measures.EVALUATIONS_ON_TIME.definition,
        "Evalueringer mangler": measures.EVALUATIONS_ON_TIME.definition,
        measures.MEETINGS_HELD.label: measures.MEETINGS_HELD.definition,
        measures.CASEWORKER_PRESENT.label: measures.CASEWORKER_PRESENT.definition,
        measures.DELIVERABLES_ON_TIME.label: measures.DELIVERABLES_ON_TIME.definition,
        "Leverancer mangler": measures.DELIVERABLES_ON_TIME.definition,
    }
    return [
        (
            title,
            frame,
            {c: help_texts[c] for c in frame.columns if c in help_texts},
        )
        for title, frame in (
            ("Planer og evalueringer", plans_evaluations),
            ("Opfølgningsmøder og leverancer", meetings_deliverables),
        )
    ]


def open_items_table(items: list[OpenItem], days_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Deltager": [i.case_code for i in items],
            "Samarbejdsaftale": [i.agreement for i in items],
            "Sagsbehandler": [i.caseworker for i in items],
            "Hvad": [i.kind for i in items],
            "Frist": [fmt_date(i.due) for i in items],
            days_label: [i.days for i in items],
            LINK_COLUMN: [course_address(i.case_code) for i in items],
        }
    )
