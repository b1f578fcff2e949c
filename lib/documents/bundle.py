"""The committee's Word report and PowerPoint deck made together: one report, one set of
charts rendered once (at a bounded pixel size) and embedded in both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Engine

from lib.documents.powerpoint import build_pptx
from lib.documents.presentation import report_charts, to_document_charts
from lib.documents.report import ReportHeaderFields, build_report
from lib.documents.word import build_docx
from lib.domain.access import Scope
from lib.domain.period import Period


def build_documents(
    engine: Engine,
    scope: Scope,
    period: Period,
    agreement_ids: Sequence[int] | None,
    positions: dict[int, int] | None,
    threshold: int,
    header: ReportHeaderFields | None = None,
    today: dt.date | None = None,
) -> tuple[bytes, bytes]:
    """(docx, pptx) for the chosen agreements and period from fresh figures."""
    report = build_report(
        engine,
        scope,
        period,
        sorted(agreement_ids) if agreement_ids else None,
        threshold=threshold,
        today=today or dt.date.today(),
        header=header,
    )
    charts = to_document_charts(report_charts(report, positions))
    return build_docx(report, charts), build_pptx(report, charts)
