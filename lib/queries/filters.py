"""The dashboards' shared filter (agreement, target group, sub-goal, period) and the SQL
clauses it turns into. Hashable, so it can be a cache key next to the user's Scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, or_, select, text, true

from db.models import (
    Agreement,
    Enrolment,
    Participant,
    Plan,
    PlanSubGoal,
    SubGoal,
    TargetGroup,
)
from db.sql import add_days, add_months, days_between  # noqa: F401  (the reads take them from here)
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus
from lib.domain.period import Filters
from lib.queries.scope import agreement_clause


def enrolment_filter(f: Filters) -> ColumnElement[bool]:
    """Agreement, target group, sub-goal and placement type on Enrolment (joins nothing:
    subqueries)."""
    parts = []
    if f.agreement_ids:
        parts.append(Enrolment.agreement_id.in_(f.agreement_ids))
    if f.target_group_ids:
        parts.append(
            Enrolment.participant_id.in_(
                select(Participant.id).where(Participant.target_group_id.in_(f.target_group_ids))
            )
        )
    if f.sub_goal_ids:
        parts.append(
            Enrolment.id.in_(
                select(Plan.enrolment_id)
                .join(PlanSubGoal, PlanSubGoal.plan_id == Plan.id)
                .where(PlanSubGoal.sub_goal_id.in_(f.sub_goal_ids))
            )
        )
    if f.placement_types:
        parts.append(Enrolment.placement_type.in_(f.placement_types))
    return and_(true(), *parts)


def overlaps_period(f: Filters, today: dt.date | None = None) -> ColumnElement[bool]:
    """Courses that were started (not referral) and ran during some of the period."""
    return and_(
        Enrolment.status != EnrolmentStatus.REFERRAL,
        Enrolment.start_date <= f.as_of(today),
        or_(Enrolment.end_date.is_(None), Enrolment.end_date >= f.start),
    )


@dataclass(frozen=True)
class FilterOptions:
    agreements: dict[int, str]
    target_groups: dict[int, str]
    sub_goals: dict[int, str]


def filter_options(engine: Engine, scope: Scope) -> FilterOptions:
    """What the sidebar offers: the agreements the user works with, the catalogues."""
    with engine.connect() as conn:
        agreements = dict(
            conn.execute(
                select(Agreement.id, Agreement.name)
                .where(agreement_clause(scope))
                .order_by(Agreement.id)
            ).all()
        )
        groups = dict(
            conn.execute(
                select(TargetGroup.id, TargetGroup.label).order_by(TargetGroup.sort_order)
            ).all()
        )
        goals = dict(
            conn.execute(select(SubGoal.id, SubGoal.label).order_by(SubGoal.sort_order)).all()
        )
    return FilterOptions(agreements, groups, goals)


A = TypeVar("A")
B = TypeVar("B")


def side_by_side(beside: Callable[[], A], here: Callable[[], B]) -> tuple[A, B]:
    """(beside(), here()), with beside() on a thread of its own while here() runs: two
    reads on two connections, which the database works on at once (the big reads of
    Opfølgning and Mine resultater at national size)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(beside)
        mine = here()
        return other.result(), mine


def sort_in_memory(conn: Connection) -> None:
    """For the rest of this read's transaction on PostgreSQL: sort and hash in memory up
    to 64 MB. compliance groups every course and evaluation in scope (hundreds of
    thousands at national size), which spilled to disk with the default 4 MB. Not for
    every statement: the progression statements chose slower plans with it (2.1 -> 3.2 s)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL work_mem = '64MB'"))


def matching_participants(search: str) -> ColumnElement[bool]:
    """Participants whose case code or initials contain `search` (any case; % and _ are
    plain characters); everyone when it is blank. For the pickers' searches, in SQL."""
    needle = search.strip().lower()
    if not needle:
        return true()
    return or_(
        func.lower(Participant.case_code).contains(needle, autoescape=True),
        func.lower(Participant.initials).contains(needle, autoescape=True),
    )
