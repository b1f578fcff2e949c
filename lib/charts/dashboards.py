"""Altair chart builders for the dashboards: plain functions from a DataFrame to a chart
with Danish titles. Apply `lib.charts.style.danish()` when drawing (the views do) so the
Danish number and date locale is in the spec. Colours: Okabe–Ito, one per agreement (by
position in the agreement list) and one per parameter (PARAMETER_COLORS) on every page.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from lib.charts.style import (
    OKABE_ITO,
    PARAMETER_COLORS,
    STATUS_COLORS,
    Layered,
    agreement_colors,
    fit_width,
    pct_axis,
    pct_text,
)

# Target groups and other splits start after the agreements' blue and orange, so an
# orange bar never means agreement 2 on one chart and a target group on the next.
GROUP_COLORS = [OKABE_ITO[i] for i in (4, 5, 2, 3, 6, 7)]


def agreement_scale(names: list[str]) -> alt.Scale:
    return alt.Scale(domain=names, range=agreement_colors(names, names))


def parameter_scale(labels_by_code: dict[str, str]) -> alt.Scale:
    return alt.Scale(
        domain=list(labels_by_code.values()),
        range=[PARAMETER_COLORS.get(code, OKABE_ITO[-1]) for code in labels_by_code],
    )


def occupancy_month_chart(frame: pd.DataFrame, agreements: list[str]) -> Layered:
    """Columns: Måned (date), Samarbejdsaftale, Belægning (0..1), I brug (slot-days)."""
    frame = frame.assign(**{"Belægning (tekst)": [pct_text(v) for v in frame["Belægning"]]})
    base = alt.Chart(frame, title="Belægning pr. måned, seneste 12 måneder")
    line = base.mark_line(point=True, strokeWidth=2.5).encode(
        x=alt.X("Måned:T", timeUnit="yearmonth", title=None, axis=alt.Axis(format="%b %Y")),
        y=alt.Y(
            "Belægning:Q",
            title="Gennemsnitlig belægning",
            axis=pct_axis(),
            scale=alt.Scale(domain=[0, max(1.0, float(frame["Belægning"].max() or 0))]),
        ),
        color=alt.Color(
            "Samarbejdsaftale:N",
            scale=agreement_scale(agreements),
            legend=alt.Legend(orient="bottom", labelLimit=400),
        ),
        tooltip=[
            alt.Tooltip("Samarbejdsaftale:N"),
            alt.Tooltip("Måned:T", format="%B %Y"),
            alt.Tooltip("Belægning (tekst):N", title="Belægning"),
        ],
    )
    full = (
        alt.Chart(pd.DataFrame({"y": [1.0]}))
        .mark_rule(strokeDash=[4, 4], color="#666")
        .encode(y="y:Q")
    )
    return fit_width((line + full).properties(height=300))


def status_share_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Stacked shares on time / late / missing. Columns: Gruppe, Status, Antal, Andel, n."""
    order = [status.label for status in STATUS_COLORS]
    frame = frame.assign(**{"Andel (tekst)": [pct_text(v) for v in frame["Andel"]]})
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("Gruppe:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("Andel:Q", title="Andel", axis=pct_axis(), stack="normalize"),
            color=alt.Color(
                "Status:N",
                scale=alt.Scale(domain=order, range=list(STATUS_COLORS.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("Rækkefølge:Q"),
            tooltip=[
                alt.Tooltip("Gruppe:N"),
                alt.Tooltip("Status:N"),
                alt.Tooltip("Antal:Q", format=",d"),
                alt.Tooltip("Andel (tekst):N", title="Andel"),
                alt.Tooltip("n:Q", format=",d"),
            ],
        )
        .properties(height=alt.Step(28))
    )


def distribution_chart(
    frame: pd.DataFrame, levels: dict[int, str], order: list[str] | None = None
) -> alt.FacetChart:
    """Baseline vs latest score counts per parameter. Columns: Parameter, Tidspunkt
    (Baseline/Seneste), Score, Label, Deltagere."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "Score:O",
                title="Score",
                scale=alt.Scale(domain=list(levels)),
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("Tidspunkt:N", sort=["Baseline", "Seneste"]),
            y=alt.Y("Deltagere:Q", title="Deltagere", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "Tidspunkt:N",
                scale=alt.Scale(domain=["Baseline", "Seneste"], range=["#BBBBBB", "#0072B2"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                "Parameter:N",
                "Tidspunkt:N",
                "Label:N",
                alt.Tooltip("Deltagere:Q", format=",d"),
            ],
        )
        .properties(width=230, height=170)
        .facet(facet=alt.Facet("Parameter:N", title=None, sort=order), columns=2)
        .properties(title="Fordeling af scorer: baseline og seneste evaluering")
    )


def mean_change_chart(frame: pd.DataFrame, parameters: dict[str, str]) -> Layered:
    """Mean change per parameter with n. Columns: Parameter, Ændring, n."""
    base = alt.Chart(frame, title="Gennemsnitlig ændring fra baseline (skala 1–5)")
    bars = base.mark_bar().encode(
        y=alt.Y("Parameter:N", title=None, sort=list(parameters.values())),
        x=alt.X("Ændring:Q", title="Point", axis=alt.Axis(format=".1f")),
        color=alt.Color("Parameter:N", scale=parameter_scale(parameters), legend=None),
        tooltip=["Parameter:N", alt.Tooltip("Ændring:Q", format="+.2f"), alt.Tooltip("n:Q")],
    )
    text = base.mark_text(align="left", dx=4).encode(
        y=alt.Y("Parameter:N", sort=list(parameters.values())),
        x="Ændring:Q",
        text="Tekst:N",
    )
    return (bars + text).properties(height=alt.Step(34))


MIN_MEAN_N = 3  # a mean of one or two participants is one story, not a trend


def trajectory_frames(
    frame: pd.DataFrame, step_months: int = 2, min_n: int = MIN_MEAN_N
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Align each participant's scores on months since their own baseline, and the mean
    per evaluation step (every `step_months`, the evaluation cadence) with its n.
    In: Deltager, Dato, Score (and Placering, Label, Tidspunkt). Out: the points with
    'Måneder' added, and Måneder, Gennemsnit, n, Tekst for the mean line (steps with at
    least `min_n` participants)."""
    points = frame.copy()
    points["Dato"] = pd.to_datetime(points["Dato"])
    first = points.groupby("Deltager")["Dato"].transform("min")
    points["Måneder"] = ((points["Dato"] - first).dt.days / 30.44).round(1)
    points["Trin"] = (points["Måneder"] / step_months).round().astype(int) * step_months
    # One point per participant and step (the latest), so a fast evaluator counts once.
    last = points.sort_values("Dato").groupby(["Deltager", "Trin"], as_index=False).last()
    means = last.groupby("Trin", as_index=False).agg(
        Gennemsnit=("Score", "mean"), n=("Deltager", "nunique")
    )
    means = means[means["n"] >= min_n].rename(columns={"Trin": "Måneder"})
    means["Tekst"] = [
        f"{m:.1f}".replace(".", ",") + f" (n = {n})"
        for m, n in zip(means["Gennemsnit"], means["n"], strict=True)
    ]
    return points, means


def trajectory_chart(
    frame: pd.DataFrame, levels: dict[int, str], color: str, step_months: int = 2
) -> Layered:
    """Each participant as a thin grey line, months since their own baseline on x, and
    the mean per evaluation step as one strong line in the parameter's colour.
    Columns: Deltager, Dato, Score, Tidspunkt, Label, Placering (Score plus a small fixed
    offset per participant, so overlapping lines stay apart)."""
    lo, hi = min(levels), max(levels)
    points, means = trajectory_frames(frame, step_months)
    points["Linje"] = "Den enkelte deltager"
    means["Linje"] = "Gennemsnit"
    y_scale = alt.Scale(domain=[lo - 0.2, hi + 0.2], nice=False)
    y_axis = alt.Axis(values=list(levels), labelExpr=_label_expr(levels), labelLimit=160)
    x = alt.X(
        "Måneder:Q",
        title="Måneder efter baseline",
        axis=alt.Axis(format="d", tickMinStep=1, grid=False),
        scale=alt.Scale(nice=False, padding=8),
    )
    legend = alt.Color(
        "Linje:N",
        scale=alt.Scale(domain=["Den enkelte deltager", "Gennemsnit"], range=["#B5B5B5", color]),
        legend=alt.Legend(orient="bottom", title=None),
    )
    people = (
        alt.Chart(points)
        .mark_line(point=alt.OverlayMarkDef(size=18, filled=True), strokeWidth=1, opacity=0.7)
        .encode(
            x=x,
            y=alt.Y("Placering:Q", title=None, scale=y_scale, axis=y_axis),
            color=legend,
            detail="Deltager:N",
            tooltip=[
                alt.Tooltip("Deltager:N", title="Deltager (kode)"),
                alt.Tooltip("Dato:T", format="%-d. %b %Y"),
                "Tidspunkt:N",
                alt.Tooltip("Score:Q", format="d"),
                "Label:N",
            ],
        )
    )
    mean = (
        alt.Chart(means)
        .mark_line(point=alt.OverlayMarkDef(size=90, filled=True), strokeWidth=4)
        .encode(
            x=x,
            y=alt.Y("Gennemsnit:Q", scale=y_scale),
            color=legend,
            tooltip=[
                alt.Tooltip("Måneder:Q", title="Måneder efter baseline", format="d"),
                alt.Tooltip("Tekst:N", title="Gennemsnit"),
            ],
        )
    )
    return fit_width(
        alt.layer(people, mean)
        .properties(height=300, title="Udvikling fra baseline, pr. deltager og i gennemsnit")
        .resolve_scale(y="shared")
    )


StarRow = tuple[str, str, int | None, int | None]  # code, parameter, baseline, now


def star_frame(rows: list[StarRow]) -> pd.DataFrame:
    """Polar coordinates for the star chart: one axis per parameter, radius = score."""
    n = len(rows)
    records = []
    for moment, scores in (("Baseline", [r[2] for r in rows]), ("Nu", [r[3] for r in rows])):
        for k, (row, score) in enumerate(zip(rows, scores, strict=True)):
            if score is None:
                continue
            angle = 2 * math.pi * k / n
            records.append(
                {
                    "Tidspunkt": moment,
                    "Parameter": row[1],
                    "Score": score,
                    "x": score * math.sin(angle),
                    "y": score * math.cos(angle),
                    "Rækkefølge": k,
                }
            )
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame
    # Close each polygon by repeating its first point.
    closing = frame.sort_values("Rækkefølge").groupby("Tidspunkt").head(1).assign(Rækkefølge=n)
    return pd.concat([frame, closing], ignore_index=True)


def _wrap_label(text: str, limit: int = 14) -> str:
    """A long parameter name on two lines at the space nearest its middle, so a side
    label of the star fits beside the outer ring."""
    if len(text) <= limit or " " not in text:
        return text
    middle = len(text) / 2
    cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


def star_chart(rows: list[StarRow], top: int = 5) -> Layered:
    """Star (radar) chart of one participant's parameter scores, baseline against now,
    on a 1..top scale: grid rings, one spoke per parameter, a polygon per moment."""
    n = len(rows)
    rings = pd.DataFrame(
        [
            {
                "ring": r,
                "k": k,
                "x": r * math.sin(2 * math.pi * k / n),
                "y": r * math.cos(2 * math.pi * k / n),
            }
            for r in range(1, top + 1)
            for k in range(n + 1)
        ]
    )
    spokes = pd.DataFrame(
        [
            {
                "Parameter": row[1],
                "Etiket": _wrap_label(row[1]),
                "x": top * math.sin(a),
                "y": top * math.cos(a),
                "lx": (top + 0.4) * math.sin(a),
                "ly": (top + 0.6) * math.cos(a),
                # Side labels start at the outer ring and run outwards, so a long
                # parameter name never lies across a score of 5.
                "align": "left"
                if math.sin(a) > 0.1
                else "right"
                if math.sin(a) < -0.1
                else "center",
            }
            for k, row in enumerate(rows)
            for a in [2 * math.pi * k / n]
        ]
    )
    x_scale = alt.Scale(domain=[-top - 4.5, top + 4.5])
    y_scale = alt.Scale(domain=[-top - 1.5, top + 1.5])

    def x(field: str) -> alt.X:
        return alt.X(field, axis=None, scale=x_scale)

    def y(field: str) -> alt.Y:
        return alt.Y(field, axis=None, scale=y_scale)

    grid = (
        alt.Chart(rings)
        .mark_line(color="#DDDDDD", strokeWidth=1)
        .encode(x=x("x:Q"), y=y("y:Q"), detail="ring:N", order="k:Q")
    )
    ends = pd.DataFrame(
        [{"Parameter": r["Parameter"], "x": 0.0, "y": 0.0, "k": 0} for _, r in spokes.iterrows()]
        + [
            {"Parameter": r["Parameter"], "x": r["x"], "y": r["y"], "k": 1}
            for _, r in spokes.iterrows()
        ]
    )
    spoke = (
        alt.Chart(ends)
        .mark_line(color="#CCCCCC")
        .encode(x=x("x:Q"), y=y("y:Q"), detail="Parameter:N", order="k:Q")
    )
    labels = (
        alt.Chart(spokes)
        .mark_text(fontSize=12, fontWeight="bold", align=alt.expr("datum.align"), lineBreak="\n")
        .encode(x=x("lx:Q"), y=y("ly:Q"), text="Etiket:N")
    )
    frame = star_frame(rows)
    layers = [grid, spoke, labels]
    if not frame.empty:
        color = alt.Color(
            "Tidspunkt:N",
            scale=alt.Scale(domain=["Baseline", "Nu"], range=["#999999", "#0072B2"]),
            legend=alt.Legend(orient="bottom", title=None),
        )
        shape = alt.Chart(frame).encode(x=x("x:Q"), y=y("y:Q"), color=color, order="Rækkefølge:Q")
        layers += [
            shape.mark_line(strokeWidth=2.5, opacity=0.9),
            shape.mark_point(filled=True, size=70).encode(
                tooltip=["Tidspunkt:N", "Parameter:N", alt.Tooltip("Score:Q", format="d")]
            ),
        ]
    return alt.layer(*layers).properties(width=480, height=380, title="Stjerne: baseline og nu")


def outcome_chart(frame: pd.DataFrame, by: str, agreements: list[str] | None = None) -> alt.Chart:
    """Ended courses by outcome, split by `by` (Samarbejdsaftale or Målgruppe).
    Columns: Resultat, <by>, Forløb."""
    color = (
        alt.Color(
            f"{by}:N",
            scale=agreement_scale(agreements),
            legend=alt.Legend(orient="bottom", labelLimit=400),
        )
        if agreements
        else alt.Color(
            f"{by}:N",
            scale=alt.Scale(range=GROUP_COLORS),
            legend=alt.Legend(orient="bottom", labelLimit=400, title=None, columns=2),
        )
    )
    return (
        alt.Chart(frame, title=f"Afsluttede forløb efter resultat og {by.lower()}")
        .mark_bar()
        .encode(
            y=alt.Y("Resultat:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "Forløb:Q", title="Afsluttede forløb", axis=alt.Axis(format="d", tickMinStep=1)
            ),
            color=color,
            tooltip=["Resultat:N", f"{by}:N", alt.Tooltip("Forløb:Q", format=",d")],
        )
        .properties(height=alt.Step(26))
    )


def _label_expr(levels: dict[int, str]) -> str:
    cases = " : ".join(f"datum.value == {v} ? '{v} {label}'" for v, label in levels.items())
    return f"{cases} : ''"


def spread(codes: pd.Series, width: float = 0.3) -> pd.Series:
    """A fixed offset in [-width/2, width/2] per participant code, evenly spread in code
    order, so lines on the same score level stay apart."""
    unique = sorted(codes.unique())
    if len(unique) < 2:
        return codes.map(lambda _: 0.0)
    step = width / (len(unique) - 1)
    offsets = {code: -width / 2 + i * step for i, code in enumerate(unique)}
    return codes.map(offsets)
