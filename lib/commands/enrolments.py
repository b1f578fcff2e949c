"""Writes for a course (forløb): enrol a new or known participant, start a referral,
extend, and end with an outcome and the enterprise's final summary (rules for every
command: lib/commands/kit.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from db.engine import write_session
from db.models import (
    Enrolment,
    Extension,
    Outcome,
    OutcomeType,
    Participant,
    TargetGroup,
    User,
)
from lib.commands.kit import (
    ValidationError,
    check_date,
    check_date_range,
    check_text,
    check_version,
    clean_field,
    current_date,
    load_enrolment,
    lock_agreement,
    looks_like_cpr,
    no_free_slot,
    planned_end,
    require_job_centre,
)
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import EnrolmentStatus, Role
from lib.domain.format import fmt_date
from lib.queries.occupancy import in_use_count
from lib.queries.scope import participant_clause


@dataclass
class EnrolmentInput:
    agreement_id: int | None
    status: str  # referral or active
    start_date: dt.date | None
    planned_weeks: int
    participant_id: int | None = None  # an existing participant, or a new one below
    case_code: str = ""
    initials: str = ""
    target_group_id: int | None = None
    caseworker_id: int | None = None
    referred_on: dt.date | None = None


def enrol(engine: Engine, scope: Scope, data: EnrolmentInput, today: dt.date | None = None) -> int:
    """Indskriv: a new or existing pseudonymous participant on an agreement. A new ACTIVE
    enrolment needs a free slot; a referral may queue. Returns the enrolment id."""
    require_job_centre(scope, "At indskrive deltagere")
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        errors: dict[str, str] = {}
        agreement = lock_agreement(s, data.agreement_id) if data.agreement_id else None
        if agreement is None:
            errors["agreement_id"] = "Vælg en samarbejdsaftale."
        if data.status not in (EnrolmentStatus.REFERRAL, EnrolmentStatus.ACTIVE):
            errors["status"] = "Vælg status: visitation eller aktiv."
        if data.planned_weeks not in (13, 52):
            errors["planned_weeks"] = "Længden skal være 13 eller 52 uger."
        if data.start_date is None:
            errors["start_date"] = "Vælg en startdato."
        elif not check_date_range(errors, "start_date", data.start_date):
            pass
        elif data.status == EnrolmentStatus.ACTIVE and data.start_date > today:
            errors["start_date"] = (
                "Et aktivt forløb kan ikke starte i fremtiden. Indskriv i visitation, "
                "eller vælg i dag eller før."
            )
        if not check_date_range(errors, "referred_on", data.referred_on):
            pass
        elif data.referred_on and data.start_date and data.referred_on > data.start_date:
            errors["referred_on"] = "Visitationsdatoen ligger efter startdatoen."

        participant: Participant | None = None
        if data.participant_id is not None:
            participant = s.execute(
                select(Participant).where(
                    Participant.id == data.participant_id, participant_clause(scope)
                )
            ).scalar_one_or_none()
            if participant is None:
                raise AccessDenied("Du har ikke adgang til denne deltager.")
            busy = s.scalar(
                select(func.count())
                .select_from(Enrolment)
                .where(
                    Enrolment.participant_id == participant.id,
                    Enrolment.status.in_((EnrolmentStatus.REFERRAL, EnrolmentStatus.ACTIVE)),
                )
            )
            if busy:
                errors["participant_id"] = (
                    "Deltageren har allerede et forløb i visitation eller i gang."
                )
        else:
            # Initials are stored upper-cased, so they are checked as stored ("ß" -> "SS").
            code, initials = clean_field(data.case_code), clean_field(data.initials).upper()
            if not code:
                errors["case_code"] = "Skriv deltagerens sagskode (pseudonym, ikke CPR-nummer)."
            elif looks_like_cpr(code):
                errors["case_code"] = "Sagskoden ligner et CPR-nummer. Brug en pseudonym kode."
            elif s.scalar(select(Participant.id).where(Participant.case_code == code)):
                errors["case_code"] = "Sagskoden findes allerede. Vælg den eksisterende deltager."
            check_text(errors, "case_code", code)
            if not initials:
                errors["initials"] = "Skriv deltagerens initialer."
            check_text(errors, "initials", initials)
            if data.target_group_id is None or s.get(TargetGroup, data.target_group_id) is None:
                errors["target_group_id"] = "Vælg en målgruppe."
            caseworker = s.get(User, data.caseworker_id) if data.caseworker_id else None
            if caseworker is None or caseworker.role != Role.CASEWORKER:
                errors["caseworker_id"] = "Vælg en sagsbehandler."
            elif scope.role == Role.CASEWORKER and caseworker.id != scope.user_id:
                errors["caseworker_id"] = "Du kan kun indskrive dine egne borgere."

        if (
            agreement is not None
            and data.status == EnrolmentStatus.ACTIVE
            and "status" not in errors
        ):
            in_use = in_use_count(s, agreement.id)
            if in_use >= agreement.slots:
                errors["status"] = no_free_slot(agreement, in_use)
        if errors or agreement is None:
            raise ValidationError(errors)

        if participant is None:
            participant = Participant(
                case_code=code,
                initials=initials,
                target_group_id=data.target_group_id,
                caseworker_id=data.caseworker_id,
            )
            s.add(participant)
            s.flush()
        enrolment = Enrolment(
            participant_id=participant.id,
            agreement_id=agreement.id,
            status=data.status,
            referred_on=data.referred_on or today,
            start_date=data.start_date,
            planned_weeks=data.planned_weeks,
        )
        s.add(enrolment)
        s.flush()
        return enrolment.id


@contextmanager
def _course_change(
    engine: Engine, scope: Scope, enrolment_id: int, expected_version: int | None
) -> Iterator[tuple[Session, Enrolment]]:
    """One change of a course: its transaction and the course, if in scope and still at
    the version the form was opened with (else StaleEdit with the newer values)."""
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        check_version(s, e, expected_version, "Forløbet")
        yield s, e


def start_enrolment(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    start_date: dt.date | None,
    expected_version: int | None,
    today: dt.date | None = None,
) -> None:
    """A referral starts (visitation -> aktiv) when a slot is free."""
    require_job_centre(scope, "At starte et forløb")
    today = today or current_date()
    with _course_change(engine, scope, enrolment_id, expected_version) as (s, e):
        errors: dict[str, str] = {}
        if e.status != EnrolmentStatus.REFERRAL:
            errors["status"] = "Kun et forløb i visitation kan startes."
        check_date(
            errors,
            "start_date",
            start_date,
            not_before=e.referred_on,
            not_before_text="visitationen",
            today=today,
        )
        agreement = lock_agreement(s, e.agreement_id)
        in_use = in_use_count(s, e.agreement_id)
        if "status" not in errors and agreement is not None and in_use >= agreement.slots:
            errors["status"] = no_free_slot(
                agreement, in_use, "Forløbet bliver i visitation, til en plads bliver ledig."
            )
        if errors or start_date is None:
            raise ValidationError(errors)
        e.status = EnrolmentStatus.ACTIVE
        e.start_date = start_date


def extend_enrolment(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    new_end_date: dt.date | None,
    reason: str,
    expected_version: int | None,
    extended_on: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """Forlæng: a new planned end date with a reason. Bumps the course's version so a
    second person extending from the same screen is refused, not doubled."""
    require_job_centre(scope, "At forlænge et forløb")
    today = today or current_date()
    extended_on = extended_on or today
    with _course_change(engine, scope, enrolment_id, expected_version) as (s, e):
        errors: dict[str, str] = {}
        if e.status == EnrolmentStatus.ENDED:
            errors["status"] = "Forløbet er afsluttet og kan ikke forlænges."
        current_end = planned_end(s, e)
        if new_end_date is None:
            errors["new_end_date"] = "Vælg den nye slutdato."
        elif not check_date_range(errors, "new_end_date", new_end_date):
            pass
        elif new_end_date <= max(current_end, extended_on):
            errors["new_end_date"] = (
                f"Den nye slutdato skal ligge efter den nuværende ({fmt_date(current_end)}) "
                "og efter i dag."
            )
        if not reason.strip():
            errors["reason"] = "Skriv hvorfor forløbet forlænges."
        check_text(errors, "reason", reason)
        if errors:
            raise ValidationError(errors)
        s.add(
            Extension(
                enrolment_id=e.id,
                extended_on=extended_on,
                new_end_date=new_end_date,
                reason=reason,
            )
        )
        flag_modified(e, "planned_weeks")  # bump the version: the course was changed


def end_enrolment(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    end_date: dt.date | None,
    outcome_type_id: int | None,
    final_summary: str,
    expected_version: int | None,
    today: dt.date | None = None,
) -> None:
    """Afslut with an outcome from the catalogue, a date and the enterprise's summary."""
    today = today or current_date()
    with _course_change(engine, scope, enrolment_id, expected_version) as (s, e):
        errors: dict[str, str] = {}
        if e.status == EnrolmentStatus.ENDED:
            errors["status"] = "Forløbet er allerede afsluttet."
        if end_date is None:
            errors["end_date"] = "Vælg slutdatoen."
        elif end_date < e.start_date:
            errors["end_date"] = (
                f"Slutdatoen ligger før forløbets start ({fmt_date(e.start_date)})."
            )
        elif end_date > today:
            errors["end_date"] = "Slutdatoen ligger i fremtiden. Afslut forløbet på dagen."
        if outcome_type_id is None or s.get(OutcomeType, outcome_type_id) is None:
            errors["outcome_type_id"] = "Vælg resultatet efter forløbet."
        check_text(errors, "final_summary", final_summary)
        if errors:
            raise ValidationError(errors)
        e.status = EnrolmentStatus.ENDED
        e.end_date = end_date
        e.final_summary = final_summary
        s.add(
            Outcome(
                enrolment_id=e.id,
                outcome_type_id=outcome_type_id,
                outcome_on=end_date,
                note=final_summary,
            )
        )
