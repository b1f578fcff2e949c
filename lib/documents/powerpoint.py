"""The committee's charts as a PowerPoint deck (.pptx) for the meeting: a title slide,
then one chart per slide with its title, a wrapped footnote (period, n, source) and
speaker notes with the figures and their definitions.

16:9, with the template's layouts moved to 16:9 too (a 4:3 layout on a 16:9 slide put
the title over the subtitle), and every shape placed inside the slide.
"""

from __future__ import annotations

import io
from typing import Any

from lib.documents.document_chart import DocumentChart
from lib.documents.report import SOURCE, Report
from lib.domain.format import fmt_date

# 16:9 at PowerPoint's default 13.333 × 7.5 inches.
SLIDE_WIDTH, SLIDE_HEIGHT = 12192000, 6858000
NAVY = (0x1F, 0x3A, 0x5F)


def _widen_layouts(deck: Any, old_width: int) -> None:
    """Scale the master's and every layout's placeholders from 4:3 to 16:9 across."""
    factor = SLIDE_WIDTH / old_width
    for master in deck.slide_masters:
        # Layouts first: a layout placeholder without its own position reads the master's,
        # which must still be the 4:3 one then (else it is widened twice).
        shapes = [s for layout in master.slide_layouts for s in layout.shapes]
        for shape in [*shapes, *master.shapes]:
            if shape.left is not None and shape.width is not None:
                shape.left = int(shape.left * factor)
                shape.width = int(shape.width * factor)


def _alt_text(picture: Any, description: str) -> None:
    c_nv_pr = picture._element.nvPicPr.cNvPr
    c_nv_pr.set("descr", description)
    c_nv_pr.set("title", description[:120])


def _text_box(slide: Any, left: int, top: int, width: int, height: int, text: str, size: int, *,
              bold: bool = False, color: tuple[int, int, int] = (0x22, 0x22, 0x22)) -> Any:  # fmt: skip
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = 0
    for i, line in enumerate(text.split("\n")):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor(*color)
    return box


def _notes(chart: DocumentChart, report: Report) -> str:
    lines = [chart.title, chart.subtitle, "", "Tallene:"]
    lines += [f"• {f}" for f in chart.figures] or ["• (ingen)"]
    lines += ["", "Definitioner:"] + [f"• {d}" for d in chart.definitions]
    lines += ["", *report.notes, f"{SOURCE}."]
    return "\n".join(lines)


def build_pptx(report: Report, charts: list[DocumentChart]) -> bytes:
    """A deck for the committee meeting. Aggregates only; the charts are already
    suppressed, and a chart with no published figure gets no slide."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    deck = Presentation()
    old_width = deck.slide_width
    deck.slide_width, deck.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    _widen_layouts(deck, old_width)
    margin = int(SLIDE_WIDTH * 0.05)
    inner = SLIDE_WIDTH - 2 * margin

    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = report.title
    for paragraph in first.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(36)
    h = report.header
    subtitle = [
        f"Periode: {report.period.label}",
        h.committee + (f", møde {fmt_date(h.meeting_date)}" if h.meeting_date else ""),
    ]
    if h.case_number:
        subtitle.append(f"Sagsnr. {h.case_number}")
    if h.closed or report.threshold <= 0:
        subtitle.append("LUKKET PUNKT – må ikke offentliggøres")
    first.placeholders[1].text = "\n".join(subtitle)
    for paragraph in first.placeholders[1].text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(20)
    first.notes_slide.notes_text_frame.text = "\n".join([*report.notes, f"{SOURCE}."])

    title_only = deck.slide_layouts[5]
    for chart in charts:
        slide = deck.slides.add_slide(title_only)
        title = slide.shapes.title
        title.left, title.top = margin, int(SLIDE_HEIGHT * 0.04)
        title.width, title.height = inner, int(SLIDE_HEIGHT * 0.12)
        title.text = chart.title
        for paragraph in title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(30)
                run.font.bold = True
        title.text_frame.word_wrap = True

        from PIL import Image

        with Image.open(io.BytesIO(chart.png)) as img:
            ratio = img.width / img.height
        top = int(SLIDE_HEIGHT * 0.18)
        max_w, max_h = inner, int(SLIDE_HEIGHT * 0.62)
        pic_w = min(max_w, int(max_h * ratio))
        pic_h = int(pic_w / ratio)
        picture = slide.shapes.add_picture(
            io.BytesIO(chart.png), (SLIDE_WIDTH - pic_w) // 2, top, pic_w, pic_h
        )
        _alt_text(picture, chart.alt_text or f"{chart.title}. {chart.subtitle}")
        foot_top = int(SLIDE_HEIGHT * 0.82)
        _text_box(
            slide,
            margin,
            foot_top,
            inner,
            SLIDE_HEIGHT - foot_top - int(SLIDE_HEIGHT * 0.03),
            f"{chart.subtitle}\n{SOURCE}.",
            12,
        )
        slide.notes_slide.notes_text_frame.text = _notes(chart, report)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
