"""The committee's Word file and PowerPoint deck as a secretary opens them: A4, Danish,
memo header, page numbers, heading order, tables that keep their rows, alt texts; 16:9
slides whose text frames do not overlap and stay on the slide, notes with the figures.
The LibreOffice tests render both (Debian's libreoffice-writer/-impress, headless) and
count the pages and slides; `make test` installs LibreOffice when it is missing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation
from pptx.util import Emu

from lib.documents.powerpoint import build_pptx
from lib.documents.presentation import report_charts, to_document_charts
from lib.documents.report import ReportHeaderFields, build_report
from lib.documents.word import build_docx
from lib.domain.period import default_review_period
from tests.conftest import scope_for

HEADER = ReportHeaderFields(
    committee="Beskæftigelses- og Integrationsudvalget",
    meeting_date=dt.date(2026, 12, 15),
    case_number="25.10.00-A00-3-26",
    author="Specialkonsulent Vibeke Dømler",
)
SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed; `make test` installs it",
)


@pytest.fixture
def built(demo_engine):
    """The demo's report for the default six months, its charts, docx and pptx."""
    report = build_report(
        demo_engine, scope_for(demo_engine, "leder"), default_review_period(), header=HEADER
    )
    charts = to_document_charts(report_charts(report), 1)
    return report, charts, build_docx(report, charts), build_pptx(report, charts)


def test_word_is_a4_danish_with_memo_header_page_numbers_and_ordered_headings(built):
    report, charts, docx, _ = built
    doc = Document(io.BytesIO(docx))
    for section in doc.sections:
        assert (
            abs(section.page_width.cm - 21.0) < 0.05 and abs(section.page_height.cm - 29.7) < 0.05
        )
    # Danish on every run of text, in the body, the header and the footer.
    runs = list(doc.element.body.iter(qn("w:r")))
    for section in doc.sections:
        runs += list(section.header._element.iter(qn("w:r")))
        runs += list(section.footer._element.iter(qn("w:r")))
    assert runs
    for run in runs:
        lang = run.find(qn("w:rPr")).find(qn("w:lang"))
        assert lang is not None and lang.get(qn("w:val")) == "da-DK"
    # The memo header's fields on the first page.
    first = doc.tables[0]
    fields = {row.cells[0].text: row.cells[1].text for row in first.rows}
    assert fields["Udvalg"] == HEADER.committee
    assert fields["Mødedato"] == "15. dec. 2026"
    assert fields["Sagsnummer"] == HEADER.case_number
    assert fields["Forfatter"] == HEADER.author
    # "Side X af Y" from PAGE and NUMPAGES fields.
    footer = doc.sections[0].footer._element
    instructions = [i.text.strip() for i in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Side" in footer.xpath("string(.)") and " af " in footer.xpath("string(.)")
    # Heading levels without gaps: 1, then 2 under it, never 3 without a 2.
    levels = [
        int(p.style.name.split()[-1]) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    # Table rows never split across pages; the header row of a data table repeats.
    for table in doc.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    data_tables = [t for t in doc.tables[1:] if len(t.columns) > 1]
    assert data_tables
    for table in data_tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # Every chart has alt text (what, period, n) and a caption with source and period.
    assert len(doc.inline_shapes) == len(charts) >= 3
    for shape, chart in zip(doc.inline_shapes, charts, strict=True):
        doc_pr = shape._inline.docPr
        assert doc_pr.get("descr").startswith("Diagram: " + chart.title)
        assert report.period.label in doc_pr.get("descr") or "Opgjort" in doc_pr.get("descr")
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Figur ")]
    assert len(captions) == len(charts)
    assert all("Kilde: Forløbsmonitor" in c for c in captions)
    # The suppression note once, in the 'Om tallene' box; no rows of '<5' in sentences.
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "<5" not in text
    box = [t for t in doc.tables if t.rows[0].cells[0].text.startswith("Om tallene")]
    assert len(box) == 1


def test_closed_item_says_so_on_the_first_page(demo_engine):
    report = build_report(
        demo_engine,
        scope_for(demo_engine, "leder"),
        default_review_period(),
        threshold=0,
        header=ReportHeaderFields(closed=True),
    )
    doc = Document(io.BytesIO(build_docx(report, [])))
    first_page = [p.text for p in doc.paragraphs[:4]]
    assert any(t.startswith("LUKKET PUNKT") for t in first_page)
    assert not report.agreements[0].withheld  # threshold 0: every figure shown


def boxes_overlap(a, b) -> bool:
    return not (
        a.left + a.width <= b.left
        or b.left + b.width <= a.left
        or a.top + a.height <= b.top
        or b.top + b.height <= a.top
    )


def test_powerpoint_is_16_9_with_no_overlapping_text_and_notes(built):
    report, charts, _, pptx = built
    deck = Presentation(io.BytesIO(pptx))
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    # The layouts are made for 16:9: every placeholder lies on the slide.
    for layout in deck.slide_layouts:
        for shape in layout.placeholders:
            assert shape.left + shape.width <= deck.slide_width, (layout.name, shape.name)
    slides = list(deck.slides)
    assert len(slides) == 1 + len(charts)
    for number, slide in enumerate(slides, start=1):
        shapes = list(slide.shapes)
        for shape in shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (number, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (number, shape.name)
        frames = [s for s in shapes if s.has_text_frame and s.text_frame.text.strip()]
        for i, a in enumerate(frames):
            assert a.text_frame.word_wrap is not False or a.is_placeholder
            for b in frames[i + 1 :]:
                assert not boxes_overlap(a, b), (number, a.name, b.name)
    for slide, chart in zip(slides[1:], charts, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        descr = pictures[0]._element.nvPicPr.cNvPr.get("descr")
        assert descr and chart.title in descr
        notes = slide.notes_slide.notes_text_frame.text
        assert "Tallene:" in notes and "Definitioner:" in notes
        assert all(f in notes for f in chart.figures)
    # No slide for a chart whose figures are all withheld (the demo's outcomes).
    titles = [s.shapes.title.text for s in slides[1:]]
    assert "Resultat efter forløb" not in titles


def soffice_convert(path: Path, target: str, out: Path) -> None:
    subprocess.run(
        [SOFFICE or "soffice", "--headless", f"-env:UserInstallation=file://{out}/profile",
         "--convert-to", target, "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(
        next(line.split()[-1] for line in out.stdout.splitlines() if line.startswith("Pages"))
    )


@needs_libreoffice
@pytest.mark.xdist_group("libreoffice")
def test_word_renders_in_libreoffice_on_at_most_five_pages(built, tmp_path):
    _report, _charts, docx, _ = built
    path = tmp_path / "rapport.docx"
    path.write_bytes(docx)
    soffice_convert(path, "pdf", tmp_path)
    pages = pdf_pages(tmp_path / "rapport.pdf")
    assert 2 <= pages <= 5
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "rapport.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert f"Side 1 af {pages}" in text and HEADER.case_number in text


@needs_libreoffice
@pytest.mark.xdist_group("libreoffice")
def test_powerpoint_renders_one_image_per_slide(built, tmp_path):
    _report, charts, _, pptx = built
    path = tmp_path / "praesentation.pptx"
    path.write_bytes(pptx)
    soffice_convert(path, "pdf", tmp_path)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-png",
            str(tmp_path / "praesentation.pdf"),
            str(tmp_path / "dias"),
        ],
        check=True,
    )
    images = sorted(tmp_path.glob("dias-*.png"))
    assert len(images) == 1 + len(charts)
    from PIL import Image

    with Image.open(images[0]) as img:
        assert abs(img.width / img.height - 16 / 9) < 0.02
