"""The assessments staff write in the committee's evaluation report (ReportText): one
text per agreement, period and section (lib.domain.questions.SECTIONS), with a version
number so a save can refuse a stale edit (lib.commands.report_texts writes them).
"""

from __future__ import annotations

from sqlalchemy import Engine, or_, select

from db.models import ReportHeader, ReportText
from lib.domain.period import Period


def load_texts(
    engine: Engine, period: Period, agreement_ids: list[int]
) -> dict[tuple[int | None, str], tuple[str, int]]:
    """(agreement_id or None, section) -> (body, version) for the period."""
    stmt = (
        select(ReportText.agreement_id, ReportText.section, ReportText.body, ReportText.version)
        .where(
            ReportText.period_start == period.start,
            ReportText.period_end == period.end,
            or_(ReportText.agreement_id.in_(agreement_ids), ReportText.agreement_id.is_(None)),
        )
        .order_by(ReportText.id)
    )
    with engine.connect() as conn:
        return {
            (aid, section): (body, version) for aid, section, body, version in conn.execute(stmt)
        }


def load_header(engine: Engine, period: Period) -> tuple[dict[str, object], int | None]:
    """The report header's fields for the period and its version (None: none saved)."""
    stmt = select(ReportHeader).where(
        ReportHeader.period_start == period.start, ReportHeader.period_end == period.end
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return {}, None
    fields = ("committee", "meeting_date", "case_number", "author", "closed")
    return {name: row[name] for name in fields}, row["version"]
