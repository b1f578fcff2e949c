"""My results (the STV evaluation's minimum requirement 2: caseworkers see the result of
their work): a caseworker's own figures against the whole job centre, and the same per
caseworker for a manager, on a hand-worked world; and every figure is the dashboards'
figure for the same people and period."""

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
from lib.domain.access import AccessDenied
from lib.domain.period import Filters, default_period
from lib.domain.rules import Tally
from lib.queries import my_results as mr
from lib.queries.compliance import compliance
from lib.queries.outcomes import NO_OUTCOME, course_lengths, outcome_totals, total_lengths
from lib.queries.progression import overall_change, parameter_changes
from tests.conftest import scope_for
from tests.quality_world import World

D = dt.date
TODAY = D(2026, 3, 1)  # the default period: 2 Mar 2025 - 1 Mar 2026
MOT, ACT = cat.parameter_id("motivation"), cat.parameter_id("active_action")


def plan(enrolment_id, created_on, scores):
    return Plan(enrolment_id=enrolment_id, version_no=1, created_on=created_on,
                scores=[PlanScore(parameter_id=p, score=s) for p, s in scores.items()])  # fmt: skip


def evaluation(enrolment_id, on, scores):
    return Evaluation(enrolment_id=enrolment_id, evaluated_on=on,
                      scores=[EvaluationScore(parameter_id=p, score=s) for p, s in scores.items()])  # fmt: skip


def outcome(enrolment_id, code, on):
    return Outcome(enrolment_id=enrolment_id, outcome_type_id=cat.outcome_type_id(code),
                   outcome_on=on)  # fmt: skip


@pytest.fixture
def world(sqlite_engine):
    w = World(sqlite_engine)
    e1 = w.enrol(w.a1_id, "cw1", "active", D(2026, 1, 5))  # plan due 12 Jan
    e2 = w.enrol(w.a1_id, "cw2", "active", D(2026, 2, 2), weeks=52)  # plan due 2 Mar: not yet
    e3 = w.enrol(w.a2_id, "cw1", "active", D(2025, 10, 1))  # plan due 8 Oct: made late
    e4 = w.enrol(w.a2_id, "cw1", "ended", D(2025, 6, 2), end=D(2025, 9, 1))
    e5 = w.enrol(w.a2_id, "cw2", "ended", D(2025, 6, 2), end=D(2025, 9, 1))  # never a plan
    e6 = w.enrol(w.a1_id, "cw1", "ended", D(2025, 10, 6), end=D(2026, 1, 30))  # no outcome
    # Ended before the period: counts nowhere, though its outcome is a job.
    e7 = w.enrol(w.a1_id, "cw2", "ended", D(2024, 10, 1), end=D(2025, 1, 31))
    w.add(
        plan(e1, D(2026, 1, 10), {MOT: 2, ACT: 3}),
        plan(e3, D(2025, 10, 20), {MOT: 3}),
        plan(e4, D(2025, 6, 5), {}),
        plan(e6, D(2025, 10, 10), {}),
        outcome(e4, "ordinary_job", D(2025, 9, 1)),
        outcome(e5, "stopped_illness", D(2025, 9, 1)),
        outcome(e7, "ordinary_job", D(2025, 1, 31)),
    )
    ev1, ev2, ev3, _no_meeting, _after_today = w.add(
        evaluation(e1, D(2026, 2, 1), {MOT: 3, ACT: 3}),
        evaluation(e1, D(2026, 2, 20), {MOT: 4, ACT: 2}),  # latest: +2 and -1
        evaluation(e3, D(2025, 12, 1), {MOT: 3}),  # 0; next due 1 Feb: overdue on 1 Mar
        evaluation(e4, D(2025, 8, 1), {}),  # no meeting row: not held
        evaluation(e1, D(2026, 3, 15), {MOT: 1}),  # dated after the day of counting
    )
    w.add(
        FollowUpMeeting(enrolment_id=e1, evaluation_id=ev1, held=True, held_on=D(2026, 2, 1),
                        caseworker_present=True),
        FollowUpMeeting(enrolment_id=e1, evaluation_id=ev2, planned_on=D(2026, 2, 20), held=False),
        FollowUpMeeting(enrolment_id=e3, evaluation_id=ev3, held=True, held_on=D(2025, 12, 1)),
        # Held, but with no evaluation: Møder holdt counts evaluations, not meetings.
        FollowUpMeeting(enrolment_id=e1, planned_on=D(2026, 1, 20), held=True,
                        held_on=D(2026, 1, 20)),
    )  # fmt: skip
    (m,) = w.add(MentorAssignment(enrolment_id=e2, mentor_type="jobcentre", frequency_days=14,
                                  start_date=D(2026, 2, 2)))  # fmt: skip
    w.add(MentorContact(mentor_assignment_id=m, contact_on=D(2026, 2, 5)),
          MentorContact(mentor_assignment_id=m, contact_on=D(2026, 2, 19)))  # fmt: skip
    return w


def test_evaluation_current_rule():
    assert mr.evaluation_current(D(2026, 1, 1), [], 2, TODAY) is True  # due 1 Mar
    # lib.domain.rules' 7-day grace: due 28 Feb, 1 day over is still on time; 9 days is not.
    assert mr.evaluation_current(D(2025, 12, 31), [], 2, TODAY) is True
    assert mr.evaluation_current(D(2025, 12, 20), [], 2, TODAY) is False  # due 20 Feb
    assert mr.evaluation_current(D(2025, 10, 1), [D(2025, 12, 31)], 2, TODAY) is True
    assert mr.evaluation_current(None, [], 2, TODAY) is True  # no plan: nothing due yet
    # A pause (illness) moves the due date: 10 paused days make 20 Feb 2 Mar.
    assert mr.evaluation_current(D(2025, 12, 20), [], 2, TODAY, [(D(2026, 1, 5), D(2026, 1, 14))])


def test_caseworker_sees_own_figures_and_the_centre(world):
    r = mr.my_results(world.engine, world.scope("cw1"), TODAY)
    own, centre = r.own, r.centre
    assert (r.period.start, r.period.end) == (D(2025, 3, 2), TODAY)
    assert r.per_caseworker == []
    assert own.label == "Cecilie Sagsbehandler"
    assert (own.courses, own.active) == (4, 2)  # e1, e3, e4, e6; e1 and e3 active
    # Plans due in the period: e1, e4 and e6 on time; e3 late.
    assert own.plans == Tally(on_time=3, late=1, missing=0) and own.plan_share == 0.75
    assert (own.evaluations_current, own.evaluations_active) == (1, 2)  # e3 overdue
    # Evaluations in the period (up to today): e1 x2, e3, e4; held at e1's first and e3's.
    assert (own.meetings_held, own.evaluations_held) == (2, 4)
    assert (own.mentor_on_time, own.mentor_due) == (0, 0) and own.mentor_share is None
    # Ended in the period: e4 (ordinary job) and e6 (no outcome registered).
    assert (own.job_or_education, own.ended) == (1, 2)
    assert own.outcome_types == {"Ordinært job": 1, NO_OUTCOME: 1}
    # e1's evaluation of 15 Mar is after the day of counting: 20 Feb's is the latest.
    mot, act = own.progression["motivation"], own.progression["active_action"]
    assert (mot.total_change, mot.n, mot.improved) == (2, 2, 1)  # e1 +2, e3 0
    assert mot.mean_change == 1.0 and mot.improved_share == 0.5
    assert (act.total_change, act.n, act.improved) == (-1, 1, 0)
    # Overall, per participant: e1 (2.5 -> 3.0) +0.5 and e3 0.
    assert (own.overall.n, own.mean_change) == (2, pytest.approx(0.25))

    assert (centre.courses, centre.active) == (6, 3)
    assert centre.plans == Tally(on_time=3, late=1, missing=1)  # e5 never had one
    assert (centre.evaluations_current, centre.evaluations_active) == (2, 3)
    assert (centre.meetings_held, centre.evaluations_held) == (2, 4)
    assert (centre.mentor_on_time, centre.mentor_due) == (2, 2)
    assert (centre.job_or_education, centre.ended) == (1, 3)  # e7 ended before the period
    assert centre.outcome_types == {"Ordinært job": 1, "Stoppet – sygdom": 1, NO_OUTCOME: 1}
    assert r.outcomes == ["Ordinært job", "Stoppet – sygdom", NO_OUTCOME]  # catalogue order


def test_manager_sees_each_caseworker(world):
    r = mr.my_results(world.engine, world.scope("boss"), TODAY)
    assert r.own is None
    by_name = {f.label: f for f in r.per_caseworker}
    assert set(by_name) == {"Bo Sagsbehandler", "Cecilie Sagsbehandler"}
    bo = by_name["Bo Sagsbehandler"]
    assert (bo.courses, bo.plans) == (2, Tally(on_time=0, late=0, missing=1))  # e2 not due
    assert (bo.evaluations_current, bo.evaluations_active) == (1, 1)
    assert (bo.mentor_on_time, bo.mentor_due) == (2, 2)
    assert (bo.job_or_education, bo.ended) == (0, 1)
    assert bo.progression == {} and bo.mean_change is None
    assert r.centre.courses == sum(f.courses for f in r.per_caseworker)


def dashboard_figures(engine, scope, today=None):
    """The dashboards' figures for a scope over their default period: what Overblik,
    Opfølgning, Progression and Resultater show with the sidebar untouched."""
    f = Filters(*default_period(today))
    total = compliance(engine, scope, f, today).total
    changes = {
        c.code: c
        for c in parameter_changes(engine, scope, f, today)
        if c.n and c.sub_element_id is None  # the parameter as a whole, not its sub-elements
    }
    overall = overall_change(engine, scope, f, today)
    ended = total_lengths(course_lengths(engine, scope, f))
    return {
        "courses": compliance(engine, scope, f, today).courses,
        "plans": total.plans,
        "meetings": (total.meetings_held, total.evaluations_held),
        "progression": {
            code: (c.n, pytest.approx(c.mean_change), c.improved) for code, c in changes.items()
        },
        "overall": (overall.n, pytest.approx(overall.mean_change) if overall.n else None),
        "job_or_education": (ended.job_or_education, ended.ended),
        "outcomes": dict(outcome_totals(engine, scope, f)),
    }


def figures_of(g: mr.Figures):
    return {
        "courses": g.courses,
        "plans": g.plans,
        "meetings": (g.meetings_held, g.evaluations_held),
        "progression": {
            code: (p.n, p.mean_change, p.improved) for code, p in g.progression.items()
        },
        "overall": (g.overall.n, g.mean_change),
        "job_or_education": (g.job_or_education, g.ended),
        "outcomes": g.outcome_types,
    }


def test_same_figures_as_the_dashboards(world):
    """One definition per measure: a caseworker's own figures are the dashboards' figures
    in the caseworker's scope, and the centre's are a manager's."""
    for name in ("cw1", "cw2"):
        own = mr.my_results(world.engine, world.scope(name), TODAY).own
        assert figures_of(own) == dashboard_figures(world.engine, world.scope(name), TODAY)
    centre = mr.my_results(world.engine, world.scope("boss"), TODAY).centre
    assert figures_of(centre) == dashboard_figures(world.engine, world.scope("boss"), TODAY)


def test_same_figures_as_the_dashboards_on_the_demo(demo_engine):
    for name in ("sagsbehandler", "jobkonsulent"):
        scope = scope_for(demo_engine, name)
        own = mr.my_results(demo_engine, scope).own
        assert own.courses > 0
        assert figures_of(own) == dashboard_figures(demo_engine, scope)
    manager = scope_for(demo_engine, "leder")
    r = mr.my_results(demo_engine, manager)
    assert figures_of(r.centre) == dashboard_figures(demo_engine, manager)
    assert r.centre.courses == sum(f.courses for f in r.per_caseworker)


def test_a_caseworker_without_courses_gets_zeros_not_errors(sqlite_engine):
    w = World(sqlite_engine)
    r = mr.my_results(sqlite_engine, w.scope("cw2"), TODAY)
    assert r.own.courses == 0 and r.own.plan_share is None and r.own.mean_change is None
    assert r.own.job_or_education_share is None and r.outcomes == []
    assert r.centre.courses == 0


def test_enterprise_staff_have_no_results_page(world):
    with pytest.raises(AccessDenied):
        mr.my_results(world.engine, world.scope("staff"), TODAY)


def test_compare_bars_use_non_agreement_colours_and_leave_room_for_labels():
    from lib.charts.quality import compare_bars
    from lib.charts.style import OKABE_ITO

    rows = [
        {"Mål": "Planer til tiden", "Gruppe": "Mine deltagere", "Værdi": 1.0, "Tekst": "100,0 %"},
        {"Mål": "Planer til tiden", "Gruppe": "Hele jobcentret", "Værdi": 0.5, "Tekst": "50,0 %"},
    ]
    spec = compare_bars(rows, "Andel").to_dict()
    bars, _text = spec["layer"]
    colours = bars["encoding"]["color"]["scale"]["range"]
    # Mine/centre must not read as agreement 1/agreement 2 (blue, orange, ...).
    assert colours == ["#000000", "#888888"]
    assert not set(colours) & set(OKABE_ITO[:7])
    # The x scale reaches past the longest bar by the width of a label.
    assert "width" in bars["encoding"]["x"]["scale"]["domainMax"]["expr"]
