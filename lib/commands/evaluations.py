"""Writes for the bi-monthly evaluation: scores, the follow-up meeting and the invitation the
caseworker received in one transaction, and corrections of an earlier evaluation that
refuse a stale edit. The shared rules are in lib/commands/kit.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import write_session
from db.models import (
    Deliverable,
    Enrolment,
    Evaluation,
    EvaluationScore,
    FollowUpMeeting,
    Parameter,
    Plan,
    PlanSubGoal,
    PlanSubGoalParameter,
    ScoreLevel,
)
from lib.commands.kit import (
    STALE_MESSAGE,
    ConfirmationNeeded,
    StaleEdit,
    ValidationError,
    check_date,
    check_scores,
    check_text,
    current_date,
    load_enrolment,
)
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import EnrolmentStatus, GoalProgress
from lib.domain.format import fmt_date
from lib.queries.courses import evaluations_in

CLOSE_EVALUATION_DAYS = 7  # a second evaluation this close to the last asks to confirm


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
) -> dt.date:
    """Everything checked before writing; returns the evaluation date (then given)."""
    errors: dict[str, str] = {}
    if e.status == EnrolmentStatus.REFERRAL:
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
    check_date(errors, "evaluated_on", data.evaluated_on, not_before=e.start_date, today=today)
    if e.end_date and data.evaluated_on and data.evaluated_on > e.end_date:
        errors["evaluated_on"] = f"Datoen ligger efter forløbets slut ({fmt_date(e.end_date)})."
    check_scores(errors, s, data.scores, required)
    extra = set(data.scores) - set(required)
    if required and extra:
        errors["scores"] = "Der er scorer for parametre, som ikke er valgt i planen."
    if data.goal_progress not in GoalProgress.labels():
        errors["goal_progress"] = "Vælg om deltageren nærmer sig det langsigtede mål."
    check_text(errors, "notes", data.notes)
    if data.meeting_held:
        check_date(errors, "meeting_on", data.meeting_on, not_before=e.start_date, today=today)
    elif data.caseworker_present:
        errors["caseworker_present"] = "Sagsbehandleren kan kun deltage i et afholdt møde."
    if data.invitation_received and data.invitation_received_on is not None:
        check_date(
            errors,
            "invitation_received_on",
            data.invitation_received_on,
            not_before=e.start_date,
            today=today,
        )
    evaluated_on = data.evaluated_on
    if errors or evaluated_on is None:
        raise ValidationError(errors)
    if not confirm_close:
        stmt = select(Evaluation.evaluated_on).where(
            Evaluation.enrolment_id == e.id,
            Evaluation.evaluated_on.between(
                evaluated_on - dt.timedelta(days=CLOSE_EVALUATION_DAYS),
                evaluated_on + dt.timedelta(days=CLOSE_EVALUATION_DAYS),
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
    return evaluated_on


def _write_evaluation_children(
    s: Session, ev: Evaluation, e: Enrolment, data: EvaluationInput
) -> None:
    """The follow-up meeting and the caseworker's invitation that belong to `ev`, created
    or brought up to date (`ev.evaluated_on` is already set)."""
    meeting = s.execute(
        select(FollowUpMeeting).where(FollowUpMeeting.evaluation_id == ev.id)
    ).scalar_one_or_none()
    if meeting is None:
        meeting = FollowUpMeeting(enrolment_id=e.id, evaluation_id=ev.id, version=1)
        s.add(meeting)
    meeting.planned_on = ev.evaluated_on
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
            due_on=ev.evaluated_on - dt.timedelta(days=7),
        )
        s.add(invitation)
    received = None
    if data.invitation_received:
        received = data.invitation_received_on or ev.evaluated_on
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
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        evaluated_on = _validate_evaluation(s, e, data, today, confirm_close=confirm_close)
        ev = Evaluation(
            enrolment_id=e.id,
            evaluated_on=evaluated_on,
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
        "Nærmer sig målet": GoalProgress.label_of(view.goal_progress, view.goal_progress),
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
    today = today or current_date()
    try:
        with write_session(engine, scope.username) as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None:
                raise AccessDenied("Evalueringen findes ikke.")
            e = load_enrolment(s, scope, ev.enrolment_id)
            if ev.version != expected_version:
                raise _stale_evaluation(s, ev)
            ev.evaluated_on = _validate_evaluation(
                s, e, data, today, confirm_close=confirm_close, exclude_id=ev.id
            )
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
                bumped = cast(
                    CursorResult,
                    s.execute(
                        update(Evaluation.__table__)
                        .where(Evaluation.id == ev.id, Evaluation.version == ev.version)
                        .values(version=ev.version + 1)
                    ),
                )
                if bumped.rowcount != 1:
                    raise StaleDataError("evaluation version changed")
    except StaleDataError:
        # Someone saved between our read and our UPDATE: the version column caught it.
        with write_session(engine, scope.username, audit_log=False) as s:
            raise _stale_evaluation(s, s.get_one(Evaluation, evaluation_id)) from None


def _stale_evaluation(s: Session, ev: Evaluation) -> StaleEdit:
    view = evaluations_in(s.connection(), [ev.enrolment_id], ev.id)[0]
    parameters = dict(s.execute(select(Parameter.id, Parameter.label)).all())
    levels = dict(s.execute(select(ScoreLevel.value, ScoreLevel.label)).all())
    return StaleEdit(
        STALE_MESSAGE.format(what="Evalueringen"),
        _evaluation_display(view, parameters, levels),
        view.version,
    )
