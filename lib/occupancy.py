"""Slot occupancy (belægning) per agreement, counted in SQL.

A slot is in use when an enrolment is active; referrals (visitation) wait for a slot.
Occupancy is an agreement-level count, never a person, so every role sees the counts of
the agreements it works with: a caseworker needs to know whether there is a free slot to
refer a citizen to. Enterprise staff see only their own enterprise's agreements.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, case, func, select

from db.models import Agreement, Enrolment, Enterprise
from lib.scope import Scope, agreement_clause


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
    in_use = func.coalesce(func.sum(case((Enrolment.status == "active", 1), else_=0)), 0)
    in_referral = func.coalesce(func.sum(case((Enrolment.status == "referral", 1), else_=0)), 0)
    stmt = (
        select(
            Agreement.id,
            Agreement.name,
            Enterprise.name,
            Agreement.slots,
            in_use,
            in_referral,
        )
        .join(Enterprise, Enterprise.id == Agreement.enterprise_id)
        .outerjoin(Enrolment, Enrolment.agreement_id == Agreement.id)
        .where(agreement_clause(scope))
        .group_by(Agreement.id, Agreement.name, Enterprise.name, Agreement.slots)
        .order_by(Agreement.id)
    )
    if agreement_ids:
        stmt = stmt.where(Agreement.id.in_(agreement_ids))
    with engine.connect() as conn:
        return [AgreementOccupancy(*row) for row in conn.execute(stmt)]


def occupancy_totals(rows: list[AgreementOccupancy]) -> AgreementOccupancy:
    return AgreementOccupancy(
        0,
        "I alt",
        "",
        sum(r.slots for r in rows),
        sum(r.in_use for r in rows),
        sum(r.in_referral for r in rows),
    )
