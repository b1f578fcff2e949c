"""The summary tables (db.summaries: score_span, mentor_contact_day, hours_month) equal
what the recorded data gives, after every kind of write: the demo, the forms (new,
corrected, deleted evaluation; logged, corrected, deleted mentor contact; weekly hours
saved and corrected; plans, assignments and scores changed through a Session), the
import (new and changed evaluations), deleting an agreement with its courses, and the
repair command; evaluation_follow_up also after meetings held, moved and deleted. On
SQLite and PostgreSQL. The progression and mentor figures that read
them are checked against the one-participant rules in test_measure_properties.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select, update

from db.cli import main as cli
from db.engine import make_engine
from db.models import (
    Agreement,
    Enrolment,
    Evaluation,
    EvaluationFollowUp,
    EvaluationScore,
    FollowUpMeeting,
    HoursMonth,
    MentorAssignment,
    MentorContact,
    MentorContactDay,
    Plan,
    PlanScore,
    ScoreSpan,
)
from db.summaries import (
    DAY_COLUMNS,
    FOLLOW_UP_COLUMNS,
    HOURS_COLUMNS,
    SPAN_COLUMNS,
    contact_days_from_source,
    follow_ups_from_source,
    hours_months_from_source,
    score_spans_from_source,
)
from lib.commands.evaluations import (
    delete_evaluation,
    record_evaluation,
    update_evaluation,
)
from lib.commands.hours import HoursInput, save_hours
from lib.commands.mentors import delete_contact, log_contact
from lib.domain.format import fmt_date
from lib.domain.rules import add_months
from lib.imports.apply import import_sheets
from lib.imports.reading import read_upload
from lib.queries.courses import evaluation, evaluation_context, hours, my_enrolments
from lib.queries.progression import _pairs
from tests.conftest import scope_for
from tests.import_workbooks import known_figures, workbook
from tests.test_entry_lib import _eval_input

TODAY = dt.date.today()


@pytest.fixture
def db(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _table(conn, model, columns) -> set[tuple]:
    return {tuple(r) for r in conn.execute(select(*(getattr(model, c) for c in columns)))}


def assert_current(engine) -> tuple[int, int]:
    """Every summary table holds exactly the rows the source gives; returns the sizes of
    score_span and mentor_contact_day."""
    with engine.connect() as conn:
        months = _table(conn, HoursMonth, HOURS_COLUMNS)
        assert months == {tuple(r) for r in conn.execute(hours_months_from_source())}
        spans = _table(conn, ScoreSpan, SPAN_COLUMNS)
        assert spans == {tuple(r) for r in conn.execute(score_spans_from_source())}
        days = _table(conn, MentorContactDay, DAY_COLUMNS)
        assert days == {tuple(r) for r in conn.execute(contact_days_from_source(conn))}
        follow_ups = _table(conn, EvaluationFollowUp, FOLLOW_UP_COLUMNS)
        assert follow_ups == {tuple(r) for r in conn.execute(follow_ups_from_source())}
    return len(spans), len(days)


def _latest(engine, enrolment_id: int, as_of: dt.date) -> dict[int, int]:
    pairs = _pairs(select(ScoreSpan.enrolment_id).where(ScoreSpan.enrolment_id == enrolment_id),
                   as_of)  # fmt: skip
    with engine.connect() as conn:
        return {p: latest for _, p, sub, _, latest in conn.execute(select(pairs)) if sub == 0}


def test_the_demo_fills_both_tables(db):
    spans, days = assert_current(db)
    assert spans > 100 and days > 100
    with db.connect() as conn:  # most evaluated courses have a baseline
        assert conn.scalar(select(func.count()).where(ScoreSpan.baseline.is_not(None))) > 50


def test_an_evaluation_saved_corrected_and_deleted_moves_the_latest_score(db):
    scope = scope_for(db, "sagsbehandler")
    for row in my_enrolments(db, scope):
        ctx = evaluation_context(db, scope, row.id)
        if ctx.plan and (ctx.last is None or (TODAY - ctx.last.evaluated_on).days > 10):
            break
    before = _latest(db, row.id, TODAY)
    pid = ctx.plan.parameter_ids[0]
    eid = record_evaluation(db, scope, row.id, _eval_input(ctx, scores={pid: 5}))
    assert_current(db)
    assert _latest(db, row.id, TODAY)[pid] == 5
    # As of yesterday the new evaluation did not exist yet.
    assert _latest(db, row.id, TODAY - dt.timedelta(days=1)) == before
    version = evaluation(db, scope, eid).version
    update_evaluation(db, scope, eid, version, _eval_input(ctx, scores={pid: 1}),
                      confirm_close=True)  # fmt: skip
    assert_current(db)
    assert _latest(db, row.id, TODAY)[pid] == 1
    delete_evaluation(db, scope, eid)
    assert_current(db)
    assert _latest(db, row.id, TODAY) == before


def test_a_direct_orm_change_of_a_score_or_date_is_caught(db):
    """Any write through a Session keeps the tables (the hook), not only the forms."""
    from db.engine import write_session

    with write_session(db, "test", audit_log=False) as s:
        ev = s.scalars(select(Evaluation).join(EvaluationScore).limit(1)).first()
        ev.evaluated_on = ev.evaluated_on - dt.timedelta(days=3)
        ev.scores[0].score = 6 - ev.scores[0].score
    assert_current(db)
    with write_session(db, "test", audit_log=False) as s:
        s.delete(s.scalars(select(EvaluationScore).limit(1)).one())
    assert_current(db)
    # A mentor assignment's start and end move which days are inside it, and its gaps.
    with write_session(db, "test", audit_log=False) as s:
        day = s.scalars(select(MentorContactDay).where(MentorContactDay.gap.is_not(None))
                        .order_by(MentorContactDay.contact_on).limit(1)).one()  # fmt: skip
        assignment = s.get_one(MentorAssignment, day.mentor_assignment_id)
        assignment.start_date = day.contact_on
        assignment.end_date = day.contact_on + dt.timedelta(days=30)
    assert_current(db)
    # The baseline: a first plan's score corrected, and its day moved.
    with write_session(db, "test", audit_log=False) as s:
        score = s.scalars(select(PlanScore).join(Plan).where(Plan.version_no == 1).limit(1)).one()
        score.score = 6 - score.score
        plan = s.get_one(Plan, score.plan_id)
        plan.created_on = plan.created_on - dt.timedelta(days=2)
    assert_current(db)


def _follow_up(engine, evaluation_id: int) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(
            select(EvaluationFollowUp.due_on, EvaluationFollowUp.meeting_held,
                   EvaluationFollowUp.caseworker_present)
            .where(EvaluationFollowUp.evaluation_id == evaluation_id)
        ).one()  # fmt: skip
    return tuple(row)


def test_meetings_and_the_baseline_move_the_evaluations_follow_up(db):
    """A meeting held, moved to another evaluation or deleted, and a baseline plan moved
    past an evaluation: each evaluation's meeting and due date reference follow."""
    from db.engine import write_session

    with write_session(db, "test", audit_log=False) as s:
        meeting = s.scalars(
            select(FollowUpMeeting).where(FollowUpMeeting.evaluation_id.is_not(None),
                                          FollowUpMeeting.held.is_(False)).limit(1)
        ).one()  # fmt: skip
        first = meeting.evaluation_id
        meeting.held, meeting.caseworker_present = True, True
    assert _follow_up(db, first)[1:] == (True, True)
    assert_current(db)
    with write_session(db, "test", audit_log=False) as s:
        # Another evaluation whose own meeting was not held: the held one joins it.
        other = s.scalars(select(FollowUpMeeting.evaluation_id).where(
            FollowUpMeeting.evaluation_id.is_not(None), FollowUpMeeting.evaluation_id != first,
            FollowUpMeeting.held.is_(False)).limit(1)).one()  # fmt: skip
        assert _follow_up(db, other)[1:] == (False, False)
        s.get_one(FollowUpMeeting, meeting.id).evaluation_id = other
    assert _follow_up(db, first)[1:] == (False, False)
    assert _follow_up(db, other)[1:] == (True, True)
    assert_current(db)
    with write_session(db, "test", audit_log=False) as s:
        s.delete(s.get_one(FollowUpMeeting, meeting.id))
    assert _follow_up(db, other)[1:] == (False, False)
    assert_current(db)
    # The baseline plan moved to the day of the course's first evaluation after it: that
    # evaluation answers no due date any more, the next is due from the plan.
    with db.connect() as conn:
        evaluation_id, enrolment_id, day = conn.execute(
            select(EvaluationFollowUp.evaluation_id, EvaluationFollowUp.enrolment_id,
                   EvaluationFollowUp.evaluated_on)
            .join(Plan, Plan.enrolment_id == EvaluationFollowUp.enrolment_id)
            .where(Plan.version_no == 1, EvaluationFollowUp.due_on.is_not(None))
            .order_by(EvaluationFollowUp.evaluated_on)
            .limit(1)
        ).one()  # fmt: skip
    with write_session(db, "test", audit_log=False) as s:
        plan = s.scalars(select(Plan).where(Plan.enrolment_id == enrolment_id,
                                            Plan.version_no == 1)).one()  # fmt: skip
        plan.created_on = day
    assert _follow_up(db, evaluation_id)[0] is None
    assert_current(db)


def test_an_agreements_interval_moves_its_courses_due_dates(db):
    from db.engine import write_session

    with db.connect() as conn:
        evaluation_id, before = conn.execute(
            select(EvaluationFollowUp.evaluation_id, EvaluationFollowUp.next_due_on)
            .where(EvaluationFollowUp.next_due_on.is_not(None)).limit(1)
        ).one()  # fmt: skip
    with write_session(db, "test", audit_log=False) as s:
        agreement = s.scalars(
            select(Agreement).join(Enrolment).join(Evaluation)
            .where(Evaluation.id == evaluation_id)
        ).one()  # fmt: skip
        months = agreement.evaluation_interval_months or 2
        agreement.evaluation_interval_months = months + 1
    with db.connect() as conn:
        evaluated_on, after = conn.execute(
            select(EvaluationFollowUp.evaluated_on, EvaluationFollowUp.next_due_on)
            .where(EvaluationFollowUp.evaluation_id == evaluation_id)
        ).one()  # fmt: skip
    assert after == add_months(evaluated_on, months + 1) != before
    assert_current(db)


def test_mentor_contacts_logged_corrected_and_deleted(db):
    scope = scope_for(db, "sagsbehandler")
    own = [row.id for row in my_enrolments(db, scope)]
    with db.connect() as conn:
        assignment_id, start = conn.execute(
            select(MentorAssignment.id, MentorAssignment.start_date)
            .where(MentorAssignment.enrolment_id.in_(own), MentorAssignment.end_date.is_(None),
                   MentorAssignment.start_date < TODAY - dt.timedelta(days=2))
            .order_by(MentorAssignment.id)
        ).first()  # fmt: skip
    for day in (TODAY, start, start + dt.timedelta(days=1)):
        cid = log_contact(db, scope, assignment_id, day, "")
        assert_current(db)
    # Two contacts on one day are one contact day.
    log_contact(db, scope, assignment_id, start, "")
    assert_current(db)
    opened = {"Kontaktdato": fmt_date(start + dt.timedelta(days=1)), "Note": ""}
    log_contact(db, scope, assignment_id, TODAY, "", contact_id=cid, opened=opened)
    assert_current(db)
    delete_contact(db, scope, cid)
    assert_current(db)


def test_hours_saved_and_corrected_keep_the_months(db):
    scope = scope_for(db, "sagsbehandler")
    row = my_enrolments(db, scope)[0]
    grid = hours(db, scope, row.id, weeks=6)  # across a month's end, mostly
    save_hours(db, scope, row.id, [HoursInput(h.week_start, 20, 15, 5, 2, h.version) for h in grid])
    assert_current(db)
    grid = hours(db, scope, row.id, weeks=6)
    save_hours(db, scope, row.id, [HoursInput(h.week_start, 10, 10, 0, 0, h.version) for h in grid])
    assert_current(db)
    with db.connect() as conn:
        latest = conn.execute(
            select(HoursMonth.planned, HoursMonth.paid).where(HoursMonth.enrolment_id == row.id)
            .order_by(HoursMonth.year.desc(), HoursMonth.month.desc()).limit(1)
        ).one()  # fmt: skip
    assert latest.planned >= 10 and latest.paid in (0, 1)


def test_the_import_keeps_them_for_new_and_changed_evaluations(db):
    scope = scope_for(db, "leder")
    figures = known_figures(TODAY)
    import_sheets(db, scope, read_upload([("a.xlsx", workbook(figures))]), "a.xlsx", today=TODAY)
    assert_current(db)
    for row in figures["Evalueringer"]:
        row[2] = 5  # the first parameter's score changed in the sheet
    import_sheets(db, scope, read_upload([("b.xlsx", workbook(figures))]), "b.xlsx", today=TODAY)
    assert_current(db)


def test_deleting_courses_takes_their_rows(db):
    with db.begin() as conn:
        conn.execute(update(MentorContact).values(note=""))  # Core, no date changed
        enrolment_id = conn.scalar(select(ScoreSpan.enrolment_id).limit(1))
        conn.execute(delete(Evaluation).where(Evaluation.enrolment_id == enrolment_id))
        conn.execute(delete(MentorAssignment))
    with db.begin() as conn:  # the repair path, as after any write around the app
        from db.summaries import refresh_score_spans

        refresh_score_spans(conn, [enrolment_id])
    assert assert_current(db)[1] == 0


def test_the_repair_command_rebuilds_both(db, any_demo_url, monkeypatch):
    with db.begin() as conn:
        conn.execute(delete(ScoreSpan))
        conn.execute(update(MentorContactDay).values(previous_on=None))
        conn.execute(update(EvaluationFollowUp).values(due_on=None))
    with pytest.raises(AssertionError):
        assert_current(db)
    monkeypatch.setenv("DATABASE_URL", any_demo_url)
    assert cli(["rebuild-summaries"]) == 0
    assert_current(db)


def test_the_migration_fills_them_as_the_refresh_does(db, any_demo_url):
    """Migration 0011 writes its own SQL (a migration must not change with the models):
    on existing data it must give the rows db.summaries gives."""
    from db.migrate import downgrade, upgrade

    db.dispose()
    downgrade(any_demo_url, "0010_unanswered")
    upgrade(any_demo_url)
    spans, days = assert_current(db)
    assert spans > 100 and days > 100
    with db.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(HoursMonth)) > 10
