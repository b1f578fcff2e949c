"""Mentor follow-up when the agreed frequency changes during the course (weekly at the
start, then every 14 days or 3 weeks): each contact is judged against the frequency in
force on the date it falls due."""

from __future__ import annotations

import datetime as dt

from lib.domain.quality import frequency_on, mentor_intervals, next_contact_due

D = dt.date
START = D(2026, 1, 5)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


WEEKLY_THEN_14 = [(START, 7), (day(28), 14)]


def test_frequency_in_force_on_a_date():
    assert frequency_on(day(0), WEEKLY_THEN_14) == 7
    assert frequency_on(day(27), WEEKLY_THEN_14) == 7
    assert frequency_on(day(28), WEEKLY_THEN_14) == 14
    assert frequency_on(day(-3), WEEKLY_THEN_14) == 7  # before the start: the first one


def test_next_contact_due_across_a_change():
    assert next_contact_due(day(14), WEEKLY_THEN_14) == day(21)
    # On day 28 the gap of 7 is under the 14 days then in force: due on day 35.
    assert next_contact_due(day(21), WEEKLY_THEN_14) == day(35)
    assert next_contact_due(day(35), WEEKLY_THEN_14) == day(49)
    # Tightened: every 14 days, weekly from day 28 -> a contact on day 21 is due on day 28.
    tighter = [(START, 14), (day(28), 7)]
    assert next_contact_due(day(21), tighter) == day(28)
    assert next_contact_due(day(0), tighter) == day(14)
    # Loosened to 3 weeks from day 5, before the weekly contact fell due: due on day 21.
    assert next_contact_due(day(0), [(START, 7), (day(5), 21)]) == day(21)
    # Loosened from day 10, after the weekly contact fell due on day 7: due on day 7.
    assert next_contact_due(day(0), [(START, 7), (day(10), 21)]) == day(7)


def test_weekly_then_fortnightly_is_all_on_time():
    contacts = [day(7), day(14), day(21), day(28), day(42), day(56)]
    m = mentor_intervals(START, None, contacts, 7, day(60), changes=[(day(28), 14)])
    assert (m.due, m.on_time, m.overdue_now) == (6, 6, False)
    assert m.next_due == day(70)
    # Judged by the first frequency alone, the fortnightly gaps are late.
    old = mentor_intervals(START, None, contacts, 7, day(60))
    assert (old.due, old.on_time) == (6, 4)


def test_late_contact_under_the_weekly_frequency_still_late():
    # Day 0 -> 12 under weekly (due day 7, grace 2): late; then fortnightly from day 28.
    contacts = [day(12), day(19), day(26), day(40)]
    m = mentor_intervals(START, None, contacts, 7, day(41), changes=[(day(28), 14)])
    assert (m.due, m.on_time) == (4, 3)


def test_open_interval_is_judged_by_the_frequency_in_force():
    # Last contact on day 21; weekly would make day 31 overdue, but 14 days apply from day 28.
    m = mentor_intervals(START, None, [day(7), day(14), day(21)], 7, day(31),
                         changes=[(day(28), 14)])  # fmt: skip
    assert not m.overdue_now and m.next_due == day(35)
    m = mentor_intervals(START, None, [day(7), day(14), day(21)], 7, day(38),
                         changes=[(day(28), 14)])  # fmt: skip
    assert m.overdue_now and m.due == 4


def test_ended_mentor_owes_nothing_after_the_end():
    m = mentor_intervals(START, day(20), [day(7), day(14)], 7, day(60), changes=[(day(28), 14)])
    assert not m.overdue_now and m.next_due is None
    assert m.due == 2 and m.on_time == 2  # day 14 -> end day 20: not overdue on the end


def test_changes_before_the_start_are_ignored():
    m = mentor_intervals(START, None, [day(14)], 14, day(15), changes=[(day(-10), 7)])
    assert (m.due, m.on_time) == (1, 1)


def test_no_contact_is_owed_after_the_mentor_stops():
    # Ends on day 20, the next weekly contact would be due on day 21: nothing is owed.
    m = mentor_intervals(START, day(20), [day(7), day(14)], 7, day(18))
    assert m.next_due is None
    # Ends on day 30: the contact due on day 21 is still owed before the end.
    m = mentor_intervals(START, day(30), [day(7), day(14)], 7, day(18))
    assert m.next_due == day(21)
