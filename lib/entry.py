"""Writes for the entry forms: enrol, start, plan (baseline and revisions), evaluation with
scores, follow-up meeting and deliverable, weekly hours, extension, end with outcome, and
corrections of evaluations.

Every function here is one user action and one `write_session` transaction, so the audit
log gets every change and a refused save leaves nothing half-written. Each one:
1. checks scope (AccessDenied) inside the transaction, so a page cannot forget it;
2. validates everything BEFORE writing and raises ValidationError carrying
   {field: Danish message} for all problems at once, so a form can show each at its field;
3. refuses stale edits (StaleEdit carrying the newer values) by the version column.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from db.engine import write_session
from db.models import (
    Agreement,
    Deliverable,
    Enrolment,
    Evaluation,
    EvaluationScore,
    Extension,
    FollowUpMeeting,
    Outcome,
    OutcomeType,
    Parameter,
    Participant,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalParameter,
    PlanSubGoalSubElement,
    ScoreLevel,
    SubElement,
    SubGoal,
    TargetGroup,
    User,
    WeeklyHours,
)
from lib.entry_queries import (
    GOAL_PROGRESS_LABELS,
    evaluations_in,
    week_start,
)
from lib.format import fmt_date
from lib.occupancy import in_use_count
from lib.scope import AccessDenied, Scope, enrolment_clause, participant_clause

JOB_CENTRE = ("admin", "leder", "sagsbehandler")

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
}
CLOSE_EVALUATION_DAYS = 7  # a second evaluation this close to the last asks to confirm
MAX_WEEK_HOURS = 80.0


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


# --------------------------------------------------------------------------- helpers


def _today() -> dt.date:
    return dt.date.today()


def _check_text(errors: dict[str, str], fieldname: str, value: str, limit_key: str | None = None):
    limit = TEXT_LIMITS[limit_key or fieldname]
    if value is not None and len(value) > limit:
        errors[fieldname] = f"Teksten er for lang: {len(value)} tegn, højst {limit}."


def _check_date(
    errors: dict[str, str],
    fieldname: str,
    value: dt.date | None,
    *,
    not_before: dt.date | None = None,
    not_before_text: str = "forløbets start",
    today: dt.date,
    required: bool = True,
) -> None:
    if value is None:
        if required:
            errors[fieldname] = "Vælg en dato."
        return
    if value > today:
        errors[fieldname] = f"Datoen ligger i fremtiden ({fmt_date(value)}). Vælg i dag eller før."
    elif not_before is not None and value < not_before:
        errors[fieldname] = (
            f"Datoen ligger før {not_before_text} ({fmt_date(not_before)}). "
            "Vælg en dato i forløbet."
        )


def _scale(session: Session) -> tuple[int, int]:
    lo, hi = session.execute(select(func.min(ScoreLevel.value), func.max(ScoreLevel.value))).one()
    return (lo or 1, hi or 5)


def _check_scores(
    errors: dict[str, str], session: Session, scores: dict[int, int], required: list[int]
) -> None:
    lo, hi = _scale(session)
    for pid in required:
        if pid not in scores or scores[pid] is None:
            errors[f"score_{pid}"] = "Giv en score for denne parameter."
    for pid, score in scores.items():
        if score is None:
            continue
        if not isinstance(score, int) or not lo <= score <= hi:
            errors[f"score_{pid}"] = f"Scoren skal ligge på skalaen {lo}–{hi} (fik {score})."


def _load_enrolment(session: Session, scope: Scope, enrolment_id: int) -> Enrolment:
    """The enrolment, if in scope; the write lock is already held (SQLite) or the row is
    locked for update (PostgreSQL)."""
    row = session.execute(
        select(Enrolment).where(Enrolment.id == enrolment_id, enrolment_clause(scope))
    ).scalar_one_or_none()
    if row is None:
        raise AccessDenied("Du har ikke adgang til dette forløb.")
    return row


def _planned_end(session: Session, e: Enrolment) -> dt.date:
    extended = session.scalar(
        select(func.max(Extension.new_end_date)).where(Extension.enrolment_id == e.id)
    )
    return extended or e.start_date + dt.timedelta(weeks=e.planned_weeks)


def _require_job_centre(scope: Scope, what: str) -> None:
    if scope.role not in JOB_CENTRE:
        raise AccessDenied(f"{what} er jobcentrets opgave.")


def _lock_agreement(session: Session, agreement_id: int) -> Agreement | None:
    # PostgreSQL: lock the agreement row so two enrolments cannot both take the last slot.
    # SQLite: the whole database is already write-locked by BEGIN IMMEDIATE.
    return session.execute(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update()
    ).scalar_one_or_none()


def _no_free_slot(agreement: Agreement, in_use: int) -> str:
    return (
        f"Der er ingen ledig plads på aftalen ({in_use} af {agreement.slots} pladser i brug). "
        "Indskriv deltageren i visitation, så venter forløbet på en ledig plads."
    )


# --------------------------------------------------------------------------- enrolment


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
    _require_job_centre(scope, "At indskrive deltagere")
    today = today or _today()
    with write_session(engine, scope.username) as s:
        errors: dict[str, str] = {}
        agreement = _lock_agreement(s, data.agreement_id) if data.agreement_id else None
        if agreement is None:
            errors["agreement_id"] = "Vælg en samarbejdsaftale."
        if data.status not in ("referral", "active"):
            errors["status"] = "Vælg status: visitation eller aktiv."
        if data.planned_weeks not in (13, 52):
            errors["planned_weeks"] = "Længden skal være 13 eller 52 uger."
        if data.start_date is None:
            errors["start_date"] = "Vælg en startdato."
        elif data.status == "active" and data.start_date > today:
            errors["start_date"] = (
                "Et aktivt forløb kan ikke starte i fremtiden. Indskriv i visitation, "
                "eller vælg i dag eller før."
            )
        if data.referred_on and data.start_date and data.referred_on > data.start_date:
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
                    Enrolment.status.in_(("referral", "active")),
                )
            )
            if busy:
                errors["participant_id"] = (
                    "Deltageren har allerede et forløb i visitation eller i gang."
                )
        else:
            code, initials = data.case_code.strip(), data.initials.strip()
            if not code:
                errors["case_code"] = "Skriv deltagerens sagskode (pseudonym, ikke CPR-nummer)."
            elif _looks_like_cpr(code):
                errors["case_code"] = "Sagskoden ligner et CPR-nummer. Brug en pseudonym kode."
            elif s.scalar(select(Participant.id).where(Participant.case_code == code)):
                errors["case_code"] = "Sagskoden findes allerede. Vælg den eksisterende deltager."
            _check_text(errors, "case_code", code)
            if not initials:
                errors["initials"] = "Skriv deltagerens initialer."
            _check_text(errors, "initials", initials)
            if data.target_group_id is None or s.get(TargetGroup, data.target_group_id) is None:
                errors["target_group_id"] = "Vælg en målgruppe."
            caseworker = s.get(User, data.caseworker_id) if data.caseworker_id else None
            if caseworker is None or caseworker.role != "sagsbehandler":
                errors["caseworker_id"] = "Vælg en sagsbehandler."
            elif scope.role == "sagsbehandler" and caseworker.id != scope.user_id:
                errors["caseworker_id"] = "Du kan kun indskrive dine egne borgere."

        if agreement is not None and data.status == "active" and "status" not in errors:
            in_use = in_use_count(s, agreement.id)
            if in_use >= agreement.slots:
                errors["status"] = _no_free_slot(agreement, in_use)
        if errors:
            raise ValidationError(errors)

        if participant is None:
            participant = Participant(
                case_code=data.case_code.strip(),
                initials=data.initials.strip().upper(),
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


def _looks_like_cpr(code: str) -> bool:
    digits = code.replace("-", "").replace(" ", "")
    return len(digits) == 10 and digits.isdigit()


def _enrolment_values(s: Session, e: Enrolment) -> dict[str, str]:
    from lib.entry_queries import STATUS_LABELS

    return {
        "Status": STATUS_LABELS.get(e.status, e.status),
        "Start": fmt_date(e.start_date),
        "Planlagt slut": fmt_date(_planned_end(s, e)),
        "Slutdato": fmt_date(e.end_date),
    }


def _check_version(s: Session, e: Enrolment, expected_version: int | None, what: str) -> None:
    if expected_version is not None and e.version != expected_version:
        raise StaleEdit(STALE_MESSAGE.format(what=what), _enrolment_values(s, e), e.version)


def start_enrolment(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    start_date: dt.date | None,
    expected_version: int | None,
    today: dt.date | None = None,
) -> None:
    """A referral starts (visitation -> aktiv) when a slot is free."""
    _require_job_centre(scope, "At starte et forløb")
    today = today or _today()
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        _check_version(s, e, expected_version, "Forløbet")
        errors: dict[str, str] = {}
        if e.status != "referral":
            errors["status"] = "Kun et forløb i visitation kan startes."
        _check_date(
            errors,
            "start_date",
            start_date,
            not_before=e.referred_on,
            not_before_text="visitationen",
            today=today,
        )
        agreement = _lock_agreement(s, e.agreement_id)
        in_use = in_use_count(s, e.agreement_id)
        if "status" not in errors and in_use >= agreement.slots:
            errors["status"] = _no_free_slot(agreement, in_use).split(" Indskriv")[0] + (
                " Forløbet bliver i visitation, til en plads bliver ledig."
            )
        if errors:
            raise ValidationError(errors)
        e.status = "active"
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
    _require_job_centre(scope, "At forlænge et forløb")
    today = today or _today()
    extended_on = extended_on or today
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        _check_version(s, e, expected_version, "Forløbet")
        errors: dict[str, str] = {}
        if e.status == "ended":
            errors["status"] = "Forløbet er afsluttet og kan ikke forlænges."
        current_end = _planned_end(s, e)
        if new_end_date is None:
            errors["new_end_date"] = "Vælg den nye slutdato."
        elif new_end_date <= max(current_end, extended_on):
            errors["new_end_date"] = (
                f"Den nye slutdato skal ligge efter den nuværende ({fmt_date(current_end)}) "
                "og efter i dag."
            )
        if not reason.strip():
            errors["reason"] = "Skriv hvorfor forløbet forlænges."
        _check_text(errors, "reason", reason)
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
    today = today or _today()
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        _check_version(s, e, expected_version, "Forløbet")
        errors: dict[str, str] = {}
        if e.status == "ended":
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
        _check_text(errors, "final_summary", final_summary)
        if errors:
            raise ValidationError(errors)
        e.status = "ended"
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


# --------------------------------------------------------------------------- plan


@dataclass
class SubGoalInput:
    sub_goal_id: int
    parameter_ids: list[int]
    sub_element_ids: list[int] = field(default_factory=list)
    rationale: str = ""
    focus: str = ""


@dataclass
class PlanInput:
    created_on: dt.date | None
    sub_goals: list[SubGoalInput]  # most relevant first
    scores: dict[int, int]  # parameter id -> score when the plan is made
    made_with_participant: bool = True
    took_part: str = ""
    long_term_goal: str = ""


def create_plan(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    data: PlanInput,
    expected_plan_version_no: int | None = None,
    today: dt.date | None = None,
) -> int:
    """The baseline plan (version 1) or a revision (the next version). Returns the plan id.

    `expected_plan_version_no` is the latest version the user saw (0 for none): if someone
    else added a revision meanwhile, the save is refused instead of silently stacking."""
    today = today or _today()
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        latest = s.scalar(
            select(func.coalesce(func.max(Plan.version_no), 0)).where(Plan.enrolment_id == e.id)
        )
        if expected_plan_version_no is not None and latest != expected_plan_version_no:
            newest = s.execute(
                select(Plan).where(Plan.enrolment_id == e.id, Plan.version_no == latest)
            ).scalar_one()
            raise StaleEdit(
                STALE_MESSAGE.format(what="Planen"),
                {
                    "Version": str(newest.version_no),
                    "Dato": fmt_date(newest.created_on),
                    "Deltog": newest.took_part,
                    "Langsigtet mål": newest.long_term_goal,
                },
                latest,
            )
        errors: dict[str, str] = {}
        if e.status == "ended":
            errors["enrolment"] = "Forløbet er afsluttet; der kan ikke laves en ny plan."
        _check_date(errors, "created_on", data.created_on, not_before=e.start_date, today=today)
        if not data.sub_goals:
            errors["sub_goals"] = "Vælg mindst ét delmål."
        known_goals = set(s.scalars(select(SubGoal.id)))
        element_param = dict(s.execute(select(SubElement.id, SubElement.parameter_id)).all())
        known_params = set(s.scalars(select(Parameter.id)))
        seen: set[int] = set()
        chosen_params: list[int] = []
        for g in data.sub_goals:
            key = f"goal_{g.sub_goal_id}"
            if g.sub_goal_id not in known_goals:
                errors["sub_goals"] = "Et valgt delmål findes ikke i kataloget."
                continue
            if g.sub_goal_id in seen:
                errors["sub_goals"] = "Det samme delmål er valgt to gange."
            seen.add(g.sub_goal_id)
            if not g.parameter_ids:
                errors[f"{key}_parameters"] = "Vælg mindst én progressionsparameter."
            elif not set(g.parameter_ids) <= known_params:
                errors[f"{key}_parameters"] = "En valgt parameter findes ikke i kataloget."
            wrong = [x for x in g.sub_element_ids if element_param.get(x) not in g.parameter_ids]
            if wrong:
                errors[f"{key}_elements"] = (
                    "Underelementerne skal høre til de valgte parametre for delmålet."
                )
            _check_text(errors, f"{key}_rationale", g.rationale, "rationale")
            _check_text(errors, f"{key}_focus", g.focus, "focus")
            chosen_params += [p for p in g.parameter_ids if p not in chosen_params]
        scores = {p: v for p, v in data.scores.items() if p in chosen_params}
        _check_scores(errors, s, scores, chosen_params)
        _check_text(errors, "took_part", data.took_part)
        _check_text(errors, "long_term_goal", data.long_term_goal)
        if errors:
            raise ValidationError(errors)

        plan = Plan(
            enrolment_id=e.id,
            version_no=latest + 1,
            created_on=data.created_on,
            made_with_participant=data.made_with_participant,
            took_part=data.took_part,
            long_term_goal=data.long_term_goal,
            created_by_id=scope.user_id,
        )
        s.add(plan)
        s.flush()
        for priority, g in enumerate(data.sub_goals, start=1):
            psg = PlanSubGoal(
                plan_id=plan.id,
                sub_goal_id=g.sub_goal_id,
                priority=priority,
                rationale=g.rationale,
                focus=g.focus,
            )
            s.add(psg)
            s.flush()
            for p in dict.fromkeys(g.parameter_ids):
                s.add(PlanSubGoalParameter(plan_sub_goal_id=psg.id, parameter_id=p))
            for x in dict.fromkeys(g.sub_element_ids):
                s.add(PlanSubGoalSubElement(plan_sub_goal_id=psg.id, sub_element_id=x))
        for p, v in scores.items():
            s.add(PlanScore(plan_id=plan.id, parameter_id=p, score=v))
        s.flush()
        return plan.id


# --------------------------------------------------------------------------- evaluation


@dataclass
class EvaluationInput:
    evaluated_on: dt.date | None
    scores: dict[int, int]  # parameter id -> score
    goal_progress: str = "unchanged"
    sub_goals_need_adjusting: bool = False
    notes: str = ""
    written_with_participant: bool = True
    meeting_held: bool = False
    meeting_on: dt.date | None = None
    caseworker_present: bool = False
    invitation_received: bool = False
    invitation_received_on: dt.date | None = None


def _validate_evaluation(
    s: Session,
    e: Enrolment,
    data: EvaluationInput,
    today: dt.date,
    *,
    confirm_close: bool,
    exclude_id: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    if e.status == "referral":
        errors["enrolment"] = "Forløbet er i visitation og er ikke startet endnu."
    latest_plan = s.execute(
        select(Plan).where(Plan.enrolment_id == e.id).order_by(Plan.version_no.desc()).limit(1)
    ).scalar_one_or_none()
    required: list[int] = []
    if latest_plan is None:
        errors["enrolment"] = "Forløbet har ingen plan endnu. Lav planen først (siden Plan)."
    else:
        required = list(
            s.scalars(
                select(PlanSubGoalParameter.parameter_id)
                .join(PlanSubGoal, PlanSubGoal.id == PlanSubGoalParameter.plan_sub_goal_id)
                .where(PlanSubGoal.plan_id == latest_plan.id)
                .distinct()
            )
        )
    _check_date(errors, "evaluated_on", data.evaluated_on, not_before=e.start_date, today=today)
    if e.end_date and data.evaluated_on and data.evaluated_on > e.end_date:
        errors["evaluated_on"] = f"Datoen ligger efter forløbets slut ({fmt_date(e.end_date)})."
    _check_scores(errors, s, data.scores, required)
    extra = set(data.scores) - set(required)
    if required and extra:
        errors["scores"] = "Der er scorer for parametre, som ikke er valgt i planen."
    if data.goal_progress not in GOAL_PROGRESS_LABELS:
        errors["goal_progress"] = "Vælg om deltageren nærmer sig det langsigtede mål."
    _check_text(errors, "notes", data.notes)
    if data.meeting_held:
        _check_date(errors, "meeting_on", data.meeting_on, not_before=e.start_date, today=today)
    elif data.caseworker_present:
        errors["caseworker_present"] = "Sagsbehandleren kan kun deltage i et afholdt møde."
    if data.invitation_received and data.invitation_received_on is not None:
        _check_date(
            errors,
            "invitation_received_on",
            data.invitation_received_on,
            not_before=e.start_date,
            today=today,
        )
    if errors:
        raise ValidationError(errors)
    if not confirm_close and data.evaluated_on is not None:
        stmt = select(Evaluation.evaluated_on).where(
            Evaluation.enrolment_id == e.id,
            Evaluation.evaluated_on.between(
                data.evaluated_on - dt.timedelta(days=CLOSE_EVALUATION_DAYS),
                data.evaluated_on + dt.timedelta(days=CLOSE_EVALUATION_DAYS),
            ),
        )
        if exclude_id is not None:
            stmt = stmt.where(Evaluation.id != exclude_id)
        close = s.scalars(stmt.order_by(Evaluation.evaluated_on.desc())).first()
        if close is not None:
            raise ConfirmationNeeded(
                {
                    "evaluated_on": (
                        f"Der er allerede en evaluering den {fmt_date(close)}, under "
                        f"{CLOSE_EVALUATION_DAYS} dage fra denne. Er det ikke en "
                        "dobbeltregistrering, så bekræft og gem igen."
                    )
                }
            )


def _write_evaluation_children(s: Session, ev: Evaluation, e: Enrolment, data: EvaluationInput):
    meeting = s.execute(
        select(FollowUpMeeting).where(FollowUpMeeting.evaluation_id == ev.id)
    ).scalar_one_or_none()
    if meeting is None:
        meeting = FollowUpMeeting(enrolment_id=e.id, evaluation_id=ev.id, version=1)
        s.add(meeting)
    meeting.planned_on = data.evaluated_on
    meeting.held = data.meeting_held
    meeting.held_on = data.meeting_on if data.meeting_held else None
    meeting.caseworker_present = data.caseworker_present if data.meeting_held else False

    invitation = s.execute(
        select(Deliverable).where(
            Deliverable.evaluation_id == ev.id, Deliverable.kind == "evaluation_invitation"
        )
    ).scalar_one_or_none()
    if invitation is None:
        invitation = Deliverable(
            enrolment_id=e.id,
            evaluation_id=ev.id,
            kind="evaluation_invitation",
            due_on=data.evaluated_on - dt.timedelta(days=7),
        )
        s.add(invitation)
    received = None
    if data.invitation_received:
        received = data.invitation_received_on or data.evaluated_on
    invitation.received_on = received


def record_evaluation(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    data: EvaluationInput,
    *,
    confirm_close: bool = False,
    today: dt.date | None = None,
) -> int:
    """The bi-monthly evaluation with scores, follow-up meeting and the invitation the
    caseworker received, in one transaction. Returns the evaluation id."""
    today = today or _today()
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        _validate_evaluation(s, e, data, today, confirm_close=confirm_close)
        ev = Evaluation(
            enrolment_id=e.id,
            evaluated_on=data.evaluated_on,
            goal_progress=data.goal_progress,
            sub_goals_need_adjusting=data.sub_goals_need_adjusting,
            notes=data.notes,
            written_with_participant=data.written_with_participant,
            created_by_id=scope.user_id,
        )
        s.add(ev)
        s.flush()
        for pid, score in sorted(data.scores.items()):
            s.add(EvaluationScore(evaluation_id=ev.id, parameter_id=pid, score=score))
        _write_evaluation_children(s, ev, e, data)
        s.flush()
        return ev.id


def _evaluation_display(view, parameters: dict[int, str], levels: dict[int, str]) -> dict:
    out = {
        "Dato": fmt_date(view.evaluated_on),
        "Nærmer sig målet": GOAL_PROGRESS_LABELS.get(view.goal_progress, view.goal_progress),
        "Delmål skal justeres": "Ja" if view.sub_goals_need_adjusting else "Nej",
        "Skrevet med deltageren": "Ja" if view.written_with_participant else "Nej",
        "Opfølgningsmøde": fmt_date(view.meeting_on) if view.meeting_held else "Ikke afholdt",
        "Sagsbehandler deltog": "Ja" if view.caseworker_present else "Nej",
        "Invitation modtaget": fmt_date(view.invitation_received_on, "Nej"),
        "Noter": view.notes,
    }
    for pid, score in view.scores.items():
        out[parameters.get(pid, str(pid))] = f"{score} – {levels.get(score, '')}"
    return out


def update_evaluation(
    engine: Engine,
    scope: Scope,
    evaluation_id: int,
    expected_version: int,
    data: EvaluationInput,
    *,
    confirm_close: bool = False,
    today: dt.date | None = None,
) -> None:
    """Correct an earlier evaluation. Refused with StaleEdit (and the newer values) when
    it changed since it was opened; the audit log keeps the values before and after."""
    today = today or _today()
    try:
        with write_session(engine, scope.username) as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None:
                raise AccessDenied("Evalueringen findes ikke.")
            e = _load_enrolment(s, scope, ev.enrolment_id)
            if ev.version != expected_version:
                raise _stale_evaluation(s, ev)
            _validate_evaluation(s, e, data, today, confirm_close=confirm_close, exclude_id=ev.id)
            ev.evaluated_on = data.evaluated_on
            ev.goal_progress = data.goal_progress
            ev.sub_goals_need_adjusting = data.sub_goals_need_adjusting
            ev.notes = data.notes
            ev.written_with_participant = data.written_with_participant
            row_changed = s.is_modified(ev, include_collections=False)  # before autoflush
            existing = {sc.parameter_id: sc for sc in ev.scores if sc.sub_element_id is None}
            for pid, sc in existing.items():
                if pid not in data.scores:
                    ev.scores.remove(sc)
                elif sc.score != data.scores[pid]:
                    sc.score = data.scores[pid]
            for pid, score in data.scores.items():
                if pid not in existing:
                    ev.scores.append(EvaluationScore(parameter_id=pid, score=score))
            _write_evaluation_children(s, ev, e, data)
            if not row_changed:
                # A correction of scores or meeting only: still bump the evaluation's
                # version, guarded like the ORM's own versioned UPDATE.
                bumped = s.execute(
                    update(Evaluation.__table__)
                    .where(Evaluation.id == ev.id, Evaluation.version == ev.version)
                    .values(version=ev.version + 1)
                )
                if bumped.rowcount != 1:
                    raise StaleDataError("evaluation version changed")
    except StaleDataError:
        # Someone saved between our read and our UPDATE: the version column caught it.
        with write_session(engine, scope.username, audit_log=False) as s:
            raise _stale_evaluation(s, s.get(Evaluation, evaluation_id)) from None


def _stale_evaluation(s: Session, ev: Evaluation) -> StaleEdit:
    view = evaluations_in(s.connection(), [ev.enrolment_id], ev.id)[0]
    parameters = dict(s.execute(select(Parameter.id, Parameter.label)).all())
    levels = dict(s.execute(select(ScoreLevel.value, ScoreLevel.label)).all())
    return StaleEdit(
        STALE_MESSAGE.format(what="Evalueringen"),
        _evaluation_display(view, parameters, levels),
        view.version,
    )


# --------------------------------------------------------------------------- hours


@dataclass
class HoursInput:
    week_start: dt.date | None
    planned_hours: float | None
    attended_hours: float | None
    illness_hours: float | None
    ordinary_paid_hours: float | None
    version: int | None = None  # the version the user saw; None for a week not saved yet


HOURS_FIELDS = {
    "planned_hours": "Planlagte timer",
    "attended_hours": "Fremmødte timer",
    "illness_hours": "Sygefravær (timer)",
    "ordinary_paid_hours": "Ordinære løntimer",
}


def save_hours(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    rows: list[HoursInput],
    today: dt.date | None = None,
) -> int:
    """Several weeks at once. Errors are keyed 'week_<iso date>' (or 'row_<n>' for a row
    without a week) so the grid can say which week is wrong. Returns rows written."""
    today = today or _today()
    with write_session(engine, scope.username) as s:
        e = _load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        first, last = week_start(e.start_date), week_start(min(today, e.end_date or today))
        seen: set[dt.date] = set()
        for n, r in enumerate(rows, start=1):
            if r.week_start is None:
                errors[f"row_{n}"] = f"Række {n}: vælg ugen (mandag)."
                continue
            ws = week_start(r.week_start)
            key = f"week_{ws.isoformat()}"
            label = f"Uge {ws.isocalendar().week} ({fmt_date(ws)})"
            if ws in seen:
                errors[key] = f"{label}: ugen står to gange."
            seen.add(ws)
            if ws < first:
                errors[key] = (
                    f"{label}: ugen ligger før forløbets start ({fmt_date(e.start_date)})."
                )
            elif ws > last:
                errors[key] = f"{label}: ugen ligger i fremtiden eller efter forløbets slut."
            values = {k: getattr(r, k) for k in HOURS_FIELDS}
            for k, v in values.items():
                if v is None or v != v:  # None or NaN
                    errors[key] = f"{label}: udfyld {HOURS_FIELDS[k].lower()} (0 hvis ingen)."
                elif not 0 <= v <= MAX_WEEK_HOURS:
                    errors[key] = (
                        f"{label}: {HOURS_FIELDS[k].lower()} skal være mellem 0 og "
                        f"{MAX_WEEK_HOURS:.0f} timer."
                    )
            if (
                key not in errors
                and values["attended_hours"] + values["illness_hours"]
                > max(values["planned_hours"], 0) + 0.01
                and values["planned_hours"] > 0
            ):
                errors[key] = (
                    f"{label}: fremmøde og sygefravær er tilsammen flere end de planlagte timer."
                )
        if errors:
            raise ValidationError(errors)
        existing = {
            h.week_start: h
            for h in s.execute(
                select(WeeklyHours).where(
                    WeeklyHours.enrolment_id == e.id, WeeklyHours.week_start.in_(seen)
                )
            ).scalars()
        }
        stale = {}
        for r in rows:
            h = existing.get(week_start(r.week_start))
            if h is not None and r.version != h.version:
                stale[f"Uge {h.week_start.isocalendar().week} ({fmt_date(h.week_start)})"] = (
                    f"planlagt {h.planned_hours:g}, fremmødt {h.attended_hours:g}, "
                    f"syg {h.illness_hours:g}, løntimer {h.ordinary_paid_hours:g}"
                ).replace(".", ",")
        if stale:
            raise StaleEdit(STALE_MESSAGE.format(what="Timerne"), stale, None)
        written = 0
        for r in rows:
            ws = week_start(r.week_start)
            h = existing.get(ws)
            values = {k: float(getattr(r, k)) for k in HOURS_FIELDS}
            if h is None:
                if not any(values.values()):
                    continue  # an untouched blank week is not a registration
                s.add(WeeklyHours(enrolment_id=e.id, week_start=ws, **values))
                written += 1
            elif any(getattr(h, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(h, k, v)
                written += 1
        return written
