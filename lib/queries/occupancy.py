"""Slot occupancy (belægning) per agreement, counted in SQL.

A slot is in use when an enrolment is active; referrals (visitation) wait for a slot.
Occupancy is an agreement-level count, never a person, so every role sees the counts of
the agreements it works with: a caseworker needs to know whether there is a free slot to
refer a citizen to. Enterprise staff see only their own enterprise's agreements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, Engine, and_, case, func, literal, or_, select

from db.models import Agreement, AgreementSlotPeriod, Enrolment, Enterprise
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus
from lib.domain.rules import add_months
from lib.queries.filters import days_between
from lib.queries.scope import agreement_clause

# An enrolment holds a slot while active; a referral waits for one.
IN_USE = EnrolmentStatus.ACTIVE


IN_REFERRAL = EnrolmentStatus.REFERRAL


def in_use_count(conn, agreement_id: int) -> int:
    """Slots in use on one agreement now (a Connection or a Session: the entry forms count
    inside their write transaction, with the agreement row locked)."""
    return int(
        conn.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.agreement_id == agreement_id, Enrolment.status == IN_USE)
        )
    )


@dataclass(frozen=True)
class AgreementOccupancy:
    agreement_id: int
    agreement: str
    enterprise: str
    slots: int
    in_use: int
    in_referral: int

    @property
    def free(self) -> int:
        return max(self.slots - self.in_use, 0)

    @property
    def occupancy(self) -> float:
        """In use ÷ slots (0..1, may exceed 1 if over-enrolled)."""
        return self.in_use / self.slots if self.slots else 0.0


def occupancy_by_agreement(
    engine: Engine, scope: Scope, agreement_ids: list[int] | None = None
) -> list[AgreementOccupancy]:
    in_use = func.coalesce(func.sum(case((Enrolment.status == IN_USE, 1), else_=0)), 0)
    in_referral = func.coalesce(func.sum(case((Enrolment.status == IN_REFERRAL, 1), else_=0)), 0)
    return _per_agreement(engine, scope, agreement_ids, in_use, in_referral)


def slots_on(day: dt.date):
    """The agreement's slots in force on `day`: its latest dated period from that day or
    before (a change of slots adds one), else the slots it has now."""
    period = (
        select(AgreementSlotPeriod.slots)
        .where(
            AgreementSlotPeriod.agreement_id == Agreement.id,
            AgreementSlotPeriod.valid_from <= day,
        )
        .order_by(AgreementSlotPeriod.valid_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(period, Agreement.slots)


def slot_periods(conn, agreement_ids: list[int]) -> dict[int, list[tuple[dt.date, int]]]:
    """Each agreement's dated slot periods, oldest first (one query)."""
    out: dict[int, list[tuple[dt.date, int]]] = {}
    stmt = (
        select(
            AgreementSlotPeriod.agreement_id,
            AgreementSlotPeriod.valid_from,
            AgreementSlotPeriod.slots,
        )
        .where(AgreementSlotPeriod.agreement_id.in_(agreement_ids))
        .order_by(AgreementSlotPeriod.agreement_id, AgreementSlotPeriod.valid_from)
    )
    for agreement_id, valid_from, slots in conn.execute(stmt):
        out.setdefault(agreement_id, []).append((valid_from, slots))
    return out


def slot_days(
    periods: list[tuple[dt.date, int]], current: int, first: dt.date, last: dt.date
) -> int:
    """Sum over the days first..last of the slots in force on each day (`current` before
    the first period, as for an agreement made before slot history was kept)."""
    if last < first:
        return 0
    total, day = 0, first
    bounds = [(start, slots) for start, slots in periods if start > first]
    slots = next((n for start, n in reversed(periods) if start <= first), current)
    for start, next_slots in bounds:
        if start > last:
            break
        total += slots * (start - day).days
        day, slots = start, next_slots
    return total + slots * ((last - day).days + 1)


def _per_agreement(engine, scope, agreement_ids, in_use, in_referral, slots=None):
    """One AgreementOccupancy per agreement in scope, with the two counts given."""
    slots = Agreement.slots if slots is None else slots
    stmt = (
        select(Agreement.id, Agreement.name, Enterprise.name, slots, in_use, in_referral)
        .join(Enterprise, Enterprise.id == Agreement.enterprise_id)
        .outerjoin(Enrolment, Enrolment.agreement_id == Agreement.id)
        .where(agreement_clause(scope))
        .group_by(Agreement.id, Agreement.name, Enterprise.name, Agreement.slots)
        .order_by(Agreement.id)
    )
    if agreement_ids:
        stmt = stmt.where(Agreement.id.in_(agreement_ids))
    with engine.connect() as conn:
        return [AgreementOccupancy(*r[:4], int(r[4]), int(r[5])) for r in conn.execute(stmt)]


def occupancy_on(
    engine: Engine,
    scope: Scope,
    day: dt.date,
    agreement_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> list[AgreementOccupancy]:
    """Occupancy on a day. From today on it is occupancy_by_agreement (the live count the
    dashboards show); on an earlier day, courses started by then and not ended before it
    are in use, and courses referred by then but not started are in referral."""
    if day >= (today or dt.date.today()):
        return occupancy_by_agreement(engine, scope, agreement_ids)
    used = and_(
        Enrolment.status != IN_REFERRAL,
        Enrolment.start_date <= day,
        or_(Enrolment.end_date.is_(None), Enrolment.end_date >= day),
    )
    referred = and_(
        or_(Enrolment.referred_on.is_(None), Enrolment.referred_on <= day),
        or_(
            Enrolment.status == IN_REFERRAL,
            and_(Enrolment.status != IN_REFERRAL, Enrolment.start_date > day),
        ),
    )
    return _per_agreement(
        engine,
        scope,
        agreement_ids,
        func.coalesce(func.sum(case((used, 1), else_=0)), 0),
        func.coalesce(func.sum(case((referred, 1), else_=0)), 0),
        slots_on(day),
    )


def occupancy_totals(rows: list[AgreementOccupancy]) -> AgreementOccupancy:
    return AgreementOccupancy(
        0,
        "I alt",
        "",
        sum(r.slots for r in rows),
        sum(r.in_use for r in rows),
        sum(r.in_referral for r in rows),
    )


@dataclass(frozen=True)
class MonthOccupancy:
    agreement_id: int
    agreement: str
    month: dt.date  # first day of the month
    used_days: int  # sum over courses of the days in the month they held a slot
    slot_days: int  # slots x days of the month counted (agreement running, up to today)

    @property
    def occupancy(self) -> float | None:
        """Mean daily occupancy in the month: used slot-days ÷ available slot-days."""
        return self.used_days / self.slot_days if self.slot_days else None


def months_pooled(months: list[MonthOccupancy], label: str) -> list[MonthOccupancy]:
    """All agreements' months as one series: used and available slot-days summed, so a
    month's occupancy is the pooled one (not a mean of the agreements' shares)."""
    used: dict[dt.date, int] = {}
    available: dict[dt.date, int] = {}
    for m in months:
        used[m.month] = used.get(m.month, 0) + m.used_days
        available[m.month] = available.get(m.month, 0) + m.slot_days
    return [
        MonthOccupancy(0, label, month, used[month], available[month]) for month in sorted(used)
    ]


def month_starts(last: dt.date, months: int = 12) -> list[dt.date]:
    """First days of the `months` calendar months ending with `last`'s month."""
    first = dt.date(last.year, last.month, 1)
    return [add_months(first, -k) for k in range(months - 1, -1, -1)]


def _greatest(conn, a, b):
    return func.max(a, b) if conn.dialect.name == "sqlite" else func.greatest(a, b)


def _least(conn, a, b):
    return func.min(a, b) if conn.dialect.name == "sqlite" else func.least(a, b)


def monthly_occupancy(
    engine: Engine,
    scope: Scope,
    last: dt.date | None = None,
    agreement_ids: tuple[int, ...] = (),
    months: int = 12,
) -> list[MonthOccupancy]:
    """Occupancy per agreement and calendar month over the `months` months ending with
    `last`'s month (default today). A slot is in use on a day when a started course
    (active or ended, not a referral) covers that day; one SQL aggregate per month column."""
    last = last or dt.date.today()
    starts = month_starts(last, months)
    with engine.connect() as conn:
        columns = []
        for first in starts:
            month_end = min(add_months(first, 1) - dt.timedelta(days=1), last)
            lo = _greatest(conn, Enrolment.start_date, literal(first, Date))
            hi = _least(
                conn,
                func.coalesce(Enrolment.end_date, literal(last, Date)),
                literal(month_end, Date),
            )
            overlap = days_between(conn, lo, hi) + 1
            columns.append(
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(Enrolment.status != EnrolmentStatus.REFERRAL, overlap > 0),
                                overlap,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                )
            )
        stmt = (
            select(Agreement.id, Agreement.name, Agreement.slots, Agreement.start_date, *columns)
            .outerjoin(Enrolment, Enrolment.agreement_id == Agreement.id)
            .where(agreement_clause(scope))
            .group_by(Agreement.id, Agreement.name, Agreement.slots, Agreement.start_date)
            .order_by(Agreement.id)
        )
        if agreement_ids:
            stmt = stmt.where(Agreement.id.in_(agreement_ids))
        rows = conn.execute(stmt).all()
        periods = slot_periods(conn, [row[0] for row in rows])
    out = []
    for agreement_id, name, slots, started, *used in rows:
        for first, used_days in zip(starts, used, strict=True):
            month_end = min(add_months(first, 1) - dt.timedelta(days=1), last)
            counted_from = max(first, started)
            available = slot_days(periods.get(agreement_id, []), slots, counted_from, month_end)
            out.append(MonthOccupancy(agreement_id, name, first, int(used_days), available))
    return out
