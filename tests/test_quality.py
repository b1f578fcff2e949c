"""Quality measures (from the STV project's mid-term evaluation) against hand-worked figures on a fresh database:
work-agreement element shares, hours, the ordinary-hours trend, mentor intervals, the
scope on every query, and the writes of the quality page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditLog, MentorAssignment, MentorContact, WeeklyHours, WorkAgreement
from lib.commands import quality as qe
from lib.commands.kit import StaleEdit, ValidationError
from lib.domain.access import AccessDenied
from lib.domain.quality import (
    WORK_AGREEMENT_ELEMENTS,
    ElementCounts,
    element_shares,
    mentor_intervals,
    pooled_trend,
    step_up,
    written_share,
)
from lib.queries.quality import (
    hours_summary,
    mentor_compliance,
    participant_hours,
    participant_hours_table,
    work_agreement_rows,
    work_agreement_summary,
)
from tests.conftest import scope_for
from tests.quality_world import World

D = dt.date
ALL_TRUE = {key: True for key, _ in WORK_AGREEMENT_ELEMENTS}


def wa(enrolment_id: int, **elements) -> WorkAgreement:
    return WorkAgreement(enrolment_id=enrolment_id, signed_on=D(2026, 1, 5), **elements)


@pytest.fixture
def world(sqlite_engine):
    w = World(sqlite_engine)
    w.e1 = w.enrol(w.a1_id, "cw1", "active", D(2026, 1, 5))
    w.e2 = w.enrol(w.a1_id, "cw2", "active", D(2026, 2, 2))
    w.e3 = w.enrol(w.a1_id, "cw1", "active", D(2026, 4, 6))
    w.e4 = w.enrol(w.a2_id, "cw1", "ended", D(2026, 1, 12), end=D(2026, 5, 1))
    w.e5 = w.enrol(w.a2_id, "cw2", "referral", D(2026, 6, 1))
    w.add(
        wa(w.e1, has_working_hours=True, has_tasks=True, has_placement_goals=True),
        wa(w.e2, **{k: True for k in ALL_TRUE}),
        wa(w.e4, has_working_hours=True, has_sub_goals_progression=True),
        wa(w.e5, **{k: True for k in ALL_TRUE}),  # in referral: must not count
    )
    w.add(
        WeeklyHours(enrolment_id=w.e1, week_start=D(2026, 1, 5), planned_hours=10,
                    attended_hours=8, illness_hours=2, ordinary_paid_hours=0),
        WeeklyHours(enrolment_id=w.e1, week_start=D(2026, 1, 12), planned_hours=10,
                    attended_hours=10, illness_hours=0, ordinary_paid_hours=0),
        WeeklyHours(enrolment_id=w.e1, week_start=D(2026, 2, 2), planned_hours=20,
                    attended_hours=15, illness_hours=5, ordinary_paid_hours=4),
        WeeklyHours(enrolment_id=w.e4, week_start=D(2026, 1, 12), planned_hours=6,
                    attended_hours=3, illness_hours=0, ordinary_paid_hours=0),
    )  # fmt: skip
    m1, m4 = w.add(
        MentorAssignment(enrolment_id=w.e1, mentor_type="enterprise", frequency_days=14,
                         start_date=D(2026, 1, 5)),
        MentorAssignment(enrolment_id=w.e4, mentor_type="social", frequency_days=7,
                         start_date=D(2026, 1, 12), end_date=D(2026, 5, 1)),
    )  # fmt: skip
    w.add(
        *[MentorContact(mentor_assignment_id=m1, contact_on=d)
          for d in (D(2026, 1, 12), D(2026, 1, 19), D(2026, 2, 20))],
        MentorContact(mentor_assignment_id=m4, contact_on=D(2026, 1, 15)),
    )  # fmt: skip
    w.m1, w.m4 = m1, m4
    return w


# --------------------------------------------------------------------------- work agreements


def shares_by_label(counts):
    return {e.label: (e.count, e.n) for e in element_shares(counts)}


def test_element_shares_over_written_agreements_and_written_share(world):
    s = work_agreement_summary(world.engine, world.scope("boss"))
    # Started: e1..e4 (e5 is in referral). Written: e1, e2, e4.
    assert (s.total.enrolments, s.total.written) == (4, 3)
    assert written_share(s.total) == pytest.approx(0.75)
    assert shares_by_label(s.total) == {
        "Arbejdstid": (3, 3),
        "Arbejdsopgaver": (2, 3),
        "Mål for praktikken": (2, 3),
        "Fast kontakt i jobcenteret": (1, 3),
        "Fast kontaktperson på arbejdspladsen": (1, 3),
        "Delmål og progression": (2, 3),
        "Ordinære løntimer": (1, 3),
    }
    shares = {e.label: e.share for e in element_shares(s.total)}
    assert shares["Arbejdsopgaver"] == pytest.approx(2 / 3)


def test_element_shares_per_agreement_and_per_quarter(world):
    s = work_agreement_summary(world.engine, world.scope("boss"))
    by_name = {name: c for _, name, c in s.by_agreement}
    assert (by_name["Aftale A"].enrolments, by_name["Aftale A"].written) == (3, 2)
    assert shares_by_label(by_name["Aftale A"])["Arbejdstid"] == (2, 2)
    assert shares_by_label(by_name["Aftale A"])["Delmål og progression"] == (1, 2)
    assert (by_name["Aftale B"].enrolments, by_name["Aftale B"].written) == (1, 1)
    assert shares_by_label(by_name["Aftale B"])["Delmål og progression"] == (1, 1)
    # e1 (jan), e2 (feb), e4 (jan) started in Q1 2026, e3 (apr) in Q2 without an agreement.
    quarters = {label: (c.enrolments, c.written) for _, label, c in s.by_quarter}
    assert quarters == {"1. kvt. 2026": (3, 3), "2. kvt. 2026": (1, 0)}


def test_work_agreements_follow_the_scope(world):
    mine = work_agreement_summary(world.engine, world.scope("cw1"))
    assert (mine.total.enrolments, mine.total.written) == (3, 2)  # e1, e3, e4
    assert shares_by_label(mine.total)["Arbejdsopgaver"] == (1, 2)
    staff = work_agreement_summary(world.engine, world.scope("staff"))  # enterprise B
    assert (staff.total.enrolments, staff.total.written) == (1, 1)
    rows = work_agreement_rows(world.engine, world.scope("cw2"))
    assert [r.enrolment_id for r in rows] == [world.e2]
    assert rows[0].element_count == 7


def test_no_agreements_gives_no_share_rather_than_zero(sqlite_engine):
    w = World(sqlite_engine)
    s = work_agreement_summary(sqlite_engine, w.scope("boss"))
    assert s.total.enrolments == 0 and written_share(s.total) is None
    assert all(e.share is None for e in element_shares(s.total))


# --------------------------------------------------------------------------- hours


def test_hours_totals_rates_and_agreement_split(world):
    h = hours_summary(world.engine, world.scope("boss"))
    t = h.total
    assert (t.participants, t.weeks, t.planned, t.attended, t.illness, t.ordinary) == (
        2, 4, 46, 36, 7, 4
    )  # fmt: skip
    assert t.attendance_rate == pytest.approx(36 / 46)
    assert t.illness_share == pytest.approx(7 / 46)
    assert t.ordinary_share_of_hours == pytest.approx(4 / 36)
    assert (t.with_ordinary, t.with_ordinary_share) == (1, 0.5)
    by_name = {name: tt for _, name, tt in h.by_agreement}
    assert by_name["Aftale A"].attendance_rate == pytest.approx(33 / 40)
    assert by_name["Aftale B"].attendance_rate == pytest.approx(0.5)
    monthly = h.monthly(world.a1_id)
    assert [(m, x.participants, x.planned, x.with_ordinary) for m, x in monthly] == [
        (D(2026, 1, 1), 1, 20, 0),
        (D(2026, 2, 1), 1, 20, 1),
    ]


def test_hours_scope_and_participant_series(world):
    assert hours_summary(world.engine, world.scope("cw2")).total.weeks == 0
    ph = participant_hours(world.engine, world.scope("cw1"), world.e1)
    assert [w.planned for w in ph.weeks] == [10, 10, 20]
    assert ph.recent(2).attendance_rate == pytest.approx(25 / 30)
    with pytest.raises(AccessDenied):
        participant_hours(world.engine, world.scope("cw2"), world.e1)


def test_step_up_compares_first_and_latest_four_weeks():
    su = step_up([4, 4, 4, 4, 6, 8, 10, 12])
    assert (su.first_planned, su.latest_planned, su.change) == (4, 9, 5)
    short = step_up([10, 10, 20])
    assert short.change is None and short.first_planned == pytest.approx(40 / 3)
    assert step_up([]).first_planned is None


def test_pooled_trend_of_ordinary_hours_share():
    series = [(0, 2), (0, 2), (1, 2), (1, 2), (2, 2), (1, 2)]
    t = pooled_trend(series, 3)
    assert (t.earlier, t.recent) == (pytest.approx(1 / 6), pytest.approx(4 / 6))
    assert t.change_pp == 50.0 and t.direction == "stigende"
    assert (t.recent_n, t.earlier_n) == (6, 6)
    assert pooled_trend(series[:5], 3).change_pp is None
    assert pooled_trend([(1, 1)] * 3 + [(0, 1)] * 3).direction == "faldende"


# --------------------------------------------------------------------------- mentors


def test_mentor_intervals_against_agreed_frequency():
    contacts = [D(2026, 1, 8), D(2026, 1, 20), D(2026, 2, 10), D(2026, 2, 10), D(2025, 12, 1)]
    m = mentor_intervals(D(2026, 1, 1), None, contacts, 14, D(2026, 2, 20))
    # Gaps 7, 12, 21 days against 14 + 2 days' grace; the open gap of 10 days is not due.
    assert (m.due, m.on_time, m.overdue_now, m.longest_gap) == (3, 2, False, 21)
    later = mentor_intervals(D(2026, 1, 1), None, contacts, 14, D(2026, 3, 1))
    assert (later.due, later.on_time, later.overdue_now, later.days_since_last) == (4, 2, True, 19)
    ended = mentor_intervals(D(2026, 1, 1), D(2026, 2, 15), contacts, 14, D(2026, 3, 30))
    assert (ended.due, ended.on_time, ended.overdue_now) == (3, 2, False)
    none_yet = mentor_intervals(D(2026, 1, 1), None, [], 7, D(2026, 1, 5))
    assert (none_yet.due, none_yet.share) == (0, None)


def test_mentor_compliance_per_agreement_and_type(world):
    mc = mentor_compliance(world.engine, world.scope("boss"), as_of=D(2026, 3, 1))
    # e1: gaps 7, 7, 32 (freq 14) -> 2 of 3. e4: gap 3, then open 45 days (freq 7) -> 1 of 2.
    agreements = {g.label: (g.on_time, g.due, g.overdue_now) for g in mc.by_agreement}
    assert agreements == {"Aftale A": (2, 3, 0), "Aftale B": (1, 2, 1)}
    types = {g.key: (g.on_time, g.due) for g in mc.by_type}
    assert types == {"enterprise": (2, 3), "social": (1, 2)}
    assert (mc.total.on_time, mc.total.due) == (3, 5)
    assert mc.total.share == pytest.approx(0.6)
    only_a = mentor_compliance(world.engine, world.scope("boss"), (world.a1_id,), D(2026, 3, 1))
    assert [r.enrolment_id for r in only_a.rows] == [world.e1]
    assert mentor_compliance(world.engine, world.scope("cw2"), as_of=D(2026, 3, 1)).rows == []


# --------------------------------------------------------------------------- writes


def test_save_work_agreement_creates_updates_and_refuses_stale(world):
    scope = world.scope("cw1")
    today = D(2026, 4, 20)
    wid = qe.save_work_agreement(world.engine, scope, world.e3, D(2026, 4, 7),
                                 {"has_tasks": True}, "Aftalt med borger", None, today)  # fmt: skip
    rows = {r.enrolment_id: r for r in work_agreement_rows(world.engine, scope)}
    assert rows[world.e3].elements["has_tasks"] and rows[world.e3].element_count == 1
    version = rows[world.e3].version
    qe.save_work_agreement(
        world.engine, scope, world.e3, D(2026, 4, 7), ALL_TRUE, "", version, today
    )
    with pytest.raises(StaleEdit):  # opened before the previous save
        qe.save_work_agreement(world.engine, scope, world.e3, D(2026, 4, 7), {}, "", version, today)
    assert work_agreement_rows(world.engine, scope)[1].element_count == 7
    with world.engine.connect() as conn:
        audited = conn.scalar(
            select(func.count()).where(AuditLog.table_name == "work_agreement",
                                       AuditLog.record_id == str(wid))
        )  # fmt: skip
    assert audited == 2


def test_work_agreement_refusals(world):
    today = D(2026, 4, 20)
    with pytest.raises(AccessDenied):  # another caseworker's course
        qe.save_work_agreement(
            world.engine, world.scope("cw2"), world.e3, today, {}, "", None, today
        )
    with pytest.raises(AccessDenied):  # enterprise staff
        qe.save_work_agreement(
            world.engine, world.scope("staff"), world.e4, today, {}, "", None, today
        )
    with pytest.raises(ValidationError) as exc:
        qe.save_work_agreement(world.engine, world.scope("cw1"), world.e3, D(2026, 5, 1), {}, "",
                               None, today)  # fmt: skip
    assert "fremtiden" in exc.value.errors["signed_on"]
    with pytest.raises(ValidationError) as exc:
        qe.save_work_agreement(
            world.engine, world.scope("boss"), world.e5, today, {}, "", None, today
        )
    assert "visitation" in exc.value.errors["enrolment"]


def test_mentor_and_contact_writes(world):
    scope = world.scope("cw1")
    today = D(2026, 4, 20)
    with pytest.raises(ValidationError) as exc:
        qe.add_mentor(world.engine, scope, world.e3, "guru", "", 10, D(2026, 4, 1), today)
    assert set(exc.value.errors) == {"mentor_type", "frequency_days", "start_date"}
    mid = qe.add_mentor(world.engine, scope, world.e3, "jobcentre", "Kim", 21, D(2026, 4, 6), today)
    qe.log_mentor_contact(world.engine, scope, mid, D(2026, 4, 10), "Opstart", today)
    with pytest.raises(ValidationError):
        qe.log_mentor_contact(world.engine, scope, mid, D(2026, 4, 21), "", today)
    with pytest.raises(AccessDenied):
        qe.log_mentor_contact(world.engine, world.scope("cw2"), mid, D(2026, 4, 10), "", today)
    # Enterprise staff may log contacts on their own enterprise's course (e4 on B).
    qe.log_mentor_contact(world.engine, world.scope("staff"), world.m4, D(2026, 1, 20), "", today)
    mc = mentor_compliance(world.engine, scope, as_of=today)
    row = next(r for r in mc.rows if r.assignment_id == mid)
    assert (row.contacts, row.intervals.due, row.intervals.on_time) == (1, 1, 1)


def test_element_chart_leaves_room_for_labels_and_uses_danish_percent():
    import json

    from lib.charts.quality import element_chart
    from lib.charts.style import pct_label_expr

    counts = ElementCounts(
        written=5, enrolments=5, elements={key: 5 for key, _ in WORK_AGREEMENT_ELEMENTS}
    )
    spec = element_chart([(1, "Samarbejdsaftale 1", counts)]).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["axis"]["labelExpr"] == pct_label_expr()
    assert "width" in x["scale"]["domainMax"]["expr"]  # past 100 % by a label's width
    assert "100 % (5 af 5)" in json.dumps(spec, ensure_ascii=False)


def test_quality_charts_keep_an_agreements_colour_when_it_is_shown_alone():
    import datetime as dt
    import json

    from lib.charts.quality import element_chart, monthly_share_chart
    from lib.charts.style import agreement_color

    order = ["Samarbejdsaftale 1", "Samarbejdsaftale 2"]
    counts = ElementCounts(written=2, enrolments=2, elements={"working_hours": 2})
    alone = json.dumps(element_chart([(2, "Samarbejdsaftale 2", counts)], order).to_dict())
    assert agreement_color(1) in alone and agreement_color(0) not in alone
    series = {"Samarbejdsaftale 2": [(dt.date(2026, 10, 1), 0.5, "1 af 2")]}
    spec = monthly_share_chart(series, "Fremmøde", order).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    # Only the agreement shown is in the legend, in its dashboard colour.
    assert scale == {"domain": ["Samarbejdsaftale 2"], "range": [agreement_color(1)]}


def test_hours_summary_adds_up_to_each_participants_hours_on_both_databases(any_demo_url):
    """The summary's one pass (each course's months, then agreements and months from
    those) against the hours summed per participant, on SQLite and PostgreSQL."""
    engine = make_engine(any_demo_url)
    scope = scope_for(engine, "leder")
    since = D(2000, 1, 1)
    h = hours_summary(engine, scope, (), since)
    rows = participant_hours_table(engine, scope, (), since)
    engine.dispose()
    assert h.total.weeks > 0
    for agreement_id, _name, t in [*h.by_agreement, (None, "", h.total)]:
        own = [r.totals for r in rows if agreement_id in (None, r.agreement_id)]
        assert (t.participants, t.weeks, t.with_ordinary) == (
            len(own), sum(o.weeks for o in own), sum(o.with_ordinary for o in own)
        )  # fmt: skip
        assert t.planned == pytest.approx(sum(o.planned for o in own))
        assert t.ordinary == pytest.approx(sum(o.ordinary for o in own))
        months = h.monthly(agreement_id)
        assert sum(m.weeks for _, m in months) == t.weeks
        assert all(0 < m.participants <= t.participants for _, m in months)
        assert [m for m, _ in months] == sorted({m for m, _ in months})


def test_element_time_chart_shows_the_latest_quarters_only():
    """18 quarters at M made the columns' headings run into each other: the latest 8."""
    import json

    from lib.charts.quality import MAX_QUARTERS, element_time_chart
    from lib.domain.quality import ElementCounts

    counts = ElementCounts(10, 5, {key: 3 for key, _ in WORK_AGREEMENT_ELEMENTS})
    quarters = [(D(2022 + i // 4, 1 + 3 * (i % 4), 1), f"K{i}", counts) for i in range(12)]
    spec = json.dumps(element_time_chart(list(reversed(quarters))).to_dict(), default=str)
    shown = [f"K{i} (n = 5)" for i in range(12 - MAX_QUARTERS, 12)]
    assert all(label in spec for label in shown)
    assert not any(f'"K{i} (n = 5)"' in spec for i in range(12 - MAX_QUARTERS))
