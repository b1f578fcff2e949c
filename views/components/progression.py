"""Progression's sections: mean change per parameter (cards, chart, table) beside the
score distribution, the sub-elements, each participant's trajectory and one participant's
star chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.charts.dashboards import (
    distribution_chart,
    mean_change_chart,
    spread,
    star_chart,
    trajectory_chart,
)
from lib.charts.style import PARAMETER_COLORS, danish
from lib.domain import measures
from lib.domain.access import Scope
from lib.domain.format import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_signed
from lib.domain.period import Filters
from lib.domain.text import inert, plain
from lib.queries.progression import (
    ParameterChange,
    StarScores,
    count_with_baseline,
    fullest_star,
    parameters,
    participants_with_baseline,
    score_distribution,
    score_levels,
    star_scores,
    sub_element_focus,
    trajectories,
)
from lib.queries.sub_goals import sub_goal_progress
from views.components.course_page import course_page_link
from views.components.dashboard import show_chart_once
from views.components.layout import empty_state, kpi, table
from views.components.pickers import PICKER_LIMIT
from views.components.runtime import cached_query
from views.texts import dashboards as texts


def _labels_by_code() -> dict[str, str]:
    return {code: label for _, code, label in cached_query(parameters)}


# --------------------------------------------------------------------------- sub-goals
def sub_goal_section(scope: Scope, filters: Filters) -> None:
    """The evaluation's second part at each course's latest evaluation in the period:
    sub-goals reached, nearing the long-term goal, sub-goals to adjust, each with its n."""
    p = cached_query(sub_goal_progress, scope, filters)
    if not p.evaluations:
        return
    st.subheader("Delmål og det langsigtede mål")
    c1, c2, c3 = st.columns(3)
    kpi(
        c1,
        measures.SUB_GOALS_REACHED.label,
        fmt_pct(p.reached_share) if p.goals else "–",
        f"{fmt_int(p.reached)} af n = {fmt_int(p.goals)} delmål; "
        f"{fmt_int(p.in_progress)} i gang, {fmt_int(p.not_started)} ikke påbegyndt",
        measures.SUB_GOALS_REACHED.definition,
    )
    kpi(
        c2,
        measures.NEARING_GOAL.label,
        fmt_pct(p.closer_share),
        f"{fmt_int(p.closer)} af n = {fmt_int(p.goal_answered)} forløb",
        measures.NEARING_GOAL.definition,
    )
    kpi(
        c3,
        measures.SUB_GOALS_TO_ADJUST.label,
        fmt_pct(p.adjust_share),
        f"{fmt_int(p.to_adjust)} af n = {fmt_int(p.adjust_answered)} forløb",
        measures.SUB_GOALS_TO_ADJUST.definition,
    )


# --------------------------------------------------------------------------- mean change
def change_section(scope: Scope, filters: Filters, changes: list[ParameterChange]) -> None:
    """Per parameter (not sub-element): the mean change on cards, as a chart and a table,
    beside the distribution of scores; or why there is nothing to show yet."""
    whole = [c for c in changes if c.sub_element_id is None]
    if not max((c.n for c in whole), default=0):
        empty_state(texts.NO_PROGRESSION, texts.NO_PROGRESSION_HINT)
        return
    for column, c in zip(st.columns(len(whole)), whole, strict=True):
        kpi(
            column,
            c.label,
            fmt_signed(c.mean_change, 2) if c.n else "–",
            f"n = {fmt_int(c.n)}; {fmt_int(c.improved)} op, {fmt_int(c.worse)} ned",
            measures.MEAN_CHANGE.definition,
        )
    left, right = st.columns([1, 1.3])
    with left:
        _mean_change(whole)
    with right:
        _distribution(scope, filters)


def _mean_change(whole: list[ParameterChange]) -> None:
    scored = [c for c in whole if c.n]
    frame = pd.DataFrame(
        {
            "Parameter": [c.label for c in scored],
            "Ændring": [c.mean_change for c in scored],
            "n": [c.n for c in scored],
            "Tekst": [f"{fmt_signed(c.mean_change, 2)} (n = {fmt_int(c.n)})" for c in scored],
        }
    )
    labels = _labels_by_code()
    show_chart_once(
        "mean_change", repr((scored, labels)), lambda: danish(mean_change_chart(frame, labels))
    )
    # Short headers and fixed narrow widths for the numbers, so all five columns fit the
    # half-width column without scrolling (auto-sizing clipped the n column).
    table(
        pd.DataFrame(
            {
                "Parameter": [c.label for c in whole],
                "Baseline": [fmt_number(c.mean_baseline, 2) for c in whole],
                "Seneste": [fmt_number(c.mean_latest, 2) for c in whole],
                "Ændring": [fmt_signed(c.mean_change, 2) for c in whole],
                "n": [c.n for c in whole],
            }
        ),
        {
            "Baseline": "Gennemsnitlig score ved baseline",
            "Seneste": "Gennemsnitlig score ved seneste evaluering",
            "n": "Deltagere med baseline og evaluering",
        },
        {"Parameter": 172, "Baseline": 58, "Seneste": 58, "Ændring": 62, "n": 36},
    )


def _distribution(scope: Scope, filters: Filters) -> None:
    levels = cached_query(score_levels)
    rows = cached_query(score_distribution, scope, filters)
    frame = pd.DataFrame(rows, columns=["code", "Parameter", "Tidspunkt", "Score", "Deltagere"])
    frame["Label"] = frame["Score"].map(levels)
    order = list(_labels_by_code().values())
    show_chart_once(
        "distribution",
        repr((rows, levels, order)),
        lambda: danish(distribution_chart(frame, levels, order)),
        stretch=False,
    )
    st.caption(
        measures.SCORE_DISTRIBUTION.definition
        + " Skala: "
        + "; ".join(f"{value} = {label.lower()}" for value, label in levels.items())
        + "."
    )


# --------------------------------------------------------------------------- sub-elements
def sub_element_section(scope: Scope, filters: Filters, changes: list[ParameterChange]) -> None:
    """Mean change per scored sub-element, and which sub-elements the plans' sub-goals
    work on."""
    with st.expander("Delelementer"):
        scored = [c for c in changes if c.sub_element_id is not None and c.n]
        if scored:
            table(
                pd.DataFrame(
                    {
                        "Parameter": [c.label for c in scored],
                        "Delelement": [c.sub_element for c in scored],
                        "Ændring": [fmt_signed(c.mean_change, 2) for c in scored],
                        "n": [c.n for c in scored],
                    }
                )
            )
        else:
            st.caption(texts.NO_SUB_ELEMENT_SCORES)
        focus = cached_query(sub_element_focus, scope, filters)
        if focus:
            table(pd.DataFrame(focus, columns=["Parameter", "Delelement", "Deltagere"]))


# --------------------------------------------------------------------------- trajectories
# Above this many participants the trajectory chart shows the first ones by case code and
# the star's picker searches: one line or option per participant does not scale to a
# national caseload (100,000 courses).
TRAJECTORY_LIMIT = 300


def trajectory_section(scope: Scope, filters: Filters) -> None:
    """Every participant's scores on one parameter over time, and the mean."""
    st.subheader("Udvikling over tid")
    params = cached_query(parameters)
    labels_by_code = _labels_by_code()
    choice = st.segmented_control(
        "Parameter",
        [code for _, code, _ in params],
        format_func=lambda code: inert(labels_by_code[code]),
        default=params[0][1] if params else None,
        key="progression_parameter",
    )
    if not choice:
        return
    parameter_id = next(p for p, code, _ in params if code == choice)
    people = cached_query(count_with_baseline, scope, filters)
    limit = TRAJECTORY_LIMIT if people > TRAJECTORY_LIMIT else None
    points = cached_query(trajectories, scope, filters, parameter_id, None, limit)
    if not points:
        empty_state(texts.NO_TRAJECTORY.format(parameter=labels_by_code[choice]))
        return
    levels = cached_query(score_levels)
    frame = pd.DataFrame(points, columns=["Deltager", "Dato", "Score", "Tidspunkt"])
    frame["Dato"] = pd.to_datetime(frame["Dato"])
    frame["Label"] = frame["Score"].map(levels)
    frame["Placering"] = frame["Score"] + spread(frame["Deltager"])
    colour = PARAMETER_COLORS.get(choice, "#0072B2")
    show_chart_once(
        "trajectory",
        repr((points, levels, colour)),
        lambda: danish(trajectory_chart(frame, levels, colour)),
    )
    st.caption(texts.TRAJECTORY_CAPTION.format(n=fmt_int(frame["Deltager"].nunique())))
    if limit is not None:
        st.caption(
            f"Viser de første {fmt_int(limit)} af {fmt_int(people)} deltagere efter "
            "sagsnummer; afgræns med filtrene for at se andre."
        )


# --------------------------------------------------------------------------- star
def star_section(scope: Scope, filters: Filters) -> None:
    """One participant's star: baseline against now on every parameter."""
    st.subheader("Stjerne for én deltager")
    total = cached_query(count_with_baseline, scope, filters)
    if not total:
        empty_state(texts.NO_BASELINE)
        return
    fullest = cached_query(fullest_star, scope, filters)
    search = ""
    if total > PICKER_LIMIT:
        search = st.text_input(
            "Søg deltager",
            key="progression_soeg",
            placeholder="Sagsnummer",
            help=f"{fmt_int(total)} deltagere; listen viser højst {PICKER_LIMIT}.",
        ).strip()
    # The first PICKER_LIMIT by case code (the fullest star first), or those the search
    # finds: searched and cut in SQL.
    people = cached_query(
        participants_with_baseline,
        scope,
        filters,
        None,
        search,
        PICKER_LIMIT,
        fullest if total > PICKER_LIMIT and not search else None,
    )
    codes = dict(people)
    options = list(codes)
    picked = st.selectbox(
        "Deltager",
        options,
        index=options.index(fullest) if fullest in options else (0 if options else None),
        format_func=lambda i: plain(codes[i]),
        key="progression_participant",
        help=texts.PARTICIPANT_HELP,
    )
    if picked is None:
        return
    star = cached_query(star_scores, scope, picked, filters.as_of())
    if star is None:
        return
    levels = cached_query(score_levels)
    left, right = st.columns([1.2, 1])
    with left:
        show_chart_once(
            "star",
            repr((star.rows, max(levels))),
            lambda: danish(star_chart(star.rows, max(levels))),
            stretch=False,
        )
    with right:
        _star_details(star, levels)
        course_page_link(picked)


def _star_details(star: StarScores, levels: dict[int, str]) -> None:
    st.markdown(
        f"**{inert(star.case_code)}**  \nBaseline: {fmt_date(star.baseline_on)}  \n"
        f"Seneste evaluering: {fmt_date(star.latest_on)}"
    )
    if star.latest_on is None:
        st.info(texts.ONLY_BASELINE, icon=":material/hourglass_empty:")
    table(
        pd.DataFrame(
            {
                "Parameter": [r[1] for r in star.rows],
                "Baseline": [
                    levels.get(r[2], "Ikke valgt") if r[2] else "Ikke valgt" for r in star.rows
                ],
                "Nu": [levels.get(r[3], "–") if r[3] else "–" for r in star.rows],
            }
        ),
    )
