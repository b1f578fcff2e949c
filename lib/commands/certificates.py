"""Writes for the certificates (beviser) a participant obtains on a course, from the
catalogue (db/catalogue.py CERTIFICATE_TYPES): Resultater and the report count these rows.
Register, correct (Ret) and delete (Slet, by the user who saved it, within a day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import Certificate, CertificateType, Enrolment
from lib.commands.kit import (
    ValidationError,
    check_date,
    check_unchanged,
    current_date,
    delete_own,
    load_enrolment,
    load_in_scope,
)
from lib.domain.access import Scope
from lib.domain.format import fmt_date


def add_certificate(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    certificate_type_id: int | None,
    obtained_on: dt.date | None,
    today: dt.date | None = None,
    *,
    certificate_id: int | None = None,
    opened: dict[str, str] | None = None,
) -> int:
    """A certificate of a catalogue type obtained on a date in the course, not later than
    today. With `certificate_id`: Ret of that certificate (refused if it changed since the
    user opened it with the values `opened`, see certificate_values)."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        row = _certificate(s, scope, certificate_id, e.id) if certificate_id else None
        if row is not None:
            check_unchanged(certificate_values(row), opened, "Beviset")
        errors: dict[str, str] = {}
        kind = s.get(CertificateType, certificate_type_id) if certificate_type_id else None
        if kind is None:
            errors["certificate_type_id"] = "Vælg beviset fra listen."
        check_date(errors, "obtained_on", obtained_on, today=today, not_before=e.start_date)
        if errors or kind is None or obtained_on is None:
            raise ValidationError(errors)
        if row is None:
            row = Certificate(enrolment_id=e.id, created_by_id=scope.user_id)
            s.add(row)
        row.certificate_type_id = kind.id
        row.name = kind.label
        row.obtained_on = obtained_on
        s.flush()
        return row.id


def certificate_values(row: Any) -> dict[str, str]:
    """A certificate (the model or a row read with its columns) as Danish label -> value."""
    return {"Bevis": row.name, "Opnået": fmt_date(row.obtained_on)}


def _certificate(
    s: Session, scope: Scope, certificate_id: int, enrolment_id: int | None = None
) -> Certificate:
    stmt = select(Certificate).join(Enrolment, Enrolment.id == Certificate.enrolment_id)
    if enrolment_id is not None:
        stmt = stmt.where(Certificate.enrolment_id == enrolment_id)
    return load_in_scope(s, scope, stmt.where(Certificate.id == certificate_id))


def delete_certificate(
    engine: Engine, scope: Scope, certificate_id: int, now: dt.datetime | None = None
) -> None:
    """Slet: the user who saved the certificate removes it within a day (audited)."""
    with write_session(engine, scope.username) as s:
        delete_own(s, scope, _certificate(s, scope, certificate_id), "beviset", now)
