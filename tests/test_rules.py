"""The follow-up rules, each against dates worked out by hand."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.domain import rules
from lib.domain.enums import DueStatus

D = dt.date


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 2, D(2026, 3, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # 31 Jan + 1 month: the last day of February
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),  # month end, ordinary year
        (D(2023, 12, 31), 2, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + one year
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across the new year
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 31), -2, D(2025, 11, 30)),  # back across the new year
    ],
)
def test_add_months_calendar(day, months, expected):
    assert rules.add_months(day, months) == expected


@settings(max_examples=500, deadline=None)
@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), months=st.integers(-400, 400))
def test_add_months_is_relativedelta(day, months):
    # add_months is plain arithmetic for speed; it must stay relativedelta's calendar rule.
    from dateutil.relativedelta import relativedelta

    assert rules.add_months(day, months) == day + relativedelta(months=months)


# --------------------------------------------------------------------------- plan


def test_plan_due_one_week_for_13_four_weeks_for_52():
    start = D(2026, 3, 2)
    assert rules.plan_due(start, 13) == D(2026, 3, 9)
    assert rules.plan_due(start, 52) == D(2026, 3, 30)


def test_plan_on_due_date_on_time_a_day_after_late():
    start = D(2026, 3, 2)  # 13 weeks: due 9 March
    assert rules.plan_item(start, 13, D(2026, 3, 9), D(2026, 6, 1)).status == DueStatus.ON_TIME
    late = rules.plan_item(start, 13, D(2026, 3, 10), D(2026, 6, 1))
    assert (late.status, late.days_late) == (DueStatus.LATE, 1)
    # The same plan day is on time for a 52-week course (due 30 March).
    assert rules.plan_item(start, 52, D(2026, 3, 10), D(2026, 6, 1)).status == DueStatus.ON_TIME


def test_plan_missing_only_after_its_due_date():
    start = D(2026, 3, 2)
    assert rules.plan_item(start, 13, None, D(2026, 3, 9)).status == DueStatus.PENDING
    missing = rules.plan_item(start, 13, None, D(2026, 3, 12))
    assert (missing.status, missing.days_late, missing.overdue) == (DueStatus.MISSING, 3, True)
    # A plan dated after the day of counting is not there yet.
    assert rules.plan_item(start, 13, D(2026, 3, 20), D(2026, 3, 12)).status == DueStatus.MISSING


def test_pause_moves_plan_due_date():
    start = D(2026, 3, 2)
    # Ill 4-6 March (3 days) inside the first week: due 9 -> 12 March.
    pauses = [(D(2026, 3, 4), D(2026, 3, 6))]
    assert rules.plan_due(start, 13, pauses) == D(2026, 3, 12)
    assert (
        rules.plan_item(start, 13, D(2026, 3, 11), D(2026, 4, 1), pauses).status
        == DueStatus.ON_TIME
    )
    # A pause starting on the moved-into days counts too: 9-10 March pushes 9 -> 11,
    # and a pause on 11 March (chained) pushes on to 12.
    chained = [(D(2026, 3, 9), D(2026, 3, 10)), (D(2026, 3, 11), D(2026, 3, 11))]
    assert rules.plan_due(start, 13, chained) == D(2026, 3, 12)
    # A pause after the due date changes nothing.
    assert rules.plan_due(start, 13, [(D(2026, 3, 20), D(2026, 3, 25))]) == D(2026, 3, 9)


def test_paused_days_counts_inclusive_overlap():
    pauses = [(D(2026, 1, 10), D(2026, 1, 19))]  # 10 days
    assert rules.paused_days(D(2026, 1, 1), D(2026, 1, 31), pauses) == 10
    assert rules.paused_days(D(2026, 1, 14), D(2026, 1, 31), pauses) == 5  # 15..19
    assert rules.paused_days(D(2026, 1, 1), D(2026, 1, 12), pauses) == 3  # 10..12


# --------------------------------------------------------------------------- evaluations


def test_evaluation_exactly_on_due_date_is_on_time():
    items = rules.evaluation_items(
        D(2026, 1, 15), [D(2026, 3, 15)], 2, as_of=D(2026, 4, 1), grace_days=0
    )
    assert [(i.due, i.status) for i in items] == [
        (D(2026, 3, 15), DueStatus.ON_TIME),
        (D(2026, 5, 15), DueStatus.PENDING),
    ]


def test_evaluations_late_with_days_and_missing():
    baseline = D(2026, 1, 10)
    # due 10 Mar, done 25 Mar: 15 days late; next due 25 May, nothing by 10 June.
    items = rules.evaluation_items(baseline, [D(2026, 3, 25)], 2, as_of=D(2026, 6, 10))
    assert [(i.due, i.status, i.days_late) for i in items] == [
        (D(2026, 3, 10), DueStatus.LATE, 15),
        (D(2026, 5, 25), DueStatus.MISSING, 16),
    ]
    assert rules.tally(items) == rules.Tally(on_time=0, late=1, missing=1)


def test_evaluation_grace_week():
    baseline = D(2026, 1, 10)  # due 10 March
    on_time = rules.evaluation_items(baseline, [D(2026, 3, 17)], 2, D(2026, 4, 1))[0]
    late = rules.evaluation_items(baseline, [D(2026, 3, 18)], 2, D(2026, 4, 1))[0]
    assert (on_time.status, late.status, late.days_late) == (DueStatus.ON_TIME, DueStatus.LATE, 8)
    # Not done, 5 days past due: overdue but not yet counted as missing.
    waiting = rules.evaluation_items(baseline, [], 2, D(2026, 3, 15))[0]
    assert (waiting.status, waiting.days_late, waiting.overdue) == (DueStatus.PENDING, 5, True)


def test_evaluation_month_end_and_leap_year():
    # Baseline 31 Dec 2023, every 2 months: due 29 Feb 2024 (leap year).
    items = rules.evaluation_items(
        D(2023, 12, 31), [D(2024, 2, 29)], 2, D(2024, 3, 1), grace_days=0
    )
    assert (items[0].due, items[0].status) == (D(2024, 2, 29), DueStatus.ON_TIME)
    # Next is due 2 months after the evaluation: 29 April.
    assert items[1].due == D(2024, 4, 29)
    # The same in 2025: 28 Feb, so 1 March is a day late.
    items = rules.evaluation_items(
        D(2024, 12, 31), [D(2025, 3, 1)], 2, D(2025, 3, 2), grace_days=0
    )[0]
    assert (items.due, items.status, items.days_late) == (D(2025, 2, 28), DueStatus.LATE, 1)


def test_evaluation_interval_from_agreement():
    items = rules.evaluation_items(D(2026, 1, 10), [], 6, D(2026, 7, 1))
    assert [(i.due, i.status) for i in items] == [(D(2026, 7, 10), DueStatus.PENDING)]


def test_pause_does_not_count_as_late():
    baseline = D(2026, 1, 10)  # due 10 March without the pause
    pauses = [(D(2026, 2, 1), D(2026, 2, 14))]  # 14 days ill -> due 24 March
    items = rules.evaluation_items(
        baseline, [D(2026, 3, 24)], 2, D(2026, 4, 1), pauses=pauses, grace_days=0
    )
    assert (items[0].due, items[0].status) == (D(2026, 3, 24), DueStatus.ON_TIME)
    without = rules.evaluation_items(baseline, [D(2026, 3, 24)], 2, D(2026, 4, 1), grace_days=0)
    assert (without[0].status, without[0].days_late) == (DueStatus.LATE, 14)


def test_no_evaluation_due_after_course_end_or_without_baseline():
    baseline = D(2026, 1, 10)
    ended = rules.evaluation_items(
        baseline, [D(2026, 3, 10)], 2, D(2026, 8, 1), course_end=D(2026, 4, 30)
    )
    assert [i.status for i in ended] == [DueStatus.ON_TIME]  # 10 May is after the end: not due
    assert rules.evaluation_items(None, [], 2, D(2026, 8, 1)) == []


def test_extension_moves_expected_end_and_keeps_evaluations_due():
    start = D(2026, 1, 5)
    assert rules.expected_end(start, 13) == D(2026, 4, 6)
    assert rules.expected_end(start, 13, [D(2026, 7, 6)]) == D(2026, 7, 6)
    assert rules.expected_end(start, 52, [D(2026, 7, 6)]) == D(2027, 1, 4)  # no shortening
    # With the extension, the evaluation due 12 May is inside the course and missing.
    end = rules.expected_end(start, 13, [D(2026, 7, 6)])
    items = rules.evaluation_items(
        D(2026, 1, 12), [D(2026, 3, 12)], 2, D(2026, 6, 1), course_end=end
    )
    assert [(i.due, i.status) for i in items] == [
        (D(2026, 3, 12), DueStatus.ON_TIME),
        (D(2026, 5, 12), DueStatus.MISSING),
    ]
    short = rules.evaluation_items(
        D(2026, 1, 12), [D(2026, 3, 12)], 2, D(2026, 6, 1), course_end=rules.expected_end(start, 13)
    )
    assert len(short) == 1


def test_next_evaluation_due():
    assert rules.next_evaluation_due(D(2026, 1, 10), [D(2026, 3, 12)], 2) == D(2026, 5, 12)
    assert rules.next_evaluation_due(D(2026, 1, 10), [], 2) == D(2026, 3, 10)


# --------------------------------------------------------------------------- deliverables, meetings


def test_deliverables():
    as_of = D(2026, 5, 1)
    assert rules.deliverable_item("plan", None, None, as_of) is None
    assert (
        rules.deliverable_item("plan", D(2026, 4, 1), D(2026, 4, 1), as_of).status
        == DueStatus.ON_TIME
    )
    late = rules.deliverable_item("plan", D(2026, 4, 1), D(2026, 4, 4), as_of)
    assert (late.status, late.days_late, late.kind) == (DueStatus.LATE, 3, "deliverable:plan")
    missing = rules.deliverable_item("meeting_plan", D(2026, 4, 21), None, as_of)
    assert (missing.status, missing.days_late) == (DueStatus.MISSING, 10)
    assert rules.deliverable_item("plan", D(2026, 5, 8), None, as_of).status == DueStatus.PENDING


def test_meeting_status():
    assert rules.meeting_status(True, True) == (True, True)
    assert rules.meeting_status(True, False) == (True, False)
    assert rules.meeting_status(None, None) == (False, False)
    assert rules.meeting_status(False, True) == (False, False)  # not held: nobody present


def test_tally_shares():
    t = rules.Tally(on_time=5, late=1, missing=0) + rules.Tally(on_time=0, late=0, missing=2)
    assert t.n == 8
    assert t.share(DueStatus.ON_TIME) == pytest.approx(5 / 8)
    assert rules.Tally().share(DueStatus.ON_TIME) is None


# --------------------------------------------------------------------------- progression


def test_mean_change_only_with_baseline_and_later_score():
    # (2->4) +2, (3->3) 0, (4->3) -1; a baseline-only participant and a score without
    # baseline are left out: n = 3, mean = 1/3.
    result = rules.mean_change([(2, 4), (3, 3), (4, 3), (2, None), (None, 5)])
    assert result.n == 3
    assert result.mean == pytest.approx(1 / 3)
    assert (result.improved, result.unchanged, result.worse) == (1, 1, 1)
    assert rules.mean_change([(2, None)]) == rules.MeanChange(None, 0, 0, 0, 0)


def test_course_weeks():
    assert rules.course_weeks(D(2026, 1, 1), D(2026, 1, 7)) == 1
    assert rules.course_weeks(D(2026, 1, 5), D(2026, 4, 5)) == 13
