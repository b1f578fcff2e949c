"""Progression per parameter and sub-element: baseline (the first plan's scores) against
the latest evaluation's scores, counted in SQL within the user's scope.

Only participants with a baseline AND at least one later evaluation scoring the same
parameter count towards a change; n says how many that is (lib.domain.measures.MEAN_CHANGE
and OVERALL_CHANGE). All figures come from one query of pairs (`_pairs`, one row of
score_span each, kept by db.summaries): the dashboards'
within the user's scope, Mine resultater's grouped by caseworker. The one-participant rule
is rules.score_change / rules.mean_change; tests/test_measure_properties.py checks these
aggregates against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)

from db.models import (
    Enrolment,
    Evaluation,
    EvaluationFollowUp,
    EvaluationScore,
    Parameter,
    Participant,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalSubElement,
    ScoreLevel,
    ScoreSpan,
    SubElement,
)
from lib.domain.access import Scope
from lib.domain.period import Filters
from lib.queries.filters import enrolment_filter, overlaps_period
from lib.queries.scope import enrolment_clause


@dataclass(frozen=True)
class ParameterChange:
    parameter_id: int
    code: str
    label: str
    sub_element_id: int | None
    sub_element: str | None
    mean_change: float | None
    n: int
    improved: int
    unchanged: int
    worse: int
    mean_baseline: float | None
    mean_latest: float | None


def _courses(clause: ColumnElement[bool], f: Filters, today: dt.date | None) -> Select:
    """Ids of the courses matching `clause` and the filter that ran during the period."""
    return select(Enrolment.id).where(clause, enrolment_filter(f), overlaps_period(f, today))


def _scoped_courses(scope: Scope, f: Filters, today: dt.date | None) -> Select:
    return _courses(enrolment_clause(scope), f, today)


def _scoped_pairs(scope: Scope, f: Filters, today: dt.date | None):
    return _pairs(_scoped_courses(scope, f, today), f.as_of(today))


def _pairs(courses: Select, as_of: dt.date):
    """Subquery: enrolment, parameter, sub-element key (0 = the parameter as a whole),
    baseline score and latest score up to as_of, one row per participant and
    (sub-)parameter, for the courses whose ids `courses` selects.

    One row of score_span (db.summaries) each: the span that runs on as_of, where the
    first plan, made by then, scored the same. Before the spans this was a window over
    every evaluation score joined to the first plans' scores."""
    s = ScoreSpan
    return (
        select(
            s.enrolment_id, s.parameter_id, s.sub_key,
            s.baseline.label("baseline"), s.score.label("latest"),
        )
        .where(s.enrolment_id.in_(courses), s.baseline_on <= as_of, s.valid_from <= as_of,
               or_(s.valid_until.is_(None), s.valid_until > as_of))
        .subquery()
    )  # fmt: skip


def parameter_changes(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> list[ParameterChange]:
    """Mean change per parameter (sub_element None) and per scored sub-element, with n.
    Every parameter is listed, with n = 0 where nobody has a baseline and a later score."""
    pairs = _scoped_pairs(scope, f, today)
    diff = pairs.c.latest - pairs.c.baseline
    agg = (
        select(
            pairs.c.parameter_id,
            pairs.c.sub_key,
            func.avg(diff * 1.0),
            func.count(),
            func.sum(case((diff > 0, 1), else_=0)),
            func.sum(case((diff == 0, 1), else_=0)),
            func.sum(case((diff < 0, 1), else_=0)),
            func.avg(pairs.c.baseline * 1.0),
            func.avg(pairs.c.latest * 1.0),
        )
        .group_by(pairs.c.parameter_id, pairs.c.sub_key)
        .subquery()
    )
    stmt = (
        select(
            Parameter.id,
            Parameter.code,
            Parameter.label,
            SubElement.id,
            SubElement.label,
            *list(agg.c)[2:],
        )
        .select_from(Parameter)
        .outerjoin(agg, agg.c.parameter_id == Parameter.id)
        .outerjoin(SubElement, SubElement.id == agg.c.sub_key)
        .order_by(Parameter.sort_order, SubElement.sort_order)
    )
    out = []
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            n = int(r[6] or 0)
            out.append(
                ParameterChange(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    float(r[5]) if n else None,
                    n,
                    int(r[7] or 0),
                    int(r[8] or 0),
                    int(r[9] or 0),
                    float(r[10]) if n else None,
                    float(r[11]) if n else None,
                )
            )
    return out


@dataclass(frozen=True)
class OverallChange:
    n: int
    mean_baseline: float | None
    mean_latest: float | None
    mean_change: float | None


def _per_participant(pairs):
    """Subquery: each participant's mean baseline (b) and mean latest score (l) over their
    parameter-level pairs."""
    return (
        select(
            pairs.c.enrolment_id,
            func.avg(pairs.c.baseline * 1.0).label("b"),
            func.avg(pairs.c.latest * 1.0).label("l"),
        )
        .where(pairs.c.sub_key == 0)
        .group_by(pairs.c.enrolment_id)
        .subquery()
    )


def overall_change(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> OverallChange:
    """All parameters together: each participant's own mean over their parameter-level
    pairs first, so one scored on three parameters weighs as much as one scored on one;
    then the mean over participants (n), from the same pairs as parameter_changes."""
    per_person = _per_participant(_scoped_pairs(scope, f, today))
    stmt = select(
        func.count(per_person.c.enrolment_id),
        func.avg(per_person.c.b),
        func.avg(per_person.c.l),
        func.avg(per_person.c.l - per_person.c.b),
    )
    with engine.connect() as conn:
        n, b, latest, change = conn.execute(stmt).one()
    n = int(n or 0)
    return OverallChange(
        n,
        float(b) if n else None,
        float(latest) if n else None,
        float(change) if n else None,
    )


@dataclass(frozen=True)
class AgreementProgression:
    """An agreement's progression: per parameter (parameter id -> the parameter-level
    ParameterChange, only those with n > 0) and over participants (OverallChange)."""

    by_parameter: dict[int, ParameterChange]
    overall: OverallChange


def progression_by_agreement(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> dict[int, AgreementProgression]:
    """parameter_changes (parameter level) and overall_change for each agreement of the
    filter, in two statements (GROUP BY agreement) whatever the number of agreements: the
    committee report's question 6. The same pairs and the same averages as those two."""
    pairs = _scoped_pairs(scope, f, today)
    keyed = (
        select(*pairs.c, Enrolment.agreement_id)
        .join(Enrolment, Enrolment.id == pairs.c.enrolment_id)
        .where(pairs.c.sub_key == 0)
        .subquery()
    )
    diff = keyed.c.latest - keyed.c.baseline
    per_parameter = (
        select(
            keyed.c.agreement_id,
            Parameter.id,
            Parameter.code,
            Parameter.label,
            func.avg(diff * 1.0),
            func.count(),
            func.sum(case((diff > 0, 1), else_=0)),
            func.sum(case((diff == 0, 1), else_=0)),
            func.sum(case((diff < 0, 1), else_=0)),
            func.avg(keyed.c.baseline * 1.0),
            func.avg(keyed.c.latest * 1.0),
        )
        .join(Parameter, Parameter.id == keyed.c.parameter_id)
        .group_by(keyed.c.agreement_id, Parameter.id, Parameter.code, Parameter.label)
    )
    person = (
        select(
            keyed.c.agreement_id,
            keyed.c.enrolment_id,
            func.avg(keyed.c.baseline * 1.0).label("b"),
            func.avg(keyed.c.latest * 1.0).label("l"),
        )
        .group_by(keyed.c.agreement_id, keyed.c.enrolment_id)
        .subquery()
    )
    overall = select(
        person.c.agreement_id,
        func.count(person.c.enrolment_id),
        func.avg(person.c.b),
        func.avg(person.c.l),
        func.avg(person.c.l - person.c.b),
    ).group_by(person.c.agreement_id)
    out: dict[int, AgreementProgression] = {}
    with engine.connect() as conn:
        for r in conn.execute(overall):
            n = int(r[1] or 0)
            out[r[0]] = AgreementProgression(
                {},
                OverallChange(
                    n,
                    float(r[2]) if n else None,
                    float(r[3]) if n else None,
                    float(r[4]) if n else None,
                ),
            )
        for r in conn.execute(per_parameter):
            n = int(r[5] or 0)
            change = ParameterChange(
                r[1],
                r[2],
                r[3],
                None,
                None,
                float(r[4]) if n else None,
                n,
                int(r[6] or 0),
                int(r[7] or 0),
                int(r[8] or 0),
                float(r[9]) if n else None,
                float(r[10]) if n else None,
            )
            out.setdefault(r[0], AgreementProgression({}, OverallChange(0, None, None, None)))
            out[r[0]].by_parameter[r[1]] = change
    return out


@dataclass(frozen=True)
class ChangeSums:
    """Sums over a group's baseline -> latest changes, so that groups add up (the whole
    centre is the sum of its caseworkers): mean change = total_change / n."""

    n: int = 0
    total_change: float = 0.0
    improved: int = 0

    def __add__(self, other: ChangeSums) -> ChangeSums:
        return ChangeSums(
            self.n + other.n,
            self.total_change + other.total_change,
            self.improved + other.improved,
        )

    @property
    def mean_change(self) -> float | None:
        return self.total_change / self.n if self.n else None

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.n if self.n else None


@dataclass(frozen=True)
class CaseworkerProgression:
    """One caseworker's participants: per parameter code (the parameter as a whole), as
    parameter_changes counts it; and overall, one change per participant, as
    overall_change counts it."""

    by_parameter: dict[str, ChangeSums]
    overall: ChangeSums


def _sums(change):
    """count, sum of change, improved: the ChangeSums columns of an aggregate."""
    return (
        func.count(),
        func.coalesce(func.sum(change * 1.0), 0),
        func.coalesce(func.sum(case((change > 0, 1), else_=0)), 0),
    )


def progression_by_caseworker(
    engine: Engine, f: Filters, today: dt.date | None = None
) -> dict[int | None, CaseworkerProgression]:
    """The whole job centre's progression per caseworker (key: user id, None: no
    caseworker), from the same pairs as the Progression page: courses that ran during the
    period, latest score up to its end. Sums only: for Mine resultater, which shows a
    caseworker their own group and the sum of all groups, never another caseworker's."""
    pairs = _pairs(_courses(true(), f, today), f.as_of(today))
    per_person = _per_participant(pairs)
    caseworker = (
        select(Enrolment.id.label("enrolment_id"), Participant.caseworker_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .subquery()
    )
    by_parameter = (
        select(
            caseworker.c.caseworker_id, Parameter.code, *_sums(pairs.c.latest - pairs.c.baseline)
        )
        .select_from(pairs)
        .join(caseworker, caseworker.c.enrolment_id == pairs.c.enrolment_id)
        .join(Parameter, Parameter.id == pairs.c.parameter_id)
        .where(pairs.c.sub_key == 0)
        .group_by(caseworker.c.caseworker_id, Parameter.code)
    )
    overall = (
        select(caseworker.c.caseworker_id, *_sums(per_person.c.l - per_person.c.b))
        .select_from(per_person)
        .join(caseworker, caseworker.c.enrolment_id == per_person.c.enrolment_id)
        .group_by(caseworker.c.caseworker_id)
    )
    out: dict[int | None, CaseworkerProgression] = {}
    with engine.connect() as conn:
        for key, n, total, improved in conn.execute(overall):
            out[key] = CaseworkerProgression({}, ChangeSums(int(n), float(total), int(improved)))
        for key, code, n, total, improved in conn.execute(by_parameter):
            out[key].by_parameter[code] = ChangeSums(int(n), float(total), int(improved))
    return out


def score_distribution(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> list[tuple[str, str, str, int, int]]:
    """(parameter code, parameter label, 'Baseline'/'Seneste', score, participants) for
    parameter-level scores of the participants counted in the change (same n)."""
    pairs = _scoped_pairs(scope, f, today)
    # Each pair counted twice, once per moment, in one pass over the pairs: a union of two
    # selects built the pairs (a window over every score in the period) twice, ~5 s each
    # at national size.
    moments = union_all(
        select(literal("Baseline").label("moment")), select(literal("Seneste").label("moment"))
    ).subquery()
    score = case((moments.c.moment == "Baseline", pairs.c.baseline), else_=pairs.c.latest)
    counted = (
        select(
            pairs.c.parameter_id.label("parameter_id"),
            moments.c.moment,
            score.label("score"),
            func.count().label("n"),
        )
        .select_from(pairs)
        .join(moments, true())
        .where(pairs.c.sub_key == 0)
        .group_by(pairs.c.parameter_id, moments.c.moment, score)
        .subquery()
    )
    stmt = (
        select(Parameter.code, Parameter.label, counted.c.moment, counted.c.score, counted.c.n)
        .join(counted, counted.c.parameter_id == Parameter.id)
        .order_by(Parameter.sort_order, counted.c.moment, counted.c.score)
    )
    with engine.connect() as conn:
        return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in conn.execute(stmt)]


def sub_element_focus(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> list[tuple[str, str, int]]:
    """(parameter label, sub-element label, participants working on it) from the plans:
    which sub-elements the sub-goals are worked on through."""
    courses = _scoped_courses(scope, f, today)
    stmt = (
        select(Parameter.label, SubElement.label, func.count(func.distinct(Plan.enrolment_id)))
        .select_from(PlanSubGoalSubElement)
        .join(PlanSubGoal, PlanSubGoal.id == PlanSubGoalSubElement.plan_sub_goal_id)
        .join(Plan, Plan.id == PlanSubGoal.plan_id)
        .join(SubElement, SubElement.id == PlanSubGoalSubElement.sub_element_id)
        .join(Parameter, Parameter.id == SubElement.parameter_id)
        .where(Plan.enrolment_id.in_(courses))
        .group_by(Parameter.sort_order, Parameter.label, SubElement.sort_order, SubElement.label)
        .order_by(Parameter.sort_order, SubElement.sort_order)
    )
    with engine.connect() as conn:
        return [(r[0], r[1], int(r[2])) for r in conn.execute(stmt)]


def score_levels(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                select(ScoreLevel.value, ScoreLevel.label).order_by(ScoreLevel.value)
            ).all()
        )


def parameters(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as conn:
        return [
            (r.id, r.code, r.label)
            for r in conn.execute(
                select(Parameter.id, Parameter.code, Parameter.label).order_by(Parameter.sort_order)
            )
        ]


def trajectories(
    engine: Engine,
    scope: Scope,
    f: Filters,
    parameter_id: int,
    today: dt.date | None = None,
    limit: int | None = None,
) -> list[tuple[str, dt.date, int, str]]:
    """(case code, date, score, 'Baseline'/'Evaluering') per participant for one parameter,
    up to the period's end: baseline from the first plan, then each evaluation. With
    `limit`, only the first `limit` courses with a baseline by case code (a chart of
    100,000 lines helps nobody and does not reach the browser)."""
    as_of = f.as_of(today)
    courses = _scoped_courses(scope, f, today)
    if limit is not None:
        courses = (
            select(Enrolment.id)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(
                Enrolment.id.in_(courses),
                Enrolment.id.in_(select(Plan.enrolment_id).where(Plan.version_no == 1)),
            )
            .order_by(Participant.case_code)
            .limit(limit)
        )
    base = (
        select(
            Plan.enrolment_id.label("enrolment_id"),
            Plan.created_on.label("day"),
            PlanScore.score.label("score"),
            literal("Baseline").label("moment"),
        )
        .join(PlanScore, PlanScore.plan_id == Plan.id)
        .where(
            Plan.version_no == 1,
            Plan.enrolment_id.in_(courses),
            Plan.created_on <= as_of,
            PlanScore.parameter_id == parameter_id,
            PlanScore.sub_element_id.is_(None),
        )
    )
    evals = (
        select(
            Evaluation.enrolment_id,
            Evaluation.evaluated_on,
            EvaluationScore.score,
            literal("Evaluering"),
        )
        .join(EvaluationScore, EvaluationScore.evaluation_id == Evaluation.id)
        .where(
            Evaluation.enrolment_id.in_(courses),
            Evaluation.evaluated_on <= as_of,
            EvaluationScore.parameter_id == parameter_id,
            EvaluationScore.sub_element_id.is_(None),
        )
    )
    points = union_all(base, evals).subquery()
    stmt = (
        select(Participant.case_code, points.c.day, points.c.score, points.c.moment)
        .join(Enrolment, Enrolment.id == points.c.enrolment_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .order_by(Participant.case_code, points.c.day)
    )
    with engine.connect() as conn:
        return [(r[0], r[1], int(r[2]), r[3]) for r in conn.execute(stmt)]


def _with_baseline(scope: Scope, f: Filters, today: dt.date | None) -> ColumnElement[bool]:
    return and_(
        Enrolment.id.in_(_scoped_courses(scope, f, today)),
        Enrolment.id.in_(select(Plan.enrolment_id).where(Plan.version_no == 1)),
    )


def participants_with_baseline(
    engine: Engine,
    scope: Scope,
    f: Filters,
    today: dt.date | None = None,
    search: str = "",
    limit: int | None = None,
    first: int | None = None,
) -> list[tuple[int, str]]:
    """(enrolment id, case code) of courses in scope and filter that have a baseline, by
    case code. `search`: only case codes containing it (any case); `limit`: at most that
    many; `first`: that course (if listed) before the others. Search and limit run in SQL,
    so a picker never reads a national caseload."""
    leading: list[ColumnElement[int]] = []
    if first is not None:
        leading.append(case((Enrolment.id == first, 0), else_=1))
    stmt = (
        select(Enrolment.id, Participant.case_code)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(_with_baseline(scope, f, today))
        .order_by(*leading, Participant.case_code, Enrolment.id)
        .limit(limit)
    )
    if search.strip():
        needle = search.strip().lower()
        stmt = stmt.where(func.lower(Participant.case_code).contains(needle, autoescape=True))
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(stmt)]


def count_with_baseline(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> int:
    """How many courses participants_with_baseline lists without search and limit."""
    stmt = select(func.count()).select_from(Enrolment).where(_with_baseline(scope, f, today))
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def fullest_star(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> int | None:
    """The enrolment id of the default participant for the star chart: of the courses
    participants_with_baseline lists, the one with the most parameters scored at the latest
    evaluation up to the period's end, then at baseline, then the first by case code (as
    star_scores counts them; the latest evaluation and its count from evaluation_follow_up,
    db.summaries). One query, however many participants."""
    courses = _scoped_courses(scope, f, today)
    as_of = f.as_of(today)
    # The latest evaluation as of the day: the one whose next is later (or none).
    fu = EvaluationFollowUp
    now = (
        select(fu.enrolment_id, fu.scored.label("n"))
        .where(
            fu.enrolment_id.in_(courses),
            fu.evaluated_on <= as_of,
            or_(fu.next_on.is_(None), fu.next_on > as_of),
        )
        .subquery()
    )
    base = (
        select(
            Plan.enrolment_id.label("enrolment_id"),
            func.count(func.distinct(PlanScore.parameter_id)).label("n"),
        )
        .join(PlanScore, PlanScore.plan_id == Plan.id)
        .where(
            Plan.version_no == 1,
            Plan.enrolment_id.in_(courses),
            PlanScore.sub_element_id.is_(None),
        )
        .group_by(Plan.enrolment_id)
        .subquery()
    )
    stmt = (
        select(Enrolment.id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .outerjoin(now, now.c.enrolment_id == Enrolment.id)
        .outerjoin(base, base.c.enrolment_id == Enrolment.id)
        .where(
            Enrolment.id.in_(courses),
            Enrolment.id.in_(select(Plan.enrolment_id).where(Plan.version_no == 1)),
        )
        .order_by(
            func.coalesce(now.c.n, 0).desc(),
            func.coalesce(base.c.n, 0).desc(),
            Participant.case_code,
        )
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.scalar(stmt)


@dataclass(frozen=True)
class StarScores:
    case_code: str
    baseline_on: dt.date | None
    latest_on: dt.date | None
    rows: list[tuple[str, str, int | None, int | None]]  # code, label, baseline, latest


def star_scores(
    engine: Engine, scope: Scope, enrolment_id: int, as_of: dt.date | None = None
) -> StarScores | None:
    """One participant's parameter scores at baseline and at the latest evaluation (the
    star chart). None when the course is out of scope."""
    as_of = as_of or dt.date.today()
    with engine.connect() as conn:
        code = conn.scalar(
            select(Participant.case_code)
            .join(Enrolment, Enrolment.participant_id == Participant.id)
            .where(Enrolment.id == enrolment_id, enrolment_clause(scope))
        )
        if code is None:
            return None
        base_row = conn.execute(
            select(Plan.id, Plan.created_on).where(
                Plan.enrolment_id == enrolment_id, Plan.version_no == 1
            )
        ).first()
        baseline: dict[int, int] = {}
        if base_row:
            baseline = dict(
                conn.execute(
                    select(PlanScore.parameter_id, PlanScore.score).where(
                        PlanScore.plan_id == base_row[0], PlanScore.sub_element_id.is_(None)
                    )
                ).all()
            )
        latest_row = conn.execute(
            select(Evaluation.id, Evaluation.evaluated_on)
            .where(Evaluation.enrolment_id == enrolment_id, Evaluation.evaluated_on <= as_of)
            .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
            .limit(1)
        ).first()
        latest: dict[int, int] = {}
        if latest_row:
            latest = dict(
                conn.execute(
                    select(EvaluationScore.parameter_id, EvaluationScore.score).where(
                        EvaluationScore.evaluation_id == latest_row[0],
                        EvaluationScore.sub_element_id.is_(None),
                    )
                ).all()
            )
        params = conn.execute(
            select(Parameter.id, Parameter.code, Parameter.label).order_by(Parameter.sort_order)
        ).all()
    rows = [(c, label, baseline.get(pid), latest.get(pid)) for pid, c, label in params]
    return StarScores(
        code,
        base_row[1] if base_row else None,
        latest_row[1] if latest_row else None,
        rows,
    )
