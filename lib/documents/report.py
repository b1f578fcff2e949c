"""The committee's evaluation report (evalueringsrapport): its data, not its layout.

Per agreement and period the report answers the eight questions of the job centre's own
evaluation of its cooperation agreements (lib.domain.questions) with what the data gives:
sentences, tables, and typed facts for the charts. Staff write their assessment next to
each answer (ReportText, read by lib.queries.report_texts). Every count of people goes
through lib.domain.suppression before it is put in a table, a sentence or a published
fact, so no document built from a Report can show a small count. The Word document is
laid out by lib.documents.word, the PowerPoint deck by lib.documents.powerpoint, the
charts by lib.documents.presentation.

The figures the dashboards also show come from the same queries, filtered to the
agreement and the period, so the report and the dashboards agree: occupancy from
lib.queries.occupancy; plans, evaluations, meetings and deliverables from
lib.queries.compliance (rules in lib.domain.rules, definitions in lib.domain.measures);
progression from lib.queries.progression; outcomes and certificates from
lib.queries.outcomes. The rest (plan coverage and ownership on the day of counting,
starts and extensions in the period) is counted here in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from db.engine import read_snapshot
from db.models import (
    Agreement,
    AgreementTargetGroup,
    Enrolment,
    Enterprise,
    Evaluation,
    Extension,
    Plan,
    TargetGroup,
)
from lib.domain import rules
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind, DueStatus, EnrolmentStatus
from lib.domain.format import fmt_date, fmt_int, fmt_pct, fmt_signed
from lib.domain.measures import (
    DELIVERABLES_ON_TIME,
    EVALUATIONS_ON_TIME,
    PLANS_ON_TIME,
)
from lib.domain.period import Filters, Period
from lib.domain.questions import QUESTIONS
from lib.domain.suppression import (
    Ledger,
    Relation,
    count_note,
    mean_value,
    share_note,
    suppress_counts,
)
from lib.queries.compliance import GroupCompliance, compliance_counts, deliverables_by_agreement
from lib.queries.filters import overlaps_period
from lib.queries.occupancy import occupancy_on
from lib.queries.outcomes import certificates_by_agreement, outcome_totals_by_agreement
from lib.queries.progression import (
    AgreementProgression,
    parameters,
    progression_by_agreement,
    score_levels,
)
from lib.queries.report_texts import load_texts
from lib.queries.scope import agreement_clause, enrolment_clause
from lib.queries.sub_goals import SubGoalProgress, sub_goal_progress_by_agreement

SOURCE = "Kilde: Forløbsmonitor (jobcentrets registreringer)"


# The code of the progression row over all parameters (the rest carry a parameter code).
ALL_PARAMETERS = "all"


# The committee chart calls the meetings share "Opfølgningsmøder holdt": on a slide there
# is no "Opfølgningsmøder" heading above MEETINGS_HELD.label ("Møder holdt") as on the
# dashboards. The same computation as MEETINGS_HELD.
MEETINGS_HELD_LABEL = "Opfølgningsmøder holdt"


# The follow-up shares in the order the committee chart shows them.
ON_TIME_LABELS: tuple[str, ...] = (
    PLANS_ON_TIME.label,
    EVALUATIONS_ON_TIME.label,
    MEETINGS_HELD_LABEL,
    DELIVERABLES_ON_TIME.label,
)


@dataclass
class ReportTable:
    """A published table: `frame` holds only what may be shown ('<5', '–', withheld
    shares); `cells` names the ledger count behind each count cell (row, column)."""

    title: str
    frame: pd.DataFrame
    definition: str
    cells: dict[tuple[int, str], str] = field(default_factory=dict)


@dataclass
class Question:
    key: str
    title: str
    summary: list[str]
    tables: list[ReportTable] = field(default_factory=list)


@dataclass(frozen=True)
class OccupancyFacts:
    """Question 1 on the day of counting. `in_use` and `in_referral` are true counts of
    people (to compare with the dashboards); the `_shown` ones are as published ('<5')."""

    slots: int
    in_use: int
    in_referral: int
    free: int
    in_use_shown: int | str
    in_referral_shown: int | str
    free_shown: int | str


@dataclass(frozen=True)
class MeetingFacts:
    """Follow-up meetings with the evaluations dated in the period (one is due with each)."""

    evaluations: int
    held: int
    caseworker_present: int


@dataclass(frozen=True)
class FollowUpFacts:
    """Questions 2 and 4: participants in a course on the day of counting, and plans and
    evaluations due in the period by how they turned out (the Opfølgning dashboard's
    tallies for the agreement and period)."""

    active: int
    plans: dict[DueStatus, int]
    evaluations: dict[DueStatus, int]
    meetings: MeetingFacts


@dataclass(frozen=True)
class OnTimeShare:
    """A follow-up share as the committee may see it: `share` is None when it is withheld
    (fewer than the threshold, or a count it rests on is hidden)."""

    label: str
    share: float | None
    n: int


@dataclass(frozen=True)
class ProgressionRow:
    """Question 6 per parameter (code ALL_PARAMETERS: over participants): participants
    with a baseline score and a later one, and the true means (publish with mean_value)."""

    code: str
    label: str
    n: int
    baseline: float | None
    latest: float | None
    change: float | None
    hidden: bool = False  # n may not be shown (and so no mean either)


@dataclass(frozen=True)
class OutcomeRow:
    """Question 7: courses ended in the period with this outcome; `hidden` when the
    count may not be shown."""

    label: str
    n: int
    hidden: bool


@dataclass(frozen=True)
class AgreementFacts:
    """The numbers behind an agreement's answers, for the charts and for comparison with
    the dashboards."""

    occupancy: OccupancyFacts
    follow_up: FollowUpFacts
    on_time: list[OnTimeShare]  # in ON_TIME_LABELS order
    progression: list[ProgressionRow]  # per parameter, then the ALL_PARAMETERS row
    outcomes: list[OutcomeRow]


@dataclass
class AgreementReport:
    agreement_id: int
    name: str
    enterprise: str
    start_date: dt.date
    slots: int
    review_cadence: str
    target_groups: list[str]
    jobcentre_contact: str
    enterprise_contact: str
    description: str
    questions: list[Question]
    facts: AgreementFacts
    # Every count of the agreement's answers after the one suppression (tables, sentences
    # and charts all read from it).
    ledger: Ledger
    # Too few people: the answers say so once instead of showing figures, and the
    # agreement gets no charts.
    withheld: bool = False

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


@dataclass(frozen=True)
class ReportHeaderFields:
    """The memo header of the committee material, entered on the page per report."""

    committee: str = "Beskæftigelses- og Integrationsudvalget"
    meeting_date: dt.date | None = None
    case_number: str = ""
    author: str = ""
    closed: bool = False  # "Lukket punkt": not public; only then may suppression be off


@dataclass
class Report:
    period: Period
    as_of: dt.date
    threshold: int
    agreements: list[AgreementReport]
    texts: dict[tuple[int | None, str], str]
    generated_on: dt.date
    header: ReportHeaderFields = field(default_factory=ReportHeaderFields)
    scale: tuple[int, int] = (1, 5)  # the score scale's lowest and highest value

    def text(self, agreement_id: int | None, section: str) -> str:
        return self.texts.get((agreement_id, section), "")

    @property
    def title(self) -> str:
        return "Evaluering af samarbejdsaftaler med socialøkonomiske virksomheder"

    @property
    def notes(self) -> list[str]:
        """What the 'Om tallene' box says: once per report, whatever was withheld."""
        if self.threshold <= 0:
            return [
                "Lukket punkt: tallene er ikke diskretioneret, og materialet må ikke "
                "offentliggøres."
            ]
        return [count_note(self.threshold), share_note(self.threshold)]


# --------------------------------------------------------------------------- the ledger


class _Counts:
    """An agreement's counts by name and the sums a reader knows between them, gathered
    before the one suppression (lib.domain.suppression.suppress_counts)."""

    def __init__(self) -> None:
        self.values: dict[Hashable, int] = {}
        self.relations: list[Relation] = []

    def add(self, name: str, value: int | None) -> str:
        self.values[name] = int(value or 0)
        return name

    def total(self, total: str, parts: Sequence[str]) -> None:
        self.relations.append((total, list(parts)))

    def same_if_equal(self, a: str, b: str) -> None:
        """Two counts of the same people under two names (participants in a course on the
        day of counting, from occupancy and from the course dates): a reader takes them
        for one number, so where they agree they are withheld together."""
        if self.values[a] == self.values[b]:
            self.relations.append((a, [b]))


def _n(value: int | str) -> str:
    return value if isinstance(value, str) else fmt_int(value)


def _lc(label: str) -> str:
    """Lower-case the first letter only, so 'Uddannelse (fx VUC)' keeps its VUC."""
    return label[:1].lower() + label[1:]


def _listing(ledger: Ledger, items: Sequence[tuple[str, str]]) -> str:
    """'4 til tiden, 0 for sent' from the published counts only; withheld ones are left
    out and said once, so a sentence never reads '<5 … <5 … <5'."""
    shown = [
        f"{fmt_int(ledger.count(n))} {phrase}" for n, phrase in items if not ledger.is_hidden(n)
    ]
    withheld = [phrase for n, phrase in items if ledger.is_hidden(n)]
    text = _join(shown)
    if withheld:
        text += (", " if text else "") + f"tallene for {_join(withheld)} vises ikke"
    return text


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " og " + parts[-1]


def _share_text(ledger: Ledger, numerator: str, denominator: str) -> str:
    share = ledger.share(numerator, denominator)
    return f" ({fmt_pct(share)})" if share is not None else ""


def _ledger_table(
    ledger: Ledger,
    title: str,
    definition: str,
    rows: Sequence[tuple[str, Sequence[str]]],
    columns: Sequence[str],
    label: str = " ",
) -> ReportTable | None:
    """A table of ledger counts, or None when most of its nonzero counts are withheld
    (the sentence beside it says what can be said)."""
    names = [n for _, row in rows for n in row]
    nonzero = [n for n in names if ledger.count(n)]
    hidden = [n for n in nonzero if ledger.is_hidden(n)]
    if not nonzero or 2 * len(hidden) > len(nonzero):
        return None
    frame = pd.DataFrame(
        [[row_label, *[ledger.cell(n) for n in row]] for row_label, row in rows],
        columns=[label, *columns],
    )
    cells = {
        (i, col): n for i, (_, row) in enumerate(rows) for col, n in zip(columns, row, strict=True)
    }
    return ReportTable(title, frame, definition, cells)


def _by_status(t: rules.Tally) -> dict[DueStatus, int]:
    return {
        DueStatus.ON_TIME: t.on_time,
        DueStatus.LATE: t.late,
        DueStatus.MISSING: t.missing,
    }


_STATUS_KEYS = {DueStatus.ON_TIME: "on_time", DueStatus.LATE: "late", DueStatus.MISSING: "missing"}


def _add_status(c: _Counts, prefix: str, tally: dict[DueStatus, int]) -> list[str]:
    parts = [c.add(f"{prefix}_{_STATUS_KEYS[s]}", n) for s, n in tally.items()]
    c.add(f"{prefix}_due", sum(tally.values()))
    c.total(f"{prefix}_due", parts)
    return parts


@dataclass(frozen=True)
class _Course:
    """A course overlapping the period, with its baseline plan (if any)."""

    start: dt.date
    end: dt.date | None
    baseline_on: dt.date | None
    made_with_participant: bool | None
    plan_versions: int

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)

    def planned_by(self, day: dt.date) -> bool:
        return self.baseline_on is not None and self.baseline_on <= day


def _agreements(
    engine: Engine, scope: Scope, agreement_ids: Sequence[int] | None
) -> list[tuple[Agreement, str, list[str]]]:
    stmt = (
        select(Agreement, Enterprise.name)
        .join(Enterprise, Enterprise.id == Agreement.enterprise_id)
        .where(agreement_clause(scope))
        .order_by(Agreement.id)
    )
    if agreement_ids:
        stmt = stmt.where(Agreement.id.in_(agreement_ids))
    groups = (
        select(AgreementTargetGroup.agreement_id, TargetGroup.label)
        .join(TargetGroup, TargetGroup.id == AgreementTargetGroup.target_group_id)
        .order_by(TargetGroup.sort_order)
    )
    with engine.connect() as conn:
        with Session(conn) as session:
            rows = session.execute(stmt).all()
        by_agreement: dict[int, list[str]] = {}
        for agreement_id, label in conn.execute(groups):
            by_agreement.setdefault(agreement_id, []).append(label)
    return [(a, enterprise, by_agreement.get(a.id, [])) for a, enterprise in rows]


def _course_dates(
    engine: Engine, scope: Scope, agreement_ids: Sequence[int], period: Period, as_of: dt.date
) -> dict[int, list[_Course]]:
    """Per agreement, per course overlapping the period: start, end, baseline plan day and
    whether it was made with the participant, number of plan versions by the day of
    counting. One statement for all the agreements."""
    baseline = (
        select(Plan.enrolment_id, Plan.created_on, Plan.made_with_participant)
        .where(Plan.version_no == 1)
        .subquery()
    )
    versions = (
        select(Plan.enrolment_id, func.count().label("n"))
        .where(Plan.created_on <= as_of)
        .group_by(Plan.enrolment_id)
        .subquery()
    )
    stmt = (
        select(
            Enrolment.agreement_id,
            Enrolment.start_date,
            Enrolment.end_date,
            baseline.c.created_on,
            baseline.c.made_with_participant,
            func.coalesce(versions.c.n, 0),
        )
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .outerjoin(versions, versions.c.enrolment_id == Enrolment.id)
        .where(
            Enrolment.agreement_id.in_(agreement_ids),
            enrolment_clause(scope),
            overlaps_period(_filters(period, agreement_ids), as_of),
        )
        .order_by(Enrolment.agreement_id, Enrolment.id)
    )
    out: dict[int, list[_Course]] = {}
    with engine.connect() as conn:
        for agreement_id, start, end, baseline_on, made_with, n in conn.execute(stmt):
            out.setdefault(agreement_id, []).append(
                _Course(start, end, baseline_on, made_with, int(n))
            )
    return out


def _filters(period: Period, agreement_ids: Sequence[int]) -> Filters:
    """The dashboards' filter for the chosen agreements over the period."""
    return Filters(period.start, period.end, tuple(agreement_ids))


def _in_period(
    period: Period, as_of: dt.date, column: InstrumentedAttribute[dt.date]
) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= as_of)


def progression_rows(
    found: AgreementProgression | None, params: Sequence[tuple[int, str, str]]
) -> list[ProgressionRow]:
    """Question 6 per parameter, then a last row 'Alle parametre' over participants: n
    participants with a baseline score and a later evaluation score by the day of
    counting, mean baseline, mean latest and mean change. The Progression dashboard's
    figures (lib.queries.progression) for the agreement and period."""
    rows = []
    for parameter_id, code, label in params:
        c = found.by_parameter.get(parameter_id) if found else None
        rows.append(
            ProgressionRow(
                code=code,
                label=label,
                n=c.n if c else 0,
                baseline=c.mean_baseline if c else None,
                latest=c.mean_latest if c else None,
                change=c.mean_change if c else None,
            )
        )
    overall = found.overall if found else None
    rows.append(
        ProgressionRow(
            code=ALL_PARAMETERS,
            label="Alle parametre",
            n=overall.n if overall else 0,
            baseline=overall.mean_baseline if overall else None,
            latest=overall.mean_latest if overall else None,
            change=overall.mean_change if overall else None,
        )
    )
    return rows


@dataclass
class _Raw:
    """What the queries gave for one agreement, before suppression."""

    occupancy_in_use: int
    occupancy_referral: int
    free: int
    courses: list[_Course]
    plans: dict[DueStatus, int]
    evaluations: dict[DueStatus, int]
    evaluations_held: int
    meetings_held: int
    caseworker_present: int
    written_with: int
    written_total: int
    deliverables: dict[DeliverableKind, rules.Tally]
    progression: list[ProgressionRow]
    certificates: list[tuple[str, int]]
    outcomes: list[tuple[str, int]]
    started: int
    extended: int
    sub_goals: SubGoalProgress | None = None  # q6's second part (lib.queries.sub_goals)


def _per_agreement(engine: Engine, stmt: Select) -> dict[int, int]:
    with engine.connect() as conn:
        return {agreement_id: int(n or 0) for agreement_id, n in conn.execute(stmt)}


def _gather_all(
    engine: Engine,
    scope: Scope,
    agreements: Sequence[Agreement],
    period: Period,
    as_of: dt.date,
    today: dt.date,
    follow_up: dict[int, GroupCompliance],
) -> dict[int, _Raw]:
    """What the queries give for each chosen agreement: one statement per figure for all
    the agreements (grouped by agreement), never one per agreement."""
    if not agreements:
        return {}
    ids = [a.id for a in agreements]
    f = _filters(period, ids)
    occupancy = {r.agreement_id: r for r in occupancy_on(engine, scope, as_of, ids, today)}
    courses = _course_dates(engine, scope, ids, period, as_of)
    deliverables = deliverables_by_agreement(engine, scope, f, today)
    progression = progression_by_agreement(engine, scope, f, today)
    params = parameters(engine)
    certs = certificates_by_agreement(engine, scope, f)
    outcomes = outcome_totals_by_agreement(engine, scope, f)
    sub_goals = sub_goal_progress_by_agreement(engine, scope, f, today)
    scoped = and_(Enrolment.agreement_id.in_(ids), enrolment_clause(scope))
    started = _per_agreement(
        engine,
        select(Enrolment.agreement_id, func.count())
        .where(
            scoped,
            Enrolment.status != EnrolmentStatus.REFERRAL,
            _in_period(period, as_of, Enrolment.start_date),
        )
        .group_by(Enrolment.agreement_id),
    )
    written: dict[int, tuple[int, int]] = {}
    with engine.connect() as conn:
        for agreement_id, with_participant, total in conn.execute(
            select(
                Enrolment.agreement_id,
                func.coalesce(
                    func.sum(case((Evaluation.written_with_participant.is_(True), 1), else_=0)), 0
                ),
                func.count(),
            )
            .join(Enrolment, Enrolment.id == Evaluation.enrolment_id)
            .where(scoped, _in_period(period, as_of, Evaluation.evaluated_on))
            .group_by(Enrolment.agreement_id)
        ):
            written[agreement_id] = (int(with_participant), int(total))
    extended = _per_agreement(
        engine,
        select(Enrolment.agreement_id, func.count(func.distinct(Extension.enrolment_id)))
        .join(Enrolment, Enrolment.id == Extension.enrolment_id)
        .where(scoped, _in_period(period, as_of, Extension.extended_on))
        .group_by(Enrolment.agreement_id),
    )
    out = {}
    for a in agreements:
        row = occupancy[a.id]
        g = follow_up.get(a.id) or GroupCompliance(a.id, a.name)
        found = deliverables.get(a.id, {})
        out[a.id] = _Raw(
            occupancy_in_use=row.in_use,
            occupancy_referral=row.in_referral,
            free=row.free,
            courses=courses.get(a.id, []),
            plans=_by_status(g.plans),
            evaluations=_by_status(g.evaluations),
            evaluations_held=g.evaluations_held,
            meetings_held=g.meetings_held,
            caseworker_present=g.caseworker_present,
            written_with=written.get(a.id, (0, 0))[0],
            written_total=written.get(a.id, (0, 0))[1],
            deliverables={kind: found.get(kind, rules.Tally()) for kind in DeliverableKind},
            progression=progression_rows(progression.get(a.id), params),
            certificates=certs.get(a.id, []),
            outcomes=outcomes.get(a.id, []),
            started=started.get(a.id, 0),
            extended=extended.get(a.id, 0),
            sub_goals=sub_goals.get(a.id) or _NO_SUB_GOALS,
        )
    return out


_NO_SUB_GOALS = SubGoalProgress(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


_DELIVERABLE_STATUS = (
    ("on_time", "Modtaget til tiden"),
    ("late", "Modtaget for sent"),
    ("missing", "Ikke modtaget"),
)


def _counts(a: Agreement, raw: _Raw, as_of: dt.date) -> _Counts:
    """Every count the agreement's answers may show, named, with the sums between them."""
    c = _Counts()
    # q1: slots are the agreement's, no one's count, and always shown; in use + free = slots.
    c.add("slots", a.slots)
    c.add("in_use", raw.occupancy_in_use)
    c.add("referral", raw.occupancy_referral)
    c.add("free", raw.free)
    if raw.occupancy_in_use <= a.slots:
        c.total("slots", ["in_use", "free"])
    c.add("started", raw.started)
    # q2: participants in a course on the day of counting, with and without a plan.
    active = [x for x in raw.courses if x.active_on(as_of)]
    with_plan = [x for x in active if x.planned_by(as_of)]
    c.add("active", len(active))
    c.add("with_plan", len(with_plan))
    c.add("without_plan", len(active) - len(with_plan))
    c.total("active", ["with_plan", "without_plan"])
    c.same_if_equal("in_use", "active")
    _add_status(c, "plans", raw.plans)
    # q3: of those with a plan, made with the participant; revised; evaluations written.
    made_with = sum(1 for x in with_plan if x.made_with_participant)
    c.add("made_with", made_with)
    c.add("made_without", len(with_plan) - made_with)
    c.total("with_plan", ["made_with", "made_without"])
    c.add("revised", sum(1 for x in with_plan if x.plan_versions >= 2))
    c.add("written_with", raw.written_with)
    c.add("written_without", raw.written_total - raw.written_with)
    c.add("written", raw.written_total)
    c.total("written", ["written_with", "written_without"])
    # q4: evaluations due, and the meetings with the evaluations held in the period.
    _add_status(c, "evals", raw.evaluations)
    c.add("meetings_n", raw.evaluations_held)
    c.add("meet_present", raw.caseworker_present)
    c.add("meet_without", raw.meetings_held - raw.caseworker_present)
    c.add("meet_held", raw.meetings_held)
    c.add("meet_not_held", raw.evaluations_held - raw.meetings_held)
    c.total("meet_held", ["meet_present", "meet_without"])
    c.total("meetings_n", ["meet_held", "meet_not_held"])
    c.same_if_equal("written", "meetings_n")
    # q5: deliverables by kind and status, with row, column and grand totals.
    for kind, tally in raw.deliverables.items():
        row = [
            c.add(f"dlv_{kind.value}_{key}", getattr(tally, key)) for key, _ in _DELIVERABLE_STATUS
        ]
        c.add(f"dlv_{kind.value}_total", sum(c.values[n] for n in row))
        c.total(f"dlv_{kind.value}_total", row)
    for key, _ in (*_DELIVERABLE_STATUS, ("total", "")):
        column = [f"dlv_{kind.value}_{key}" for kind in raw.deliverables]
        c.add(f"dlv_all_{key}", sum(c.values[n] for n in column))
        c.total(f"dlv_all_{key}", column)
    c.total("dlv_all_total", [f"dlv_all_{key}" for key, _ in _DELIVERABLE_STATUS])
    # q6: participants with a baseline and a later score, per parameter and overall.
    for p in raw.progression:
        c.add(f"prog_{p.code}", p.n)
    for i, (_name, n) in enumerate(raw.certificates):
        c.add(f"cert_{i}", n)
    # q6: sub-goals at each course's latest evaluation; nearing the goal; to adjust.
    if raw.sub_goals is not None and raw.sub_goals.evaluations:
        g = raw.sub_goals
        c.add("sg_reached", g.reached)
        c.add("sg_open", g.goals - g.reached)
        c.add("sg_goals", g.goals)
        c.total("sg_goals", ["sg_reached", "sg_open"])
        # Each answer's n is the evaluations that answered it (unanswered is neither).
        c.add("sg_n", g.evaluations)
        c.add("sg_closer", g.closer)
        c.add("sg_not_closer", g.goal_answered - g.closer)
        c.add("sg_goal_n", g.goal_answered)
        c.total("sg_goal_n", ["sg_closer", "sg_not_closer"])
        c.add("sg_adjust", g.to_adjust)
        c.add("sg_keep", g.adjust_answered - g.to_adjust)
        c.add("sg_adjust_n", g.adjust_answered)
        c.total("sg_adjust_n", ["sg_adjust", "sg_keep"])
    # q7: ended courses by outcome, with their total; extensions.
    for i, (_label, n) in enumerate(raw.outcomes):
        c.add(f"out_{i}", n)
    c.add("ended", sum(n for _, n in raw.outcomes))
    c.total("ended", [f"out_{i}" for i in range(len(raw.outcomes))])
    c.add("extended", raw.extended)
    return c


def _q1(a: Agreement, ledger: Ledger, as_of: dt.date) -> Question:
    slots = fmt_int(a.slots)
    parts = [f"Der er {slots} forløb (pladser) i aftalen."]
    if ledger.is_hidden("in_use"):
        parts.append(
            f"Hvor mange der er i brug pr. {fmt_date(as_of)}, vises ikke (færre end {ledger.threshold})."
        )
    else:
        occupancy = fmt_pct(ledger.count("in_use") / a.slots) if a.slots else "–"
        parts.append(
            f"Pr. {fmt_date(as_of)} er {fmt_int(ledger.count('in_use'))} af {slots} i brug "
            f"(belægning {occupancy}), og {fmt_int(ledger.count('free'))} "
            f"{'er ledig' if ledger.count('free') == 1 else 'er ledige'}."
        )
    if ledger.count("referral") and not ledger.is_hidden("referral"):
        parts.append(f"{fmt_int(ledger.count('referral'))} er i visitation.")
    elif ledger.count("referral"):
        parts.append("Der er deltagere i visitation (antallet vises ikke).")
    if not ledger.is_hidden("started"):
        parts.append(f"Nye forløb startet i perioden: {fmt_int(ledger.count('started'))}.")
    table = _ledger_table(
        ledger,
        "Pladser og belægning",
        "I brug: forløb der er startet og ikke afsluttet på opgørelsesdagen. I visitation: "
        "henvist, men ikke startet. Ledige: pladser minus forløb i brug.",
        [
            ("Pladser i aftalen", ["slots"]),
            ("I brug", ["in_use"]),
            ("I visitation", ["referral"]),
            ("Ledige pladser", ["free"]),
        ],
        ["Antal"],
    )
    return Question("q1", QUESTIONS["q1"], [" ".join(parts)], [table] if table else [])


def _q2(ledger: Ledger, as_of: dt.date) -> Question:
    summary = []
    if not ledger.is_hidden("active"):
        summary.append(
            f"Af {fmt_int(ledger.count('active'))} deltagere i forløb pr. {fmt_date(as_of)} har "
            + _listing(ledger, [("with_plan", "en plan"), ("without_plan", "ingen plan endnu")])
            + _share_text(ledger, "with_plan", "active").replace(" (", " (med plan: ")
            + "."
        )
    if ledger.count("plans_due") and not ledger.is_hidden("plans_due"):
        summary.append(
            f"Af {fmt_int(ledger.count('plans_due'))} planer med frist i perioden blev "
            + _listing(
                ledger,
                [
                    ("plans_on_time", "lavet til tiden"),
                    ("plans_late", "lavet for sent"),
                    ("plans_missing", "mangler"),
                ],
            )
            + "."
        )
    table = _ledger_table(
        ledger,
        "Planer med frist i perioden",
        PLANS_ON_TIME.definition,
        [(s.label, [f"plans_{_STATUS_KEYS[s]}"]) for s in _STATUS_KEYS]
        + [("I alt", ["plans_due"])],
        ["Planer"],
    )
    return Question("q2", QUESTIONS["q2"], summary, [table] if table else [])


def _q3(ledger: Ledger) -> Question:
    summary = []
    if ledger.count("with_plan") and not ledger.is_hidden("with_plan"):
        summary.append(
            f"Af {fmt_int(ledger.count('with_plan'))} planer er "
            + _listing(ledger, [("made_with", "udarbejdet sammen med deltageren")])
            + (
                f"; {fmt_int(ledger.count('revised'))} er revideret (mindst én ny version)"
                if not ledger.is_hidden("revised")
                else ""
            )
            + "."
        )
    if ledger.count("written") and not ledger.is_hidden("written"):
        summary.append(
            f"Af {fmt_int(ledger.count('written'))} evalueringer i perioden er "
            + _listing(ledger, [("written_with", "skrevet sammen med deltageren")])
            + "."
        )
    return Question("q3", QUESTIONS["q3"], summary, [])


def _q4(a: Agreement, ledger: Ledger) -> Question:
    summary = []
    if ledger.count("evals_due") and not ledger.is_hidden("evals_due"):
        summary.append(
            f"Af {fmt_int(ledger.count('evals_due'))} evalueringer med frist i perioden blev "
            + _listing(
                ledger,
                [
                    ("evals_on_time", "lavet til tiden"),
                    ("evals_late", "lavet for sent"),
                    ("evals_missing", "mangler"),
                ],
            )
            + _share_text(ledger, "evals_on_time", "evals_due").replace(" (", " (til tiden: ")
            + "."
        )
    if ledger.count("meetings_n") and not ledger.is_hidden("meetings_n"):
        summary.append(
            f"Ved {fmt_int(ledger.count('meetings_n'))} evalueringer i perioden blev der holdt "
            + _listing(ledger, [("meet_held", "opfølgningsmøder")])
            + (
                f"; sagsbehandleren deltog i {fmt_int(ledger.count('meet_present'))}"
                if not ledger.is_hidden("meet_present")
                else ""
            )
            + "."
        )
    table = _ledger_table(
        ledger,
        "Evalueringer med frist i perioden",
        f"{EVALUATIONS_ON_TIME.definition} I denne aftale er N = {a.evaluation_interval_months}.",
        [(s.label, [f"evals_{_STATUS_KEYS[s]}"]) for s in _STATUS_KEYS]
        + [("I alt", ["evals_due"])],
        ["Evalueringer"],
    )
    return Question("q4", QUESTIONS["q4"], summary, [table] if table else [])


def _q5(ledger: Ledger, kinds: Sequence[DeliverableKind]) -> Question:
    summary = []
    if ledger.count("dlv_all_total") and not ledger.is_hidden("dlv_all_total"):
        summary.append(
            f"Af {fmt_int(ledger.count('dlv_all_total'))} aftalte leverancer med frist i perioden er "
            + _listing(
                ledger, [(f"dlv_all_{key}", _lc(label)) for key, label in _DELIVERABLE_STATUS]
            )
            + "."
        )
    table = _ledger_table(
        ledger,
        "Leverancer til jobkonsulent/sagsbehandler med frist i perioden",
        DELIVERABLES_ON_TIME.definition,
        [
            (
                kind.label,
                [f"dlv_{kind.value}_{key}" for key, _ in (*_DELIVERABLE_STATUS, ("total", ""))],
            )
            for kind in kinds
        ]
        + [("I alt", [f"dlv_all_{key}" for key, _ in (*_DELIVERABLE_STATUS, ("total", ""))])],
        [label for _, label in _DELIVERABLE_STATUS] + ["I alt"],
        label="Leverance",
    )
    return Question("q5", QUESTIONS["q5"], summary, [table] if table else [])


def _published_progression(ledger: Ledger, rows: list[ProgressionRow]) -> list[ProgressionRow]:
    return [
        ProgressionRow(
            r.code,
            r.label,
            r.n,
            r.baseline,
            r.latest,
            r.change,
            hidden=ledger.is_hidden(f"prog_{r.code}"),
        )
        for r in rows
    ]


def _mean(r: ProgressionRow, value: float | None, threshold: int) -> float | None:
    return None if r.hidden else mean_value(value, r.n, threshold)


def _q6(ledger: Ledger, rows: list[ProgressionRow], certs: list[tuple[str, int]]) -> Question:
    t = ledger.threshold
    shown = [r for r in rows if not r.hidden and r.n >= t and r.change is not None]
    summary = []
    if shown:
        parts = [f"{_lc(r.label)} {fmt_signed(r.change)} (n = {fmt_int(r.n)})" for r in shown]
        summary.append(
            "Gennemsnitlig ændring på skalaen 1–5 fra baseline til seneste evaluering: "
            + ", ".join(parts)
            + "."
        )
    hidden = [r.label for r in rows if r.n and r not in shown]
    if hidden:
        summary.append(
            f"For {_join([_lc(h) for h in hidden])} bygger tallene på færre end {t} deltagere "
            "og vises ikke."
        )
    if not any(r.n for r in rows):
        summary.append("Der er endnu ingen deltagere med både baseline og en senere evaluering.")
    certs_shown = [
        (name, n) for i, (name, n) in enumerate(certs) if not ledger.is_hidden(f"cert_{i}")
    ]
    if certs_shown:
        summary.append(
            "Beviser opnået i perioden: "
            + _join([f"{_lc(name)} {fmt_int(n)}" for name, n in certs_shown])
            + "."
        )
    summary += _sub_goal_sentences(ledger)
    tables = []
    if shown:
        frame = pd.DataFrame(
            [
                {
                    "Parameter": r.label,
                    "Deltagere (n)": r.n,
                    "Gns. baseline": _mean(r, r.baseline, t),
                    "Gns. seneste": _mean(r, r.latest, t),
                    "Gns. ændring": _mean(r, r.change, t),
                }
                for r in rows
                if r in shown
            ]
        )
        tables.append(
            ReportTable(
                "Progression pr. parameter (skala 1–5)",
                frame,
                "Deltagere med en score ved den første plan (baseline) og mindst én senere "
                "evaluering af samme parameter. Gennemsnit af baseline, af seneste score og af "
                "ændringen (seneste minus baseline).",
                {
                    (i, "Deltagere (n)"): f"prog_{r.code}"
                    for i, r in enumerate(x for x in rows if x in shown)
                },
            )
        )
    return Question("q6", QUESTIONS["q6"], summary, tables)


def _sub_goal_sentences(ledger: Ledger) -> list[str]:
    """Question 6's second part, from the evaluations' own answers (lib.domain.measures
    SUB_GOALS_REACHED, NEARING_GOAL, SUB_GOALS_TO_ADJUST), each share only where shown."""
    if "sg_n" not in ledger.values or ledger.is_hidden("sg_n"):
        return []
    out = []
    reached = ledger.share("sg_reached", "sg_goals")
    if reached is not None:
        out.append(
            f"Ved den seneste evaluering var {fmt_pct(reached)} af delmålene opnået "
            f"(n = {fmt_int(ledger.count('sg_goals'))} delmål)."
        )
    closer = ledger.share("sg_closer", "sg_goal_n")
    adjust = ledger.share("sg_adjust", "sg_adjust_n")
    goal_n, adjust_n = ledger.count("sg_goal_n"), ledger.count("sg_adjust_n")
    if closer is not None and adjust is not None and goal_n == adjust_n:
        out.append(
            f"{fmt_pct(closer)} af forløbene nærmer sig det langsigtede mål, og for "
            f"{fmt_pct(adjust)} skal delmålene justeres (n = {fmt_int(goal_n)} forløb, "
            "hvor den seneste evaluering besvarer spørgsmålene)."
        )
    else:
        if closer is not None:
            out.append(
                f"{fmt_pct(closer)} af forløbene nærmer sig det langsigtede mål "
                f"(n = {fmt_int(goal_n)} forløb med svar)."
            )
        if adjust is not None:
            out.append(
                f"For {fmt_pct(adjust)} af forløbene skal delmålene justeres "
                f"(n = {fmt_int(adjust_n)} forløb med svar)."
            )
    return out


def _q7(ledger: Ledger, outcomes: list[tuple[str, int]]) -> Question:
    summary = []
    if not outcomes:
        summary.append("Ingen forløb er afsluttet i perioden.")
    elif ledger.is_hidden("ended"):
        summary.append(
            f"Færre end {ledger.threshold} forløb er afsluttet i perioden; resultaterne vises ikke."
        )
    else:
        summary.append(
            f"{fmt_int(ledger.count('ended'))} forløb er afsluttet i perioden: "
            + _listing(ledger, [(f"out_{i}", _lc(label)) for i, (label, _) in enumerate(outcomes)])
            + "."
        )
    if not ledger.is_hidden("extended"):
        summary.append(f"Forløb forlænget i perioden: {fmt_int(ledger.count('extended'))}.")
    table = None
    if outcomes:
        table = _ledger_table(
            ledger,
            "Resultat efter forløb, afsluttet i perioden",
            "Forløb afsluttet i perioden efter registreret resultat (som på siden "
            "Resultater); forløb uden registreret resultat tæller med.",
            [(label, [f"out_{i}"]) for i, (label, _) in enumerate(outcomes)]
            + [("I alt", ["ended"])],
            ["Deltagere"],
            label="Resultat",
        )
    return Question("q7", QUESTIONS["q7"], summary, [table] if table else [])


def _q8(a: Agreement) -> Question:
    summary = [
        f"Kontaktperson i jobcentret: {a.jobcentre_contact or '–'}. "
        f"Kontaktperson i virksomheden: {a.enterprise_contact or '–'}.",
    ]
    return Question("q8", QUESTIONS["q8"], summary, [])


def withheld_sentence(threshold: int, few_people: bool) -> str:
    if few_people:
        return f"Aftalen har færre end {threshold} deltagere i perioden; tallene vises derfor ikke."
    return (
        f"De fleste af aftalens tal bygger på færre end {threshold} deltagere i perioden; "
        "tallene vises derfor ikke."
    )


def _agreement_report(
    a: Agreement,
    enterprise: str,
    groups: list[str],
    as_of: dt.date,
    threshold: int,
    raw: _Raw,
) -> AgreementReport:
    counts = _counts(a, raw, as_of)
    ledger = suppress_counts(
        counts.values, counts.relations, threshold, public=["slots"], not_people=["free"]
    )
    progression = _published_progression(ledger, raw.progression)
    few_people = threshold > 0 and len(raw.courses) < threshold
    withheld = few_people or (threshold > 0 and ledger.mostly_hidden())
    if withheld:
        # The occupancy sentence says what may be said (slots, and in use where shown);
        # every other answer is the one plain sentence, said once.
        q1 = _q1(a, ledger, as_of)
        q1.summary = [
            q1.summary[0].split(" Nye forløb")[0],
            withheld_sentence(threshold, few_people),
        ]
        q1.tables = []
        questions = [
            q1,
            *[Question(k, QUESTIONS[k], []) for k in ("q2", "q3", "q4", "q5", "q6", "q7")],
        ]
    else:
        questions = [
            _q1(a, ledger, as_of),
            _q2(ledger, as_of),
            _q3(ledger),
            _q4(a, ledger),
            _q5(ledger, list(raw.deliverables)),
            _q6(ledger, progression, raw.certificates),
            _q7(ledger, raw.outcomes),
        ]
        for q in questions:
            if not q.summary and not q.tables:
                q.summary = [f"Tallene bygger på færre end {threshold} og vises ikke."]
    questions.append(_q8(a))

    def on_time(label: str, numerator: str, denominator: str) -> OnTimeShare:
        share = None if withheld else ledger.share(numerator, denominator)
        return OnTimeShare(label, share, ledger.count(denominator))

    facts = AgreementFacts(
        occupancy=OccupancyFacts(
            slots=a.slots,
            in_use=raw.occupancy_in_use,
            in_referral=raw.occupancy_referral,
            free=raw.free,
            in_use_shown=ledger.cell("in_use"),
            in_referral_shown=ledger.cell("referral"),
            free_shown=ledger.cell("free"),
        ),
        follow_up=FollowUpFacts(
            active=ledger.count("active"),
            plans=raw.plans,
            evaluations=raw.evaluations,
            meetings=MeetingFacts(
                evaluations=raw.evaluations_held,
                held=raw.meetings_held,
                caseworker_present=raw.caseworker_present,
            ),
        ),
        on_time=[
            on_time(PLANS_ON_TIME.label, "plans_on_time", "plans_due"),
            on_time(EVALUATIONS_ON_TIME.label, "evals_on_time", "evals_due"),
            on_time(MEETINGS_HELD_LABEL, "meet_held", "meetings_n"),
            on_time(DELIVERABLES_ON_TIME.label, "dlv_all_on_time", "dlv_all_total"),
        ],
        progression=progression,
        outcomes=[
            OutcomeRow(label, n, withheld or ledger.is_hidden(f"out_{i}"))
            for i, (label, n) in enumerate(raw.outcomes)
        ],
    )
    return AgreementReport(
        agreement_id=a.id,
        name=a.name,
        enterprise=enterprise,
        start_date=a.start_date,
        slots=a.slots,
        review_cadence=a.review_cadence,
        target_groups=groups,
        jobcentre_contact=a.jobcentre_contact,
        enterprise_contact=a.enterprise_contact,
        description=a.description,
        questions=questions,
        facts=facts,
        ledger=ledger,
        withheld=withheld,
    )


def build_report(
    engine: Engine,
    scope: Scope,
    period: Period,
    agreement_ids: Sequence[int] | None = None,
    *,
    threshold: int = 5,
    today: dt.date | None = None,
    header: ReportHeaderFields | None = None,
) -> Report:
    """All numbers of the report for the chosen agreements and period, suppressed. Read
    in one snapshot, so the figures agree with each other (16 of the 40 statements per
    report were BEGIN before)."""
    with read_snapshot(engine) as snapshot:
        return _build_report(
            snapshot, scope, period, agreement_ids,
            threshold=threshold, today=today, header=header,
        )  # fmt: skip


def _build_report(
    engine: Engine,
    scope: Scope,
    period: Period,
    agreement_ids: Sequence[int] | None,
    *,
    threshold: int,
    today: dt.date | None,
    header: ReportHeaderFields | None,
) -> Report:
    today = today or dt.date.today()
    as_of = period.as_of(today)
    chosen = _agreements(engine, scope, agreement_ids)
    # Follow-up for all chosen agreements in one pass (the Opfølgning dashboard's counts,
    # without its open lists), not one per agreement.
    everyone = _filters(period, [a.id for a, _e, _g in chosen])
    follow_up = (
        {g.key: g for g in compliance_counts(engine, scope, everyone, today).by_agreement if g.key}
        if chosen
        else {}
    )
    raw = _gather_all(engine, scope, [a for a, _e, _g in chosen], period, as_of, today, follow_up)
    agreements = [
        _agreement_report(a, enterprise, groups, as_of, threshold, raw[a.id])
        for a, enterprise, groups in chosen
    ]
    texts = load_texts(engine, period, [a.agreement_id for a in agreements])
    levels = list(score_levels(engine)) or [1, 5]
    return Report(
        period=period,
        as_of=as_of,
        threshold=threshold,
        agreements=agreements,
        texts={key: body for key, (body, _v) in texts.items()},
        generated_on=today,
        header=header or ReportHeaderFields(),
        scale=(min(levels), max(levels)),
    )
