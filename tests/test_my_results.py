"""My results (minimum requirement 2): a caseworker's own figures against the whole job
centre, and the same per caseworker for a manager, on a hand-worked world."""

from __future__ import annotations

import datetime as dt

import pytest

from db import catalogue as cat
from db.models import (
    Evaluation,
    EvaluationScore,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Outcome,
    Plan,
    PlanScore,
)
from lib import my_results as mr
from lib.scope import AccessDenied
from tests.quality_world import World

D = dt.date
TODAY = D(2026, 3, 1)
MOT, ACT = cat.parameter_id("motivation"), cat.parameter_id("active_action")


def plan(enrolment_id, created_on, scores):
    return Plan(enrolment_id=enrolment_id, version_no=1, created_on=created_on,
                scores=[PlanScore(parameter_id=p, score=s) for p, s in scores.items()])  # fmt: skip


def evaluation(enrolment_id, on, scores):
    return Evaluation(enrolment_id=enrolment_id, evaluated_on=on,
                      scores=[EvaluationScore(parameter_id=p, score=s) for p, s in scores.items()])  # fmt: skip


@pytest.fixture
def world(sqlite_engine):
    w = World(sqlite_engine)
    e1 = w.enrol(w.a1_id, "cw1", "active", D(2026, 1, 5))  # plan due 12 Jan
    e2 = w.enrol(w.a1_id, "cw2", "active", D(2026, 2, 2), weeks=52)  # plan due 2 Mar: not yet
    e3 = w.enrol(w.a2_id, "cw1", "active", D(2025, 10, 1))  # plan due 8 Oct: made late
    e4 = w.enrol(w.a2_id, "cw1", "ended", D(2025, 6, 2), end=D(2025, 9, 1))
    e5 = w.enrol(w.a2_id, "cw2", "ended", D(2025, 6, 2), end=D(2025, 9, 1))  # never a plan
    w.add(
        plan(e1, D(2026, 1, 10), {MOT: 2, ACT: 3}),
        plan(e3, D(2025, 10, 20), {MOT: 3}),
        plan(e4, D(2025, 6, 5), {}),
        evaluation(e1, D(2026, 2, 1), {MOT: 3, ACT: 3}),
        evaluation(e1, D(2026, 2, 20), {MOT: 4, ACT: 2}),  # latest: +2 and -1
        evaluation(e3, D(2025, 12, 1), {MOT: 3}),  # 0; next due 1 Feb: overdue on 1 Mar
        Outcome(enrolment_id=e4, outcome_type_id=cat.outcome_type_id("ordinary_job"),
                outcome_on=D(2025, 9, 1)),
        Outcome(enrolment_id=e5, outcome_type_id=cat.outcome_type_id("stopped_illness"),
                outcome_on=D(2025, 9, 1)),
        FollowUpMeeting(enrolment_id=e1, planned_on=D(2026, 2, 1), held=True, held_on=D(2026, 2, 1)),
        FollowUpMeeting(enrolment_id=e1, planned_on=D(2026, 2, 20), held=False),
        FollowUpMeeting(enrolment_id=e1, planned_on=D(2026, 4, 1), held=False),  # not due
        FollowUpMeeting(enrolment_id=e3, planned_on=D(2025, 12, 1), held=True, held_on=D(2025, 12, 1)),
    )  # fmt: skip
    (m,) = w.add(MentorAssignment(enrolment_id=e2, mentor_type="jobcentre", frequency_days=14,
                                  start_date=D(2026, 2, 2)))  # fmt: skip
    w.add(MentorContact(mentor_assignment_id=m, contact_on=D(2026, 2, 5)),
          MentorContact(mentor_assignment_id=m, contact_on=D(2026, 2, 19)))  # fmt: skip
    return w


def test_due_date_rules():
    assert mr.plan_on_time(D(2026, 1, 5), 13, D(2026, 1, 12), TODAY) is True
    assert mr.plan_on_time(D(2026, 1, 5), 13, D(2026, 1, 13), TODAY) is False
    assert mr.plan_on_time(D(2026, 2, 2), 52, None, TODAY) is None  # due 2 Mar
    assert mr.plan_on_time(D(2026, 1, 5), 52, None, TODAY) is False  # due 2 Feb
    assert mr.evaluation_current(D(2026, 1, 1), [], 2, TODAY) is True  # due 1 Mar
    # lib.rules' 7-day grace: due 28 Feb, 1 day over is still on time; 9 days is not.
    assert mr.evaluation_current(D(2025, 12, 31), [], 2, TODAY) is True
    assert mr.evaluation_current(D(2025, 12, 20), [], 2, TODAY) is False  # due 20 Feb
    assert mr.evaluation_current(D(2025, 10, 1), [D(2025, 12, 31)], 2, TODAY) is True
    assert mr.evaluation_current(None, [], 2, TODAY) is True  # no plan: nothing due yet
    # A pause (illness) moves the due date: 10 paused days make 20 Feb 2 Mar.
    assert mr.evaluation_current(D(2025, 12, 20), [], 2, TODAY, [(D(2026, 1, 5), D(2026, 1, 14))])
    assert mr.plan_on_time(
        D(2026, 1, 5), 13, D(2026, 1, 13), TODAY, [(D(2026, 1, 6), D(2026, 1, 6))]
    )


def test_caseworker_sees_own_figures_and_the_centre(world):
    r = mr.my_results(world.engine, world.scope("cw1"), TODAY)
    own, centre = r.own, r.centre
    assert r.per_caseworker == []
    assert own.label == "Cecilie Sagsbehandler"
    assert (own.courses, own.active) == (3, 2)
    assert (own.plans_on_time, own.plans_due) == (2, 3)  # e1, e4 on time; e3 late
    assert (own.evaluations_current, own.evaluations_active) == (1, 2)  # e3 overdue
    assert (own.meetings_held, own.meetings_planned) == (2, 3)
    assert (own.mentor_on_time, own.mentor_due) == (0, 0) and own.mentor_share is None
    assert (own.job_or_education, own.ended_with_outcome) == (1, 1)
    mot, act = own.progression["motivation"], own.progression["active_action"]
    assert (mot.total_change, mot.n, mot.improved) == (2, 2, 1)  # e1 +2, e3 0
    assert mot.mean_change == 1.0 and mot.improved_share == 0.5
    assert (act.total_change, act.n, act.improved) == (-1, 1, 0)
    assert own.mean_change == pytest.approx(1 / 3)

    assert (centre.courses, centre.active) == (5, 3)
    assert (centre.plans_on_time, centre.plans_due) == (2, 4)
    assert (centre.evaluations_current, centre.evaluations_active) == (2, 3)
    assert (centre.meetings_held, centre.meetings_planned) == (2, 3)
    assert (centre.mentor_on_time, centre.mentor_due) == (2, 2)
    assert (centre.job_or_education, centre.ended_with_outcome) == (1, 2)
    assert centre.job_or_education_share == 0.5
    assert centre.outcome_types == {"Ordinært job": 1, "Stoppet – sygdom": 1}


def test_manager_sees_each_caseworker(world):
    r = mr.my_results(world.engine, world.scope("boss"), TODAY)
    assert r.own is None
    by_name = {f.label: f for f in r.per_caseworker}
    assert set(by_name) == {"Bo Sagsbehandler", "Cecilie Sagsbehandler"}
    bo = by_name["Bo Sagsbehandler"]
    assert (bo.courses, bo.plans_on_time, bo.plans_due) == (2, 0, 1)
    assert (bo.evaluations_current, bo.evaluations_active) == (1, 1)
    assert (bo.mentor_on_time, bo.mentor_due) == (2, 2)
    assert (bo.job_or_education, bo.ended_with_outcome) == (0, 1)
    assert bo.progression == {}
    assert r.centre.courses == sum(f.courses for f in r.per_caseworker)


def test_a_caseworker_without_courses_gets_zeros_not_errors(sqlite_engine):
    w = World(sqlite_engine)
    r = mr.my_results(sqlite_engine, w.scope("cw2"), TODAY)
    assert r.own.courses == 0 and r.own.plan_share is None and r.own.mean_change is None
    assert r.centre.courses == 0


def test_enterprise_staff_have_no_results_page(world):
    with pytest.raises(AccessDenied):
        mr.my_results(world.engine, world.scope("staff"), TODAY)


def test_compare_bars_use_non_agreement_colours_and_leave_room_for_labels():
    from lib.chart_style import OKABE_ITO
    from lib.quality_charts import compare_bars

    rows = [
        {"Mål": "Plan til tiden", "Gruppe": "Mine deltagere", "Værdi": 1.0, "Tekst": "100,0 %"},
        {"Mål": "Plan til tiden", "Gruppe": "Hele jobcentret", "Værdi": 0.5, "Tekst": "50,0 %"},
    ]
    spec = compare_bars(rows, "Andel").to_dict()
    bars, _text = spec["layer"]
    colours = bars["encoding"]["color"]["scale"]["range"]
    # Mine/centre must not read as agreement 1/agreement 2 (blue, orange, ...).
    assert colours == ["#000000", "#888888"]
    assert not set(colours) & set(OKABE_ITO[:7])
    # The x scale reaches past the longest bar by the width of a label.
    assert "width" in bars["encoding"]["x"]["scale"]["domainMax"]["expr"]
