"""Outcomes (resultater efter forløb) of ended courses, counted in SQL within scope:
by outcome type, agreement and target group; course length and extensions; share into
job or education; certificates obtained.

Every figure counts the same courses: status ended with an end date in the period
(lib.domain.measures.ENDED); courses without a registered outcome count in n
(JOB_OR_EDUCATION). Mine resultater counts them per caseworker with `outcomes_by_caseworker`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, case, func, select

from db.models import (
    Agreement,
    Certificate,
    CertificateType,
    Enrolment,
    Extension,
    Outcome,
    OutcomeType,
    Participant,
    TargetGroup,
)
from lib.domain.access import Scope
from lib.domain.enums import JOB_OR_EDUCATION, EnrolmentStatus
from lib.domain.period import Filters
from lib.queries.filters import days_between, enrolment_filter
from lib.queries.scope import enrolment_clause

NO_OUTCOME = "Intet resultat registreret"


def _ended_between(start: dt.date, end: dt.date) -> ColumnElement[bool]:
    """Ended courses with their end date in [start, end]."""
    return and_(
        Enrolment.status == EnrolmentStatus.ENDED,
        Enrolment.end_date >= start,
        Enrolment.end_date <= end,
    )


def _ended(scope: Scope, f: Filters) -> ColumnElement[bool]:
    return and_(_ended_between(f.start, f.end), enrolment_clause(scope), enrolment_filter(f))


def _job_or_education_count():
    """Courses whose outcome is job or education (the outcome must be outer-joined)."""
    return func.coalesce(
        func.sum(case((OutcomeType.category.in_(JOB_OR_EDUCATION), 1), else_=0)), 0
    )


def outcome_counts(
    engine: Engine, scope: Scope, f: Filters
) -> list[tuple[str, str, str, str, int]]:
    """(agreement, target group, outcome label, outcome category, courses) for ended
    courses in the period; courses without an outcome get NO_OUTCOME."""
    label = func.coalesce(OutcomeType.label, NO_OUTCOME)
    category = func.coalesce(OutcomeType.category, "none")
    stmt = (
        select(Agreement.name, TargetGroup.label, label, category, func.count())
        .select_from(Enrolment)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(TargetGroup, TargetGroup.id == Participant.target_group_id)
        .outerjoin(Outcome, Outcome.enrolment_id == Enrolment.id)
        .outerjoin(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
        .where(_ended(scope, f))
        .group_by(
            Agreement.id,
            Agreement.name,
            TargetGroup.sort_order,
            TargetGroup.label,
            OutcomeType.sort_order,
            label,
            category,
        )
        .order_by(Agreement.id, TargetGroup.sort_order, OutcomeType.sort_order)
    )
    with engine.connect() as conn:
        return [(r[0], r[1], r[2], r[3], int(r[4])) for r in conn.execute(stmt)]


def outcome_totals(engine: Engine, scope: Scope, f: Filters) -> list[tuple[str, int]]:
    """(outcome label, ended courses) in catalogue order, NO_OUTCOME last: the same
    courses and counts as outcome_counts, summed over agreements and target groups."""
    label = func.coalesce(OutcomeType.label, NO_OUTCOME)
    stmt = (
        select(label, func.count())
        .select_from(Enrolment)
        .outerjoin(Outcome, Outcome.enrolment_id == Enrolment.id)
        .outerjoin(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
        .where(_ended(scope, f))
        .group_by(OutcomeType.id, OutcomeType.sort_order, label)
        .order_by(OutcomeType.sort_order.is_(None), OutcomeType.sort_order)
    )
    with engine.connect() as conn:
        return [(r[0], int(r[1])) for r in conn.execute(stmt)]


def outcome_totals_by_agreement(
    engine: Engine, scope: Scope, f: Filters
) -> dict[int, list[tuple[str, int]]]:
    """outcome_totals for each agreement of the filter, in one statement (GROUP BY
    agreement) instead of one per agreement: the committee report's question 7. Each
    agreement's list is in outcome_totals' order."""
    label = func.coalesce(OutcomeType.label, NO_OUTCOME)
    stmt = (
        select(Enrolment.agreement_id, label, func.count())
        .select_from(Enrolment)
        .outerjoin(Outcome, Outcome.enrolment_id == Enrolment.id)
        .outerjoin(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
        .where(_ended(scope, f))
        .group_by(Enrolment.agreement_id, OutcomeType.id, OutcomeType.sort_order, label)
        .order_by(Enrolment.agreement_id, OutcomeType.sort_order.is_(None), OutcomeType.sort_order)
    )
    out: dict[int, list[tuple[str, int]]] = {}
    with engine.connect() as conn:
        for agreement_id, name, n in conn.execute(stmt):
            out.setdefault(agreement_id, []).append((name, int(n)))
    return out


@dataclass(frozen=True)
class LengthSummary:
    agreement_id: int
    agreement: str
    ended: int
    mean_weeks: float | None
    extensions: int
    extended_courses: int
    job_or_education: int

    @property
    def job_or_education_share(self) -> float | None:
        return self.job_or_education / self.ended if self.ended else None

    @property
    def extended_share(self) -> float | None:
        return self.extended_courses / self.ended if self.ended else None


def course_lengths(engine: Engine, scope: Scope, f: Filters) -> list[LengthSummary]:
    """Per agreement: ended courses, mean length in weeks, extensions, job/education."""
    ext = (
        select(Extension.enrolment_id, func.count().label("n"))
        .group_by(Extension.enrolment_id)
        .subquery()
    )
    n_ext = func.coalesce(ext.c.n, 0)
    with engine.connect() as conn:
        days = days_between(conn, Enrolment.start_date, Enrolment.end_date)
        stmt = (
            select(
                Agreement.id,
                Agreement.name,
                func.count(),
                func.avg((days + 1) / 7.0),
                func.coalesce(func.sum(n_ext), 0),
                func.coalesce(func.sum(case((n_ext > 0, 1), else_=0)), 0),
                _job_or_education_count(),
            )
            .select_from(Enrolment)
            .join(Agreement, Agreement.id == Enrolment.agreement_id)
            .outerjoin(ext, ext.c.enrolment_id == Enrolment.id)
            .outerjoin(Outcome, Outcome.enrolment_id == Enrolment.id)
            .outerjoin(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
            .where(_ended(scope, f))
            .group_by(Agreement.id, Agreement.name)
            .order_by(Agreement.id)
        )
        return [
            LengthSummary(
                r[0], r[1], int(r[2]), float(r[3]) if r[3] is not None else None, *map(int, r[4:])
            )
            for r in conn.execute(stmt)
        ]


def total_lengths(rows: list[LengthSummary]) -> LengthSummary:
    ended = sum(r.ended for r in rows)
    weeks = sum((r.mean_weeks or 0) * r.ended for r in rows)
    return LengthSummary(
        0,
        "I alt",
        ended,
        weeks / ended if ended else None,
        sum(r.extensions for r in rows),
        sum(r.extended_courses for r in rows),
        sum(r.job_or_education for r in rows),
    )


def certificates(engine: Engine, scope: Scope, f: Filters) -> list[tuple[str, str, int]]:
    """(agreement, certificate, obtained) in the period, from the certificate records
    (named by their catalogue entry; a row from before the catalogue by its own name)."""
    name = func.coalesce(CertificateType.label, Certificate.name)
    stmt = (
        select(Agreement.name, name, func.count())
        .select_from(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(CertificateType, CertificateType.id == Certificate.certificate_type_id)
        .where(
            Certificate.obtained_on >= f.start,
            Certificate.obtained_on <= f.end,
            enrolment_clause(scope),
            enrolment_filter(f),
        )
        .group_by(Agreement.id, Agreement.name, name)
        .order_by(Agreement.id, name)
    )
    with engine.connect() as conn:
        return [(r[0], r[1], int(r[2])) for r in conn.execute(stmt)]


def certificates_by_agreement(
    engine: Engine, scope: Scope, f: Filters
) -> dict[int, list[tuple[str, int]]]:
    """certificates keyed by agreement id, (certificate, obtained) in certificates' order:
    one statement for all agreements of the filter (the committee report's question 6)."""
    name = func.coalesce(CertificateType.label, Certificate.name)
    stmt = (
        select(Enrolment.agreement_id, name, func.count())
        .select_from(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .outerjoin(CertificateType, CertificateType.id == Certificate.certificate_type_id)
        .where(
            Certificate.obtained_on >= f.start,
            Certificate.obtained_on <= f.end,
            enrolment_clause(scope),
            enrolment_filter(f),
        )
        .group_by(Enrolment.agreement_id, name)
        .order_by(Enrolment.agreement_id, name)
    )
    out: dict[int, list[tuple[str, int]]] = {}
    with engine.connect() as conn:
        for agreement_id, label, n in conn.execute(stmt):
            out.setdefault(agreement_id, []).append((label, int(n)))
    return out


def outcomes_in_year(engine: Engine, scope: Scope, year: int) -> tuple[int, int]:
    """(courses ended in the calendar year, of which into job or education): the
    JOB_OR_EDUCATION measure over the year, courses without an outcome counted in n."""
    stmt = (
        select(func.count(), _job_or_education_count())
        .select_from(Enrolment)
        .outerjoin(Outcome, Outcome.enrolment_id == Enrolment.id)
        .outerjoin(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
        .where(_ended_between(dt.date(year, 1, 1), dt.date(year, 12, 31)), enrolment_clause(scope))
    )
    with engine.connect() as conn:
        n, good = conn.execute(stmt).one()
    return int(n), int(good)


@dataclass(frozen=True)
class CaseworkerOutcomes:
    """One caseworker's courses ended in the period, by outcome label (NO_OUTCOME for
    none registered), and how many went into job or education."""

    ended: int
    job_or_education: int
    by_outcome: dict[str, int]


def outcomes_by_caseworker(engine: Engine, f: Filters) -> dict[int | None, CaseworkerOutcomes]:
    """The whole job centre's ended courses in the period per caseworker (key: user id,
    None: no caseworker), the same courses and outcome labels as outcome_totals. Counts
    only: for Mine resultater, which shows a caseworker their own group and the sum of all
    groups, never another caseworker's."""
    label = func.coalesce(OutcomeType.label, NO_OUTCOME)
    stmt = (
        select(Participant.caseworker_id, label, func.count(), _job_or_education_count())
        .select_from(Enrolment)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .outerjoin(Outcome, Outcome.enrolment_id == Enrolment.id)
        .outerjoin(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
        .where(_ended_between(f.start, f.end), enrolment_filter(f))
        .group_by(Participant.caseworker_id, OutcomeType.sort_order, label)
        .order_by(OutcomeType.sort_order.is_(None), OutcomeType.sort_order)
    )
    rows: dict[int | None, list[tuple[str, int, int]]] = {}
    with engine.connect() as conn:
        for key, outcome, n, good in conn.execute(stmt):
            rows.setdefault(key, []).append((outcome, int(n), int(good)))
    return {
        key: CaseworkerOutcomes(
            sum(n for _, n, _ in found),
            sum(good for _, _, good in found),
            {outcome: n for outcome, n, _ in found},
        )
        for key, found in rows.items()
    }
