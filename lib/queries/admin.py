"""Reads for the administration pages: users, enterprises, agreements with their dated
slot periods, and catalogue entries with how often each is used. Not personal data about
participants, and only admins reach these pages; no Streamlit here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, func, literal, select

from db.models import (
    Agreement,
    AgreementSlotPeriod,
    AgreementTargetGroup,
    Enrolment,
    Enterprise,
    EvaluationScore,
    Outcome,
    OutcomeType,
    Participant,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalSubElement,
    SignInThrottle,
    SubElement,
    SubGoal,
    TargetGroup,
    User,
)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    enterprise: str | None
    is_active: bool
    locked_until: dt.datetime | None
    failed_sign_ins: int
    must_change_password: bool
    email: str | None = None  # single sign-on (lib.security.sso)
    oidc_subject: str | None = None


def users(engine: Engine) -> list[UserRow]:
    stmt = (
        select(
            User.id,
            User.username,
            User.display_name,
            User.role,
            Enterprise.name,
            User.is_active,
            # The sign-in back-off per username (lib.security.sign_in.user_throttle_key).
            SignInThrottle.blocked_until,
            func.coalesce(SignInThrottle.failures, 0),
            User.must_change_password,
            User.email,
            User.oidc_subject,
        )
        .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
        .outerjoin(
            SignInThrottle, SignInThrottle.key == literal("user:") + func.lower(User.username)
        )
        .order_by(User.is_active.desc(), User.username)
    )
    with engine.connect() as conn:
        return [UserRow(*row) for row in conn.execute(stmt)]


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    name: str
    cvr: str | None
    contact_persons: str
    address: str
    version: int
    agreements: int


def enterprises(engine: Engine) -> list[EnterpriseRow]:
    count = (
        select(func.count())
        .select_from(Agreement)
        .where(Agreement.enterprise_id == Enterprise.id)
        .scalar_subquery()
    )
    stmt = select(
        Enterprise.id,
        Enterprise.name,
        Enterprise.cvr,
        Enterprise.contact_persons,
        Enterprise.address,
        Enterprise.version,
        count,
    ).order_by(Enterprise.name)
    with engine.connect() as conn:
        return [EnterpriseRow(*row) for row in conn.execute(stmt)]


@dataclass(frozen=True)
class AgreementRow:
    id: int
    name: str
    enterprise_id: int
    enterprise: str
    slots: int
    start_date: dt.date
    end_date: dt.date | None
    evaluation_interval_months: int
    review_cadence: str
    jobcentre_contact: str
    enterprise_contact: str
    version: int
    courses: int
    target_group_ids: tuple[int, ...]
    slot_periods: tuple[tuple[dt.date, int], ...]  # (valid from, slots), oldest first


def agreements(engine: Engine) -> list[AgreementRow]:
    courses = (
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.agreement_id == Agreement.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            Agreement.id,
            Agreement.name,
            Agreement.enterprise_id,
            Enterprise.name,
            Agreement.slots,
            Agreement.start_date,
            Agreement.end_date,
            Agreement.evaluation_interval_months,
            Agreement.review_cadence,
            Agreement.jobcentre_contact,
            Agreement.enterprise_contact,
            Agreement.version,
            courses,
        )
        .join(Enterprise, Enterprise.id == Agreement.enterprise_id)
        .order_by(Agreement.name)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        groups: dict[int, list[int]] = {}
        for aid, gid in conn.execute(
            select(AgreementTargetGroup.agreement_id, AgreementTargetGroup.target_group_id)
        ):
            groups.setdefault(aid, []).append(gid)
        periods: dict[int, list[tuple[dt.date, int]]] = {}
        for aid, valid_from, slots in conn.execute(
            select(
                AgreementSlotPeriod.agreement_id,
                AgreementSlotPeriod.valid_from,
                AgreementSlotPeriod.slots,
            ).order_by(AgreementSlotPeriod.agreement_id, AgreementSlotPeriod.valid_from)
        ):
            periods.setdefault(aid, []).append((valid_from, slots))
    return [
        AgreementRow(
            *(
                *row,
                tuple(sorted(groups.get(row[0], []))),
                tuple(periods.get(row[0], [])),
            )
        )
        for row in cast(list[tuple[Any, ...]], rows)
    ]


@dataclass(frozen=True)
class CatalogueEntry:
    id: int
    label: str
    retired: bool
    uses: int
    category: str | None = None  # outcome types
    parameter_id: int | None = None  # sub-elements


def _uses(conn, column, group_by) -> dict[int, int]:
    return {
        k: int(n) for k, n in conn.execute(select(group_by, func.count(column)).group_by(group_by))
    }


def catalogue_entries(engine: Engine, kind: str) -> list[CatalogueEntry]:
    """The entries of one catalogue (target_group, sub_goal, sub_element, outcome_type) with
    how many records use each (an entry in use is renamed or retired, never deleted)."""
    with engine.connect() as conn:
        if kind == "target_group":
            uses = _uses(conn, Participant.id, Participant.target_group_id)
            for aid_gid in conn.execute(
                select(AgreementTargetGroup.target_group_id, func.count()).group_by(
                    AgreementTargetGroup.target_group_id
                )
            ):
                uses[aid_gid[0]] = uses.get(aid_gid[0], 0) + int(aid_gid[1])
            rows = conn.execute(
                select(TargetGroup.id, TargetGroup.label, TargetGroup.retired).order_by(
                    TargetGroup.sort_order, TargetGroup.id
                )
            )
            return [CatalogueEntry(i, label, r, uses.get(i, 0)) for i, label, r in rows]
        if kind == "sub_goal":
            uses = _uses(conn, PlanSubGoal.id, PlanSubGoal.sub_goal_id)
            goal_rows = conn.execute(
                select(SubGoal.id, SubGoal.label, SubGoal.retired).order_by(
                    SubGoal.sort_order, SubGoal.id
                )
            )
            return [CatalogueEntry(i, label, r, uses.get(i, 0)) for i, label, r in goal_rows]
        if kind == "outcome_type":
            uses = _uses(conn, Outcome.id, Outcome.outcome_type_id)
            outcome_rows = conn.execute(
                select(
                    OutcomeType.id, OutcomeType.label, OutcomeType.retired, OutcomeType.category
                ).order_by(OutcomeType.sort_order, OutcomeType.id)
            )
            return [
                CatalogueEntry(i, lab, r, uses.get(i, 0), cat) for i, lab, r, cat in outcome_rows
            ]
        if kind == "sub_element":
            uses = _uses(
                conn, PlanSubGoalSubElement.plan_sub_goal_id, PlanSubGoalSubElement.sub_element_id
            )
            for counts in (
                _uses(conn, PlanScore.id, PlanScore.sub_element_id),
                _uses(conn, EvaluationScore.id, EvaluationScore.sub_element_id),
            ):
                for k, n in counts.items():
                    if k is not None:
                        uses[k] = uses.get(k, 0) + n
            element_rows = conn.execute(
                select(
                    SubElement.id, SubElement.label, SubElement.retired, SubElement.parameter_id
                ).order_by(SubElement.parameter_id, SubElement.sort_order, SubElement.id)
            )
            return [
                CatalogueEntry(i, lab, r, uses.get(i, 0), None, pid)
                for i, lab, r, pid in element_rows
            ]
    raise ValueError(f"unknown catalogue {kind}")
