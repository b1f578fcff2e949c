"""The write kit: what every command in lib/commands shares.

Every command is one user action and one `write_session` transaction, so the audit log gets
every change and a refused save leaves nothing half-written. Each one:
1. checks scope (AccessDenied) inside the transaction, so a page cannot forget it
   (`require_job_centre`, `load_enrolment`, `load_in_scope`);
2. validates everything BEFORE writing and raises ValidationError carrying
   {field: Danish message} for all problems at once, so a form can show each at its field
   (`check_date`, `check_text`, `check_name`, `check_scores`);
3. refuses stale edits (StaleEdit carrying the newer values) by the version column.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TypeVar

from sqlalchemy import Select, String, event, func, inspect, select
from sqlalchemy.orm import Session

from db.models import (
    Agreement,
    Enrolment,
    Extension,
    ScoreLevel,
)
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import JOB_CENTRE_ROLES, EnrolmentStatus
from lib.domain.format import fmt_date
from lib.domain.rules import expected_end
from lib.domain.text import clean_text, has_control_characters
from lib.queries.scope import enrolment_clause

T = TypeVar("T")

# Text limits (characters). Short fields match their column; free text is capped so a
# pasted document does not end up in a note.
TEXT_LIMITS = {
    "case_code": 40,
    "initials": 10,
    "took_part": 300,
    "long_term_goal": 1000,
    "rationale": 1000,
    "focus": 1000,
    "notes": 4000,
    "reason": 1000,
    "final_summary": 4000,
    "work_agreement_notes": 2000,
    "mentor_contact_note": 2000,
    "cancel_reason": 1000,
    "pause_reason": 200,
    "sub_goal_comment": 1000,
}

# A yes/no fact that feeds a measure starts unanswered; saving needs an answer.
ANSWER_REQUIRED = "Svar Ja eller Nej. Feltet er ikke udfyldt på forhånd."


class ValidationError(ValueError):
    """Refused before writing. `errors` maps a form field to its Danish message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ConfirmationNeeded(ValidationError):
    """Not wrong, but unusual: save again with confirm=True to go ahead."""


class StaleEdit(RuntimeError):
    """Someone else saved the record after it was opened. `current` holds the newer values
    (Danish labels -> display values) so the form can show them; nothing was written."""

    def __init__(self, message: str, current: dict[str, str], version: int | None):
        super().__init__(message)
        self.current = current
        self.version = version


STALE_MESSAGE = (
    "{what} er ændret af en anden, efter du åbnede den. Intet er gemt. "
    "Se de nye værdier nedenfor, og gem igen, hvis din ændring stadig skal med."
)

NO_COURSE_ACCESS = "Du har ikke adgang til dette forløb."


def current_date() -> dt.date:
    return dt.date.today()


# --------------------------------------------------------------------------- clean text


@event.listens_for(Session, "before_flush")
def _strip_control_characters(session: Session, _ctx: object, _instances: object) -> None:
    """Every text column of every row written in a session, from any form or import: NUL
    and other control characters removed (newline and tab kept). One place, so no field can
    be forgotten: PostgreSQL refuses NUL with an error that would show the SQL, and a
    vertical tab in a report text breaks every Word and PowerPoint export."""
    for obj in (*session.new, *session.dirty):
        mapper = inspect(obj).mapper
        for column_attr in mapper.column_attrs:
            column = column_attr.columns[0]
            if not isinstance(column.type, String):  # Text is a String too
                continue
            value = getattr(obj, column_attr.key, None)
            if isinstance(value, str) and (has_control_characters(value) or "\r" in value):
                setattr(obj, column_attr.key, clean_text(value))


def clean_field(value: str | None) -> str:
    """A short text field as it will be stored (control characters gone, trimmed): what a
    command validates and compares, so a check ("given?", "already in use?") sees the
    value the hook above would write."""
    return clean_text(value or "").strip()


# --------------------------------------------------------------------------- validation


def check_text(
    errors: dict[str, str], fieldname: str, value: str | None, limit_key: str | None = None
) -> None:
    """Free text within its limit (TEXT_LIMITS[limit_key or fieldname])."""
    limit = TEXT_LIMITS[limit_key or fieldname]
    if value is not None and len(value) > limit:
        errors[fieldname] = f"Teksten er for lang: {len(value)} tegn, højst {limit}."


def check_name(
    errors: dict[str, str], fieldname: str, value: str, limit: int, missing: str | None = None
) -> None:
    """A name (of a mentor, a survey round ...): given when `missing` says what to write,
    and at most `limit` characters."""
    if missing is not None and not value:
        errors[fieldname] = missing
    elif len(value) > limit:
        errors[fieldname] = f"Navnet er for langt: højst {limit} tegn."


# Every date a form writes lies in this range (the query parameters' bounds too): a year
# 1 or 9999 typed or pasted by mistake is refused, not stored to break a later
# calculation (a course's planned end is start + weeks).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def check_date_range(errors: dict[str, str], fieldname: str, value: dt.date | None) -> bool:
    """Within EARLIEST_DATE..LATEST_DATE (None passes: required is checked elsewhere)."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        errors[fieldname] = (
            f"Datoen skal ligge mellem {fmt_date(EARLIEST_DATE)} og {fmt_date(LATEST_DATE)}."
        )
        return False
    return True


def check_date(
    errors: dict[str, str],
    fieldname: str,
    value: dt.date | None,
    *,
    today: dt.date | None,
    not_before: dt.date | None = None,
    not_before_text: str = "forløbets start",
    advice: str = "Vælg en dato i forløbet.",
    required: bool = True,
) -> None:
    """A date that has happened (`today=None`: a future date is allowed too) and is not
    before `not_before`; `advice` ends the not-before message (empty: none)."""
    if value is None:
        if required:
            errors[fieldname] = "Vælg en dato."
        return
    if not check_date_range(errors, fieldname, value):
        return
    if today is not None and value > today:
        errors[fieldname] = f"Datoen ligger i fremtiden ({fmt_date(value)}). Vælg i dag eller før."
    elif not_before is not None and value < not_before:
        message = f"Datoen ligger før {not_before_text} ({fmt_date(not_before)})."
        errors[fieldname] = f"{message} {advice}" if advice else message


def check_answered(
    errors: dict[str, str], fieldname: str, value: bool | None, message: str = ANSWER_REQUIRED
) -> None:
    """A yes/no fact: None (not answered) is refused, never read as no or yes."""
    if value is None:
        errors[fieldname] = message


def is_blank(value: object) -> bool:
    """An empty cell: None, or NaN as a grid or a spreadsheet gives it."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def score_scale(session: Session) -> tuple[int, int]:
    lo, hi = session.execute(select(func.min(ScoreLevel.value), func.max(ScoreLevel.value))).one()
    return (lo or 1, hi or 5)


def check_scores(
    errors: dict[str, str],
    session: Session,
    scores: dict[int, int],
    required: list[int],
    prefix: str = "score",
) -> None:
    """Scores on the scale. `required` lists the ids that must be scored (empty: a
    parameter left unscored is simply not scored, stored as no row)."""
    lo, hi = score_scale(session)
    for pid in required:
        if pid not in scores or scores[pid] is None:
            errors[f"{prefix}_{pid}"] = "Giv en score for denne parameter."
    for pid, score in scores.items():
        if score is None:
            continue
        if not isinstance(score, int) or not lo <= score <= hi:
            errors[f"{prefix}_{pid}"] = f"Scoren skal ligge på skalaen {lo}–{hi} (fik {score})."


# --------------------------------------------------------------------------- scope


def require_job_centre(scope: Scope, what: str) -> None:
    if scope.role not in JOB_CENTRE_ROLES:
        raise AccessDenied(f"{what} er jobcentrets opgave.")


def load_in_scope(session: Session, scope: Scope, stmt: Select[T]) -> T:
    """The one row of `stmt` (which selects from or joins `enrolment`) if its course is in
    the user's scope; AccessDenied if not, or if there is no such row."""
    row = session.execute(stmt.where(enrolment_clause(scope))).scalar_one_or_none()
    if row is None:
        raise AccessDenied(NO_COURSE_ACCESS)
    return row


def load_enrolment(session: Session, scope: Scope, enrolment_id: int) -> Enrolment:
    """The enrolment, if in scope; the write lock is already held (SQLite) or the row is
    locked for update (PostgreSQL)."""
    return load_in_scope(session, scope, select(Enrolment).where(Enrolment.id == enrolment_id))


# --------------------------------------------------------------------------- courses


def planned_end(session: Session, e: Enrolment) -> dt.date:
    """The course's expected end (lib.domain.rules.expected_end) with its extensions."""
    extension_ends = session.scalars(
        select(Extension.new_end_date).where(Extension.enrolment_id == e.id)
    )
    return expected_end(e.start_date, e.planned_weeks, extension_ends)


def lock_agreement(session: Session, agreement_id: int) -> Agreement | None:
    # PostgreSQL: lock the agreement row so two enrolments cannot both take the last slot.
    # SQLite: the whole database is already write-locked by BEGIN IMMEDIATE.
    return session.execute(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update()
    ).scalar_one_or_none()


def no_free_slot(
    agreement: Agreement,
    in_use: int,
    what_now: str = "Indskriv deltageren i visitation, så venter forløbet på en ledig plads.",
) -> str:
    return (
        f"Der er ingen ledig plads på aftalen ({in_use} af {agreement.slots} pladser i brug). "
        + what_now
    )


def looks_like_cpr(code: str) -> bool:
    digits = code.replace("-", "").replace(" ", "")
    return len(digits) == 10 and digits.isdigit()


def enrolment_values(s: Session, e: Enrolment) -> dict[str, str]:
    return {
        "Status": EnrolmentStatus.label_of(e.status, e.status),
        "Start": fmt_date(e.start_date),
        "Planlagt slut": fmt_date(planned_end(s, e)),
        "Slutdato": fmt_date(e.end_date),
    }


def check_version(s: Session, e: Enrolment, expected_version: int | None, what: str) -> None:
    if expected_version is not None and e.version != expected_version:
        raise StaleEdit(STALE_MESSAGE.format(what=what), enrolment_values(s, e), e.version)
