"""The dashboards' shared filter (agreement, target group, sub-goal, period) and the SQL
clauses it turns into. Hashable, so it can be a cache key next to the user's Scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lib.domain.format import fmt_date
from lib.domain.rules import add_months


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    agreement_ids: tuple[int, ...] = ()
    target_group_ids: tuple[int, ...] = ()
    sub_goal_ids: tuple[int, ...] = ()
    placement_types: tuple[str, ...] = ()  # PlacementType codes; empty = all

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """Counts are taken on the period's last day, or today while it is running."""
        return min(self.end, today or dt.date.today())


def default_period(today: dt.date | None = None, months: int = 12) -> tuple[dt.date, dt.date]:
    today = today or dt.date.today()
    return add_months(today, -months) + dt.timedelta(days=1), today


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("Periodens slutdato ligger før startdatoen.")

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """The day counts are taken on: the period's end, or today for a running period."""
        return min(self.end, today or dt.date.today())

    @property
    def label(self) -> str:
        return f"{fmt_date(self.start)} – {fmt_date(self.end)}"

    def filters(self, agreement_id: int) -> Filters:
        """The dashboards' filter for one agreement over this period."""
        return Filters(self.start, self.end, (agreement_id,))


def default_review_period(today: dt.date | None = None, cadence: str = "half_yearly") -> Period:
    """The review period ending today: six months (half-yearly) or twelve (yearly)."""
    today = today or dt.date.today()
    months = 12 if cadence == "yearly" else 6
    return Period(add_months(today, -months) + dt.timedelta(days=1), today)
