"""The demo database tells the story of the municipal evaluation the product is built on
(two agreements: one that lags, one that is systematic); counts are computed here with SQL.

The demo's figures as pages show them ("5 af 6 i brug", "83,3 %") are asserted here and
nowhere else: page and browser tests check that a page shows what lib computes
(tests.conftest.occupancy_as_shown)."""

from __future__ import annotations

import datetime as dt
import shutil

import bcrypt
import pytest
from sqlalchemy import text

from db import demo
from db.engine import make_engine
from lib.queries.tasks import TaskKind, my_tasks
from tests.conftest import occupancy_as_shown, scope_for

TODAY = dt.date(2026, 3, 31)  # a month end, to exercise month arithmetic


@pytest.fixture(scope="module")
def engine(sqlite_template, tmp_path_factory):
    """The demo built on a fixed day, once for this module."""
    target = tmp_path_factory.mktemp("demo") / "t.db"
    shutil.copy(sqlite_template, target)
    eng = make_engine(f"sqlite:///{target}")
    demo.build_demo(eng, TODAY)
    yield eng
    eng.dispose()


def q(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def scalar(engine, sql: str, **params):
    return q(engine, sql, **params)[0][0]


def agreement_id(engine, name: str) -> int:
    return scalar(engine, "SELECT id FROM agreement WHERE name = :n", n=name)


def test_agreements_and_enterprises(engine):
    rows = q(
        engine,
        "SELECT a.name, a.slots, a.review_cadence, a.evaluation_interval_months, e.name AS ent "
        "FROM agreement a JOIN enterprise e ON e.id = a.enterprise_id ORDER BY a.id",
    )
    assert [(r.name, r.slots, r.ent) for r in rows] == [
        (demo.AGREEMENT_1, 6, demo.ENTERPRISE_1),
        (demo.AGREEMENT_2, 10, demo.ENTERPRISE_2),
    ]
    assert {(r.review_cadence, r.evaluation_interval_months) for r in rows} == {("half_yearly", 2)}
    assert scalar(engine, "SELECT COUNT(*) FROM agreement_target_group") >= 4


@pytest.mark.parametrize(
    ("name", "active", "referral", "ended"),
    [(demo.AGREEMENT_1, 5, 1, 1), (demo.AGREEMENT_2, 8, 2, 8)],
)
def test_slot_use(engine, name, active, referral, ended):
    counts = dict(
        q(
            engine,
            "SELECT status, COUNT(*) FROM enrolment WHERE agreement_id = :a GROUP BY status",
            a=agreement_id(engine, name),
        )
    )
    assert counts == {"active": active, "referral": referral, "ended": ended}


def test_occupancy_as_the_pages_show_it(demo_engine):
    # The demo database every page and browser test gets a copy of.
    assert occupancy_as_shown(demo_engine) == [
        ("5 af 6 i brug", "83,3 %"),
        ("8 af 10 i brug", "80,0 %"),
    ]


def test_every_active_enrolment_has_a_baseline_plan_with_scores(engine):
    missing = scalar(
        engine,
        "SELECT COUNT(*) FROM enrolment e WHERE e.status = 'active' AND NOT EXISTS ("
        "SELECT 1 FROM plan p WHERE p.enrolment_id = e.id AND p.version_no = 1)",
    )
    assert missing == 0
    unscored = scalar(
        engine,
        "SELECT COUNT(*) FROM plan p WHERE p.version_no = 1 AND NOT EXISTS ("
        "SELECT 1 FROM plan_score s WHERE s.plan_id = p.id)",
    )
    assert unscored == 0
    goals = q(
        engine,
        "SELECT p.id, COUNT(g.id) AS n FROM plan p JOIN plan_sub_goal g ON g.plan_id = p.id "
        "WHERE p.version_no = 1 GROUP BY p.id",
    )
    assert all(1 <= r.n <= 3 for r in goals)
    assert scalar(engine, "SELECT COUNT(*) FROM plan WHERE version_no = 2") >= 1


def test_baseline_only_and_single_evaluation_participants(engine):
    rows = q(
        engine,
        "SELECT e.agreement_id, COUNT(v.id) AS n FROM enrolment e "
        "LEFT JOIN evaluation v ON v.enrolment_id = e.id WHERE e.status = 'active' "
        "GROUP BY e.id, e.agreement_id",
    )
    assert any(r.n == 0 for r in rows)
    assert any(r.n == 1 for r in rows)
    assert any(r.n >= 3 for r in rows)


def test_agreement_1_lags_and_agreement_2_is_systematic(engine):
    a1, a2 = agreement_id(engine, demo.AGREEMENT_1), agreement_id(engine, demo.AGREEMENT_2)
    meetings = {
        r.agreement_id: r
        for r in q(
            engine,
            "SELECT e.agreement_id, COUNT(*) AS n, "
            "SUM(CASE WHEN m.held THEN 1 ELSE 0 END) AS held, "
            "SUM(CASE WHEN m.caseworker_present THEN 1 ELSE 0 END) AS cw "
            "FROM follow_up_meeting m JOIN enrolment e ON e.id = m.enrolment_id "
            # The meetings held with evaluations (the demo also plans some on their own).
            "WHERE m.evaluation_id IS NOT NULL "
            "GROUP BY e.agreement_id",
        )
    }
    assert meetings[a2].held == meetings[a2].n == meetings[a2].cw
    assert meetings[a1].held < meetings[a1].n
    assert meetings[a1].cw < meetings[a1].held or meetings[a1].cw == 0

    # Late plans: later than 1 week (13-week course) or 4 weeks (52-week course) after start.
    def late_plans(agreement: int) -> int:
        rows = q(
            engine,
            "SELECT e.start_date, e.planned_weeks, p.created_on FROM plan p "
            "JOIN enrolment e ON e.id = p.enrolment_id "
            "WHERE p.version_no = 1 AND e.agreement_id = :a",
            a=agreement,
        )
        return sum(
            1
            for r in rows
            if dt.date.fromisoformat(str(r.created_on))
            > dt.date.fromisoformat(str(r.start_date))
            + dt.timedelta(days=7 if r.planned_weeks == 13 else 28)
        )

    assert late_plans(a1) >= 1
    assert late_plans(a2) == 0


def test_outcomes(engine):
    rows = q(
        engine,
        "SELECT a.name, t.label, COUNT(*) AS n FROM outcome o "
        "JOIN outcome_type t ON t.id = o.outcome_type_id "
        "JOIN enrolment e ON e.id = o.enrolment_id JOIN agreement a ON a.id = e.agreement_id "
        "GROUP BY a.name, t.label",
    )
    assert {(r.name, r.label): r.n for r in rows} == {
        (demo.AGREEMENT_1, "Ordinært job"): 1,
        (demo.AGREEMENT_2, "Løntilskudsjob"): 4,
        (demo.AGREEMENT_2, "Uddannelse (fx VUC)"): 1,
        (demo.AGREEMENT_2, "Indstillet til rehabiliteringsteamet"): 3,
    }
    by_group = dict(
        q(
            engine,
            "SELECT g.code, COUNT(*) FROM outcome o JOIN outcome_type t ON t.id = o.outcome_type_id "
            "JOIN enrolment e ON e.id = o.enrolment_id "
            "JOIN participant p ON p.id = e.participant_id "
            "JOIN target_group g ON g.id = p.target_group_id "
            "WHERE t.code = 'wage_subsidy_job' GROUP BY g.code",
        )
    )
    assert by_group == {"integration_act": 3, "spouse_supported": 1}
    # Every ended course has an end date, an outcome and a final summary.
    assert (
        scalar(
            engine,
            "SELECT COUNT(*) FROM enrolment e WHERE e.status = 'ended' AND (e.end_date IS NULL "
            "OR e.final_summary = '' OR NOT EXISTS "
            "(SELECT 1 FROM outcome o WHERE o.enrolment_id = e.id))",
        )
        == 0
    )


def test_certificates(engine):
    a2 = agreement_id(engine, demo.AGREEMENT_2)
    rows = q(
        engine,
        "SELECT e.id, COUNT(DISTINCT c.name) AS n FROM enrolment e "
        "LEFT JOIN certificate c ON c.enrolment_id = e.id "
        "WHERE e.agreement_id = :a AND e.status = 'active' GROUP BY e.id",
        a=a2,
    )
    assert len(rows) == 8 and all(r.n == 2 for r in rows)
    names = {r[0] for r in q(engine, "SELECT DISTINCT name FROM certificate")}
    assert names == {"Hygiejnebevis", "Førstehjælpsbevis"}


def test_fidelity_3c(engine):
    rows = q(
        engine,
        "SELECT s.kind, s.name, f.role, f.share_agree, f.respondents FROM fidelity_result f "
        "JOIN survey_round s ON s.id = f.survey_round_id "
        "JOIN fidelity_requirement r ON r.id = f.requirement_id WHERE r.code = '3c'",
    )
    got = {(r.kind, r.role): round(r.share_agree, 2) for r in rows}
    expected = {
        "leder": (0.66, 0.73),
        "projektleder": (0.52, 0.58),
        "sagsbehandler": (0.65, 0.73),
        "virksomhedskonsulent": (0.52, 0.61),
        "mentor": (0.67, 0.71),
        "total": (0.62, 0.69),
    }
    for role, (base, mid) in expected.items():
        assert got[("baseline", role)] == base
        assert got[("midpoint", role)] == mid
    assert {r.name for r in rows} == {"Nulpunktsmåling", "Midtvejsmåling"}
    assert all(r.respondents and r.respondents >= 10 for r in rows)


def test_users_and_caseworker_split(engine):
    users = {r.username: r for r in q(engine, "SELECT * FROM app_user")}
    assert {u: r.role for u, r in users.items()} == demo.DEMO_USERS
    ent2 = scalar(engine, "SELECT enterprise_id FROM agreement WHERE name = :n", n=demo.AGREEMENT_2)
    ent1 = scalar(engine, "SELECT enterprise_id FROM agreement WHERE name = :n", n=demo.AGREEMENT_1)
    assert users["mentor"].enterprise_id == ent2
    assert users["mentor1"].enterprise_id == ent1
    assert bcrypt.checkpw(demo.DEMO_PASSWORD.encode(), users["leder"].password_hash.encode())
    split = {
        (r.username, r.agreement_id): r.n
        for r in q(
            engine,
            "SELECT u.username, e.agreement_id, COUNT(*) AS n FROM participant p "
            "JOIN app_user u ON u.id = p.caseworker_id "
            "JOIN enrolment e ON e.participant_id = p.id GROUP BY u.username, e.agreement_id",
        )
    }
    a2 = agreement_id(engine, demo.AGREEMENT_2)
    assert split[("sagsbehandler", a2)] >= 3  # the mentor and the caseworker overlap
    own = sum(n for (u, _), n in split.items() if u == "sagsbehandler")
    assert 0.35 <= own / sum(split.values()) <= 0.65
    codes = [r[0] for r in q(engine, "SELECT case_code FROM participant ORDER BY case_code")]
    assert codes[0] == "D-1001" and len(codes) == 25


def test_demo_setting_and_single_audit_row(engine):
    assert scalar(engine, "SELECT value FROM app_setting WHERE key = 'demo'") == "1"
    # Demo rows are not audited one by one; the rebuild itself is one row.
    assert [tuple(r) for r in q(engine, "SELECT username, action FROM audit_log")] == [
        ("demo", "rebuild")
    ]
    assert not demo.is_empty(engine)


def test_hours_mentors_and_work_agreements(engine):
    assert scalar(engine, "SELECT COUNT(*) FROM weekly_hours WHERE ordinary_paid_hours > 0") > 0
    assert scalar(engine, "SELECT COUNT(*) FROM weekly_hours WHERE illness_hours > 0") > 0
    assert scalar(engine, "SELECT COUNT(*) FROM pause") >= 2
    assert scalar(engine, "SELECT COUNT(*) FROM extension") >= 5
    missing_mentor = scalar(
        engine,
        "SELECT COUNT(*) FROM enrolment e WHERE e.status <> 'referral' AND NOT EXISTS "
        "(SELECT 1 FROM mentor_assignment m WHERE m.enrolment_id = e.id)",
    )
    assert missing_mentor == 0
    assert scalar(engine, "SELECT COUNT(*) FROM mentor_contact") > 100
    total = scalar(engine, "SELECT COUNT(*) FROM enrolment WHERE status <> 'referral'")
    with_wa = scalar(engine, "SELECT COUNT(*) FROM work_agreement")
    assert total / 2 < with_wa <= total


def _occupancy_ok(engine, today: dt.date) -> None:
    rows = q(
        engine,
        "SELECT a.id, a.slots, e.start_date, e.end_date FROM enrolment e "
        "JOIN agreement a ON a.id = e.agreement_id WHERE e.status IN ('active', 'ended')",
    )
    spans: dict[int, list] = {}
    slots: dict[int, int] = {}
    for r in rows:
        start = dt.date.fromisoformat(str(r.start_date))
        end = dt.date.fromisoformat(str(r.end_date)) if r.end_date else today
        spans.setdefault(r.id, []).append((start, end))
        slots[r.id] = r.slots
    for agreement, courses in spans.items():
        for back in range(366):
            day = today - dt.timedelta(days=back)
            in_use = sum(1 for start, end in courses if start <= day <= end)
            assert in_use <= slots[agreement], (agreement, day, in_use)


def test_occupancy_never_above_slots(engine):
    _occupancy_ok(engine, TODAY)


def test_occupancy_with_default_today(sqlite_engine):
    assert demo.is_empty(sqlite_engine)
    assert demo.seed_if_empty(sqlite_engine) is True
    assert demo.seed_if_empty(sqlite_engine) is False
    _occupancy_ok(sqlite_engine, dt.date.today())


def _snapshot(engine) -> tuple:
    return (
        q(
            engine,
            "SELECT case_code, initials, target_group_id FROM participant ORDER BY case_code",
        ),
        q(
            engine,
            "SELECT p.case_code, e.status, e.start_date, e.end_date, e.planned_weeks "
            "FROM enrolment e JOIN participant p ON p.id = e.participant_id ORDER BY p.case_code",
        ),
        q(
            engine,
            "SELECT p.case_code, v.evaluated_on, s.parameter_id, s.score FROM evaluation_score s "
            "JOIN evaluation v ON v.id = s.evaluation_id JOIN enrolment e ON e.id = v.enrolment_id "
            "JOIN participant p ON p.id = e.participant_id "
            "ORDER BY p.case_code, v.evaluated_on, s.parameter_id",
        ),
        q(engine, "SELECT week_start, planned_hours, attended_hours FROM weekly_hours ORDER BY id"),
    )


def test_deterministic_and_rebuild_wipes(engine, sqlite_engine):
    first = _snapshot(engine)
    other = sqlite_engine
    demo.build_demo(other, TODAY)
    version = scalar(other, "SELECT MAX(id) FROM audit_log")
    demo.build_demo(other, TODAY)  # a rebuild replaces, it does not add
    assert _snapshot(other) == first
    # The data version (max audit id) keeps rising, so caches see the rebuild.
    assert scalar(other, "SELECT MAX(id) FROM audit_log") > version
    assert scalar(other, "SELECT COUNT(*) FROM app_user") == len(demo.DEMO_USERS)
    assert scalar(other, "SELECT COUNT(*) FROM sub_goal") == 11


@pytest.mark.parametrize(
    "today", [dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2026, 12, 3)]
)
def test_the_caseworker_has_an_overdue_evaluation_whatever_the_day(sqlite_engine, today):
    """The demo opens on the caseworker's Mine opgaver with an evaluation to write (the
    course browser test follows it), on a month end and in February too."""
    demo.build_demo(sqlite_engine, today)
    tasks = my_tasks(sqlite_engine, scope_for(sqlite_engine, "sagsbehandler"), today=today)
    late = [t for t in tasks.overdue if t.kind == TaskKind.EVALUATION]
    assert late, [(t.kind, t.case_code, t.due) for t in tasks.overdue + tasks.due_soon]
