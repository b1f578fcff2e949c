"""Writes for the certificates (beviser) a participant obtains on a course, from the
catalogue (db/catalogue.py CERTIFICATE_TYPES): Resultater and the report count these rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from db.engine import write_session
from db.models import Certificate, CertificateType
from lib.commands.kit import ValidationError, check_date, current_date, load_enrolment
from lib.domain.access import Scope


def add_certificate(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    certificate_type_id: int | None,
    obtained_on: dt.date | None,
    today: dt.date | None = None,
) -> int:
    """A certificate of a catalogue type obtained on a date in the course, not later than
    today."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        kind = s.get(CertificateType, certificate_type_id) if certificate_type_id else None
        if kind is None:
            errors["certificate_type_id"] = "Vælg beviset fra listen."
        check_date(errors, "obtained_on", obtained_on, today=today, not_before=e.start_date)
        if errors or kind is None or obtained_on is None:
            raise ValidationError(errors)
        row = Certificate(
            enrolment_id=e.id,
            certificate_type_id=kind.id,
            name=kind.label,
            obtained_on=obtained_on,
            created_by_id=scope.user_id,
        )
        s.add(row)
        s.flush()
        return row.id
