"""Writes for the bi-monthly evaluation: scores, sub-goal statuses and sub-element scores,
the follow-up meeting and the invitation the caseworker received in one transaction,
corrections of an earlier evaluation that refuse a stale edit, and deletion by its author
within a day. The shared rules are in lib/commands/kit.py.

No fact is assumed: every yes/no that feeds a measure (written with the participant, the
meeting held, the caseworker present, the invitation received, sub-goals to adjust) is
None until answered and refused while None; a parameter left unscored is stored as no
score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
    check_answered,
    check_date,
    check_scores,
    check_text,
    current_date,
    load_enrolment,
)
from lib.commands.sub_goals import check_sub_goals, write_sub_goals
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import EnrolmentStatus, GoalProgress
from lib.domain.format import fmt_date, fmt_yes_no
from lib.domain.rules import invitation_due
from lib.queries.courses import evaluations_in

CLOSE_EVALUATION_DAYS = 7  # a second evaluation this close to the last asks to confirm
ADOPT_PLANNED_DAYS = 14  # a planned meeting this close to the evaluation is its meeting


DELETE_WITHIN = dt.timedelta(hours=24)  # an evaluation's author may delete it this long


@dataclass
class EvaluationInput:
    evaluated_on: dt.date | None
    scores: dict[int, int]  # parameter id -> score; an unscored parameter is left out
    goal_progress: str | None = None
    sub_goals_need_adjusting: bool | None = None
    notes: str = ""
    written_with_participant: bool | None = None
    meeting_held: bool | None = None
    meeting_on: dt.date | None = None
    caseworker_present: bool | None = None
    invitation_received: bool | None = None
    invitation_received_on: dt.date | None = None
    sub_goal_status: dict[int, str | None] = field(default_factory=dict)  # sub-goal id ->
    sub_goal_comment: dict[int, str] = field(default_factory=dict)
    element_scores: dict[int, int] = field(default_factory=dict)  # sub-element id -> score


def latest_plan(s: Session, enrolment_id: int) -> Plan | None:
    return s.execute(
        select(Plan)
        .where(Plan.enrolment_id == enrolment_id)
        .order_by(Plan.version_no.desc())
        .limit(1)
    ).scalar_one_or_none()


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
    plan = latest_plan(s, e.id)
    chosen: list[int] = []
    if plan is None:
        errors["enrolment"] = "Forløbet har ingen plan endnu. Lav planen først (siden Plan)."
    else:
        chosen = list(
            s.scalars(
                select(PlanSubGoalParameter.parameter_id)
                .join(PlanSubGoal, PlanSubGoal.id == PlanSubGoalParameter.plan_sub_goal_id)
                .where(PlanSubGoal.plan_id == plan.id)
                .distinct()
            )
        )
        check_sub_goals(
            errors,
            s,
            plan.id,
            data.sub_goal_status,
            data.sub_goal_comment,
            data.element_scores,
        )
    check_date(errors, "evaluated_on", data.evaluated_on, not_before=e.start_date, today=today)
    if e.end_date and data.evaluated_on and data.evaluated_on > e.end_date:
        errors["evaluated_on"] = f"Datoen ligger efter forløbets slut ({fmt_date(e.end_date)})."
    check_scores(errors, s, data.scores, [])
    if chosen and set(data.scores) - set(chosen):
        errors["scores"] = "Der er scorer for parametre, som ikke er valgt i planen."
    if data.goal_progress not in GoalProgress.labels():
        errors["goal_progress"] = "Vælg om deltageren nærmer sig det langsigtede mål."
    check_answered(errors, "sub_goals_need_adjusting", data.sub_goals_need_adjusting)
    check_answered(errors, "written_with_participant", data.written_with_participant)
    check_text(errors, "notes", data.notes)
    check_answered(errors, "meeting_held", data.meeting_held)
    if data.meeting_held:
        check_date(errors, "meeting_on", data.meeting_on, not_before=e.start_date, today=today)
        check_answered(errors, "caseworker_present", data.caseworker_present)
    elif data.caseworker_present:
        errors["caseworker_present"] = "Sagsbehandleren kan kun deltage i et afholdt møde."
    check_answered(errors, "invitation_received", data.invitation_received)
    if data.invitation_received:
        check_date(
            errors,
            "invitation_received_on",
            data.invitation_received_on,
            not_before=e.start_date,
            today=today,
        )
        if data.invitation_received_on is None:
            errors["invitation_received_on"] = (
                "Skriv hvornår sagsbehandleren fik invitationen; datoen gættes ikke."
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
        # A meeting planned on its own close to the evaluation is this one: record it
        # here instead of leaving it planned forever beside a second row.
        meeting = s.scalars(
            select(FollowUpMeeting)
            .where(
                FollowUpMeeting.enrolment_id == e.id,
                FollowUpMeeting.evaluation_id.is_(None),
                FollowUpMeeting.held.is_(False),
                FollowUpMeeting.cancelled.is_(False),
                FollowUpMeeting.planned_on.between(
                    ev.evaluated_on - dt.timedelta(days=ADOPT_PLANNED_DAYS),
                    ev.evaluated_on + dt.timedelta(days=ADOPT_PLANNED_DAYS),
                ),
            )
            .order_by(FollowUpMeeting.planned_on)
            # Two evaluations saved at once must not both take the same planned meeting:
            # PostgreSQL makes the second wait and re-checks evaluation_id IS NULL.
            .with_for_update()
        ).first()
        if meeting is None:
            meeting = FollowUpMeeting(
                enrolment_id=e.id, planned_on=ev.evaluated_on, created_by_id=ev.created_by_id
            )
            s.add(meeting)
        meeting.evaluation_id = ev.id
    meeting.held = bool(data.meeting_held)
    meeting.cancelled = False
    meeting.held_on = data.meeting_on if data.meeting_held else None
    meeting.caseworker_present = bool(data.meeting_held and data.caseworker_present)

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
            due_on=invitation_due(ev.evaluated_on),
        )
        s.add(invitation)
    invitation.received_on = data.invitation_received_on if data.invitation_received else None


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
            sub_goals_need_adjusting=bool(data.sub_goals_need_adjusting),
            notes=data.notes,
            written_with_participant=bool(data.written_with_participant),
            created_by_id=scope.user_id,
        )
        s.add(ev)
        s.flush()
        for pid, score in sorted(data.scores.items()):
            s.add(EvaluationScore(evaluation_id=ev.id, parameter_id=pid, score=score))
        _write_evaluation_children(s, ev, e, data)
        _write_sub_goals(s, ev, data)
        s.flush()
        return ev.id


def _write_sub_goals(s: Session, ev: Evaluation, data: EvaluationInput) -> None:
    plan = latest_plan(s, ev.enrolment_id)
    if plan is not None:
        write_sub_goals(
            s, ev, plan.id, data.sub_goal_status, data.sub_goal_comment, data.element_scores
        )


def delete_evaluation(
    engine: Engine, scope: Scope, evaluation_id: int, now: dt.datetime | None = None
) -> None:
    """Slet: the author removes their own evaluation within DELETE_WITHIN of saving it, with
    its scores, sub-goal statuses, meeting and invitation (the audit log keeps them all).
    Later, or for anyone else, a correction is the way."""
    now = now or dt.datetime.now(dt.UTC)
    with write_session(engine, scope.username) as s:
        ev = s.get(Evaluation, evaluation_id)
        if ev is None:
            raise AccessDenied("Evalueringen findes ikke.")
        load_enrolment(s, scope, ev.enrolment_id)
        if not can_delete(ev.created_by_id, ev.created_at, scope, now):
            raise ValidationError({"_form": DELETE_REFUSED})
        for meeting in s.scalars(
            select(FollowUpMeeting).where(FollowUpMeeting.evaluation_id == ev.id)
        ):
            s.delete(meeting)
        for invitation in s.scalars(select(Deliverable).where(Deliverable.evaluation_id == ev.id)):
            s.delete(invitation)
        s.delete(ev)


DELETE_REFUSED = (
    "Kun den, der skrev evalueringen, kan slette den, og kun inden for et døgn. Ret den i stedet."
)


def can_delete(
    author_id: int | None, created_at: dt.datetime | None, scope: Scope, now: dt.datetime
) -> bool:
    """The author, within DELETE_WITHIN of saving (a naive time from SQLite is UTC)."""
    if author_id is None or author_id != scope.user_id or created_at is None:
        return False
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=dt.UTC)
    return now - created_at <= DELETE_WITHIN


def _evaluation_display(view, parameters: dict[int, str], levels: dict[int, str]) -> dict:
    out = {
        "Dato": fmt_date(view.evaluated_on),
        "Nærmer sig målet": GoalProgress.label_of(view.goal_progress, view.goal_progress),
        "Delmål skal justeres": fmt_yes_no(view.sub_goals_need_adjusting),
        "Skrevet med deltageren": fmt_yes_no(view.written_with_participant),
        "Opfølgningsmøde": fmt_date(view.meeting_on) if view.meeting_held else "Ikke afholdt",
        "Sagsbehandler deltog": fmt_yes_no(view.caseworker_present),
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
            ev.goal_progress = data.goal_progress or ev.goal_progress
            ev.sub_goals_need_adjusting = bool(data.sub_goals_need_adjusting)
            ev.notes = data.notes
            ev.written_with_participant = bool(data.written_with_participant)
            row_changed = s.is_modified(ev, include_collections=False)  # before autoflush
            existing = {sc.parameter_id: sc for sc in ev.scores if sc.sub_element_id is None}
            # Sub-element scores are kept by _write_sub_goals, not here.
            for pid, sc in existing.items():
                if pid not in data.scores:
                    ev.scores.remove(sc)
                elif sc.score != data.scores[pid]:
                    sc.score = data.scores[pid]
            for pid, score in data.scores.items():
                if pid not in existing:
                    ev.scores.append(EvaluationScore(parameter_id=pid, score=score))
            _write_evaluation_children(s, ev, e, data)
            _write_sub_goals(s, ev, data)
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
