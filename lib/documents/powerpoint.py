"""The committee's charts as a PowerPoint deck (.pptx) for the meeting: a title slide,
then one chart per slide with its title, subtitle and source.
"""

from __future__ import annotations

import io

from lib.documents.document_chart import DocumentChart
from lib.documents.report import SOURCE, Report


def build_pptx(report: Report, charts: list[DocumentChart]) -> bytes:
    """A deck for the committee meeting: a title slide, then one chart per slide with its
    title, period and source. Aggregates only; charts are already suppressed."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor as PptColor
    from pptx.util import Emu
    from pptx.util import Pt as PptPt

    deck = Presentation()
    width, height = Emu(12192000), Emu(6858000)  # 16:9
    deck.slide_width, deck.slide_height = width, height
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = report.title
    first.placeholders[
        1
    ].text = f"Periode: {report.period.label}\nBeskæftigelses- og Integrationsudvalget"

    blank = deck.slide_layouts[6]
    margin = Emu(int(width * 0.04))
    for chart in charts:
        slide = deck.slides.add_slide(blank)
        box = slide.shapes.add_textbox(
            margin, Emu(int(height * 0.03)), width - 2 * margin, Emu(int(height * 0.11))
        )
        frame = box.text_frame
        frame.word_wrap = True
        p = frame.paragraphs[0]
        p.text = chart.title
        p.runs[0].font.size = PptPt(30)
        p.runs[0].font.bold = True
        p.runs[0].font.color.rgb = PptColor(0x1F, 0x3A, 0x5F)
        from PIL import Image

        with Image.open(io.BytesIO(chart.png)) as img:
            ratio = img.width / img.height
        top = Emu(int(height * 0.15))
        max_w, max_h = width - 2 * margin, Emu(int(height * 0.72))
        pic_w = min(max_w, int(max_h * ratio))
        pic_h = int(pic_w / ratio)
        slide.shapes.add_picture(
            io.BytesIO(chart.png), Emu(int((width - pic_w) / 2)), top, Emu(pic_w), Emu(pic_h)
        )
        foot = slide.shapes.add_textbox(
            margin, Emu(int(height * 0.89)), width - 2 * margin, Emu(int(height * 0.08))
        )
        fp = foot.text_frame.paragraphs[0]
        fp.text = f"{chart.subtitle} {SOURCE}."
        fp.runs[0].font.size = PptPt(14)
        fp.runs[0].font.color.rgb = PptColor(0x33, 0x33, 0x33)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
