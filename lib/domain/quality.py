"""Quality of the courses, as the STV project's mid-term evaluation (the national
evaluation of social-economy courses that widens this product) measures it: work
agreements, hours toward ordinary employment and mentor follow-up.

Pure rule functions (`share`, `element_shares`, `pooled_trend`, `mentor_intervals`,
`step_up`, ...) that take plain numbers and dates, so they can be tested by hand; the
queries that aggregate in SQL and hand their counts to these rules are in
lib/queries/quality.py (and Mine resultater's mentor figure in lib/queries/my_results.py).
`change_pp` is the one definition of a change between two shares in percentage points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The seven elements of a written work agreement in the STV evaluation, in its order.
WORK_AGREEMENT_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("has_working_hours", "Arbejdstid"),
    ("has_tasks", "Arbejdsopgaver"),
    ("has_placement_goals", "Mål for praktikken"),
    ("has_jobcentre_contact", "Fast kontakt i jobcenteret"),
    ("has_workplace_contact", "Fast kontaktperson på arbejdspladsen"),
    ("has_sub_goals_progression", "Delmål og progression"),
    ("has_ordinary_paid_hours", "Ordinære løntimer"),
)


ELEMENT_LABELS = dict(WORK_AGREEMENT_ELEMENTS)


# The STV evaluation's national midpoint survey, shown as reference, never as our own data:
# 83-91 % for the first five elements, 63 % for sub-goals and progression, 88 % with any
# written agreement. Ordinary paid hours: the evaluation gives no figure.
STV_MIDPOINT_ELEMENT_RANGE: dict[str, tuple[float, float]] = {
    "has_working_hours": (0.83, 0.91),
    "has_tasks": (0.83, 0.91),
    "has_placement_goals": (0.83, 0.91),
    "has_jobcentre_contact": (0.83, 0.91),
    "has_workplace_contact": (0.83, 0.91),
    "has_sub_goals_progression": (0.63, 0.63),
}


STV_MIDPOINT_WRITTEN = 0.88


STV_LABEL = "STV-projektets midtvejsmåling (landsplan)"


FREQUENCY_LABELS = {7: "Hver uge", 14: "Hver 14. dag", 21: "Hver 3. uge"}


# A contact a day or two after the agreed interval still counts as on time.
MENTOR_GRACE_DAYS = 2


def share(part: float | int | None, whole: float | int | None) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as '–', never 0 %)."""
    if not whole or part is None:
        return None
    return part / whole


def change_pp(before: float | None, after: float | None) -> float | None:
    """Change between two shares in percentage points, rounded to 0.1 (0.62 -> 0.69: 7.0)."""
    if before is None or after is None:
        return None
    return round((after - before) * 100, 1)


def quarter_of(year: int, month: int) -> tuple[int, int]:
    return year, (month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{quarter}. kvt. {year}"


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


@dataclass(frozen=True)
class ElementCounts:
    """Counted in SQL for one group (an agreement, a quarter, or everything)."""

    enrolments: int  # started enrolments (active or ended)
    written: int  # of those with a written work agreement
    elements: dict[str, int]  # element -> agreements containing it


@dataclass(frozen=True)
class ElementShare:
    element: str
    label: str
    count: int
    n: int  # written agreements: the denominator
    share: float | None


def element_shares(counts: ElementCounts) -> list[ElementShare]:
    """Share of the written work agreements that contain each element. The denominator is
    the written agreements (as in the STV evaluation: 'the agreements contain ...');
    enrolments without a written agreement show in `written_share` instead."""
    return [
        ElementShare(key, label, counts.elements.get(key, 0), counts.written,
                     share(counts.elements.get(key, 0), counts.written))
        for key, label in WORK_AGREEMENT_ELEMENTS
    ]  # fmt: skip


def written_share(counts: ElementCounts) -> float | None:
    """Share of started enrolments with any written work agreement."""
    return share(counts.written, counts.enrolments)


def add_counts(items: Iterable[ElementCounts]) -> ElementCounts:
    items = list(items)
    elements = {
        key: sum(c.elements.get(key, 0) for c in items) for key, _ in WORK_AGREEMENT_ELEMENTS
    }
    return ElementCounts(sum(c.enrolments for c in items), sum(c.written for c in items), elements)


@dataclass(frozen=True)
class Trend:
    """Pooled share in the latest `window` periods against the `window` before them."""

    recent: float | None
    earlier: float | None
    change_pp: float | None
    recent_n: int
    earlier_n: int

    @property
    def direction(self) -> str:
        if self.change_pp is None:
            return "for få data"
        if self.change_pp > 0:
            return "stigende"
        if self.change_pp < 0:
            return "faldende"
        return "uændret"


def pooled_trend(series: Sequence[tuple[int, int]], window: int = 3) -> Trend:
    """`series`: (numerator, denominator) per period, oldest first. Pooled, so a month with
    one participant weighs one participant, not a whole month. Needs 2 x window periods."""
    series = [s for s in series]
    if len(series) < 2 * window:
        recent = series[-window:] if series else []
        num, den = sum(s[0] for s in recent), sum(s[1] for s in recent)
        return Trend(share(num, den), None, None, den, 0)
    recent, earlier = series[-window:], series[-2 * window : -window]
    r_num, r_den = sum(s[0] for s in recent), sum(s[1] for s in recent)
    e_num, e_den = sum(s[0] for s in earlier), sum(s[1] for s in earlier)
    r, e = share(r_num, r_den), share(e_num, e_den)
    return Trend(r, e, change_pp(e, r), r_den, e_den)


@dataclass(frozen=True)
class HoursTotals:
    """Sums over weekly hours for one group."""

    participants: int  # enrolments with any registered week
    weeks: int
    planned: float
    attended: float
    illness: float
    ordinary: float
    with_ordinary: int  # enrolments with any ordinary paid hours

    @property
    def attendance_rate(self) -> float | None:
        """Attended hours ÷ planned hours."""
        return share(self.attended, self.planned)

    @property
    def illness_share(self) -> float | None:
        """Illness-absence hours ÷ planned hours."""
        return share(self.illness, self.planned)

    @property
    def ordinary_share_of_hours(self) -> float | None:
        """Ordinary paid hours ÷ attended hours."""
        return share(self.ordinary, self.attended)

    @property
    def with_ordinary_share(self) -> float | None:
        """Participants with any ordinary paid hours ÷ participants with registered hours."""
        return share(self.with_ordinary, self.participants)


@dataclass(frozen=True)
class StepUp:
    first_planned: float | None  # mean planned hours in the first `window` weeks
    latest_planned: float | None  # mean planned hours in the latest `window` weeks
    change: float | None


def step_up(planned: Sequence[float], window: int = 4) -> StepUp:
    """'Few hours first, then step up' (the STV evaluation's advice): mean planned hours
    of the first weeks against the latest weeks. With fewer than 2 x window weeks the two
    would overlap: the change is then left out."""
    if not planned:
        return StepUp(None, None, None)
    first = sum(planned[:window]) / len(planned[:window])
    latest = sum(planned[-window:]) / len(planned[-window:])
    if len(planned) < 2 * window:
        return StepUp(first, latest, None)
    return StepUp(first, latest, latest - first)


# (from this day on, every N days): the frequency agreed at the start, then its changes.
FrequencySchedule = Sequence[tuple[dt.date, int]]


def frequency_on(day: dt.date, schedule: FrequencySchedule) -> int:
    """The follow-up frequency (days) in force on `day`: the latest change on or before it;
    before the first entry, the first entry's frequency."""
    ordered = sorted(schedule)
    days = ordered[0][1]
    for changed_from, frequency in ordered:
        if changed_from <= day:
            days = frequency
    return days


def next_contact_due(last: dt.date, schedule: FrequencySchedule) -> dt.date:
    """The first day d after `last` on which the gap d − last reaches the frequency in
    force on d. Weekly until day 28 and every 14 days after, a contact on day 21 is next
    due on day 35 (on day 28 the gap of 7 is under the 14 then in force); the other way
    round (14, then weekly from day 28) it is due on day 28."""
    ordered = sorted(schedule)
    for i, (changed_from, frequency) in enumerate(ordered):
        segment_end = ordered[i + 1][0] if i + 1 < len(ordered) else None
        candidate = max(last + dt.timedelta(days=frequency), changed_from if i else last)
        if segment_end is None or candidate < segment_end:
            return candidate
    raise AssertionError("unreachable: the last segment has no end")


@dataclass(frozen=True)
class MentorIntervals:
    """Follow-up intervals of one mentor assignment, judged against the frequency in force."""

    due: int  # intervals that have run their course (closed, or open and overdue)
    on_time: int
    overdue_now: bool  # the open interval since the last contact is already too long
    days_since_last: int
    longest_gap: int
    next_due: dt.date | None = None  # the next contact's due date (None: none before the end)

    @property
    def share(self) -> float | None:
        return share(self.on_time, self.due)


def mentor_intervals(
    start: dt.date,
    end: dt.date | None,
    contacts: Iterable[dt.date],
    frequency_days: int,
    as_of: dt.date,
    grace_days: int = MENTOR_GRACE_DAYS,
    changes: FrequencySchedule = (),
) -> MentorIntervals:
    """Intervals from the start to the first contact, between contacts, and from the last
    contact to today (or the end). Each interval's next contact is due on
    `next_contact_due` (the frequency agreed at the start, `frequency_days`, then the
    `changes` in force on each date); it is on time when it comes at most `grace_days`
    after. The open interval counts only once it is overdue: a contact that is not yet due
    is not missed. Contacts outside the assignment's period are ignored; several contacts
    on a day count once."""
    schedule = [(start, frequency_days), *((d, f) for d, f in changes if d > start)]
    stop = min(end, as_of) if end else as_of
    days = sorted({d for d in contacts if start <= d <= stop})
    points = [start, *days]
    grace = dt.timedelta(days=grace_days)
    closed_on_time = sum(
        1 for a, b in zip(points, points[1:], strict=False)
        if b <= next_contact_due(a, schedule) + grace
    )  # fmt: skip
    gaps = [(b - a).days for a, b in zip(points, points[1:], strict=False)]
    next_due = next_contact_due(points[-1], schedule)
    open_gap = (stop - points[-1]).days
    overdue = stop > next_due + grace
    due = len(gaps) + (1 if overdue else 0)
    longest = max([*gaps, open_gap])
    return _intervals(due, closed_on_time, overdue, open_gap, longest, next_due, end, as_of)


def _intervals(
    due: int,
    on_time: int,
    overdue: bool,
    open_gap: int,
    longest: int,
    next_due: dt.date,
    end: dt.date | None,
    as_of: dt.date,
) -> MentorIntervals:
    """The result of both counts: overdue and the next due date only while the assignment
    runs, and nothing owed after its end."""
    still_running = end is None or end >= as_of
    owed = still_running and (end is None or next_due <= end)
    return MentorIntervals(due, on_time, overdue and still_running, open_gap, longest,
                           next_due if owed else None)  # fmt: skip


def fixed_frequency_intervals(
    start: dt.date,
    end: dt.date | None,
    frequency_days: int,
    as_of: dt.date,
    contact_days: int,
    on_time_between: int,
    longest_between: float | None,
    first: dt.date | None,
    last: dt.date | None,
    grace_days: int = MENTOR_GRACE_DAYS,
) -> MentorIntervals:
    """`mentor_intervals` for an assignment whose frequency never changed, from counts over
    its distinct contact days in [start, min(end, as_of)] that SQL can make without handing
    over the days: how many (contact_days), of the gaps between consecutive days how many
    are at most frequency + grace days (on_time_between) and the longest (longest_between;
    None with fewer than two days), the first and the last day (None without contacts)."""
    stop = min(end, as_of) if end else as_of
    limit = frequency_days + grace_days
    last_point = last or start
    first_gap = (first - start).days if first else None
    on_time = on_time_between + (1 if first_gap is not None and first_gap <= limit else 0)
    open_gap = (stop - last_point).days
    overdue = open_gap > limit
    gaps = [g for g in (first_gap, longest_between) if g is not None]
    longest = int(max([*gaps, open_gap]))
    next_due = last_point + dt.timedelta(days=frequency_days)
    due = contact_days + (1 if overdue else 0)
    return _intervals(due, on_time, overdue, open_gap, longest, next_due, end, as_of)


@dataclass
class MentorGroup:
    """Pooled mentor compliance for a group (agreement, mentor type or everything)."""

    key: str
    label: str
    assignments: int = 0
    due: int = 0
    on_time: int = 0
    overdue_now: int = 0

    @property
    def share(self) -> float | None:
        return share(self.on_time, self.due)

    def add(self, m: MentorIntervals, active: bool) -> None:
        self.add_sums(1, m.due, m.on_time, 1 if (m.overdue_now and active) else 0)

    def add_sums(self, assignments: int, due: int, on_time: int, overdue_now: int) -> None:
        """Counts already summed over several assignments (in SQL)."""
        self.assignments += int(assignments)
        self.due += int(due)
        self.on_time += int(on_time)
        self.overdue_now += int(overdue_now)


def add_hours(items: Iterable[HoursTotals]) -> HoursTotals:
    """Sums of sums. Participant counts add up across disjoint groups (agreements), not
    across months: use the SQL total for a whole period."""
    items = list(items)
    return HoursTotals(
        sum(t.participants for t in items), sum(t.weeks for t in items),
        sum(t.planned for t in items), sum(t.attended for t in items),
        sum(t.illness for t in items), sum(t.ordinary for t in items),
        sum(t.with_ordinary for t in items),
    )  # fmt: skip
