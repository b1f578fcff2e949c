"""Writes for the agreement evaluation report (evalueringsrapport): the assessment staff
write per agreement, period and section next to the numbers (lib/documents/report.py).

One save is one audited `write_session` transaction; a text someone else saved after it
was opened is refused (StaleText), never silently overwritten.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm.exc import StaleDataError

from db.engine import write_session
from db.models import ReportHeader, ReportText
from lib.commands.kit import ValidationError
from lib.domain.period import Period
from lib.domain.questions import REPORT_WIDE, SECTIONS
from lib.domain.text import clean_text

# One section of the report is a few paragraphs; the page shows a counter up to this.
TEXT_LIMIT = 4000
HEADER_LIMITS = {"committee": 120, "case_number": 60, "author": 120}


class StaleText(RuntimeError):
    """Someone else saved this text after it was opened; the message is for the user."""


def save_text(
    engine: Engine,
    actor: str,
    *,
    agreement_id: int | None,
    period: Period,
    section: str,
    body: str,
    expected_version: int | None,
    user_id: int | None = None,
) -> int:
    """Save one section's text; returns the new version.

    `expected_version` is the version the editor opened (None: there was no text). If
    someone saved in between, StaleText is raised and nothing is written, so an edit made
    over several days never silently overwrites a colleague's.
    """
    body = clean_text(body)
    if len(body) > TEXT_LIMIT:
        raise ValidationError(
            {section: f"Teksten er for lang: {len(body)} tegn, højst {TEXT_LIMIT}."}
        )
    if section not in SECTIONS:
        raise ValueError(f"Ukendt afsnit: {section}")
    if (agreement_id is None) != (section in REPORT_WIDE):
        raise ValueError(
            f"Afsnittet {section} hører ikke til {'rapporten' if agreement_id is None else 'en aftale'}."
        )
    stale = StaleText(
        "Teksten er ændret af en anden, siden du åbnede den. Kopiér din tekst, genindlæs "
        "siden og indsæt den igen."
    )
    try:
        with write_session(engine, actor) as session:
            row = session.scalars(
                select(ReportText)
                .where(
                    ReportText.agreement_id.is_(None)
                    if agreement_id is None
                    else ReportText.agreement_id == agreement_id,
                    ReportText.period_start == period.start,
                    ReportText.period_end == period.end,
                    ReportText.section == section,
                )
                .order_by(ReportText.id)
                .limit(1)
            ).first()
            if row is None:
                if expected_version is not None:
                    raise stale
                row = ReportText(
                    agreement_id=agreement_id,
                    period_start=period.start,
                    period_end=period.end,
                    section=section,
                    body=body,
                    updated_by_id=user_id,
                )
                session.add(row)
                session.flush()
                return row.version
            if expected_version != row.version:
                raise stale
            if row.body == body:
                return row.version
            row.body = body
            row.updated_by_id = user_id
            session.flush()
            return row.version
    except StaleDataError:
        raise stale from None


def save_header(
    engine: Engine,
    actor: str,
    *,
    period: Period,
    committee: str,
    meeting_date: dt.date | None,
    case_number: str,
    author: str,
    closed: bool,
    expected_version: int | None,
    user_id: int | None = None,
) -> int:
    """Save the report's memo header for the period; returns the new version. A header
    someone else saved after it was opened is refused (StaleText)."""
    values = {
        "committee": clean_text(committee).strip(),
        "case_number": clean_text(case_number).strip(),
        "author": clean_text(author).strip(),
    }
    errors = {
        name: f"Højst {limit} tegn."
        for name, limit in HEADER_LIMITS.items()
        if len(values[name]) > limit or "\n" in values[name]
    }
    if errors:
        raise ValidationError(errors)
    stale = StaleText(
        "Rapportens hoved er ændret af en anden, siden du åbnede siden. Genindlæs siden."
    )
    try:
        with write_session(engine, actor) as session:
            row = session.scalars(
                select(ReportHeader).where(
                    ReportHeader.period_start == period.start,
                    ReportHeader.period_end == period.end,
                )
            ).first()
            if row is None:
                if expected_version is not None:
                    raise stale
                row = ReportHeader(period_start=period.start, period_end=period.end)
                session.add(row)
            elif expected_version != row.version:
                raise stale
            row.committee = values["committee"]
            row.case_number = values["case_number"]
            row.author = values["author"]
            row.meeting_date = meeting_date
            row.closed = closed
            row.updated_by_id = user_id
            session.flush()
            return row.version
    except StaleDataError:
        raise stale from None
