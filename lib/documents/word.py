"""The committee's evaluation report as an editable Word document (.docx).

Lays out a Report (lib.documents.report: the eight questions per agreement, already
suppressed) in the structure of the job centre's own evaluation of its agreements:
introduction, the criteria, then per agreement its facts and each question's sentences,
tables, charts and the assessment staff wrote; last what works and what to develop.
"""

from __future__ import annotations

import io

import pandas as pd

from lib.documents.document_chart import DocumentChart
from lib.documents.report import SOURCE, AgreementReport, Report, ReportTable
from lib.domain.enums import ReviewCadence
from lib.domain.format import fmt_date, fmt_int, fmt_number
from lib.domain.period import Period
from lib.domain.questions import COMMON_SECTIONS, QUESTIONS
from lib.domain.suppression import marker


def _intro_lines(report: Report) -> list[str]:
    names = ", ".join(a.enterprise for a in report.agreements)
    return [
        f"Evalueringen omfatter {len(report.agreements)} "
        f"samarbejdsaftale{'r' if len(report.agreements) != 1 else ''} med "
        f"socialøkonomiske virksomheder ({names}) for perioden {report.period.label}. "
        f"Tallene er opgjort {fmt_date(report.as_of)}.",
        "Aftalerne er bygget op af aktiviteter og forudsætninger, der følges op på med "
        "otte spørgsmål. Tallene kommer fra Forløbsmonitor; vurderingerne er skrevet af "
        "medarbejderne.",
        f"Tal under {report.threshold} vises som «{marker(report.threshold)}», og andele og "
        f"gennemsnit, der bygger på færre end {report.threshold} personer, vises ikke, så "
        "ingen enkeltperson kan genkendes.",
    ]


def _agreement_details(a: AgreementReport) -> list[tuple[str, str]]:
    return [
        ("Virksomhed", a.enterprise),
        ("Aftalen startede", fmt_date(a.start_date)),
        ("Pladser (forløb)", fmt_int(a.slots)),
        ("Målgrupper", ", ".join(a.target_groups) or "–"),
        ("Evaluering", ReviewCadence.label_of(a.review_cadence, a.review_cadence).lower()),
        ("Kontakt i jobcentret", a.jobcentre_contact or "–"),
        ("Kontakt i virksomheden", a.enterprise_contact or "–"),
    ]


def cell_text(value: int | float | str | None) -> str:
    """A published table cell as text, the same on the page and in Word: '–' where a
    share or mean is withheld or missing, Danish numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int):
        return fmt_int(value)
    if isinstance(value, float):
        return fmt_number(value, 1)
    return str(value)


def build_docx(report: Report, charts: list[DocumentChart] | None = None) -> bytes:
    """The report as an editable Word document, with the charts under their questions
    (overview charts, question None, in the introduction)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    charts = charts or []
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)):
        styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        styles[name].font.size = Pt(size)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)

    doc.add_heading(report.title, level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"Periode: {report.period.label}. ").bold = True
    meta.add_run(f"Opgjort {fmt_date(report.as_of)}. Udarbejdet {fmt_date(report.generated_on)}.")

    def add_table(table: ReportTable) -> None:
        doc.add_paragraph(table.title, style="Heading 4")
        frame = table.frame
        t = doc.add_table(rows=1, cols=len(frame.columns))
        t.style = "Light Grid Accent 1"
        t.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, name in zip(t.rows[0].cells, frame.columns, strict=True):
            cell.text = str(name).strip()
        for record in frame.itertuples(index=False):
            cells = t.add_row().cells
            for cell, value in zip(cells, record, strict=True):
                cell.text = cell_text(value)
        note = doc.add_paragraph()
        run = note.add_run(" ".join([table.definition, *table.notes]))
        run.italic = True
        run.font.size = Pt(9)

    def add_text(body: str) -> None:
        if not body.strip():
            p = doc.add_paragraph()
            run = p.add_run("[Vurdering ikke skrevet endnu]")
            run.italic = True
            run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
            return
        for para in body.strip().split("\n"):
            if para.strip().startswith(("- ", "• ")):
                doc.add_paragraph(para.strip()[2:], style="List Bullet")
            elif para.strip():
                doc.add_paragraph(para.strip())

    def add_charts(selected: list[DocumentChart]) -> None:
        for chart in selected:
            doc.add_picture(io.BytesIO(chart.png), width=Cm(15.5))
            caption = doc.add_paragraph()
            run = caption.add_run(f"{chart.title}. {chart.subtitle}")
            run.italic = True
            run.font.size = Pt(9)

    doc.add_heading(COMMON_SECTIONS["intro"], level=1)
    for line in _intro_lines(report):
        doc.add_paragraph(line)
    add_text(report.text(None, "intro"))
    add_charts([c for c in charts if c.question is None])

    doc.add_heading("Evaluering af samarbejde og mål i aftalerne – kriterier", level=1)
    for title in QUESTIONS.values():
        doc.add_paragraph(title, style="List Bullet")

    for a in report.agreements:
        doc.add_heading(f"Status i {a.name}", level=1)
        facts = doc.add_table(rows=0, cols=2)
        facts.style = "Light List Accent 1"
        for label, value in _agreement_details(a):
            cells = facts.add_row().cells
            cells[0].text, cells[1].text = label, value
        if a.description:
            doc.add_paragraph(a.description)
        for q in a.questions:
            doc.add_heading(q.title, level=2)
            for line in q.summary:
                doc.add_paragraph(line)
            for table in q.tables:
                add_table(table)
            add_charts(
                [c for c in charts if c.agreement_id == a.agreement_id and c.question == q.key]
            )
            doc.add_paragraph("Vurdering", style="Heading 4")
            add_text(report.text(a.agreement_id, q.key))

    doc.add_heading(COMMON_SECTIONS["what_works"], level=1)
    add_text(report.text(None, "what_works"))
    doc.add_heading(COMMON_SECTIONS["development_points"], level=1)
    add_text(report.text(None, "development_points"))
    footer = doc.add_paragraph()
    run = footer.add_run(f"{SOURCE}. {' '.join(_intro_lines(report)[2:])}")
    run.italic = True
    run.font.size = Pt(8)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def report_filename(kind: str, period: Period) -> str:
    return f"evalueringsrapport_{period.start.isoformat()}_{period.end.isoformat()}.{kind}"
