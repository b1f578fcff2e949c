"""Sections of Mine resultater: one person's figures against the whole centre (what a
caseworker sees, and a manager for the caseworker chosen) and a manager's overview per
caseworker. Labels and definitions are lib.domain.measures'; copy in views/texts."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.charts.quality import compare_bars
from lib.domain import measures
from lib.domain.format import fmt_date, fmt_number, fmt_pct, fmt_signed
from lib.domain.measures import Measure
from lib.queries.my_results import Figures, MyResults
from lib.queries.progression import ChangeSums
from views.components.layout import empty_state, kpi, page_header, table
from views.texts import my_results as text

Share = tuple[float | None, int, int]  # value, part, whole (n)


def job_or_education(f: Figures) -> Share:
    return f.job_or_education_share, f.job_or_education, f.ended


FOLLOW_UP: tuple[tuple[Measure, Callable[[Figures], Share]], ...] = (
    (measures.PLANS_ON_TIME, lambda f: (f.plan_share, f.plans.on_time, f.plans.n)),
    (measures.EVALUATIONS_CURRENT,
     lambda f: (f.evaluation_share, f.evaluations_current, f.evaluations_active)),
    (measures.MEETINGS_HELD, lambda f: (f.meeting_share, f.meetings_held, f.evaluations_held)),
    (measures.MENTOR_ON_TIME, lambda f: (f.mentor_share, f.mentor_on_time, f.mentor_due)),
    (measures.JOB_OR_EDUCATION, job_or_education),
)  # fmt: skip


def share_text(value: float | None, part: int, whole: int) -> str:
    return f"{fmt_pct(value)} ({part} af {whole})" if whole else "–"


def change_text(value: float | None) -> str:
    return fmt_signed(value, 2) if value is not None else "–"


def header(results: MyResults, intro: str) -> None:
    page_header(
        text.TITLE,
        f"{intro} "
        + text.PERIOD_NOTE.format(as_of=fmt_date(results.as_of), period=results.period.label),
    )


def _key_figures(own: Figures, centre: Figures) -> None:
    c1, c2, c3 = st.columns(3)
    kpi(c1, measures.COURSES.label, f"{own.courses}", None,
        text.COURSES_HELP.format(definition=measures.COURSES.definition, active=own.active,
                                 centre=centre.courses))  # fmt: skip
    jobs = measures.JOB_OR_EDUCATION
    kpi(c2, jobs.label, share_text(*job_or_education(own)), None,
        text.CENTRE_HELP.format(definition=jobs.definition,
                                centre=share_text(*job_or_education(centre))))  # fmt: skip
    mine, theirs = own.mean_change, centre.mean_change
    against = None
    if mine is not None and theirs is not None:
        sign = "-" if mine < theirs else "+"
        against = text.AGAINST_CENTRE.format(diff=f"{sign}{fmt_number(abs(mine - theirs), 2)}")
    c3.metric(
        measures.OVERALL_CHANGE.label,
        "–" if mine is None else text.POINTS.format(value=fmt_signed(mine, 2)),
        against,
        help=text.PROGRESSION_HELP.format(
            definition=measures.OVERALL_CHANGE.definition,
            centre=change_text(theirs),
            centre_n=centre.overall.n,
            n=own.overall.n,
        ),
        border=True,
    )


def _follow_up(own: Figures, centre: Figures, group_label: str) -> None:
    st.subheader(
        text.FOLLOW_UP, help="\n\n".join(f"{m.label}: {m.definition}" for m, _ in FOLLOW_UP)
    )
    rows = []
    for measure, get in FOLLOW_UP:
        for who, figures in ((group_label, own), (centre.label, centre)):
            value, part, whole = get(figures)
            rows.append({"Mål": measure.label, "Gruppe": who, "Værdi": value,
                         "Tekst": share_text(value, part, whole)})  # fmt: skip
    st.altair_chart(compare_bars(rows, "Andel"), theme=None, width="stretch")
    st.caption(text.FOLLOW_UP_CAPTION)


def _improved(sums: ChangeSums | None) -> str:
    return share_text(sums.improved_share, sums.improved, sums.n) if sums else "–"


def _progression(results: MyResults, own: Figures, centre: Figures, group_label: str) -> None:
    st.subheader(text.PROGRESSION, help=measures.MEAN_CHANGE.definition)
    groups = ((group_label, own), (centre.label, centre))
    bars = [
        {"Mål": label, "Gruppe": who, "Værdi": p.mean_change,
         "Tekst": f"{change_text(p.mean_change)} (n = {p.n})"}
        for code, label in results.parameters
        for who, figures in groups
        if (p := figures.progression.get(code)) is not None and p.n
    ]  # fmt: skip
    if not bars:
        empty_state(text.NO_PROGRESSION)
        return
    st.altair_chart(
        compare_bars(bars, "Ændring i score", domain=None, percent=False),
        theme=None,
        width="stretch",
    )
    rows = []
    for code, label in results.parameters:
        mine, theirs = own.progression.get(code), centre.progression.get(code)
        rows.append({
            "Parameter": label,
            f"{group_label}: ændring": change_text(mine.mean_change if mine else None),
            f"{group_label}: forbedret": _improved(mine),
            f"{text.CENTRE_COLUMN_PREFIX}: ændring": change_text(theirs.mean_change if theirs else None),
            f"{text.CENTRE_COLUMN_PREFIX}: forbedret": _improved(theirs),
        })  # fmt: skip
    table(pd.DataFrame(rows))


def _outcomes(results: MyResults, own: Figures, centre: Figures, group_label: str,
              whose: str) -> None:  # fmt: skip
    st.subheader(text.OUTCOMES, help=measures.ENDED.definition)
    if not centre.ended:
        empty_state(text.NO_OUTCOMES)
        return
    rows = [
        {"Resultat": outcome,
         group_label: own.outcome_types.get(outcome, 0),
         f"{group_label}: andel": fmt_pct(own.outcome_types.get(outcome, 0) / own.ended
                                          if own.ended else None),
         centre.label: centre.outcome_types.get(outcome, 0),
         f"{text.CENTRE_COLUMN_PREFIX}: andel": fmt_pct(centre.outcome_types.get(outcome, 0)
                                                        / centre.ended)}
        for outcome in results.outcomes
    ]  # fmt: skip
    table(pd.DataFrame(rows))
    st.caption(text.OUTCOMES_CAPTION.format(own=own.ended, whose=whose, centre=centre.ended))


def detail(results: MyResults, own: Figures, who: str, group_label: str, whose: str) -> None:
    """One person's figures against the whole centre: key figures, follow-up, progression
    per parameter, outcomes."""
    if own.courses == 0 and own.ended == 0:
        empty_state(text.NO_COURSES.format(who=who), text.NO_COURSES_HINT)
        return
    centre = results.centre
    _key_figures(own, centre)
    if own.courses and own.courses < 5:
        st.caption(text.FEW_COURSES.format(n=own.courses))
    _follow_up(own, centre, group_label)
    _progression(results, own, centre, group_label)
    _outcomes(results, own, centre, group_label, whose)


def overview(results: MyResults) -> None:
    """A manager's table: one row per caseworker, the centre last."""
    rows = [
        {
            "Sagsbehandler": f.label,
            measures.COURSES.label: f.courses,
            "Aktive": f.active,
            **{m.label: share_text(*get(f)) for m, get in FOLLOW_UP},
            measures.OVERALL_CHANGE.label: change_text(f.mean_change),
        }
        for f in [*results.per_caseworker, results.centre]
    ]
    definitions = {m.label: m.definition for m, _ in FOLLOW_UP}
    definitions[measures.COURSES.label] = measures.COURSES.definition
    definitions[measures.OVERALL_CHANGE.label] = measures.OVERALL_CHANGE.definition
    table(pd.DataFrame(rows), definitions)
    st.caption(text.OVERVIEW_CAPTION)
