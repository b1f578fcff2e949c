"""Writes for the quality page: a work agreement's elements, a mentor on a course and the
mentor contacts.

Same rules as lib/entry.py: one user action is one `write_session` transaction (audited),
scope is checked inside it, everything is validated before writing (ValidationError with
Danish messages per field) and a stale edit of a work agreement is refused.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import MENTOR_TYPES, Enrolment, MentorAssignment, MentorContact, WorkAgreement
from lib.entry import STALE_MESSAGE, StaleEdit, ValidationError
from lib.format import fmt_date
from lib.quality import ELEMENT_LABELS, WORK_AGREEMENT_ELEMENTS
from lib.scope import AccessDenied, Scope, enrolment_clause

NOTE_LIMIT = 2000
NAME_LIMIT = 200
FREQUENCIES = (7, 14, 21)


JOB_CENTRE = ("admin", "leder", "sagsbehandler")


def _today() -> dt.date:
    return dt.date.today()


def _require_job_centre(scope: Scope, what: str) -> None:
    if scope.role not in JOB_CENTRE:
        raise AccessDenied(f"{what} er jobcentrets opgave.")


def _load_enrolment(s, scope: Scope, enrolment_id: int) -> Enrolment:
    e = s.execute(
        select(Enrolment).where(Enrolment.id == enrolment_id, enrolment_clause(scope))
    ).scalar_one_or_none()
    if e is None:
        raise AccessDenied("Du har ikke adgang til dette forløb.")
    return e


def _check_date(
    errors: dict[str, str],
    name: str,
    value: dt.date | None,
    today: dt.date,
    not_before: dt.date | None = None,
    not_before_text: str = "forløbets start",
) -> None:
    if value is None:
        errors[name] = "Vælg en dato."
    elif value > today:
        errors[name] = f"Datoen ligger i fremtiden ({fmt_date(value)}). Vælg i dag eller før."
    elif not_before is not None and value < not_before:
        errors[name] = f"Datoen ligger før {not_before_text} ({fmt_date(not_before)})."


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
    _require_job_centre(scope, "Arbejdsaftalen")
    today = today or _today()
    unknown = set(elements) - set(ELEMENT_LABELS)
    if unknown:
        raise ValueError(f"Ukendte elementer: {sorted(unknown)}")
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        _check_date(errors, "signed_on", signed_on, today)
        if e.status == "referral":
            errors["enrolment"] = "Forløbet er i visitation: arbejdsaftalen laves, når det starter."
        if len(notes or "") > NOTE_LIMIT:
            errors["notes"] = f"Teksten er for lang: {len(notes)} tegn, højst {NOTE_LIMIT}."
        if errors:
            raise ValidationError(errors)
        wa = s.scalar(select(WorkAgreement).where(WorkAgreement.enrolment_id == e.id))
        if wa is not None and expected_version != wa.version:
            current = {"Underskrevet": fmt_date(wa.signed_on)} | {
                label: "Ja" if getattr(wa, key) else "Nej" for key, label in WORK_AGREEMENT_ELEMENTS
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
    _require_job_centre(scope, "At tilknytte en mentor")
    today = today or _today()
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        if mentor_type not in MENTOR_TYPES:
            errors["mentor_type"] = "Vælg en mentortype."
        if frequency_days not in FREQUENCIES:
            errors["frequency_days"] = "Vælg hver uge, hver 14. dag eller hver 3. uge."
        if len(mentor_name or "") > NAME_LIMIT:
            errors["mentor_name"] = f"Navnet er for langt: højst {NAME_LIMIT} tegn."
        _check_date(errors, "start_date", start_date, today, not_before=e.start_date)
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


def log_mentor_contact(
    engine: Engine,
    scope: Scope,
    assignment_id: int,
    contact_on: dt.date | None,
    note: str = "",
    today: dt.date | None = None,
) -> int:
    """A contact between mentor and participant. Enterprise staff may log contacts for
    their own enterprise's courses; the scope decides."""
    today = today or _today()
    with write_session(engine, scope.username) as s:
        m = s.execute(
            select(MentorAssignment)
            .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
            .where(MentorAssignment.id == assignment_id, enrolment_clause(scope))
        ).scalar_one_or_none()
        if m is None:
            raise AccessDenied("Du har ikke adgang til dette forløb.")
        errors: dict[str, str] = {}
        _check_date(errors, "contact_on", contact_on, today, m.start_date, "mentorens start")
        if contact_on and m.end_date and contact_on > m.end_date:
            errors["contact_on"] = f"Mentoren stoppede {fmt_date(m.end_date)}."
        if len(note or "") > NOTE_LIMIT:
            errors["note"] = f"Teksten er for lang: {len(note)} tegn, højst {NOTE_LIMIT}."
        if errors:
            raise ValidationError(errors)
        c = MentorContact(mentor_assignment_id=m.id, contact_on=contact_on, note=note or "")
        s.add(c)
        s.flush()
        return c.id
