"""lib/entry: validation before writing (Danish messages per field), scope on writes,
stale edits refused by the version column, and every change in the audit log — on the
real demo data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import lib.commands.evaluations as evaluation_commands
from db.engine import make_engine, write_session
from db.models import (
    AuditLog,
    Enrolment,
    Evaluation,
    EvaluationScore,
    Extension,
    FollowUpMeeting,
    Plan,
    WeeklyHours,
)
from lib.commands.enrolments import (
    EnrolmentInput,
    end_enrolment,
    enrol,
    extend_enrolment,
    start_enrolment,
)
from lib.commands.evaluations import EvaluationInput, record_evaluation, update_evaluation
from lib.commands.hours import HoursInput, save_hours
from lib.commands.kit import (
    ConfirmationNeeded,
    StaleEdit,
    ValidationError,
    check_date,
    check_name,
    check_text,
    is_blank,
    planned_end,
)
from lib.commands.plans import PlanInput, SubGoalInput, create_plan
from lib.domain.access import AccessDenied
from lib.domain.enums import EnrolmentStatus
from lib.domain.rules import expected_end
from lib.queries.audit import evaluation_history
from lib.queries.courses import evaluation, evaluation_context, hours, my_enrolments
from tests.conftest import scope_for

TODAY = dt.date.today()
D = dt.date


@pytest.fixture
def db(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _audit_count(engine) -> int:
    return _count(engine, AuditLog)


def _eval_input(ctx, **overrides) -> EvaluationInput:
    values = {
        "evaluated_on": TODAY,
        "scores": dict.fromkeys(ctx.plan.parameter_ids, 3),
        "goal_progress": "closer",
        "sub_goals_need_adjusting": False,
        "written_with_participant": True,
        "meeting_held": True,
        "meeting_on": TODAY,
        "caseworker_present": True,
        "invitation_received": True,
        "invitation_received_on": TODAY,
    }
    values.update(overrides)
    return EvaluationInput(**values)


def _own_active(engine, username: str):
    scope = scope_for(engine, username)
    rows = my_enrolments(engine, scope)
    assert rows
    # A course whose last evaluation is not within the last week (no confirmation needed).
    for row in rows:
        ctx = evaluation_context(engine, scope, row.id)
        if ctx.plan and (ctx.last is None or (TODAY - ctx.last.evaluated_on).days > 10):
            return scope, row, ctx
    raise AssertionError("no suitable course in the demo")


# --------------------------------------------------------------------------- evaluation


def test_evaluation_saves_scores_meeting_deliverable_and_audit_in_one_go(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    audit_before = _audit_count(db)
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx, notes="<script>x</script>"))
    saved = evaluation(db, scope, eid)
    assert saved.scores == dict.fromkeys(ctx.plan.parameter_ids, 3)
    assert saved.meeting_held and saved.meeting_on == TODAY and saved.caseworker_present
    assert saved.invitation_received_on == TODAY
    assert saved.notes == "<script>x</script>"  # stored as typed
    # evaluation + one row per score + meeting + deliverable, each audited by the actor
    expected = 1 + len(ctx.plan.parameter_ids) + 2
    assert _audit_count(db) - audit_before == expected
    with db.connect() as conn:
        who = conn.execute(
            select(AuditLog.username, AuditLog.action).where(
                AuditLog.table_name == "evaluation", AuditLog.record_id == str(eid)
            )
        ).all()
    assert who == [("sagsbehandler", "create")]
    # The next due date moves on from the new evaluation.
    assert evaluation_context(db, scope, row.id).due_on > TODAY


@pytest.mark.parametrize(
    ("overrides", "field", "needle"),
    [
        ({"evaluated_on": TODAY + dt.timedelta(days=1)}, "evaluated_on", "fremtiden"),
        ({"evaluated_on": dt.date(2000, 1, 1)}, "evaluated_on", "før forløbets start"),
        ({"evaluated_on": None}, "evaluated_on", "Vælg en dato"),
        ({"notes": "x" * 4001}, "notes", "højst 4000"),
        ({"meeting_on": None}, "meeting_on", "Vælg en dato"),
        ({"meeting_held": False, "caseworker_present": True}, "caseworker_present", "afholdt"),
        ({"goal_progress": "sideways"}, "goal_progress", "langsigtede mål"),
        ({"goal_progress": None}, "goal_progress", "langsigtede mål"),
        # No yes/no fact is assumed: unanswered is refused, never read as yes or no.
        ({"written_with_participant": None}, "written_with_participant", "Ja eller Nej"),
        ({"meeting_held": None}, "meeting_held", "Ja eller Nej"),
        ({"caseworker_present": None}, "caseworker_present", "Ja eller Nej"),
        ({"invitation_received": None}, "invitation_received", "Ja eller Nej"),
        ({"sub_goals_need_adjusting": None}, "sub_goals_need_adjusting", "Ja eller Nej"),
        # "Received" without a date is refused, not stored as the evaluation's date.
        ({"invitation_received_on": None}, "invitation_received_on", "gættes ikke"),
    ],
)
def test_evaluation_is_refused_with_a_danish_message_at_the_field(db, overrides, field, needle):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    before = (_count(db, Evaluation), _audit_count(db))
    with pytest.raises(ValidationError) as caught:
        record_evaluation(db, scope, row.id, _eval_input(ctx, **overrides))
    assert needle in caught.value.errors[field]
    assert (_count(db, Evaluation), _audit_count(db)) == before  # nothing half-written


def test_score_outside_the_scale_is_refused_and_unscored_is_stored_as_no_score(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    first = ctx.plan.parameter_ids[0]
    with pytest.raises(ValidationError) as caught:
        record_evaluation(db, scope, row.id, _eval_input(ctx, scores={first: 6}))
    assert "skalaen 1–5" in caught.value.errors[f"score_{first}"]
    # A parameter left unscored ("ikke vurderet") is no row, not a guessed score.
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx, scores={first: 4}))
    assert evaluation(db, scope, eid).scores == {first: 4}
    assert _count(db, EvaluationScore, EvaluationScore.evaluation_id == eid) == 1


def test_second_evaluation_within_a_week_asks_for_confirmation(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    record_evaluation(db, scope, row.id, _eval_input(ctx))
    n = _count(db, Evaluation)
    with pytest.raises(ConfirmationNeeded) as caught:
        record_evaluation(
            db, scope, row.id, _eval_input(ctx, evaluated_on=TODAY - dt.timedelta(days=3))
        )
    assert "bekræft" in caught.value.errors["evaluated_on"]
    assert _count(db, Evaluation) == n
    record_evaluation(
        db,
        scope,
        row.id,
        _eval_input(ctx, evaluated_on=TODAY - dt.timedelta(days=3)),
        confirm_close=True,
    )
    assert _count(db, Evaluation) == n + 1


# --------------------------------------------------------------------------- scope


def test_caseworker_cannot_write_to_another_caseworkers_participant(db):
    own_scope, _row, _ctx = _own_active(db, "sagsbehandler")
    other_scope, other_row, ctx = _own_active(db, "jobkonsulent")
    before = (_count(db, Evaluation), _audit_count(db))
    with pytest.raises(AccessDenied):
        record_evaluation(db, own_scope, other_row.id, _eval_input(ctx))
    with pytest.raises(AccessDenied):
        save_hours(db, own_scope, other_row.id, [HoursInput(TODAY, 10, 8, 0, 0)])
    with pytest.raises(AccessDenied):
        end_enrolment(db, own_scope, other_row.id, TODAY, 1, "", None)
    with pytest.raises(AccessDenied):
        create_plan(
            db,
            own_scope,
            other_row.id,
            PlanInput(TODAY, [SubGoalInput(1, [1])], {1: 2}, made_with_participant=True),
        )
    assert (_count(db, Evaluation), _audit_count(db)) == before
    record_evaluation(db, other_scope, other_row.id, _eval_input(ctx))  # the owner can


def test_enterprise_staff_write_only_to_their_own_enterprise(db):
    mentor = scope_for(db, "mentor")  # agreement 2's enterprise
    mentor1 = scope_for(db, "mentor1")  # agreement 1's enterprise
    own = my_enrolments(db, mentor)
    assert own and {r.agreement_id for r in own} == {2}
    ctx = evaluation_context(db, mentor, own[0].id)
    with pytest.raises(AccessDenied):
        record_evaluation(db, mentor1, own[0].id, _eval_input(ctx))
    with pytest.raises(AccessDenied):
        enrol(db, mentor, EnrolmentInput(2, "referral", TODAY, 13))


# --------------------------------------------------------------------------- stale edits


def test_stale_correction_is_refused_with_the_newer_values(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx))
    opened = evaluation(db, scope, eid)  # both sessions open version 1
    first = _eval_input(ctx, notes="Første rettelse")
    update_evaluation(db, scope, eid, opened.version, first, confirm_close=True)
    second = _eval_input(ctx, notes="Anden rettelse")
    with pytest.raises(StaleEdit) as caught:
        update_evaluation(db, scope, eid, opened.version, second, confirm_close=True)
    assert caught.value.current["Noter"] == "Første rettelse"
    assert caught.value.version == opened.version + 1
    assert evaluation(db, scope, eid).notes == "Første rettelse"  # not overwritten


def test_orm_version_column_catches_a_save_between_read_and_write(pg_demo_url, monkeypatch):
    """The race the explicit check cannot see: another save lands after our read (on
    PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE, so it cannot interleave)."""
    pg_url = pg_demo_url
    db = make_engine(pg_url)
    scope, row, ctx = _own_active(db, "sagsbehandler")
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx))
    version = evaluation(db, scope, eid).version
    original = evaluation_commands._validate_evaluation

    def sneak_in(*args, **kwargs):
        original(*args, **kwargs)
        other = make_engine(pg_url)
        with other.begin() as conn:
            conn.execute(
                Evaluation.__table__.update()
                .where(Evaluation.id == eid)
                .values(notes="Samtidig", version=Evaluation.version + 1)
            )
        other.dispose()

    monkeypatch.setattr(evaluation_commands, "_validate_evaluation", sneak_in)
    with pytest.raises(StaleEdit) as caught:
        update_evaluation(
            db, scope, eid, version, _eval_input(ctx, notes="Min"), confirm_close=True
        )
    assert caught.value.current["Noter"] == "Samtidig"
    db.dispose()


def test_correction_keeps_history_in_the_audit_log(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx, notes="Før"))
    pid = ctx.plan.parameter_ids[0]
    scores = dict.fromkeys(ctx.plan.parameter_ids, 3) | {pid: 4}
    update_evaluation(
        db, scope, eid, 1, _eval_input(ctx, notes="Efter", scores=scores), confirm_close=True
    )
    changes = evaluation_history(db, scope, eid)
    updates = [c for c in changes if c.action == "update"]
    note_change = next(c for c in updates if c.table_name == "evaluation")
    assert note_change.changed_fields()["notes"] == ("Før", "Efter")
    score_change = next(c for c in updates if c.table_name == "evaluation_score")
    assert score_change.changed_fields()["score"] == (3, 4)
    # A score-only correction still moves the version, so it guards later edits too.
    version = evaluation(db, scope, eid).version
    update_evaluation(
        db,
        scope,
        eid,
        version,
        _eval_input(ctx, notes="Efter", scores=scores | {pid: 5}),
        confirm_close=True,
    )
    assert evaluation(db, scope, eid).version == version + 1
    # Someone else's scope cannot read the history.
    with pytest.raises(AccessDenied):
        evaluation_history(db, scope_for(db, "jobkonsulent"), eid)


# --------------------------------------------------------------------------- plan


def test_plan_needs_a_sub_goal_and_parameters_and_stores_a_revision(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    latest = ctx.plan.version_no
    with pytest.raises(ValidationError) as caught:
        create_plan(db, scope, row.id, PlanInput(TODAY, [], {}), latest)
    assert caught.value.errors["sub_goals"] == "Vælg mindst ét delmål."
    bad = PlanInput(
        TODAY + dt.timedelta(days=2),
        [SubGoalInput(1, [], [99], rationale="x" * 1001)],
        {},
        took_part="y" * 301,
    )
    with pytest.raises(ValidationError) as caught:
        create_plan(db, scope, row.id, bad, latest)
    errors = caught.value.errors
    assert "fremtiden" in errors["created_on"]
    assert "mindst én" in errors["goal_1_parameters"]
    assert "højst 1000" in errors["goal_1_rationale"]
    assert "højst 300" in errors["took_part"]
    assert "Ja eller Nej" in errors["made_with_participant"]  # never assumed
    good = PlanInput(
        TODAY,
        [SubGoalInput(9, [4], [15], "Fremmøde", "Møde kl. 9"), SubGoalInput(1, [3])],
        {4: 2, 3: 1},
        made_with_participant=False,
        took_part="Deltager, mentor",
    )
    plan_id = create_plan(db, scope, row.id, good, latest)
    with db.connect() as conn:
        assert conn.scalar(select(Plan.version_no).where(Plan.id == plan_id)) == latest + 1
    # A second save from the same (now old) screen is refused, not stacked.
    with pytest.raises(StaleEdit):
        create_plan(db, scope, row.id, good, latest)
    ctx2 = evaluation_context(db, scope, row.id)
    assert ctx2.plan.parameter_ids == [4, 3]


# --------------------------------------------------------------------------- enrolment


def test_full_agreement_refuses_active_enrolment_but_queues_a_referral(db):
    scope = scope_for(db, "sagsbehandler")
    me = scope.user_id
    # Fill agreement 1 (6 slots, 5 active in the demo).
    enrol(db, scope, EnrolmentInput(1, "active", TODAY, 13, None, "T-1", "AA", 1, me))
    before = (_count(db, Enrolment), _audit_count(db))
    with pytest.raises(ValidationError) as caught:
        enrol(db, scope, EnrolmentInput(1, "active", TODAY, 13, None, "T-2", "BB", 1, me))
    assert "ingen ledig plads" in caught.value.errors["status"]
    assert (_count(db, Enrolment), _audit_count(db)) == before
    eid = enrol(db, scope, EnrolmentInput(1, "referral", TODAY, 52, None, "T-2", "BB", 1, me))
    with pytest.raises(ValidationError) as caught:
        start_enrolment(db, scope, eid, TODAY, 1)
    assert "ingen ledig plads" in caught.value.errors["status"]


def test_enrolment_validation_messages(db):
    scope = scope_for(db, "sagsbehandler")
    other = scope_for(db, "jobkonsulent").user_id
    with pytest.raises(ValidationError) as caught:
        enrol(
            db,
            scope,
            EnrolmentInput(
                2, "active", TODAY + dt.timedelta(days=3), 26, None, "0101901234", "", None, other
            ),
        )
    e = caught.value.errors
    assert "CPR" in e["case_code"]
    assert "initialer" in e["initials"]
    assert "målgruppe" in e["target_group_id"]
    assert "egne borgere" in e["caseworker_id"]
    assert "13 eller 52" in e["planned_weeks"]
    assert "fremtiden" in e["start_date"]


def test_extend_and_end_with_outcome(db):
    scope, row, _ctx = _own_active(db, "sagsbehandler")
    with pytest.raises(ValidationError) as caught:
        extend_enrolment(db, scope, row.id, row.planned_end, "", row.version)
    assert "efter den nuværende" in caught.value.errors["new_end_date"]
    assert "hvorfor" in caught.value.errors["reason"]
    new_end = row.planned_end + dt.timedelta(weeks=13)
    extend_enrolment(db, scope, row.id, new_end, "Mere tid", row.version)
    # The same screen again (old version): refused with the newer values.
    with pytest.raises(StaleEdit) as caught:
        extend_enrolment(db, scope, row.id, new_end, "Mere tid", row.version)
    assert caught.value.current["Planlagt slut"]
    current = next(r for r in my_enrolments(db, scope) if r.id == row.id)
    assert current.planned_end == new_end
    with pytest.raises(ValidationError) as caught:
        end_enrolment(
            db, scope, row.id, row.start_date - dt.timedelta(days=1), None, "", current.version
        )
    assert "før forløbets start" in caught.value.errors["end_date"]
    assert "resultatet" in caught.value.errors["outcome_type_id"]
    end_enrolment(db, scope, row.id, TODAY, 2, "Løntilskudsjob", current.version)
    assert all(r.id != row.id for r in my_enrolments(db, scope))


# --------------------------------------------------------------------------- hours


def test_hours_grid_saves_several_weeks_and_refuses_bad_rows(db):
    scope, row, _ctx = _own_active(db, "sagsbehandler")
    grid = hours(db, scope, row.id, weeks=3)
    rows = [HoursInput(h.week_start, 20, 15, 5, 2, h.version) for h in grid]
    bad = list(rows)
    bad[0] = HoursInput(grid[0].week_start, 10, 9, 5, 0, grid[0].version)
    bad[1] = HoursInput(grid[1].week_start, 90, 0, 0, 0, grid[1].version)
    with pytest.raises(ValidationError) as caught:
        save_hours(db, scope, row.id, bad)
    messages = list(caught.value.errors.values())
    assert any("flere end de planlagte" in m for m in messages)
    assert any("mellem 0 og 80" in m for m in messages)
    assert save_hours(db, scope, row.id, rows) == 3
    with db.connect() as conn:
        saved = conn.execute(
            select(WeeklyHours.planned_hours, WeeklyHours.version).where(
                WeeklyHours.enrolment_id == row.id,
                WeeklyHours.week_start.in_([h.week_start for h in grid]),
            )
        ).all()
    assert {p for p, _ in saved} == {20.0}
    # The old grid again: the weeks changed since it was opened.
    with pytest.raises(StaleEdit):
        save_hours(db, scope, row.id, rows)
    future = HoursInput(TODAY + dt.timedelta(days=14), 1, 1, 0, 0)
    with pytest.raises(ValidationError) as caught:
        save_hours(db, scope, row.id, [future])
    assert "fremtiden" in next(iter(caught.value.errors.values()))


def test_a_failed_save_writes_nothing(db):
    """A database error after the first rows were flushed rolls the whole action back."""
    scope, row, ctx = _own_active(db, "sagsbehandler")
    before = (
        _count(db, Evaluation),
        _count(db, EvaluationScore),
        _count(db, FollowUpMeeting),
        _audit_count(db),
    )
    original = evaluation_commands._write_evaluation_children

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    evaluation_commands._write_evaluation_children = boom
    try:
        with pytest.raises(RuntimeError):
            record_evaluation(db, scope, row.id, _eval_input(ctx))
    finally:
        evaluation_commands._write_evaluation_children = original
    after = (
        _count(db, Evaluation),
        _count(db, EvaluationScore),
        _count(db, FollowUpMeeting),
        _audit_count(db),
    )
    assert after == before


def test_audit_rows_hold_before_and_after_json(db):
    scope, row, ctx = _own_active(db, "sagsbehandler")
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx, notes="a"))
    update_evaluation(db, scope, eid, 1, _eval_input(ctx, notes="b"), confirm_close=True)
    with db.connect() as conn:
        before, after = conn.execute(
            select(AuditLog.before, AuditLog.after).where(
                AuditLog.table_name == "evaluation",
                AuditLog.record_id == str(eid),
                AuditLog.action == "update",
            )
        ).one()
    assert json.loads(before)["notes"] == "a" and json.loads(after)["notes"] == "b"


# --------------------------------------------------------------------------- the write kit


def test_one_expected_end_for_the_course_list_the_write_path_and_the_rules(db):
    """Every course's expected end is the same in the course list (lib.queries.courses),
    in the write path's stale-edit values (kit.planned_end) and by the definition
    (lib.domain.rules.expected_end), extended or not."""
    scope = scope_for(db, "leder")
    rows = my_enrolments(db, scope, tuple(EnrolmentStatus))
    # An extension that ends before the planned end (as imported data may hold) does not
    # shorten the course: the definition takes the later date.
    odd = next(
        r
        for r in rows
        if r.status == EnrolmentStatus.ACTIVE
        and r.planned_end == r.start_date + dt.timedelta(weeks=r.planned_weeks)
    )
    with write_session(db, "test") as s:
        s.add(
            Extension(
                enrolment_id=odd.id,
                extended_on=odd.start_date,
                new_end_date=odd.start_date + dt.timedelta(days=1),
                reason="Import",
            )
        )
    rows = my_enrolments(db, scope, tuple(EnrolmentStatus))
    assert next(r for r in rows if r.id == odd.id).planned_end == odd.planned_end
    with Session(db) as s:
        ends: dict[int, list[dt.date]] = {}
        for enrolment_id, new_end in s.execute(
            select(Extension.enrolment_id, Extension.new_end_date)
        ):
            ends.setdefault(enrolment_id, []).append(new_end)
        for row in rows:
            definition = expected_end(row.start_date, row.planned_weeks, ends.get(row.id, []))
            assert row.planned_end == definition, row.case_code
            assert planned_end(s, s.get_one(Enrolment, row.id)) == definition, row.case_code
    extended = [r for r in rows if r.id in ends]
    assert extended and len(extended) < len(rows)  # both kinds are compared


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (None, {}, "Vælg en dato."),
        (None, {"required": False}, None),
        (D(2026, 4, 21), {}, "Datoen ligger i fremtiden (21. apr. 2026). Vælg i dag eller før."),
        (D(2026, 4, 21), {"today": None}, None),  # a date ahead allowed (a survey round)
        (
            D(2026, 4, 1),
            {"not_before": D(2026, 4, 6)},
            "Datoen ligger før forløbets start (6. apr. 2026). Vælg en dato i forløbet.",
        ),
        (
            D(2026, 4, 1),
            {"not_before": D(2026, 4, 6), "not_before_text": "mentorens start", "advice": ""},
            "Datoen ligger før mentorens start (6. apr. 2026).",
        ),
        (D(2026, 4, 6), {"not_before": D(2026, 4, 6)}, None),
    ],
)
def test_check_date_messages(value, kwargs, message):
    errors: dict[str, str] = {}
    check_date(errors, "on", value, **({"today": D(2026, 4, 20)} | kwargs))
    assert errors.get("on") == message


def test_check_name_text_and_blank_cells():
    errors: dict[str, str] = {}
    check_name(errors, "optional", "", 5)
    check_name(errors, "required", "", 5, missing="Giv runden et navn.")
    check_name(errors, "long", "abcdef", 5)
    check_text(errors, "notes", "x" * 4000)
    check_text(errors, "note", "x" * 2001, "mentor_contact_note")
    assert errors == {
        "required": "Giv runden et navn.",
        "long": "Navnet er for langt: højst 5 tegn.",
        "note": "Teksten er for lang: 2001 tegn, højst 2000.",
    }
    assert [is_blank(v) for v in (None, float("nan"), 0.0, 0, "")] == [
        True,
        True,
        False,
        False,
        False,
    ]
