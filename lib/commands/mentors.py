"""Writes for a course's mentors and their follow-up: enterprise staff log contacts for
their own enterprise's courses, a mentor assignment can be ended and its follow-up
frequency changed from a date (weekly at the start, then every 14 days or 3 weeks).

The kit's rules apply (lib/commands/kit.py): one transaction per action (audited), scope
checked inside it, everything validated before writing with Danish messages per field.
Adding a mentor stays the job centre's (lib/commands/quality.add_mentor).

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import Enrolment, MentorAssignment, MentorContact, MentorFrequencyChange
from lib.commands.kit import (
    ValidationError,
    check_date,
    check_text,
    check_unchanged,
    current_date,
    delete_own,
    load_in_scope,
)
from lib.domain.access import Scope
from lib.domain.format import fmt_date
from lib.domain.quality import FREQUENCY_LABELS

ENDED = "Mentoren stoppede {day}."


def _assignment(s: Session, scope: Scope, assignment_id: int) -> MentorAssignment:
    """The mentor assignment, if its course is in the user's scope (else AccessDenied)."""
    return load_in_scope(
        s,
        scope,
        select(MentorAssignment)
        .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
        .where(MentorAssignment.id == assignment_id),
    )


def log_contact(
    engine: Engine,
    scope: Scope,
    assignment_id: int,
    contact_on: dt.date | None,
    note: str = "",
    today: dt.date | None = None,
    *,
    contact_id: int | None = None,
    opened: dict[str, str] | None = None,
) -> int:
    """A contact between mentor and participant, logged by the signed-in user (enterprise
    staff for their own enterprise's courses, the job centre for its participants). With
    `contact_id`: Ret of that contact (refused if it changed since the user opened it with
    the values `opened`, see contact_values)."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        m = _assignment(s, scope, assignment_id)
        c = _contact(s, scope, contact_id, m.id) if contact_id is not None else None
        if c is not None:
            check_unchanged(contact_values(c), opened, "Kontakten")
        errors: dict[str, str] = {}
        check_date(errors, "contact_on", contact_on, today=today, not_before=m.start_date,
                   not_before_text="mentorens start", advice="")  # fmt: skip
        if contact_on and m.end_date and contact_on > m.end_date:
            errors["contact_on"] = ENDED.format(day=fmt_date(m.end_date))
        check_text(errors, "note", note, "mentor_contact_note")
        if errors:
            raise ValidationError(errors)
        if c is None:
            c = MentorContact(mentor_assignment_id=m.id, logged_by_id=scope.user_id)
            s.add(c)
        c.contact_on = contact_on  # type: ignore[assignment]
        c.note = (note or "").strip()
        s.flush()
        return c.id


def contact_values(c: Any) -> dict[str, str]:
    """A contact (the model or a row read with its columns) as Danish label -> value."""
    return {"Kontaktdato": fmt_date(c.contact_on), "Note": c.note}


def _contact(
    s: Session, scope: Scope, contact_id: int, assignment_id: int | None = None
) -> MentorContact:
    stmt = (
        select(MentorContact)
        .join(MentorAssignment, MentorAssignment.id == MentorContact.mentor_assignment_id)
        .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
        .where(MentorContact.id == contact_id)
    )
    if assignment_id is not None:
        stmt = stmt.where(MentorContact.mentor_assignment_id == assignment_id)
    return load_in_scope(s, scope, stmt)


def delete_contact(
    engine: Engine, scope: Scope, contact_id: int, now: dt.datetime | None = None
) -> None:
    """Slet: the user who logged the contact removes it within a day (audited)."""
    with write_session(engine, scope.username) as s:
        delete_own(s, scope, _contact(s, scope, contact_id), "kontakten", now)


def change_frequency(
    engine: Engine,
    scope: Scope,
    assignment_id: int,
    frequency_days: int | None,
    changed_from: dt.date | None,
    today: dt.date | None = None,
) -> int:
    """From `changed_from` on, follow-up every `frequency_days` (7, 14 or 21). Contacts
    before that day keep being judged by the frequency then in force. The day may lie up
    to 8 weeks ahead (an agreed change); a second change on the same day replaces it."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        m = _assignment(s, scope, assignment_id)
        errors: dict[str, str] = {}
        if frequency_days not in FREQUENCY_LABELS:
            errors["frequency_days"] = "Vælg hver uge, hver 14. dag eller hver 3. uge."
        check_date(errors, "changed_from", changed_from, today=None,
                   not_before=m.start_date + dt.timedelta(days=1),
                   not_before_text="dagen efter mentorens start", advice="")  # fmt: skip
        if changed_from and changed_from > today + dt.timedelta(weeks=8):
            errors["changed_from"] = "Vælg en dato højst 8 uger frem."
        if changed_from and m.end_date and changed_from > m.end_date:
            errors["changed_from"] = ENDED.format(day=fmt_date(m.end_date))
        if errors or frequency_days is None:
            raise ValidationError(errors)
        change = s.execute(
            select(MentorFrequencyChange).where(
                MentorFrequencyChange.mentor_assignment_id == m.id,
                MentorFrequencyChange.changed_from == changed_from,
            )
        ).scalar_one_or_none()
        if change is None:
            change = MentorFrequencyChange(mentor_assignment_id=m.id, changed_from=changed_from)
            s.add(change)
        change.frequency_days = frequency_days
        s.flush()
        return change.id


def end_mentor(
    engine: Engine,
    scope: Scope,
    assignment_id: int,
    end_date: dt.date | None,
    today: dt.date | None = None,
) -> None:
    """The mentor stops on `end_date`: no contact is due after it. Refused if already
    ended, in the future, before the mentor's start or before a logged contact."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        m = _assignment(s, scope, assignment_id)
        errors: dict[str, str] = {}
        if m.end_date is not None:
            errors["end_date"] = ENDED.format(day=fmt_date(m.end_date))
        else:
            check_date(errors, "end_date", end_date, today=today, not_before=m.start_date,
                       not_before_text="mentorens start", advice="")  # fmt: skip
        last = s.scalar(
            select(MentorContact.contact_on)
            .where(MentorContact.mentor_assignment_id == m.id)
            .order_by(MentorContact.contact_on.desc())
            .limit(1)
        )
        if "end_date" not in errors and end_date and last and end_date < last:
            errors["end_date"] = (
                f"Der er registreret en kontakt {fmt_date(last)}, efter denne dato. "
                "Vælg den dag mentoren stoppede."
            )
        if errors:
            raise ValidationError(errors)
        m.end_date = end_date
