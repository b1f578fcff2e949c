"""Progression: baseline against latest scores per parameter, mean change with n, each
participant's trajectory, and one participant's star chart."""

import pandas as pd
import streamlit as st

from lib.chart_style import PARAMETER_COLORS, danish
from lib.charts import distribution_chart, mean_change_chart, spread, star_chart, trajectory_chart
from lib.format import fmt_date, fmt_int, fmt_number, fmt_signed
from lib.progression import (
    HELP_CHANGE,
    HELP_DISTRIBUTION,
    parameter_changes,
    parameters,
    participants_with_baseline,
    score_distribution,
    score_levels,
    star_scores,
    sub_element_focus,
    trajectories,
)
from views.common import cached_query, empty_state, page_header, require_scope
from views.filters import sidebar_filters

scope = require_scope()
filters = sidebar_filters(scope, sub_goals=True)
page_header(
    "Progression",
    "Hvad opnår deltagerne? Scorer ved den første plan (baseline) mod seneste evaluering.",
)
levels = cached_query(score_levels)
params = cached_query(parameters)
labels_by_code = {code: label for _, code, label in params}
changes = cached_query(parameter_changes, scope, filters)
whole = [c for c in changes if c.sub_element_id is None]
counted = max((c.n for c in whole), default=0)

if not counted:
    empty_state(
        "Endnu ingen progression at vise med de valgte filtre.",
        "Progression kræver en baseline (første plan) og mindst én senere evaluering. "
        "Deltagere med kun en baseline vises under stjernen nedenfor.",
    )
else:
    cols = st.columns(len(whole))
    for col, c in zip(cols, whole, strict=True):
        col.metric(
            c.label,
            fmt_signed(c.mean_change, 2) if c.n else "–",
            f"n = {fmt_int(c.n)}; {fmt_int(c.improved)} op, {fmt_int(c.worse)} ned",
            delta_color="off",
            delta_arrow="off",
            help=HELP_CHANGE,
            border=True,
        )
    left, right = st.columns([1, 1.3])
    with left:
        frame = pd.DataFrame(
            {
                "Parameter": [c.label for c in whole if c.n],
                "Ændring": [c.mean_change for c in whole if c.n],
                "n": [c.n for c in whole if c.n],
                "Tekst": [
                    f"{fmt_signed(c.mean_change, 2)} (n = {fmt_int(c.n)})" for c in whole if c.n
                ],
            }
        )
        st.altair_chart(
            danish(mean_change_chart(frame, labels_by_code)), width="stretch", theme=None
        )
        table = pd.DataFrame(
            {
                "Parameter": [c.label for c in whole],
                "Baseline": [fmt_number(c.mean_baseline, 2) for c in whole],
                "Seneste": [fmt_number(c.mean_latest, 2) for c in whole],
                "Ændring": [fmt_signed(c.mean_change, 2) for c in whole],
                "n": [c.n for c in whole],
            }
        )
        # Short headers so all five columns fit the half-width column without scrolling.
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            # Fixed narrow widths for the numbers: auto-sizing clipped the n column.
            column_config={
                "Parameter": st.column_config.TextColumn(width=172),
                "Baseline": st.column_config.TextColumn(
                    help="Gennemsnitlig score ved baseline", width=58
                ),
                "Seneste": st.column_config.TextColumn(
                    help="Gennemsnitlig score ved seneste evaluering", width=58
                ),
                "Ændring": st.column_config.TextColumn(width=62),
                "n": st.column_config.NumberColumn(
                    help="Deltagere med baseline og evaluering", width=36
                ),
            },
        )
    with right:
        dist = cached_query(score_distribution, scope, filters)
        dframe = pd.DataFrame(
            dist, columns=["code", "Parameter", "Tidspunkt", "Score", "Deltagere"]
        )
        dframe["Label"] = dframe["Score"].map(levels)
        st.altair_chart(
            danish(distribution_chart(dframe, levels, list(labels_by_code.values()))),
            theme=None,
        )
        st.caption(
            HELP_DISTRIBUTION
            + " Skala: "
            + "; ".join(f"{value} = {label.lower()}" for value, label in levels.items())
            + "."
        )

# --------------------------------------------------------------------------- sub-elements
with st.expander("Delelementer"):
    scored = [c for c in changes if c.sub_element_id is not None and c.n]
    if scored:
        st.dataframe(
            pd.DataFrame(
                {
                    "Parameter": [c.label for c in scored],
                    "Delelement": [c.sub_element for c in scored],
                    "Ændring": [fmt_signed(c.mean_change, 2) for c in scored],
                    "n": [c.n for c in scored],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(
            "Der er endnu ikke givet scorer på delelementer; nedenfor ses, hvilke "
            "delelementer planernes delmål arbejder med."
        )
    focus = cached_query(sub_element_focus, scope, filters)
    if focus:
        st.dataframe(
            pd.DataFrame(focus, columns=["Parameter", "Delelement", "Deltagere"]),
            hide_index=True,
            width="stretch",
        )

# --------------------------------------------------------------------------- trajectories
st.subheader("Udvikling over tid")
choice = st.segmented_control(
    "Parameter",
    [code for _, code, _ in params],
    format_func=lambda code: labels_by_code[code],
    default=params[0][1] if params else None,
    key="progression_parameter",
)
if choice:
    pid = next(p for p, code, _ in params if code == choice)
    points = cached_query(trajectories, scope, filters, pid)
    if points:
        tframe = pd.DataFrame(points, columns=["Deltager", "Dato", "Score", "Tidspunkt"])
        tframe["Dato"] = pd.to_datetime(tframe["Dato"])
        tframe["Label"] = tframe["Score"].map(levels)
        tframe["Placering"] = tframe["Score"] + spread(tframe["Deltager"])
        st.altair_chart(
            danish(trajectory_chart(tframe, levels, PARAMETER_COLORS.get(choice, "#0072B2"))),
            width="stretch",
            theme=None,
        )
        st.caption(
            f"Grå: én tynd linje pr. deltager (n = {fmt_int(tframe['Deltager'].nunique())}), "
            "fra egen baseline (måned 0) gennem hver evaluering, så forløb, der er startet "
            "på forskellige tidspunkter, kan sammenlignes. Farvet: gennemsnittet ved hver "
            "evaluering (hver 2. måned), hvor mindst 3 deltagere har en score; antal i tooltip. Hold musen over en "
            "grå linje for at se deltagerens kode."
        )
    else:
        empty_state(f"Ingen scorer på {labels_by_code[choice]} med de valgte filtre.")

# --------------------------------------------------------------------------- star
st.subheader("Stjerne for én deltager")
people = cached_query(participants_with_baseline, scope, filters)
if not people:
    empty_state("Ingen deltagere med en baseline med de valgte filtre.")
else:
    codes = dict(people)

    def _scored(enrolment_id: int) -> tuple[int, int]:
        """(parameters scored now, at baseline): the fullest star is the default."""
        rows = cached_query(star_scores, scope, enrolment_id, filters.as_of())
        if rows is None:
            return (0, 0)
        return (sum(r[3] is not None for r in rows.rows), sum(r[2] is not None for r in rows.rows))

    fullest = max(range(len(codes)), key=lambda i: _scored(list(codes)[i]))
    picked = st.selectbox(
        "Deltager",
        list(codes),
        index=fullest,
        format_func=lambda i: codes[i],
        key="progression_participant",
        help="Deltagerens kode (pseudonym). Navne og CPR-numre vises aldrig. Forvalgt: "
        "deltageren med flest scorede parametre.",
    )
    star = cached_query(star_scores, scope, picked, filters.as_of())
    if star is not None:
        left, right = st.columns([1.2, 1])
        with left:
            st.altair_chart(danish(star_chart(star.rows, max(levels))), theme=None)
        with right:
            st.markdown(
                f"**{star.case_code}**  \nBaseline: {fmt_date(star.baseline_on)}  \n"
                f"Seneste evaluering: {fmt_date(star.latest_on)}"
            )
            if star.latest_on is None:
                st.info(
                    "Kun baseline: der er endnu ingen evaluering, så der er ingen "
                    "progression at vise.",
                    icon=":material/hourglass_empty:",
                )
            st.dataframe(
                pd.DataFrame(
                    {
                        "Parameter": [r[1] for r in star.rows],
                        "Baseline": [
                            levels.get(r[2], "Ikke valgt") if r[2] else "Ikke valgt"
                            for r in star.rows
                        ],
                        "Nu": [levels.get(r[3], "–") if r[3] else "–" for r in star.rows],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
