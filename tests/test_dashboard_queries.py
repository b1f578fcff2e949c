"""Dashboard aggregates against a small hand-made database whose answers are worked out
in the comments. Counted on 30 June 2026; period 1 January - 30 June 2026."""

import datetime as dt
from dataclasses import dataclass

import pytest

from db.engine import make_engine, write_session
from db.models import (
    Agreement,
    Certificate,
    Deliverable,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    Extension,
    FollowUpMeeting,
    Outcome,
    Participant,
    Pause,
    Plan,
    PlanScore,
    User,
)
from lib.domain.access import Scope
from lib.domain.period import Filters, default_period
from lib.domain.rules import Tally
from lib.queries.compliance import (
    compliance,
    compliance_by_caseworker,
    compliance_counts,
    open_items,
    plan_coverage,
)
from lib.queries.occupancy import monthly_occupancy, months_pooled, occupancy_by_agreement
from lib.queries.outcomes import certificates, course_lengths, outcome_counts, outcomes_in_year
from lib.queries.progression import parameter_changes, score_distribution, star_scores, trajectories

D = dt.date
TODAY = D(2026, 6, 30)
PERIOD = Filters(D(2026, 1, 1), D(2026, 6, 30))
MOTIVATION = 1


@dataclass
class Small:
    engine: object
    a: int
    b: int
    manager: Scope
    cw1: Scope
    cw2: Scope
    staff_b: Scope
    e1: int
    e4: int


def _build(url: str) -> Small:
    engine = make_engine(url)
    with write_session(engine, "test", audit_log=False) as s:
        ent_a, ent_b = Enterprise(name="Café A"), Enterprise(name="Værksted B")
        s.add_all([ent_a, ent_b])
        s.flush()
        a = Agreement(enterprise_id=ent_a.id, name="Aftale A", slots=4, start_date=D(2026, 1, 1))
        b = Agreement(enterprise_id=ent_b.id, name="Aftale B", slots=2, start_date=D(2025, 1, 1))
        users = [
            User(username=n, display_name=d, password_hash="x", role=r, enterprise_id=e)
            for n, d, r, e in (
                ("chef", "Chef", "leder", None),
                ("cw1", "Karin Sagsbehandler", "sagsbehandler", None),
                ("cw2", "Ole Sagsbehandler", "sagsbehandler", None),
                ("staffb", "Mentor B", "virksomhed", ent_b.id),
            )
        ]
        s.add_all([a, b, *users])
        s.flush()
        chef, cw1, cw2, staffb = users

        def course(code, agreement, caseworker, status, start, weeks, end=None):
            p = Participant(
                case_code=code, initials="XX", target_group_id=1, caseworker_id=caseworker.id
            )
            s.add(p)
            s.flush()
            e = Enrolment(
                participant_id=p.id,
                agreement_id=agreement.id,
                status=status,
                start_date=start,
                planned_weeks=weeks,
                end_date=end,
            )
            s.add(e)
            s.flush()
            return e

        def plan(e, day, score):
            p = Plan(enrolment_id=e.id, version_no=1, created_on=day)
            s.add(p)
            s.flush()
            s.add(PlanScore(plan_id=p.id, parameter_id=MOTIVATION, score=score))

        def evaluation(e, day, score, held=None, caseworker=False):
            ev = Evaluation(enrolment_id=e.id, evaluated_on=day)
            s.add(ev)
            s.flush()
            s.add(EvaluationScore(evaluation_id=ev.id, parameter_id=MOTIVATION, score=score))
            if held is not None:
                s.add(
                    FollowUpMeeting(
                        enrolment_id=e.id,
                        evaluation_id=ev.id,
                        held=held,
                        held_on=day if held else None,
                        caseworker_present=caseworker,
                    )
                )

        # E1 (A, cw1): 13 weeks from 5 Jan; plan due 12 Jan, made 12 Jan (on time).
        # Evaluation due 12 Mar, made 12 Mar (on time, meeting with caseworker);
        # next due 12 May, made 25 May (13 days: late, no meeting); next due 25 Jul.
        e1 = course("A-1", a, cw1, "active", D(2026, 1, 5), 13)
        plan(e1, D(2026, 1, 12), 2)
        evaluation(e1, D(2026, 3, 12), 4, held=True, caseworker=True)
        evaluation(e1, D(2026, 5, 25), 3, held=False)
        s.add(
            Extension(enrolment_id=e1.id, extended_on=D(2026, 3, 30), new_end_date=D(2026, 9, 30))
        )
        s.add(
            Deliverable(
                enrolment_id=e1.id, kind="plan", due_on=D(2026, 1, 12), received_on=D(2026, 1, 14)
            )
        )  # late
        s.add(
            Deliverable(enrolment_id=e1.id, kind="evaluation_invitation", due_on=D(2026, 7, 5))
        )  # due in 5 days
        # E2 (A, cw2): 52 weeks from 2 Mar; plan due 30 Mar, moved 10 days by illness
        # 10-19 Mar to 9 Apr; no plan: missing, 82 days overdue. Meeting plan due 9 Mar
        # never received: missing, 113 days overdue.
        e2 = course("A-2", a, cw2, "active", D(2026, 3, 2), 52)
        s.add(Pause(enrolment_id=e2.id, start_date=D(2026, 3, 10), end_date=D(2026, 3, 19)))
        s.add(Deliverable(enrolment_id=e2.id, kind="meeting_plan", due_on=D(2026, 3, 9)))
        # E3 (A, cw1): referral, counts nowhere but "in referral".
        course("A-3", a, cw1, "referral", D(2026, 8, 1), 13)
        # E4 (A, cw1): 1 Feb - 30 Apr, plan due 8 Feb made 10 Feb (late); evaluation due
        # 10 Apr, inside the course, never made: missing. Ordinary job.
        e4 = course("A-4", a, cw1, "ended", D(2026, 2, 1), 13, D(2026, 4, 30))
        plan(e4, D(2026, 2, 10), 3)
        s.add(Outcome(enrolment_id=e4.id, outcome_type_id=1, outcome_on=D(2026, 4, 30)))
        # E5 (B, cw2): baseline 4, evaluated 2 (change -2). Hygiene certificate.
        e5 = course("B-1", b, cw2, "active", D(2026, 1, 5), 13)
        plan(e5, D(2026, 1, 10), 4)
        evaluation(e5, D(2026, 3, 10), 2, held=True, caseworker=False)
        s.add(Certificate(enrolment_id=e5.id, name="Hygiejnebevis", obtained_on=D(2026, 2, 1)))
        # E6 (B, cw2): 10 Jan - 31 May, one extension, referred to the rehabilitation team.
        e6 = course("B-2", b, cw2, "ended", D(2026, 1, 10), 13, D(2026, 5, 31))
        s.add(Extension(enrolment_id=e6.id, extended_on=D(2026, 4, 1), new_end_date=D(2026, 7, 1)))
        s.add(Outcome(enrolment_id=e6.id, outcome_type_id=6, outcome_on=D(2026, 5, 31)))
        s.flush()
        scopes = [Scope(u.id, u.username, u.role, u.enterprise_id) for u in users]
        return Small(engine, a.id, b.id, *scopes, e1.id, e4.id)


@pytest.fixture
def small(sqlite_url):
    data = _build(sqlite_url)
    yield data
    data.engine.dispose()


@pytest.fixture
def small_any(any_db_url):
    data = _build(any_db_url)
    yield data
    data.engine.dispose()


# --------------------------------------------------------------------------- occupancy


def test_occupancy_today_and_scope(small):
    rows = occupancy_by_agreement(small.engine, small.manager)
    assert [(r.agreement, r.in_use, r.in_referral, r.slots) for r in rows] == [
        ("Aftale A", 2, 1, 4),  # E1, E2 active; E3 in referral
        ("Aftale B", 1, 0, 2),
    ]
    assert rows[0].occupancy == 0.5
    staff = occupancy_by_agreement(small.engine, small.staff_b)
    assert [r.agreement for r in staff] == ["Aftale B"]


def test_monthly_occupancy_counts_slot_days(small_any):
    months = {
        (m.agreement, m.month): m
        for m in monthly_occupancy(small_any.engine, small_any.manager, TODAY, (small_any.a,), 6)
    }
    jan = months[("Aftale A", D(2026, 1, 1))]
    # E1 from 5 Jan: 27 days of 4 slots x 31 days.
    assert (jan.used_days, jan.slot_days) == (27, 124)
    feb = months[("Aftale A", D(2026, 2, 1))]
    assert (feb.used_days, feb.occupancy) == (56, 0.5)  # E1 + E4 all 28 days
    apr = months[("Aftale A", D(2026, 4, 1))]
    assert apr.occupancy == 0.75  # E1, E2, E4: 90 of 120
    jun = months[("Aftale A", D(2026, 6, 1))]
    assert (jun.used_days, jun.slot_days) == (60, 120)  # E4 ended; E1 + E2
    assert len(months) == 6


def test_months_pooled_sums_slot_days_not_shares(small_any):
    """With more agreements than a chart tells apart, Overblik draws one line: each month's
    used slot-days over its available ones across the agreements (B has half A's slots,
    so a mean of the two shares would weigh it double)."""
    months = monthly_occupancy(small_any.engine, small_any.manager, TODAY, (), 6)
    assert len({m.agreement_id for m in months}) == 2
    pooled = {m.month: m for m in months_pooled(months, "Alle")}
    assert len(pooled) == 6
    for month, m in pooled.items():
        parts = [p for p in months if p.month == month]
        assert m.used_days == sum(p.used_days for p in parts)
        assert m.slot_days == sum(p.slot_days for p in parts)
        assert m.agreement == "Alle"
    feb = pooled[D(2026, 2, 1)]
    assert feb.slot_days == 4 * 28 + 2 * 28


# --------------------------------------------------------------------------- compliance


def test_compliance_per_agreement_and_lists(small):
    c = compliance(small.engine, small.manager, PERIOD, TODAY)
    a = next(g for g in c.by_agreement if g.key == small.a)
    assert a.plans == Tally(on_time=1, late=1, missing=1)  # E1, E4, E2
    assert a.evaluations == Tally(on_time=1, late=1, missing=1)  # E1 x2, E4
    assert (a.evaluations_held, a.meetings_held, a.caseworker_present) == (2, 1, 1)
    assert a.deliverables == Tally(on_time=0, late=1, missing=1)
    assert [(i.case_code, i.kind, i.due, i.days) for i in c.overdue] == [
        ("A-2", "Mødeplan", D(2026, 3, 9), 113),
        ("A-2", "Plan (baseline)", D(2026, 4, 9), 82),  # moved by the pause
        # E5's next evaluation (10 May): past its planned end, still active, still owed.
        ("B-1", "Evaluering", D(2026, 5, 10), 51),
    ]
    assert [(i.case_code, i.kind, i.days) for i in c.due_soon] == [
        ("A-1", "Indkaldelse til evaluering", 5)
    ]
    # The screen's first two overdue items; the counts and the files have all three.
    cut = compliance(small.engine, small.manager, PERIOD, TODAY, shown=2)
    assert cut.overdue == c.overdue[:2] and (cut.overdue_count, cut.due_soon_count) == (3, 1)
    every = open_items(small.engine, small.manager, PERIOD, TODAY)
    assert (every.overdue, every.due_soon) == (c.overdue, c.due_soon)
    # Overblik's counts without the lists: the same figures, no items built.
    counts = compliance_counts(small.engine, small.manager, PERIOD, TODAY)
    assert (counts.overdue, counts.due_soon) == ([], [])
    assert (counts.by_agreement, counts.by_caseworker, counts.total, counts.courses) == (
        c.by_agreement,
        c.by_caseworker,
        c.total,
        c.courses,
    )


def test_compliance_per_caseworker_and_scope(small):
    c = compliance(small.engine, small.manager, PERIOD, TODAY)
    by = {g.label: g for g in c.by_caseworker}
    # E5 on time; E2 and E6 (no plan, due 17 Jan) missing.
    assert by["Ole Sagsbehandler"].plans == Tally(on_time=1, late=0, missing=2)
    assert by["Karin Sagsbehandler"].plans == Tally(on_time=1, late=1, missing=0)
    own = compliance(small.engine, small.cw2, PERIOD, TODAY)
    assert [g.label for g in own.by_caseworker] == ["Ole Sagsbehandler"]
    assert {i.case_code for i in own.overdue} == {"A-2", "B-1"}
    assert own.courses == 3  # E2, E5, E6
    assert compliance(small.engine, small.cw1, PERIOD, TODAY).courses == 2  # E1, E4


def test_compliance_earlier_period_has_no_open_lists(small):
    early = Filters(D(2026, 1, 1), D(2026, 3, 31))
    c = compliance(small.engine, small.manager, early, TODAY)
    assert c.as_of == D(2026, 3, 31)
    assert c.overdue == [] and c.due_soon == []
    a = next(g for g in c.by_agreement if g.key == small.a)
    # As of 31 Mar E2's plan (due 9 Apr after the pause) is not due yet.
    assert a.plans == Tally(on_time=1, late=1, missing=0)


def test_plan_coverage(small):
    # Active: E1 (plan), E2 (none), E5 (plan).
    assert plan_coverage(small.engine, small.manager, PERIOD) == (2, 3)
    assert plan_coverage(small.engine, small.cw2, PERIOD) == (1, 2)


# --------------------------------------------------------------------------- progression


def test_parameter_change_needs_baseline_and_evaluation(small_any):
    changes = parameter_changes(small_any.engine, small_any.manager, PERIOD, TODAY)
    motivation = next(c for c in changes if c.code == "motivation" and c.sub_element_id is None)
    # E1: 2 -> 3 (latest, not the 4 in between); E5: 4 -> 2; E4 has only a baseline.
    assert motivation.n == 2
    assert motivation.mean_change == pytest.approx(-0.5)
    assert (motivation.improved, motivation.unchanged, motivation.worse) == (1, 0, 1)
    assert motivation.mean_baseline == pytest.approx(3.0)
    others = [c for c in changes if c.code != "motivation"]
    assert others and all(c.n == 0 and c.mean_change is None for c in others)


def test_score_distribution_counts_each_pair_once_per_moment(any_demo_url):
    """Baseline and latest are counted from the same pairs as the mean change: per
    parameter both moments add up to its n, on SQLite and PostgreSQL."""
    from tests.conftest import scope_for

    engine = make_engine(any_demo_url)
    scope = scope_for(engine, "leder")
    f = Filters(*default_period())
    changes = {c.code: c.n for c in parameter_changes(engine, scope, f) if c.sub_element_id is None}
    dist = score_distribution(engine, scope, f)
    engine.dispose()
    assert sum(changes.values()) > 0
    for code, n in changes.items():
        for moment in ("Baseline", "Seneste"):
            assert sum(c for p, _, m, _, c in dist if p == code and m == moment) == n, (
                code,
                moment,
            )


def test_progression_scope_distribution_and_trajectory(small):
    mine = parameter_changes(small.engine, small.cw1, PERIOD, TODAY)
    assert next(c for c in mine if c.code == "motivation").n == 1  # only E1
    dist = score_distribution(small.engine, small.manager, PERIOD, TODAY)
    assert [(m, s, n) for _, _, m, s, n in dist] == [
        ("Baseline", 2, 1),
        ("Baseline", 4, 1),
        ("Seneste", 2, 1),
        ("Seneste", 3, 1),
    ]
    points = trajectories(small.engine, small.cw1, PERIOD, MOTIVATION, TODAY)
    assert [(c, s) for c, _, s, _ in points] == [("A-1", 2), ("A-1", 4), ("A-1", 3), ("A-4", 3)]


def test_star_scores_baseline_only_and_out_of_scope(small):
    star = star_scores(small.engine, small.manager, small.e4, TODAY)
    assert star.latest_on is None
    assert star.rows[0][2:] == (3, None)
    now = star_scores(small.engine, small.manager, small.e1, TODAY)
    assert (now.rows[0][2:], now.latest_on) == ((2, 3), D(2026, 5, 25))
    assert star_scores(small.engine, small.cw2, small.e1, TODAY) is None


# --------------------------------------------------------------------------- outcomes


def test_outcomes_lengths_and_certificates(small_any):
    rows = {r.agreement: r for r in course_lengths(small_any.engine, small_any.manager, PERIOD)}
    a, b = rows["Aftale A"], rows["Aftale B"]
    # E4: 1 Feb - 30 Apr = 89 days; E6: 10 Jan - 31 May = 142 days.
    assert a.mean_weeks == pytest.approx(89 / 7)
    assert b.mean_weeks == pytest.approx(142 / 7)
    assert (a.ended, a.extensions, a.job_or_education) == (1, 0, 1)
    assert (b.ended, b.extensions, b.extended_courses, b.job_or_education) == (1, 1, 1, 0)
    counts = outcome_counts(small_any.engine, small_any.manager, PERIOD)
    assert [(r[0], r[2], r[4]) for r in counts] == [
        ("Aftale A", "Ordinært job", 1),
        ("Aftale B", "Indstillet til rehabiliteringsteamet", 1),
    ]
    assert outcomes_in_year(small_any.engine, small_any.manager, 2026) == (2, 1)
    assert certificates(small_any.engine, small_any.manager, PERIOD) == [
        ("Aftale B", "Hygiejnebevis", 1)
    ]
    assert outcomes_in_year(small_any.engine, small_any.cw1, 2026) == (1, 1)


def test_outcomes_in_year_counts_every_course_ended_in_the_year(small):
    """I job eller uddannelse over the calendar year: courses ended in the year, with or
    without an outcome, whatever day the outcome is dated."""
    with write_session(small.engine, "test", audit_log=False) as s:
        for code, start, end, outcome_on in (
            ("A-5", D(2026, 2, 1), D(2026, 5, 1), None),  # no outcome yet: counts in n
            ("A-6", D(2025, 9, 1), D(2025, 12, 1), D(2026, 1, 15)),  # ended in 2025
        ):
            p = Participant(case_code=code, initials="XX", target_group_id=1)
            s.add(p)
            s.flush()
            e = Enrolment(participant_id=p.id, agreement_id=small.a, status="ended",
                          start_date=start, planned_weeks=13, end_date=end)  # fmt: skip
            s.add(e)
            s.flush()
            if outcome_on:
                s.add(Outcome(enrolment_id=e.id, outcome_type_id=1, outcome_on=outcome_on))
    assert outcomes_in_year(small.engine, small.manager, 2026) == (3, 1)  # E4, E6, A-5
    assert outcomes_in_year(small.engine, small.manager, 2025) == (1, 1)


def test_compliance_by_caseworker_is_the_managers_split(small):
    """Mine resultater's per-caseworker compliance is the dashboards' by_caseworker for a
    manager, keyed by the caseworker's user id."""
    manager = compliance(small.engine, small.manager, PERIOD, TODAY).by_caseworker
    assert {g.key for g in manager} == {small.cw1.user_id, small.cw2.user_id}
    assert compliance_by_caseworker(small.engine, PERIOD, TODAY) == {g.key: g for g in manager}
    assert {g.label: g.courses for g in manager} == {
        "Karin Sagsbehandler": 2,  # E1, E4
        "Ole Sagsbehandler": 3,  # E2, E5, E6
    }
