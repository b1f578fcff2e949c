"""Writes for the agreement evaluation report (evalueringsrapport): the assessment staff
write per agreement, period and section next to the numbers (lib/documents/report.py).

One save is one audited `write_session` transaction; a text someone else saved after it
was opened is refused (StaleText), never silently overwritten.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm.exc import StaleDataError

from db.engine import write_session
from db.models import (
    ReportText,
)
from lib.domain.period import Period
from lib.domain.questions import REPORT_WIDE, SECTIONS


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
