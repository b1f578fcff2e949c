"""Follow-up rules as plain functions: due dates, on time / late / missing, expected end,
progression change. No database and no Streamlit, so every rule is unit-tested by hand.

Definitions (the help texts on the dashboards say the same in Danish):
- The baseline plan is due 1 week after the start of a 13-week course, 4 weeks after the
  start of a 52-week course.
- The first evaluation is due N calendar months after the baseline plan (N is the
  agreement's evaluation interval, default 2), each next one N months after the previous
  evaluation. A month later than the 31st lands on the month's last day (31 Jan + 1 month
  = 28 or 29 Feb). An evaluation on its due date is on time; so is one within
  EVALUATION_GRACE_DAYS after it (the same tolerance as the committee report).
- Paused days (e.g. illness) between the anchor and the due date move the due date on by
  the same number of days: paused time never counts as late.
- A course's expected end is the start plus its planned weeks, or the latest extension's
  new end date.

Plans and evaluations are judged here, course by course, for courses with pauses and for
the open lists; for the rest lib.queries.compliance counts them in SQL by the same rules
(tests/test_compliance_sql.py checks the two agree). Deliverables, meetings, score
changes and course lengths are counted in SQL over many courses at once; for those,
`deliverable_item`, `meeting_status`, `score_change`, `mean_change` and `course_weeks`
state the rule for one item, and tests/test_measure_properties.py checks the SQL figures
against them on generated data (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lib.domain.enums import DueStatus

EVALUATION_GRACE_DAYS = 7


PLAN_DUE_WEEKS = {13: 1, 52: 4}


DEFAULT_EVALUATION_INTERVAL = 2

# Deliverables to the caseworker: the meeting plan a week into the course, the plan when
# the baseline plan is due, the invitation a week before the evaluation.
MEETING_PLAN_DUE_DAYS = 7
INVITATION_DAYS_BEFORE = 7


Pauses = Sequence[tuple[dt.date, dt.date]]  # (first, last) paused day, both inclusive


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier); past the month's end lands on its last day
    (31 Jan + 1 month = 28 or 29 Feb), as relativedelta does (tests/test_rules.py checks
    the two agree); in plain arithmetic, since the follow-up pages call it for every due
    evaluation of every course and relativedelta took half of Opfølgning's time."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def paused_days(after: dt.date, until: dt.date, pauses: Pauses) -> int:
    """Paused days d with after < d <= until."""
    total = 0
    for first, last in pauses:
        lo, hi = max(first, after + dt.timedelta(days=1)), min(last, until)
        if hi >= lo:
            total += (hi - lo).days + 1
    return total


def shift_for_pauses(anchor: dt.date, due: dt.date, pauses: Pauses) -> dt.date:
    """Move `due` on by the paused days after `anchor` up to the (moved) due date. A pause
    that starts after the original due date but before the moved one counts too."""
    shifted = due
    for _ in range(100):  # converges in as many steps as there are pauses
        moved = due + dt.timedelta(days=paused_days(anchor, shifted, pauses))
        if moved == shifted:
            return shifted
        shifted = moved
    return shifted


def plan_due(start: dt.date, planned_weeks: int, pauses: Pauses = ()) -> dt.date:
    """Baseline plan due date: 1 week into a 13-week course, 4 weeks into a 52-week one."""
    weeks = PLAN_DUE_WEEKS.get(planned_weeks, 4)
    return shift_for_pauses(start, start + dt.timedelta(weeks=weeks), pauses)


def meeting_plan_due(start: dt.date, pauses: Pauses = ()) -> dt.date:
    """The meeting plan is due to the caseworker a week into the course (pauses move it)."""
    return shift_for_pauses(start, start + dt.timedelta(days=MEETING_PLAN_DUE_DAYS), pauses)


def invitation_due(evaluation_on: dt.date) -> dt.date:
    """The caseworker's invitation is due a week before the evaluation."""
    return evaluation_on - dt.timedelta(days=INVITATION_DAYS_BEFORE)


def expected_end(
    start: dt.date, planned_weeks: int, extension_ends: Iterable[dt.date] = ()
) -> dt.date:
    """Start plus planned weeks, or the latest extension's new end date if later."""
    planned = start + dt.timedelta(weeks=planned_weeks)
    return max([planned, *extension_ends])


@dataclass(frozen=True)
class DueItem:
    """One thing that was due: a plan, an evaluation, a meeting or a deliverable."""

    kind: str  # plan / evaluation / meeting / deliverable:<kind>
    due: dt.date
    status: DueStatus
    done_on: dt.date | None = None
    days_late: int = (
        0  # done after due (DueStatus.LATE) or still missing on as_of (DueStatus.MISSING)
    )

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.days_late > 0


def judge(
    due: dt.date, done_on: dt.date | None, as_of: dt.date, grace_days: int = 0, kind: str = ""
) -> DueItem:
    """On time when done by due + grace; late when done after; missing when not done and
    as_of is past due + grace; otherwise pending (not counted yet). Something done after
    as_of is treated as not done yet."""
    if done_on is not None and done_on <= as_of:
        late = (done_on - due).days
        status = DueStatus.ON_TIME if late <= grace_days else DueStatus.LATE
        return DueItem(kind, due, status, done_on, max(late, 0) if status == DueStatus.LATE else 0)
    days = (as_of - due).days
    status = DueStatus.MISSING if days > grace_days else DueStatus.PENDING
    return DueItem(kind, due, status, None, max(days, 0))


def plan_item(
    start: dt.date,
    planned_weeks: int,
    baseline_on: dt.date | None,
    as_of: dt.date,
    pauses: Pauses = (),
) -> DueItem:
    return judge(plan_due(start, planned_weeks, pauses), baseline_on, as_of, kind="plan")


def evaluation_items(
    baseline_on: dt.date | None,
    evaluated_on: Iterable[dt.date],
    interval_months: int,
    as_of: dt.date,
    *,
    course_end: dt.date | None = None,
    pauses: Pauses = (),
    grace_days: int = EVALUATION_GRACE_DAYS,
) -> list[DueItem]:
    """Each evaluation due up to as_of (and not after the course's end), judged. The k-th
    evaluation answers the k-th due date; the next one is due N months after it.
    Without a baseline plan nothing is due yet (the plan rule reports the missing plan)."""
    if baseline_on is None or baseline_on > as_of:
        return []
    interval = interval_months or DEFAULT_EVALUATION_INTERVAL
    items: list[DueItem] = []
    anchor = baseline_on
    for day in sorted(d for d in evaluated_on if baseline_on < d <= as_of):
        due = shift_for_pauses(anchor, add_months(anchor, interval), pauses)
        items.append(judge(due, day, as_of, grace_days, "evaluation"))
        anchor = day
    due = shift_for_pauses(anchor, add_months(anchor, interval), pauses)
    if course_end is None or due <= course_end:
        items.append(judge(due, None, as_of, grace_days, "evaluation"))
    return items


def next_evaluation_due(
    baseline_on: dt.date,
    evaluated_on: Iterable[dt.date],
    interval_months: int,
    pauses: Pauses = (),
) -> dt.date:
    anchor = max([baseline_on, *evaluated_on])
    return shift_for_pauses(anchor, add_months(anchor, interval_months), pauses)


def deliverable_item(
    kind: str, due: dt.date | None, received_on: dt.date | None, as_of: dt.date
) -> DueItem | None:
    """A deliverable to the caseworker, judged against its due date (None: no due date)."""
    if due is None:
        return None
    return judge(due, received_on, as_of, kind=f"deliverable:{kind}")


def meeting_status(held: bool | None, caseworker_present: bool | None) -> tuple[bool, bool]:
    """(meeting held, caseworker present) for one evaluation; no meeting row = not held."""
    held = bool(held)
    return held, held and bool(caseworker_present)


@dataclass(frozen=True)
class Tally:
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def n(self) -> int:
        return self.on_time + self.late + self.missing

    def share(self, status: DueStatus) -> float | None:
        if not self.n:
            return None
        value = {
            DueStatus.ON_TIME: self.on_time,
            DueStatus.LATE: self.late,
            DueStatus.MISSING: self.missing,
        }[status]
        return value / self.n

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.on_time + other.on_time, self.late + other.late, self.missing + other.missing
        )


def tally(items: Iterable[DueItem | None]) -> Tally:
    counts = {DueStatus.ON_TIME: 0, DueStatus.LATE: 0, DueStatus.MISSING: 0}
    for item in items:
        if item is not None and item.status in counts:
            counts[item.status] += 1
    return Tally(counts[DueStatus.ON_TIME], counts[DueStatus.LATE], counts[DueStatus.MISSING])


def in_period(item: DueItem, start: dt.date, end: dt.date) -> bool:
    return start <= item.due <= end


def score_change(baseline: float | None, latest: float | None) -> float | None:
    """Latest minus baseline; None unless both exist."""
    if baseline is None or latest is None:
        return None
    return latest - baseline


@dataclass(frozen=True)
class MeanChange:
    mean: float | None
    n: int
    improved: int
    unchanged: int
    worse: int


def mean_change(pairs: Iterable[tuple[float | None, float | None]]) -> MeanChange:
    """Mean of latest − baseline over participants with both a baseline and a later
    score; n is how many had both (the rest are left out, never counted as 0)."""
    changes = [c for b, latest in pairs if (c := score_change(b, latest)) is not None]
    if not changes:
        return MeanChange(None, 0, 0, 0, 0)
    return MeanChange(
        sum(changes) / len(changes),
        len(changes),
        sum(c > 0 for c in changes),
        sum(c == 0 for c in changes),
        sum(c < 0 for c in changes),
    )


def course_weeks(start: dt.date, end: dt.date) -> float:
    """Length of a course in weeks, start and end day included."""
    return ((end - start).days + 1) / 7


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
