"""The committee chart set: aggregate-only charts for presentation mode, the Word report
and the PowerPoint deck.

Every chart is drawn from the typed facts of a Report (lib.documents.report), whose
numbers have already been through suppression: a count below the threshold is never given
a bar length, only the label '<5'; a share or mean that may not be published is left out
and the subtitle says so. No participant code, initials or free text ever reaches a chart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd

from lib.charts.style import (
    TopLevelChart,
    agreement_color,
    color_scale,
    danish,
    pct_axis,
    pct_text,
)
from lib.documents.document_chart import DocumentChart
from lib.documents.exports import charts_png
from lib.documents.report import (
    ALL_PARAMETERS,
    ON_TIME_LABELS,
    SOURCE,
    AgreementReport,
    Report,
)
from lib.domain.format import fmt_date, fmt_number
from lib.domain.measures import (
    DELIVERABLES_ON_TIME,
    EVALUATIONS_ON_TIME,
    MEETINGS_HELD,
    OCCUPANCY,
    PLANS_ON_TIME,
)
from lib.domain.suppression import marker

CHART_KINDS: dict[str, str] = {
    "belaegning": "Belægning pr. samarbejdsaftale",
    "opfoelgning": "Opfølgning til tiden",
    "progression": "Progression pr. parameter",
    "resultater": "Resultat efter forløb",
}


WIDTH = 760

# A chart's drawing area never grows past this, however many agreements or rows it has:
# at 40 agreements a height that grew per row made a 327-megapixel PNG (issue 15).
MAX_HEIGHT = 460


# Each chart's tooltip, the same on its bars and on its strips (many agreements).
OCCUPANCY_TOOLTIP = [alt.Tooltip("Aftale:N"), alt.Tooltip("Status:N"), alt.Tooltip("Label:N")]
COMPLIANCE_TOOLTIP = [
    alt.Tooltip("Aftale:N"),
    alt.Tooltip("Mål:N"),
    alt.Tooltip("Andel (tekst):N", title="Andel"),
    alt.Tooltip("n:Q"),
]
OUTCOMES_TOOLTIP = [
    alt.Tooltip("Resultat:N"),
    alt.Tooltip("Aftale:N"),
    alt.Tooltip("Label:N", title="Deltagere"),
]


def _height(rows: int, per_row: int, minimum: int = 120) -> int:
    return max(minimum, min(MAX_HEIGHT, per_row * rows))


# More agreements than this in one chart: one dot per agreement on a row per measure
# (a strip), not a bar and a text per agreement and measure. At 40 agreements those bars
# were a pixel high, their labels lay on top of each other, the legend ended in Vega's
# English "…11 entries", and laying out the hundreds of texts took seconds per chart.
# The figures per agreement stay in the speaker notes and in the Word tables.
CROWDED = 8

STRIP_NOTE = "Ét punkt pr. samarbejdsaftale (navn og tal ved musen); stregen er medianen."


def _strip(
    data: pd.DataFrame,
    row: str,
    rows: list[str],
    value: str,
    x: alt.X,
    tooltip: list[Any],
) -> alt.LayerChart:
    """A row per measure with one dot per agreement and a black tick at the median of
    the agreements: readable and quick to draw for any number of agreements."""
    base = alt.Chart(data).encode(
        y=alt.Y(f"{row}:N", title=None, sort=rows, scale=alt.Scale(domain=rows))
    )
    dots = base.mark_circle(size=140, opacity=0.55, color="#0072B2").encode(x=x, tooltip=tooltip)
    median = (
        base.transform_aggregate(median=f"median({value})", groupby=[row])
        .mark_tick(color="#000000", thickness=4, size=44)
        .encode(x=alt.X("median:Q"))
    )
    return (dots + median).properties(width=WIDTH - 200, height=_height(len(rows), 70))


def _shown(agreements: list[AgreementReport]) -> list[AgreementReport]:
    """Agreements whose figures may be shown: one with too few people has no bars."""
    return [a for a in agreements if not a.withheld]


@dataclass
class PresentationChart:
    key: str  # kind, or kind + agreement id
    kind: str
    title: str
    subtitle: str  # period, n and any note on withheld figures
    chart: TopLevelChart
    question: str | None = None
    agreement_id: int | None = None
    # False when every figure is withheld or there is none: the chart would be bare axes.
    has_data: bool = True
    figures: list[str] = field(default_factory=list)  # the published figures, for notes
    definitions: list[str] = field(default_factory=list)

    @property
    def alt_text(self) -> str:
        """What the chart shows, its period and n, for screen readers (Word, PowerPoint)."""
        return f"Diagram: {self.title}. {self.subtitle}"

    @property
    def source(self) -> str:
        return SOURCE


def _short(a: AgreementReport) -> str:
    """'Samarbejdsaftale 1 – Café Ringparken' -> 'Aftale 1 – Café Ringparken'."""
    return a.name.replace("Samarbejdsaftale", "Aftale")


def _agreement_scale(
    report: Report, agreements: list[AgreementReport], positions: dict[int, int] | None = None
) -> alt.Scale:
    """Only the agreements the chart covers, each in its own colour: by its position in
    `positions` (the full agreement list, as on the dashboards) or else in the report."""
    order = positions or {a.agreement_id: i for i, a in enumerate(report.agreements)}
    return alt.Scale(
        domain=[_short(a) for a in agreements],
        range=[agreement_color(order.get(a.agreement_id, 0)) for a in agreements],
    )


def occupancy_chart(
    report: Report, agreements: list[AgreementReport], positions: dict[int, int] | None = None
) -> PresentationChart:
    """Slots in use and free per agreement (slots are not people; 'in use' counts people
    and is suppressed like any count)."""
    rows = []
    for a in agreements:
        occupancy = a.facts.occupancy
        small = isinstance(occupancy.in_use_shown, str)
        rows.append(
            {
                "Aftale": _short(a),
                "Status": "I brug",
                "Pladser": 0 if small else occupancy.in_use,
                "Label": str(occupancy.in_use_shown),
                "Rækkefølge": 0,
                "Skjult": small,
            }
        )
        rows.append(
            {
                "Aftale": _short(a),
                "Status": "Ledig",
                "Pladser": 0 if small else occupancy.free,
                "Label": "" if small else str(occupancy.free_shown),
                "Rækkefølge": 1,
                "Skjult": small,
            }
        )
    data = pd.DataFrame(rows)
    colors = {"I brug": "#0072B2", "Ledig": "#BBBBBB"}
    base = alt.Chart(data).encode(
        y=alt.Y("Aftale:N", title=None, sort=[_short(a) for a in agreements]),
    )
    bars = base.mark_bar(height=44).encode(
        x=alt.X("sum(Pladser):Q", title="Pladser", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(
            "Status:N", scale=color_scale(colors), title=None, legend=alt.Legend(orient="bottom")
        ),
        order=alt.Order("Rækkefølge:Q"),
        tooltip=OCCUPANCY_TOOLTIP,
    )
    # White on the blue bar, black on the light grey one (white on grey is unreadable).
    labels = base.mark_text(fontWeight="bold", fontSize=22, dx=-18).encode(
        x=alt.X("sum(Pladser):Q", stack="zero"),
        text=alt.Text("Label:N"),
        color=alt.Color(
            "Status:N",
            scale=alt.Scale(domain=list(colors), range=["#FFFFFF", "#000000"]),
            legend=None,
        ),
        order=alt.Order("Rækkefølge:Q"),
        detail=alt.Detail("Status:N"),
    )
    slots = ", ".join(
        f"{_short(a)}: {a.facts.occupancy.in_use_shown} af {a.slots}" for a in agreements
    )
    chart = (
        (bars + labels)
        .resolve_scale(color="independent")
        .properties(width=WIDTH, height=_height(len(agreements), 90))
    )
    if len(agreements) > CROWDED:
        slots = STRIP_NOTE  # the figures of each agreement are in the notes
        chart = _strip(
            data[~data["Skjult"]],
            "Status",
            list(colors),
            "Pladser",
            alt.X(
                "Pladser:Q",
                title="Pladser pr. samarbejdsaftale",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            OCCUPANCY_TOOLTIP,
        )
    return PresentationChart(
        "belaegning",
        "belaegning",
        "Pladser i brug og ledige pr. samarbejdsaftale",
        f"Opgjort {fmt_date(report.as_of)}. {slots.removesuffix('.')}.",  # STRIP_NOTE ends in one
        danish(chart),
        question="q1",
        figures=[
            f"{_short(a)}: {a.facts.occupancy.in_use_shown} af {a.slots} pladser i brug, "
            f"{a.facts.occupancy.free_shown} ledige."
            for a in agreements
        ],
        definitions=[f"{OCCUPANCY.label}: {OCCUPANCY.definition}"],
    )


def _share_rows(a: AgreementReport) -> tuple[list[dict[str, Any]], list[str]]:
    """On-time shares for plans, evaluations, meetings and deliverables where the report
    publishes them, and the labels of those it withholds."""
    rows, withheld = [], []
    for fact in a.facts.on_time:
        if fact.share is None:
            withheld.append(fact.label.lower())
        else:
            rows.append({"Aftale": _short(a), "Mål": fact.label, "Andel": fact.share, "n": fact.n})
    return rows, withheld


def compliance_chart(
    report: Report, agreements: list[AgreementReport], positions: dict[int, int] | None = None
) -> PresentationChart:
    agreements = _shown(agreements)
    rows: list[dict[str, Any]] = []
    withheld: list[str] = []
    for a in agreements:
        r, w = _share_rows(a)
        rows += r
        withheld += [f"{x} ({_short(a)})" if len(agreements) > 1 else x for x in w]
    measures = list(ON_TIME_LABELS)
    data = pd.DataFrame(rows, columns=["Aftale", "Mål", "Andel", "n"])
    data["Tekst"] = [
        f"{pct_text(v)} (n = {n})" for v, n in zip(data["Andel"], data["n"], strict=True)
    ]
    data["Andel (tekst)"] = [pct_text(v) for v in data["Andel"]]
    base = alt.Chart(data).encode(
        y=alt.Y("Mål:N", title=None, sort=measures),
        yOffset=alt.YOffset("Aftale:N", sort=[_short(a) for a in agreements]),
    )
    bars = base.mark_bar().encode(
        x=alt.X("Andel:Q", title="Andel", scale=alt.Scale(domain=[0, 1]), axis=pct_axis()),
        color=alt.Color(
            "Aftale:N",
            scale=_agreement_scale(report, agreements, positions),
            title=None,
            # Four to a row: a legend of 40 agreements in one row made a 7,300 px image.
            legend=alt.Legend(orient="bottom", columns=4),
        ),
        tooltip=COMPLIANCE_TOOLTIP,
    )
    text = base.mark_text(align="left", dx=6, fontSize=16).encode(
        x=alt.X("Andel:Q"), text=alt.Text("Tekst:N")
    )
    subtitle = f"Periode {report.period.label}."
    if withheld:
        subtitle += (
            f" Ikke vist (færre end {report.threshold} eller et skjult tal): "
            + ", ".join(withheld)
            + "."
        )
    chart = (bars + text).properties(
        width=WIDTH - 180, height=_height(len(measures) * max(1, len(agreements)), 50)
    )
    if len(agreements) > CROWDED:
        chart = _strip(
            data,
            "Mål",
            measures,
            "Andel",
            alt.X("Andel:Q", title="Andel", scale=alt.Scale(domain=[0, 1]), axis=pct_axis()),
            COMPLIANCE_TOOLTIP,
        )
        subtitle += " " + STRIP_NOTE
    only = agreements[0].agreement_id if len(agreements) == 1 else None
    return PresentationChart(
        "opfoelgning" + (f"_{only}" if only else ""),
        "opfoelgning",
        "Opfølgning til tiden",
        subtitle,
        danish(chart),
        question="q4",
        agreement_id=only,
        has_data=not data.empty,
        figures=[
            f"{r['Aftale']} – {r['Mål']}: {pct_text(r['Andel'])} (n = {r['n']})." for r in rows
        ],
        definitions=[
            f"{m.label}: {m.definition}"
            for m in (PLANS_ON_TIME, EVALUATIONS_ON_TIME, MEETINGS_HELD, DELIVERABLES_ON_TIME)
        ],
    )


def progression_chart(
    report: Report, agreements: list[AgreementReport], positions: dict[int, int] | None = None
) -> PresentationChart:
    agreements = _shown(agreements)
    rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []  # for the strip when crowded: one dot per agreement
    withheld: list[str] = []
    for a in agreements:
        for p in a.facts.progression:
            if p.code == ALL_PARAMETERS:
                continue
            if p.hidden or p.n < report.threshold or p.baseline is None:
                if p.n:
                    withheld.append(
                        p.label.lower() + (f" ({_short(a)})" if len(agreements) > 1 else "")
                    )
                continue
            change = None if p.latest is None else p.latest - p.baseline
            changes.append(
                {
                    "Aftale": _short(a),
                    "Parameter": p.label,
                    "n": p.n,
                    "Ændring": change,
                    "Ændring (tekst)": fmt_number(change, 1),
                }
            )
            for when, value in (("Baseline", p.baseline), ("Seneste", p.latest)):
                rows.append(
                    {
                        "Aftale": _short(a),
                        "Parameter": p.label,
                        "Tidspunkt": when,
                        "Score": value,
                        "n": p.n,
                        # '|' splits the axis label over two lines (labelExpr below).
                        "Række": f"{p.label} (n = {p.n})"
                        + (f"|{_short(a)}" if len(agreements) > 1 else ""),
                    }
                )
    data = pd.DataFrame(rows, columns=["Aftale", "Parameter", "Tidspunkt", "Score", "n", "Række"])
    colors = {"Baseline": "#BBBBBB", "Seneste": "#0072B2"}
    low, high = report.scale
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Række:N", title=None, axis=alt.Axis(labelExpr="split(datum.label, '|')")),
            yOffset=alt.YOffset("Tidspunkt:N", sort=["Baseline", "Seneste"]),
            # Bars start at the scale's lowest score, not at 0 (no score is below it).
            x=alt.X(
                "Score:Q",
                title=f"Gennemsnitlig score ({low}–{high})",
                scale=alt.Scale(domain=[low, high]),
                axis=alt.Axis(values=list(range(low, high + 1)), format="d"),
            ),
            x2=alt.datum(low),
            color=alt.Color(
                "Tidspunkt:N",
                scale=color_scale(colors),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("Række:N"),
                alt.Tooltip("Tidspunkt:N"),
                alt.Tooltip("Score:Q", format=".1f"),
            ],
        )
        .properties(width=WIDTH - 200, height=_height(max(1, len(data) // 2), 70))
    )
    subtitle = (
        f"Periode {report.period.label}. Deltagere med baseline og mindst én senere evaluering."
    )
    if len(agreements) > CROWDED:
        labels = list(
            dict.fromkeys(
                p.label for a in agreements for p in a.facts.progression if p.code != ALL_PARAMETERS
            )
        )
        chart = _strip(
            pd.DataFrame(
                changes, columns=["Aftale", "Parameter", "n", "Ændring", "Ændring (tekst)"]
            ),
            "Parameter",
            labels,
            "Ændring",
            alt.X("Ændring:Q", title="Gennemsnitlig ændring i score (seneste − baseline)"),
            [
                alt.Tooltip("Aftale:N"),
                alt.Tooltip("Parameter:N"),
                alt.Tooltip("Ændring (tekst):N", title="Ændring"),
                alt.Tooltip("n:Q"),
            ],
        )
        subtitle += " " + STRIP_NOTE
    if withheld:
        subtitle += (
            f" Ikke vist (færre end {report.threshold} deltagere): " + ", ".join(withheld) + "."
        )
    only = agreements[0].agreement_id if len(agreements) == 1 else None
    # Parameters are told apart by row, so colour marks baseline/latest (not PARAMETER_COLORS).
    return PresentationChart(
        "progression" + (f"_{only}" if only else ""),
        "progression",
        "Progression pr. parameter: baseline og seneste evaluering",
        subtitle,
        danish(chart),
        question="q6",
        agreement_id=only,
        has_data=not data.empty,
        figures=[
            f"{r['Aftale']} – {r['Parameter']} (n = {r['n']}): {r['Tidspunkt'].lower()} "
            f"{fmt_number(r['Score'], 1)}."
            for r in rows
        ],
        definitions=[
            "Gennemsnitlig score på skalaen 1–5 ved den første plan (baseline) og ved seneste "
            "evaluering, for deltagere med begge."
        ],
    )


def outcomes_chart(
    report: Report, agreements: list[AgreementReport], positions: dict[int, int] | None = None
) -> PresentationChart:
    agreements = _shown(agreements)
    rows: list[dict[str, Any]] = []
    for a in agreements:
        for outcome in a.facts.outcomes:
            rows.append(
                {
                    "Aftale": _short(a),
                    "Resultat": outcome.label,
                    "Deltagere": 0 if outcome.hidden else outcome.n,
                    "Label": marker(report.threshold) if outcome.hidden else str(outcome.n),
                    "Skjult": outcome.hidden,
                }
            )
    data = pd.DataFrame(rows, columns=["Aftale", "Resultat", "Deltagere", "Label", "Skjult"])
    shown = [_short(a) for a in agreements]
    base = alt.Chart(data).encode(
        y=alt.Y("Resultat:N", title=None),
        yOffset=alt.YOffset("Aftale:N", sort=shown, scale=alt.Scale(domain=shown)),
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "Deltagere:Q",
            title="Deltagere",
            axis=alt.Axis(tickMinStep=1, format="d"),
            scale=alt.Scale(domain=[0, max([report.threshold, *data["Deltagere"].tolist()])]),
        ),
        color=alt.Color(
            "Aftale:N",
            scale=_agreement_scale(report, agreements, positions),
            title=None,
            # Four to a row: a legend of 40 agreements in one row made a 7,300 px image.
            legend=alt.Legend(orient="bottom", columns=4),
        ),
        tooltip=OUTCOMES_TOOLTIP,
    )
    # A withheld count has no bar; a short mark in the agreement's colour says whose it is.
    stub = (
        base.transform_filter(alt.datum.Skjult)
        .mark_tick(thickness=6, bandSize=22)
        .encode(x=alt.X("Deltagere:Q"), color=alt.Color("Aftale:N", legend=None))
    )
    text = base.mark_text(align="left", dx=8, fontSize=18).encode(
        x=alt.X("Deltagere:Q"), text=alt.Text("Label:N")
    )
    results = max(1, data["Resultat"].nunique())
    chart = (bars + stub + text).properties(
        width=WIDTH - 260, height=_height(results * len(agreements), 46)
    )
    subtitle = f"Forløb afsluttet i perioden {report.period.label}."
    if len(agreements) > CROWDED:
        results_order = list(dict.fromkeys(data["Resultat"]))
        chart = _strip(
            data[~data["Skjult"].astype(bool)],
            "Resultat",
            results_order,
            "Deltagere",
            alt.X(
                "Deltagere:Q",
                title="Deltagere pr. samarbejdsaftale",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            OUTCOMES_TOOLTIP,
        )
        subtitle += " " + STRIP_NOTE
    if any(r["Label"].startswith("<") for r in rows):
        subtitle += (
            f" «{marker(report.threshold)}»: færre end {report.threshold} deltagere "
            "(vises uden søjle)."
        )
    if data.empty:
        subtitle += " Ingen forløb er afsluttet i perioden."
    only = agreements[0].agreement_id if len(agreements) == 1 else None
    return PresentationChart(
        "resultater" + (f"_{only}" if only else ""),
        "resultater",
        "Resultat efter forløb",
        subtitle,
        danish(chart),
        question="q7",
        agreement_id=only,
        has_data=bool(len(data)) and not bool(data["Skjult"].all()),
        figures=[f"{r['Aftale']} – {r['Resultat']}: {r['Label']}." for r in rows],
        definitions=[
            "Forløb afsluttet i perioden efter registreret resultat; forløb uden registreret "
            "resultat tæller med."
        ],
    )


ChartBuilder = Callable[[Report, list[AgreementReport], dict[int, int] | None], PresentationChart]


def chart_content(report: Report) -> str:
    """A digest of everything in `report` that the charts above are drawn from: the
    period, the day of counting, the threshold, the score scale and, per agreement in
    order, its id, name, slots, whether it is withheld and its facts (frozen dataclasses,
    so their repr is their content). Two reports with the same digest give the same charts
    for the same kinds and positions, so a page can make each chart once per digest (a
    builder that reads more of the report must add it here). Texts, tables, the ledger
    and the header are not in it: saving an assessment text leaves the charts as they are.
    About 2 ms at 40 agreements."""
    drawn_from = (
        report.period,
        report.as_of,
        report.threshold,
        report.scale,
        [(a.agreement_id, a.name, a.slots, a.withheld, a.facts) for a in report.agreements],
    )
    return hashlib.sha256(repr(drawn_from).encode()).hexdigest()


BUILDERS: dict[str, ChartBuilder] = {
    "belaegning": occupancy_chart,
    "opfoelgning": compliance_chart,
    "progression": progression_chart,
    "resultater": outcomes_chart,
}


def presentation_charts(
    report: Report, kinds: list[str] | None = None, positions: dict[int, int] | None = None
) -> list[PresentationChart]:
    """The chosen chart kinds across the report's agreements, in CHART_KINDS order.
    `positions` (agreement id -> position in the full agreement list) keeps each
    agreement's colour when only some are chosen."""
    if not report.agreements:
        return []
    return [
        BUILDERS[k](report, report.agreements, positions)
        for k in CHART_KINDS
        if not kinds or k in kinds
    ]


def report_charts(
    report: Report, positions: dict[int, int] | None = None
) -> list[PresentationChart]:
    """The charts of the Word report: the same set as the deck (rendered once for both),
    those with figures, in the report's overview section."""
    charts = [c for c in presentation_charts(report, positions=positions) if c.has_data]
    for chart in charts:
        chart.question = chart.agreement_id = None
    return charts


def to_document_charts(charts: list[PresentationChart], scale: float = 2.0) -> list[DocumentChart]:
    """Each chart with figures rendered once to a PNG of bounded pixel size
    (lib.documents.exports.MAX_PIXELS): the same image goes into Word and PowerPoint."""
    shown = [c for c in charts if c.has_data]
    pngs = charts_png([c.chart for c in shown], scale)
    return [
        DocumentChart(
            c.key,
            c.question,
            c.agreement_id,
            c.title,
            c.subtitle,
            png,
            alt_text=c.alt_text,
            figures=list(c.figures),
            definitions=list(c.definitions),
        )
        for c, png in zip(shown, pngs, strict=True)
    ]
