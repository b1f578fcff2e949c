"""Pieces of the quality pages that other pages call too.

`mentor_compliance_section(scope, filters)` is the mentor follow-up block for the
compliance page (views/opfolgning.py): compliance with the agreed frequency per agreement
and per mentor type, with n, and the courses whose follow-up is overdue now.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.format import fmt_date, fmt_int, fmt_pct
from lib.quality import (
    FREQUENCY_LABELS,
    MENTOR_GRACE_DAYS,
    MENTOR_TYPE_LABELS,
    MentorCompliance,
    MentorGroup,
    mentor_compliance,
)
from lib.quality_charts import share_bars
from lib.scope import Scope
from views.common import cached_query, empty_state

MENTOR_RULE = (
    "Overholdt = andel af opfølgningsintervaller, der højst var den aftalte frekvens "
    f"(hver uge, hver 14. dag eller hver 3. uge) + {MENTOR_GRACE_DAYS} dages slør. "
    "Intervallerne går fra mentorens start til første kontakt, mellem kontakterne og fra "
    "sidste kontakt til i dag; det åbne interval tæller først, når det er overskredet."
)


def agreement_ids_of(filters) -> tuple[int, ...]:
    """Agreement ids from the compliance page's filters, whatever their shape: an object
    or a dict with `agreement_ids` (or `agreements`), or a plain list. Empty = all."""
    if filters is None:
        return ()
    if isinstance(filters, list | tuple | set):
        return tuple(sorted(int(i) for i in filters))
    for name in ("agreement_ids", "agreements"):
        value = filters.get(name) if isinstance(filters, dict) else getattr(filters, name, None)
        if value:
            return tuple(sorted(int(i) for i in value))
    return ()


def group_text(g: MentorGroup) -> str:
    return f"{fmt_pct(g.share)} ({g.on_time} af {g.due} intervaller)"


def mentor_compliance_section(scope: Scope, filters=None, *, heading: bool = True) -> None:
    """Mentor follow-up against the agreed frequency, for the scope and filters given."""
    data: MentorCompliance = cached_query(mentor_compliance, scope, agreement_ids_of(filters))
    if heading:
        st.subheader("Mentoropfølgning", help=MENTOR_RULE)
    if not data.rows:
        empty_state(
            "Der er ingen mentorer tilknyttet forløbene endnu.",
            "Når en mentor og den aftalte frekvens er registreret på et forløb, vises "
            "overholdelsen her.",
        )
        return
    groups = [*data.by_agreement, data.total] if len(data.by_agreement) > 1 else data.by_agreement
    cols = st.columns(len(groups))
    for col, g in zip(cols, groups, strict=True):
        col.metric(
            g.label,
            fmt_pct(g.share),
            f"{fmt_int(g.on_time)} af {fmt_int(g.due)} intervaller",
            delta_color="off",
            delta_arrow="off",
            help=f"{MENTOR_RULE} n = {g.due} intervaller i {g.assignments} mentorforløb; "
            f"{g.on_time} overholdt.",
            border=True,
        )
        if g.overdue_now:
            col.caption(f"{g.overdue_now} forløb har overskredet frekvensen lige nu.")
    st.markdown("**Pr. mentortype**")
    st.altair_chart(
        share_bars(
            [
                {
                    "Gruppe": f"{g.label} (n = {g.assignments})",
                    "Andel": g.share,
                    "Tekst": group_text(g),
                }
                for g in data.by_type
            ],
            "Overholdt frekvens",
        ),
        theme=None,
        width="stretch",
    )
    st.caption(
        "n = antal mentorforløb; procenten er andelen af deres opfølgningsintervaller, der "
        "overholdt den aftalte frekvens."
    )
    table = pd.DataFrame(
        [
            {
                "Deltager": f"{r.case_code} ({r.initials})",
                "Samarbejdsaftale": r.agreement,
                "Mentortype": MENTOR_TYPE_LABELS[r.mentor_type],
                "Mentor": r.mentor_name,
                "Aftalt frekvens": FREQUENCY_LABELS.get(
                    r.frequency_days, f"{r.frequency_days} dage"
                ),
                "Kontakter": r.contacts,
                "Seneste kontakt": fmt_date(r.last_contact),
                "Overholdt": f"{fmt_pct(r.intervals.share)} ({r.intervals.on_time} af {r.intervals.due})",
                "Dage siden kontakt": r.intervals.days_since_last if r.active else None,
                "Status": "Overskredet nu"
                if r.intervals.overdue_now and r.active
                else ("Afsluttet" if not r.active else "I rute"),
            }
            for r in data.rows
        ]
    )
    with st.expander(f"Mentorforløb ({len(data.rows)})"):
        st.dataframe(table, hide_index=True, width="stretch")
