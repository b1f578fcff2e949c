"""The committee's evaluation report as an editable Word document (.docx).

Lays out a Report (lib.documents.report: the eight questions per agreement, already
suppressed) like the job centre's own memo to its committee: a memo header (committee,
meeting date, case number, author), introduction, one "Om tallene" box, the criteria, the
charts, then per agreement each question's figures followed by the assessment staff
wrote; last what works and what to develop. A4, Danish on every run of text, "Side X af
Y" in the footer, heading levels 1–2 without gaps, table rows that never split across a
page and header rows repeated, charts with alt text and a caption.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd

from lib.documents.document_chart import DocumentChart
from lib.documents.report import SOURCE, AgreementReport, Report, ReportTable
from lib.domain.enums import ReviewCadence
from lib.domain.format import fmt_date, fmt_int, fmt_number, fmt_yes_no
from lib.domain.period import Period
from lib.domain.questions import COMMON_SECTIONS, QUESTIONS

LANGUAGE = "da-DK"
NAVY = (0x1F, 0x3A, 0x5F)
# Tables whose every figure the sentence above them already says are left out of Word
# (kept on the page): the committee reads the figure once.
SENTENCE_TABLES = {
    "Pladser og belægning",
    "Planer med frist i perioden",
    "Evalueringer med frist i perioden",
}


def _intro_lines(report: Report) -> list[str]:
    names = ", ".join(a.enterprise for a in report.agreements)
    n = len(report.agreements)
    return [
        f"Evalueringen omfatter {n} samarbejdsaftale{'r' if n != 1 else ''} med "
        f"socialøkonomiske virksomheder ({names}) for perioden {report.period.label}. "
        f"Tallene er opgjort {fmt_date(report.as_of)} og kommer fra Forløbsmonitor; "
        "vurderingerne er skrevet af medarbejderne.",
    ]


def agreement_line(a: AgreementReport) -> str:
    cadence = ReviewCadence.label_of(a.review_cadence, a.review_cadence).lower()
    return (
        f"{a.enterprise}. Aftalen startede {fmt_date(a.start_date)} og har "
        f"{fmt_int(a.slots)} pladser. Målgrupper: {', '.join(a.target_groups) or '–'}. "
        f"Evalueres {cadence}. Kontakt i jobcentret: {a.jobcentre_contact or '–'}; i "
        f"virksomheden: {a.enterprise_contact or '–'}."
    )


def cell_text(value: int | float | str | None) -> str:
    """A published table cell as text, the same on the page and in Word: '–' where a
    share or mean is withheld or missing, Danish numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return fmt_yes_no(value)
    if isinstance(value, int):
        return fmt_int(value)
    if isinstance(value, float):
        return fmt_number(value, 1)
    return str(value)


def header_fields(report: Report) -> list[tuple[str, str]]:
    h = report.header
    return [
        ("Udvalg", h.committee or "–"),
        ("Mødedato", fmt_date(h.meeting_date) if h.meeting_date else "–"),
        ("Sagsnummer", h.case_number or "–"),
        ("Forfatter", h.author or "–"),
        ("Periode", report.period.label),
    ]


# --------------------------------------------------------------------------- low-level XML


def _set_lang(r_pr: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANGUAGE)


def _all_runs(doc: Any) -> Iterator[Any]:
    from docx.oxml.ns import qn

    parts = [doc.element.body]
    for section in doc.sections:
        parts += [section.header._element, section.footer._element]
    for part in parts:
        yield from part.iter(qn("w:r"))


def _danish_everywhere(doc: Any) -> None:
    """da-DK in the document defaults, every style and every run, so spelling and
    hyphenation are Danish whatever the reader's Word is set to."""
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_lang(r_pr)
    for style in doc.styles:
        if hasattr(style, "element") and style.type in (1, 2):  # paragraph, character
            _set_lang(style.element.get_or_add_rPr())
    for run in _all_runs(doc):
        _set_lang(run.get_or_add_rPr())


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as a run that Word and LibreOffice fill in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        if kind == "separate":
            paragraph.add_run("1")


def _row_properties(row: Any, header: bool) -> None:
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        repeat = OxmlElement("w:tblHeader")
        tr_pr.append(repeat)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _alt_text(inline_shape: Any, title: str, description: str) -> None:
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("title", title)
    doc_pr.set("descr", description)


def _run_xml(text: str, bold: bool) -> str:
    """A run of 9 pt text as python-docx writes `cell.text = text` then sets bold and
    size: a tab becomes <w:tab/>, a line break <w:br/>, space kept at either end."""
    parts: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            t = "".join(buffer)
            space = ' xml:space="preserve"' if len(t.strip()) < len(t) else ""
            parts.append(f"<w:t{space}>{escape(t)}</w:t>")
            buffer.clear()

    for char in text:
        if char == "\t":
            flush()
            parts.append("<w:tab/>")
        elif char in "\r\n":
            flush()
            parts.append("<w:br/>")
        else:
            buffer.append(char)
    flush()
    b = "<w:b/>" if bold else '<w:b w:val="0"/>'
    return f'<w:r><w:rPr>{b}<w:sz w:val="18"/></w:rPr>{"".join(parts)}</w:r>'


def table_xml(
    rows: list[list[str]], header: bool, widths: list[int], style_id: str = "TableGrid"
) -> str:
    """A small table's XML in one piece (widths in twips): the same elements python-docx
    makes cell by cell, built as text and parsed once, since python-docx's cell-by-cell
    insertion took ~25 ms a table (seconds for a report of 40 agreements). With `header`
    the first row is a shaded, bold header row repeated on each page, and the figures
    are right-aligned; no row splits across a page."""
    from docx.oxml.ns import nsdecls

    style = f'<w:tblStyle w:val="{style_id}"/>' if header else ""
    out = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>{style}"
        '<w:tblW w:type="auto" w:w="0"/><w:jc w:val="left"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        *[f'<w:gridCol w:w="{w}"/>' for w in widths],
        "</w:tblGrid>",
    ]
    for i, values in enumerate(rows):
        head = header and i == 0
        out.append(
            "<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if head else "") + "</w:trPr>"
        )
        for j, (value, width) in enumerate(zip(values, widths, strict=True)):
            shade = '<w:shd w:val="clear" w:color="auto" w:fill="DCE3EC"/>' if head else ""
            jc = '<w:jc w:val="right"/>' if j and header else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shade}</w:tcPr>'
                f'<w:p><w:pPr><w:spacing w:after="0"/>{jc}</w:pPr>{_run_xml(value, head)}'
                "</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# --------------------------------------------------------------------------- the document


def build_docx(report: Report, charts: list[DocumentChart] | None = None) -> bytes:
    """The report as an editable Word document, with the charts in the overview."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Cm, Pt, RGBColor

    charts = charts or []
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10.5)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.08
    for name, size, before in (("Title", 18, 0), ("Heading 1", 14, 12), ("Heading 2", 11, 6)):
        style = styles[name]
        style.font.color.rgb = RGBColor(*NAVY)
        style.font.size = Pt(size)
        style.font.name = "Calibri"
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(3)
        style.paragraph_format.keep_with_next = True
    # Style objects, looked up once: python-docx finds a style given by name by walking
    # every style, for every paragraph (seconds for a report of 40 agreements).
    caption_style, bullet_style = styles["Caption"], styles["List Bullet"]
    grid_style = styles["Table Grid"]
    heading = {1: styles["Heading 1"], 2: styles["Heading 2"]}

    def add_paragraph(text: str = "", style: Any = None) -> Any:
        """doc.add_paragraph with the style set by its id: python-docx compares a style
        object with the default style by walking every style, for every paragraph."""
        paragraph = doc.add_paragraph(text)
        if style is not None:
            paragraph._p.get_or_add_pPr().style = style.style_id
        return paragraph

    def add_heading(text: str, level: int) -> None:
        add_paragraph(text, heading[level])

    styles["Caption"].font.size = Pt(8.5)
    styles["Caption"].font.bold = False
    styles["Caption"].font.italic = False
    styles["Caption"].font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
        section.header_distance = section.footer_distance = Cm(1.0)
        head = section.header.paragraphs[0]
        head.text = f"{report.header.committee} · Sagsnr. {report.header.case_number or '–'}"
        head.runs[0].font.size = Pt(8)
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        foot.add_run("Side ")
        _field(foot, "PAGE")
        foot.add_run(" af ")
        _field(foot, "NUMPAGES")
        for run in foot.runs:
            run.font.size = Pt(8)

    def small_table(rows: list[list[str]], header: bool, widths: list[float]) -> None:
        body = doc.element.body
        body._insert_tbl(
            parse_xml(table_xml(rows, header, [Cm(w).twips for w in widths], grid_style.style_id))
        )

    def add_table(table: ReportTable) -> None:
        title = doc.add_paragraph()
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.space_after = Pt(2)
        run = title.add_run(table.title)
        run.bold = True
        run.font.size = Pt(9)
        frame = table.frame
        rows = [[str(c).strip() for c in frame.columns]]
        rows += [[cell_text(v) for v in record] for record in frame.itertuples(index=False)]
        first = 6.0 if len(frame.columns) > 3 else 7.5
        small_table(rows, True, [first] + [2.3] * (len(frame.columns) - 1))
        note = add_paragraph(style=caption_style)
        note.add_run(table.definition)

    def add_text(body: str) -> None:
        if not body.strip():
            p = doc.add_paragraph()
            run = p.add_run("[Vurdering ikke skrevet endnu]")
            run.italic = True
            run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
            return
        for para in body.strip().split("\n"):
            if para.strip().startswith(("- ", "• ")):
                add_paragraph(para.strip()[2:], bullet_style)
            elif para.strip():
                doc.add_paragraph(para.strip())

    figure_no = 0

    def add_chart(chart: DocumentChart) -> None:
        nonlocal figure_no
        figure_no += 1
        picture = doc.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        picture.paragraph_format.space_after = Pt(0)
        from PIL import Image

        with Image.open(io.BytesIO(chart.png)) as img:
            ratio = img.height / img.width
        width = Cm(14.5) if ratio < 0.75 else Cm(max(8.0, 14.5 * 0.75 / ratio))
        shape = picture.add_run().add_picture(io.BytesIO(chart.png), width=width)
        _alt_text(shape, chart.title, chart.alt_text or f"{chart.title}. {chart.subtitle}")
        caption = add_paragraph(style=caption_style)
        caption.add_run(f"Figur {figure_no}. {chart.title}. ").bold = True
        caption.add_run(f"{chart.subtitle} {SOURCE}.")

    # First page: title, memo header, closed-item notice.
    add_paragraph(report.title, styles["Title"])
    small_table([[label, value] for label, value in header_fields(report)], False, [3.2, 12.0])
    if report.header.closed or report.threshold <= 0:
        closed = doc.add_paragraph()
        run = closed.add_run(
            "LUKKET PUNKT – må ikke offentliggøres."
            + (
                " Tallene er ikke diskretioneret: små tal vises, som de er."
                if report.threshold <= 0
                else ""
            )
        )
        run.bold = True
        run.font.color.rgb = RGBColor(0xA0, 0x00, 0x00)

    add_heading(COMMON_SECTIONS["intro"], level=1)
    for line in _intro_lines(report):
        doc.add_paragraph(line)
    if report.text(None, "intro").strip():
        add_text(report.text(None, "intro"))

    box = doc.add_table(rows=1, cols=1)
    box.alignment = WD_TABLE_ALIGNMENT.LEFT
    _row_properties(box.rows[0], False)
    cell = box.rows[0].cells[0]
    _shade(cell, "EEF2F7")
    cell.paragraphs[0].add_run("Om tallene").bold = True
    for note in [*report.notes, f"{SOURCE}."]:
        p = cell.add_paragraph(note)
        p.paragraph_format.space_after = Pt(1)
        for run in p.runs:
            run.font.size = Pt(9)

    add_heading("Evaluering af samarbejde og mål i aftalerne – kriterier", level=1)
    doc.add_paragraph(
        "Samarbejdsaftalerne er bygget op af aktiviteter og forudsætninger, der følges op "
        "på med otte spørgsmål: " + " ".join(QUESTIONS.values())
    )

    if charts:
        add_heading("Aftalerne i tal", level=1)
        for chart in charts:
            add_chart(chart)

    for a in report.agreements:
        add_heading(f"Status i {a.name}", level=1)
        doc.add_paragraph(agreement_line(a))
        if a.description:
            doc.add_paragraph(a.description)
        for q in a.questions:
            add_heading(q.title, level=2)
            for line in q.summary:
                doc.add_paragraph(line)
            for table in q.tables:
                if table.title not in SENTENCE_TABLES:
                    add_table(table)
            add_text(report.text(a.agreement_id, q.key))

    add_heading(COMMON_SECTIONS["what_works"], level=1)
    add_text(report.text(None, "what_works"))
    add_heading(COMMON_SECTIONS["development_points"], level=1)
    add_text(report.text(None, "development_points"))
    end = add_paragraph(style=caption_style)
    end.add_run(f"Udarbejdet {fmt_date(report.generated_on)}. {SOURCE}.")

    doc.core_properties.title = report.title
    doc.core_properties.author = report.header.author or "Forløbsmonitor"
    doc.core_properties.language = LANGUAGE
    _danish_everywhere(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def report_filename(kind: str, period: Period) -> str:
    return f"evalueringsrapport_{period.start.isoformat()}_{period.end.isoformat()}.{kind}"
