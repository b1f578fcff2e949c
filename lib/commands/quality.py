"""Writes for the quality page: a work agreement's elements, a mentor on a course and the
mentor contacts.

The same rules as every command (lib/commands/kit.py): one user action is one
`write_session` transaction (audited), scope is checked inside it, everything is validated
before writing (ValidationError with Danish messages per field) and a stale edit of a work
agreement is refused.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import MENTOR_TYPES, MentorAssignment, WorkAgreement
from lib.commands.kit import (
    STALE_MESSAGE,
    StaleEdit,
    ValidationError,
    check_date,
    check_name,
    check_text,
    current_date,
    load_enrolment,
    require_job_centre,
)
from lib.commands.mentors import log_contact
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus
from lib.domain.format import fmt_date, fmt_yes_no
from lib.domain.quality import ELEMENT_LABELS, WORK_AGREEMENT_ELEMENTS

NAME_LIMIT = 200

FREQUENCIES = (7, 14, 21)


def save_work_agreement(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    signed_on: dt.date | None,
    elements: dict[str, bool],
    notes: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> int:
    """Create or update the enrolment's written work agreement. Returns its id.
    `expected_version` is the version the form was opened with (None for a new one)."""
    require_job_centre(scope, "Arbejdsaftalen")
    today = today or current_date()
    unknown = set(elements) - set(ELEMENT_LABELS)
    if unknown:
        raise ValueError(f"Ukendte elementer: {sorted(unknown)}")
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        check_date(errors, "signed_on", signed_on, today=today, advice="")
        if e.status == EnrolmentStatus.REFERRAL:
            errors["enrolment"] = "Forløbet er i visitation: arbejdsaftalen laves, når det starter."
        check_text(errors, "notes", notes, "work_agreement_notes")
        if errors or signed_on is None:
            raise ValidationError(errors)
        wa = s.scalar(select(WorkAgreement).where(WorkAgreement.enrolment_id == e.id))
        if wa is not None and expected_version != wa.version:
            current = {"Underskrevet": fmt_date(wa.signed_on)} | {
                label: fmt_yes_no(getattr(wa, key)) for key, label in WORK_AGREEMENT_ELEMENTS
            }
            raise StaleEdit(STALE_MESSAGE.format(what="Arbejdsaftalen"), current, wa.version)
        if wa is None:
            wa = WorkAgreement(enrolment_id=e.id)
            s.add(wa)
        wa.signed_on = signed_on
        for key, _ in WORK_AGREEMENT_ELEMENTS:
            setattr(wa, key, bool(elements.get(key, False)))
        wa.notes = notes or ""
        s.flush()
        return wa.id


def add_mentor(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    mentor_type: str,
    mentor_name: str,
    frequency_days: int,
    start_date: dt.date | None,
    today: dt.date | None = None,
) -> int:
    """A mentor on the course with the agreed follow-up frequency (7, 14 or 21 days)."""
    require_job_centre(scope, "At tilknytte en mentor")
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        if mentor_type not in MENTOR_TYPES:
            errors["mentor_type"] = "Vælg en mentortype."
        if frequency_days not in FREQUENCIES:
            errors["frequency_days"] = "Vælg hver uge, hver 14. dag eller hver 3. uge."
        check_name(errors, "mentor_name", mentor_name or "", NAME_LIMIT)
        check_date(
            errors, "start_date", start_date, today=today, not_before=e.start_date, advice=""
        )
        if errors:
            raise ValidationError(errors)
        m = MentorAssignment(
            enrolment_id=e.id,
            mentor_type=mentor_type,
            mentor_name=(mentor_name or "").strip(),
            frequency_days=frequency_days,
            start_date=start_date,
        )
        s.add(m)
        s.flush()
        return m.id


# One write path for a mentor contact: the mentors module's (it records who logged it).
log_mentor_contact = log_contact
