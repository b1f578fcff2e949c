"""No small count can be worked out from committee material (issue 12), on generated data.

Hypothesis draws small agreements (the generator of tests/test_measure_properties.py: a
few courses with plans, evaluations, meetings and deliverables, 5 slots each), builds the
report, the Word file, the PowerPoint deck and the charts' data, and checks:

- every count of people from 1 to 4 is withheld, and no withheld count is fixed by the
  published counts and the sums a reader knows (slots = in use + free, totals, the same
  people under two names): the ledger's linear algebra;
- every table cell is its ledger cell;
- every number the Word text, its tables, the deck's text and notes and the charts' data
  state about an agreement is one of that agreement's published counts (or its slots),
  so nothing reaches the output past the ledger: no raw count in a sentence, a note or
  a bar.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable

from docx import Document
from hypothesis import given, settings
from pptx import Presentation

from lib.documents.document_chart import DocumentChart
from lib.documents.exports import chart_spec
from lib.documents.powerpoint import build_pptx
from lib.documents.presentation import presentation_charts
from lib.documents.report import AgreementReport, Report, build_report
from lib.documents.word import build_docx
from lib.domain.period import Period
from tests.test_measure_properties import (  # noqa: F401 (engine is a fixture)
    BOUNDARIES,
    EXAMPLES,
    MANAGER,
    PERIOD,
    engine,
    store,
    worlds,
)

THRESHOLD = 5
REPORT_PERIOD = Period(PERIOD.start, PERIOD.end)


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


# Text that holds digits but states no count: dates, shares, means, the scale, the
# threshold's own wording, agreement and figure numbers, the evaluation interval.
NOT_COUNTS = [
    r"\d{1,2}\. [a-zæøå]{3}\.? \d{4}",  # 15. mar. 2026
    r"\d{4}-\d{2}-\d{2}",
    r"[+\-−]?\d+,\d+( %)?",  # 83,3 % / +1,3 / 2,1
    r"\d+ %",
    r"(?:Samarbejds)?[Aa]ftale \d+",
    r"Figur \d+",
    r"skala(?:en)? 1–5|\(1–5\)|1–5",
    r"(?:under|end|Tal under) \d+",
    r"<\d+",
    r"N = \d+",
    r"G-\d+",
    r"§\s?[\d.]+",  # a target group's law: "LAB §2.3"
]
NUMBER = re.compile(r"(?<![\w,])\d+(?![\w,])")


def numbers_in(text: str) -> list[int]:
    for pattern in NOT_COUNTS:
        text = re.sub(pattern, " ", text)
    return [int(n) for n in NUMBER.findall(text)]


def published(a: AgreementReport) -> set[int]:
    ledger = a.ledger
    counts = {v for n, v in ledger.values.items() if not ledger.is_hidden(n)}
    return counts | {a.slots, 0}


def assert_states_only_published(report: Report, label: str, texts: Iterable[str]) -> None:
    allowed = set().union(*(published(a) for a in report.agreements)) if report.agreements else {0}
    for text in texts:
        stray = [n for n in numbers_in(text) if n not in allowed]
        assert not stray, f"{label}: {stray} in {text!r}"


def agreement_sections(doc) -> dict[str, list[str]]:
    """The Word text per agreement section ('Status i …' to the next heading 1)."""
    sections: dict[str, list[str]] = {}
    current = None
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            current = p.text.removeprefix("Status i ") if p.text.startswith("Status i ") else None
        elif current and p.style.name != "Caption":  # captions: fixed definitions
            sections.setdefault(current, []).append(p.text)
    return sections


def check_no_leak(report: Report) -> None:
    by_name = {a.name: a for a in report.agreements}
    for a in report.agreements:
        ledger = a.ledger
        for name, value in ledger.values.items():
            if name not in ledger.public and name != "free" and 0 < value < THRESHOLD:
                assert ledger.is_hidden(name), (a.name, name)
        for name in ledger.hidden:
            assert not ledger.derivable(name), (a.name, name)
        for q in a.questions:
            for table in q.tables:
                for (row, col), name in table.cells.items():
                    assert table.frame.at[row, col] == ledger.cell(name)
            for line in q.summary:
                stray = [n for n in numbers_in(line) if n not in published(a)]
                assert not stray, (a.name, line)

    charts = presentation_charts(report)
    documents = [
        DocumentChart(
            c.key,
            None,
            None,
            c.title,
            c.subtitle,
            tiny_png(),
            alt_text=c.alt_text,
            figures=c.figures,
            definitions=c.definitions,
        )
        for c in charts
        if c.has_data
    ]
    # Chart data: every count a bar or label carries is a published one of its agreement.
    for chart in charts:
        spec = chart_spec(chart.chart)
        for rows in spec.get("datasets", {}).values():
            for row in rows:
                a = next((x for x in report.agreements if x.name.endswith(
                    str(row.get("Aftale", "")).removeprefix("Aftale"))), None)  # fmt: skip
                for field in ("Pladser", "Deltagere", "n", "Label"):
                    value = row.get(field)
                    if a is None or value in (None, ""):
                        continue
                    if isinstance(value, str):
                        assert not numbers_in(value) or set(numbers_in(value)) <= published(a)
                    else:
                        assert int(value) in published(a), (chart.key, field, row)
        for line in chart.figures:
            owner = next((x for x in report.agreements if line.startswith(_short(x))), None)
            if owner is not None:
                stray = [n for n in numbers_in(line) if n not in published(owner)]
                assert not stray, line

    doc = Document(io.BytesIO(build_docx(report, documents)))
    for name, lines in agreement_sections(doc).items():
        a = by_name[name]
        stray = [n for line in lines for n in numbers_in(line) if n not in published(a)]
        assert not stray, (name, stray)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert_states_only_published(report, "Word tables", cells)

    deck = Presentation(io.BytesIO(build_pptx(report, documents)))
    texts = []
    for slide in deck.slides:
        texts += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        # The notes' figures, not their fixed definitions ("13-ugers forløb").
        texts.append(slide.notes_slide.notes_text_frame.text.split("Definitioner:")[0])
    assert_states_only_published(report, "PowerPoint", texts)


def _short(a: AgreementReport) -> str:
    return a.name.replace("Samarbejdsaftale", "Aftale")


@settings(EXAMPLES, max_examples=10)
@given(world=worlds())
def test_no_suppressed_count_can_be_derived_from_the_material(engine, world):  # noqa: F811
    generated, today = world
    store(engine, generated)
    report = build_report(engine, MANAGER, REPORT_PERIOD, threshold=THRESHOLD, today=today)
    check_no_leak(report)


def test_the_boundary_world_and_the_demo_leak_nothing(engine, demo_engine):  # noqa: F811
    from tests.conftest import scope_for

    generated, today = BOUNDARIES
    store(engine, generated)
    check_no_leak(build_report(engine, MANAGER, REPORT_PERIOD, threshold=THRESHOLD, today=today))
    from lib.domain.period import default_review_period

    demo = build_report(demo_engine, scope_for(demo_engine, "leder"), default_review_period())
    check_no_leak(demo)
    assert json.dumps([sorted(map(str, a.ledger.hidden)) for a in demo.agreements])
