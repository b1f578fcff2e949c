"""Altair charts for the quality, fidelity and my-results pages. Labels are formatted in
Python with lib.domain.format ("83,3 %"), the chart gets the Danish locale via `danish()`, and
colours are Okabe–Ito. No Streamlit here: the pages draw what these return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import altair as alt
import pandas as pd

from lib.charts.style import OKABE_ITO, agreement_colors, danish, pct_axis, pct_label_expr, pct_text
from lib.domain.fidelity import fmt_pp
from lib.domain.format import fmt_date, fmt_number
from lib.domain.quality import (
    STV_LABEL,
    STV_MIDPOINT_ELEMENT_RANGE,
    WORK_AGREEMENT_ELEMENTS,
    ElementCounts,
    element_shares,
    written_share,
)
from lib.queries.fidelity import Comparison
from lib.queries.quality import HoursWeek

ELEMENT_ORDER = [label for _, label in WORK_AGREEMENT_ELEMENTS]


WRITTEN_LABEL = "Skriftlig arbejdsaftale"
# The quarters over time: the latest this many. Each is a column with its share written in
# every cell, and 18 columns (M) made the headings run into each other.
MAX_QUARTERS = 8


HOURS_SERIES = {
    "Planlagt": OKABE_ITO[7],
    "Fremmødt": OKABE_ITO[0],
    "Sygefravær": OKABE_ITO[5],
    "Ordinære løntimer": OKABE_ITO[2],
}


ROUND_COLORS = {"Nulpunkt": "#56B4E9", "Midtvejs": "#0072B2", "Slut": "#000000"}


# Room to the right of the longest bar for its label ("100,0 % (295 af 321)"): at least
# LABEL_PX pixels, however narrow the chart is drawn, else labels at the right edge are
# clipped. The domain's upper end is an expression of the chart's width.
LABEL_PX = 120


SHARE_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1]


def value_scale(
    values: Iterable[float | None],
    domain: tuple[float, float] | None = None,
    labels: Iterable[object] = (),
) -> alt.Scale:
    """An x scale for bars labelled at their right end: the data range (or `domain`) with
    room on the right for the longest of `labels` (about 6.5 px a character at font size
    11), at least LABEL_PX and at most the right half of the chart."""
    label_px = max([LABEL_PX, *(int(len(str(t)) * 6.5) + 8 for t in labels)])
    numbers = [float(v) for v in values if v is not None and v == v]
    lo, hi = domain if domain else (min([0.0, *numbers]), max([0.0, *numbers]))
    span = (hi - lo) or 1
    # x(hi) = width * (hi - lo) / (max - lo) must leave LABEL_PX: max = lo + span * w / (w - L)
    top = f"{lo} + {span} * width / max(width - {label_px}, width / 2)"
    return alt.Scale(domainMin=lo, domainMax=alt.ExprRef(top), nice=False, zero=False)


def element_frame(by_agreement: list[tuple[int, str, ElementCounts]]) -> pd.DataFrame:
    rows = []
    for _, name, counts in by_agreement:
        for e in element_shares(counts):
            rows.append(
                {
                    "Element": e.label,
                    "Samarbejdsaftale": name,
                    "Andel": e.share,
                    "Tekst": f"{pct_text(e.share, 0)} ({e.count} af {e.n})",
                }
            )
    return pd.DataFrame(rows)


def element_chart(
    by_agreement: list[tuple[int, str, ElementCounts]], agreement_order: list[str] | None = None
) -> alt.TopLevelMixin:
    """Share of written work agreements containing each element, per agreement, with the
    national STV midpoint as a grey reference band."""
    data = element_frame(by_agreement)
    names = [name for _, name, _ in by_agreement]
    colors = agreement_colors(names, agreement_order)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Element:N", sort=ELEMENT_ORDER, title=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("Samarbejdsaftale:N", sort=names),
            x=alt.X(
                "Andel:Q",
                scale=value_scale(data["Andel"], (0, 1)),
                axis=pct_axis(title="Andel af aftalerne", values=SHARE_TICKS),
            ),
            color=alt.Color(
                "Samarbejdsaftale:N",
                scale=alt.Scale(domain=names, range=colors),
                legend=alt.Legend(orient="bottom", title=None, labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("Samarbejdsaftale:N"),
                alt.Tooltip("Element:N"),
                alt.Tooltip("Tekst:N", title="Andel"),
            ],
        )
    )
    reference = pd.DataFrame(
        [
            {
                "Element": dict(WORK_AGREEMENT_ELEMENTS)[key],
                "lo": lo,
                "hi": hi,
                "Reference": f"{STV_LABEL}: "
                + (pct_text(lo, 0) if lo == hi else f"{pct_text(lo, 0)}–{pct_text(hi, 0)}"),
            }
            for key, (lo, hi) in STV_MIDPOINT_ELEMENT_RANGE.items()
        ]
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=10)
        .encode(
            y=alt.Y("Element:N", sort=ELEMENT_ORDER),
            yOffset=alt.YOffset("Samarbejdsaftale:N", sort=names),
            x="Andel:Q",
            text="Tekst:N",
        )
    )
    # A light band over the element's whole row, thin edges and labels on top: the
    # reference stays visible without hiding the bars' own labels (ticks used to).
    band = (
        alt.Chart(reference)
        .mark_rect(color="#000000", opacity=0.12)
        .encode(
            y=alt.Y("Element:N", sort=ELEMENT_ORDER),
            x="lo:Q",
            x2="hi:Q",
            tooltip=[alt.Tooltip("Reference:N")],
        )
    )
    edges = [
        alt.Chart(reference)
        .mark_tick(color="#555555", thickness=1.5, opacity=0.9)
        .encode(
            y=alt.Y("Element:N", sort=ELEMENT_ORDER),
            x=f"{edge}:Q",
            tooltip=[alt.Tooltip("Reference:N")],
        )
        for edge in ("lo", "hi")
    ]
    chart = alt.layer(bars, band, *edges, labels).properties(
        height=alt.Step(12 * max(len(names), 1) + 8)
    )
    return danish(chart)


def element_time_frame(by_quarter: list[tuple[dt.date, str, ElementCounts]]) -> pd.DataFrame:
    rows = []
    for start, label, counts in by_quarter:
        column = f"{label} (n = {counts.written})"
        for e in element_shares(counts):
            rows.append({"Kvartal": column, "start": start, "Element": e.label, "Andel": e.share,
                         "Tekst": pct_text(e.share, 0), "Antal": f"{e.count} af {e.n}"})  # fmt: skip
        w = written_share(counts)
        rows.append({"Kvartal": column, "start": start, "Element": WRITTEN_LABEL, "Andel": w,
                     "Tekst": pct_text(w, 0),
                     "Antal": f"{counts.written} af {counts.enrolments} forløb"})  # fmt: skip
    return pd.DataFrame(rows)


def element_time_chart(by_quarter: list[tuple[dt.date, str, ElementCounts]]) -> alt.TopLevelMixin:
    """Element shares per quarter of the course start: a table-like heat map with the share
    written in every cell and n in the column heading; the latest MAX_QUARTERS quarters."""
    data = element_time_frame(sorted(by_quarter, key=lambda q: q[0])[-MAX_QUARTERS:])
    order = [*ELEMENT_ORDER, WRITTEN_LABEL]
    columns = list(dict.fromkeys(data["Kvartal"]))
    base = alt.Chart(data).encode(
        x=alt.X("Kvartal:N", sort=columns, title="Forløbets start", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Element:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "Andel:Q",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(title="Andel", orient="bottom", labelExpr=pct_label_expr()),
        ),
        tooltip=[
            alt.Tooltip("Kvartal:N"),
            alt.Tooltip("Element:N"),
            alt.Tooltip("Tekst:N", title="Andel"),
            alt.Tooltip("Antal:N"),
        ],  # fmt: skip
    )
    text = base.mark_text(fontSize=12).encode(
        text="Tekst:N",
        color=alt.condition("datum.Andel > 0.6", alt.value("white"), alt.value("black")),
    )
    return danish(alt.layer(cells, text).properties(height=alt.Step(28)))


def participant_hours_chart(weeks: list[HoursWeek]) -> alt.TopLevelMixin:
    """One participant's weeks: planned, attended, illness absence and ordinary paid hours."""
    rows = []
    for w in weeks:
        for series, value in (
            ("Planlagt", w.planned),
            ("Fremmødt", w.attended),
            ("Sygefravær", w.illness),
            ("Ordinære løntimer", w.ordinary),
        ):
            rows.append({"Uge": pd.Timestamp(w.week_start), "Serie": series, "Timer": value,
                         "Ugen": f"Uge fra {fmt_date(w.week_start)}",
                         "Tekst": fmt_number(value, 1)})  # fmt: skip
    data = pd.DataFrame(rows)
    chart = (
        alt.Chart(data)
        .mark_line(interpolate="step-after", point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("Uge:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("Timer:Q", title="Timer pr. uge"),
            color=alt.Color(
                "Serie:N",
                scale=alt.Scale(domain=list(HOURS_SERIES), range=list(HOURS_SERIES.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            strokeDash=alt.condition(
                alt.datum.Serie == "Planlagt", alt.value([5, 3]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("Ugen:N", title="Uge"),
                alt.Tooltip("Serie:N"),
                alt.Tooltip("Tekst:N", title="Timer"),
            ],  # fmt: skip
        )
        .properties(height=280)
    )
    return danish(chart)


def monthly_share_chart(series: dict[str, list[tuple[dt.date, float | None, str]]],
                        title: str, agreement_order: list[str]) -> alt.TopLevelMixin:  # fmt: skip
    """A share per month per agreement (lines). `series`: agreement -> (month, share, n text)."""
    rows = [
        {"Måned": pd.Timestamp(month), "Samarbejdsaftale": name, "Andel": value,
         "Tekst": pct_text(value), "n": n_text}
        for name, points in series.items()
        for month, value, n_text in points
        if value is not None
    ]  # fmt: skip
    data = pd.DataFrame(rows, columns=["Måned", "Samarbejdsaftale", "Andel", "Tekst", "n"])
    shown = [n for n in agreement_order if n in series] or agreement_order
    colors = agreement_colors(shown, agreement_order)
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("Måned:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("Andel:Q", axis=pct_axis(title=title), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "Samarbejdsaftale:N",
                scale=alt.Scale(domain=shown, range=colors),
                legend=alt.Legend(orient="bottom", title=None, labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("Samarbejdsaftale:N"),
                alt.Tooltip("Måned:T", format="%B %Y"),
                alt.Tooltip("Tekst:N", title=title),
                alt.Tooltip("n:N"),
            ],  # fmt: skip
        )
        .properties(height=240)
    )
    return danish(chart)


def share_bars(rows: list[dict], title: str, color: str = OKABE_ITO[0]) -> alt.TopLevelMixin:
    """Horizontal bars of shares with their label and n: rows of {Gruppe, Andel, Tekst}."""
    data = pd.DataFrame(rows, columns=["Gruppe", "Andel", "Tekst"])
    order = list(data["Gruppe"])
    base = alt.Chart(data).encode(
        y=alt.Y("Gruppe:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X(
            "Andel:Q",
            scale=value_scale(data["Andel"], (0, 1), data["Tekst"]),
            axis=pct_axis(title=title, values=SHARE_TICKS),
        ),
    )
    bars = base.mark_bar(color=color).encode(
        tooltip=[alt.Tooltip("Gruppe:N"), alt.Tooltip("Tekst:N", title=title)]
    )
    text = base.mark_text(align="left", dx=4).encode(text="Tekst:N")
    return danish(alt.layer(bars, text).properties(height=alt.Step(30)))


# "Mine" against "hele jobcentret": black and grey, never the agreements' colours (blue,
# orange, ...), so the comparison is not read as agreement 1 against agreement 2. Grey
# #888888 keeps 3.5:1 against white; the two differ in lightness, not hue.
COMPARE_COLORS = ["#000000", "#888888"]


def compare_bars(rows: list[dict], title: str, domain: tuple[float, float] | None = (0, 1),
                 percent: bool = True) -> alt.TopLevelMixin:  # fmt: skip
    """Own figures against the centre: rows of {Mål, Gruppe, Værdi, Tekst}. The first
    group (mine) is black, the second (the centre) grey."""
    data = pd.DataFrame(rows, columns=["Mål", "Gruppe", "Værdi", "Tekst"])
    # A negative change is drawn left of zero; its label starts at zero.
    data["Placering"] = data["Værdi"].clip(lower=0)
    measures = list(dict.fromkeys(data["Mål"]))
    groups = list(dict.fromkeys(data["Gruppe"]))
    palette = [*COMPARE_COLORS, *OKABE_ITO[2:]]
    colors = [palette[i % len(palette)] for i in range(len(groups))]
    axis = pct_axis(title=title, values=SHARE_TICKS) if percent else alt.Axis(title=title)
    y = alt.Y("Mål:N", sort=measures, title=None, axis=alt.Axis(labelLimit=300))
    offset = alt.YOffset("Gruppe:N", sort=groups)
    bars = alt.Chart(data).mark_bar().encode(
        y=y, yOffset=offset,
        x=alt.X("Værdi:Q", axis=axis, scale=value_scale(data["Værdi"], domain, data["Tekst"])),
        color=alt.Color("Gruppe:N", scale=alt.Scale(domain=groups, range=colors),
                        legend=alt.Legend(orient="bottom", title=None, labelLimit=400)),
        tooltip=[alt.Tooltip("Mål:N"), alt.Tooltip("Gruppe:N"), alt.Tooltip("Tekst:N", title=title)],
    )  # fmt: skip
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=y, yOffset=offset, x="Placering:Q", text="Tekst:N")
    )
    return danish(alt.layer(bars, text).properties(height=alt.Step(16)))


def fidelity_frame(comparison: Comparison) -> pd.DataFrame:
    before_label = (
        "Nulpunkt" if comparison.before and comparison.before.kind == "baseline" else "Før"
    )
    after_label = {"midpoint": "Midtvejs", "final": "Slut"}.get(
        comparison.after.kind if comparison.after else "", "Efter"
    )
    rows = []
    for r in comparison.roles:
        for label, value, n, rnd in (
            (before_label, r.before, r.before_n, comparison.before),
            (after_label, r.after, r.after_n, comparison.after),
        ):
            if value is None:
                continue
            rows.append({"Rolle": r.label, "Måling": label, "Andel": value,
                         "Tekst": pct_text(value, 0),
                         "Runde": f"{rnd.name} ({fmt_date(rnd.held_on)})" if rnd else "",
                         "n": "–" if n is None else str(n)})  # fmt: skip
    return pd.DataFrame(rows, columns=["Rolle", "Måling", "Andel", "Tekst", "Runde", "n"])


def fidelity_chart(comparison: Comparison) -> alt.TopLevelMixin:
    """Per role: baseline against midpoint, with the change in percentage points above."""
    data = fidelity_frame(comparison)
    roles = [r.label for r in comparison.roles]
    kinds = list(dict.fromkeys(data["Måling"]))
    colors = [ROUND_COLORS.get(k, OKABE_ITO[i]) for i, k in enumerate(kinds)]
    base = alt.Chart(data).encode(
        x=alt.X("Rolle:N", sort=roles, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
        xOffset=alt.XOffset("Måling:N", sort=kinds),
        y=alt.Y("Andel:Q", scale=alt.Scale(domain=[0, 1.08]), axis=pct_axis(title="Andel enige")),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("Måling:N", scale=alt.Scale(domain=kinds, range=colors),
                        legend=alt.Legend(orient="bottom", title=None)),
        tooltip=[alt.Tooltip("Rolle:N"), alt.Tooltip("Runde:N"), alt.Tooltip("Tekst:N", title="Andel enige"),
                 alt.Tooltip("n:N", title="Besvarelser")],
    )  # fmt: skip
    values = base.mark_text(dy=-6, fontSize=11).encode(text="Tekst:N")
    change = pd.DataFrame(
        [
            {
                "Rolle": r.label,
                "y": max(r.before or 0, r.after or 0),
                "Ændring": fmt_pp(r.change_pp),
            }
            for r in comparison.roles
            if r.change_pp is not None
        ],
        columns=["Rolle", "y", "Ændring"],
    )
    deltas = (
        alt.Chart(change)
        .mark_text(dy=-22, fontWeight="bold", fontSize=12)
        .encode(x=alt.X("Rolle:N", sort=roles), y="y:Q", text="Ændring:N")
    )
    return danish(alt.layer(bars, values, deltas).properties(height=320))
