"""Writes for follow-up meetings on their own (outside an evaluation): plan one for a
date, later record it as held (with the date and whether the caseworker was there) or as
cancelled with a reason. One audited, scoped transaction each (lib/commands/kit.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import Enrolment, FollowUpMeeting
from lib.commands.kit import (
    STALE_MESSAGE,
    StaleEdit,
    ValidationError,
    check_answered,
    check_date,
    check_text,
    current_date,
    delete_own,
    load_enrolment,
    load_in_scope,
)
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus, MeetingState
from lib.domain.format import fmt_date, fmt_yes_no


def plan_meeting(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    planned_on: dt.date | None,
    today: dt.date | None = None,
    *,
    meeting_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    """A follow-up meeting planned for a date (today or later, within the course). With
    `meeting_id`: Ret of that planned meeting's date (refused if it changed since the
    user opened it at `expected_version`)."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        meeting = _meeting(s, scope, meeting_id) if meeting_id is not None else None
        if meeting is not None:
            _check_version(meeting, expected_version)
        errors: dict[str, str] = {}
        if e.status == EnrolmentStatus.ENDED:
            errors["enrolment"] = "Forløbet er afsluttet; der kan ikke planlægges møder."
        check_date(errors, "planned_on", planned_on, today=None, not_before=e.start_date)
        if planned_on is not None and planned_on < today and "planned_on" not in errors:
            errors["planned_on"] = (
                "Datoen er passeret. Et møde, der allerede er holdt, registreres som afholdt."
            )
        if errors or planned_on is None:
            raise ValidationError(errors)
        if meeting is None:
            meeting = FollowUpMeeting(
                enrolment_id=e.id,
                held=False,
                caseworker_present=False,
                cancelled=False,
                cancel_reason="",
                created_by_id=scope.user_id,
            )
            s.add(meeting)
        meeting.planned_on = planned_on
        s.flush()
        return meeting.id


def _meeting(s: Session, scope: Scope, meeting_id: int) -> FollowUpMeeting:
    return load_in_scope(
        s,
        scope,
        select(FollowUpMeeting)
        .join(Enrolment, Enrolment.id == FollowUpMeeting.enrolment_id)
        .where(FollowUpMeeting.id == meeting_id),
    )


def _check_version(meeting: FollowUpMeeting, expected_version: int | None) -> None:
    if expected_version is not None and meeting.version != expected_version:
        raise StaleEdit(
            STALE_MESSAGE.format(what="Mødet"),
            {
                "Planlagt": fmt_date(meeting.planned_on),
                "Status": MeetingState.label_of(meeting_state(meeting)),
                "Afholdt": fmt_date(meeting.held_on),
                "Sagsbehandler deltog": fmt_yes_no(meeting.caseworker_present),
                "Begrundelse for aflysning": meeting.cancel_reason,
            },
            meeting.version,
        )


WITH_EVALUATION = "Mødet hører til en evaluering. Slet evalueringen, eller ret mødet som aflyst."


def delete_meeting(
    engine: Engine, scope: Scope, meeting_id: int, now: dt.datetime | None = None
) -> None:
    """Slet: the user who saved the meeting (planned or recorded on its own) removes it
    within a day (audited). A meeting saved with an evaluation goes with the evaluation."""
    with write_session(engine, scope.username) as s:
        meeting = _meeting(s, scope, meeting_id)
        if meeting.evaluation_id is not None:
            raise ValidationError({"_form": WITH_EVALUATION})
        delete_own(s, scope, meeting, "mødet", now)


def record_meeting(
    engine: Engine,
    scope: Scope,
    meeting_id: int,
    expected_version: int | None,
    state: str | None,
    *,
    held_on: dt.date | None = None,
    caseworker_present: bool | None = None,
    cancel_reason: str = "",
    today: dt.date | None = None,
) -> None:
    """Record what happened to a meeting: held (date, caseworker present: Ja/Nej, both
    required) or cancelled (reason required)."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        meeting = _meeting(s, scope, meeting_id)
        _check_version(meeting, expected_version)
        e = s.get_one(Enrolment, meeting.enrolment_id)
        errors: dict[str, str] = {}
        if state not in (MeetingState.HELD, MeetingState.CANCELLED):
            errors["state"] = "Vælg om mødet blev afholdt eller aflyst."
        elif state == MeetingState.HELD:
            check_date(errors, "held_on", held_on, today=today, not_before=e.start_date)
            check_answered(errors, "caseworker_present", caseworker_present)
        else:
            if not cancel_reason.strip():
                errors["cancel_reason"] = "Skriv hvorfor mødet blev aflyst."
            check_text(errors, "cancel_reason", cancel_reason)
        if errors:
            raise ValidationError(errors)
        meeting.held = state == MeetingState.HELD
        meeting.cancelled = state == MeetingState.CANCELLED
        meeting.held_on = held_on if meeting.held else None
        meeting.caseworker_present = bool(meeting.held and caseworker_present)
        meeting.cancel_reason = cancel_reason.strip() if meeting.cancelled else ""


def meeting_state(meeting: FollowUpMeeting) -> str:
    if meeting.held:
        return MeetingState.HELD
    if meeting.cancelled:
        return MeetingState.CANCELLED
    return MeetingState.PLANNED
