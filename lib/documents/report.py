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
from lib.domain.enums import (
    DeliverableKind,
    DueStatus,
    EnrolmentStatus,
    GoalProgress,
    SubGoalStatus,
)
from lib.domain.format import fmt_date, fmt_int, fmt_pct, fmt_signed
from lib.domain.measures import (
    DELIVERABLES_ON_TIME,
    EVALUATIONS_ON_TIME,
    MEETINGS_HELD,
    NEARING_GOAL,
    PLANS_ON_TIME,
    SUB_GOALS_REACHED,
    SUB_GOALS_TO_ADJUST,
)
from lib.domain.period import Period
from lib.domain.questions import QUESTIONS
from lib.domain.suppression import (
    TOTAL_LABEL,
    SuppressedTable,
    count_note,
    count_value,
    is_small,
    mean_value,
    share_note,
    share_value,
    suppress_table,
)
from lib.queries.compliance import GroupCompliance, compliance, deliverables_by_kind
from lib.queries.filters import overlaps_period
from lib.queries.occupancy import occupancy_on
from lib.queries.outcomes import certificates, outcome_totals
from lib.queries.progression import overall_change, parameter_changes, parameters
from lib.queries.report_texts import load_texts
from lib.queries.scope import agreement_clause, enrolment_clause
from lib.queries.sub_goals import sub_goal_progress

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
    """A published table: `frame` holds only what may be shown ('<5', withheld shares)."""

    title: str
    frame: pd.DataFrame
    definition: str
    notes: list[str] = field(default_factory=list)
    counts: SuppressedTable | None = None  # a count table's true values + hidden mask


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

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


@dataclass
class Report:
    period: Period
    as_of: dt.date
    threshold: int
    agreements: list[AgreementReport]
    texts: dict[tuple[int | None, str], str]
    generated_on: dt.date

    def text(self, agreement_id: int | None, section: str) -> str:
        return self.texts.get((agreement_id, section), "")

    @property
    def title(self) -> str:
        return "Evaluering af samarbejdsaftaler med socialøkonomiske virksomheder"


def _table(
    title: str,
    counts: pd.DataFrame,
    threshold: int,
    definition: str,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    label: str = "",
) -> tuple[ReportTable, SuppressedTable]:
    """A count table after suppression, and its true values and hidden mask for the
    sentences and facts beside it."""
    suppressed = suppress_table(
        counts, threshold, row_totals=row_totals, column_totals=column_totals
    )
    frame = suppressed.display().reset_index(names=label or " ")
    return ReportTable(title, frame, definition, list(suppressed.notes), suppressed), suppressed


def _by_status(t: rules.Tally) -> dict[DueStatus, int]:
    return {
        DueStatus.ON_TIME: t.on_time,
        DueStatus.LATE: t.late,
        DueStatus.MISSING: t.missing,
    }


def _status_frame(counts: dict[DueStatus, int], column: str) -> pd.DataFrame:
    return pd.DataFrame({column: list(counts.values())}, index=[s.label for s in counts])


def _lc(label: str) -> str:
    """Lower-case the first letter only, so 'Uddannelse (fx VUC)' keeps its VUC."""
    return label[:1].lower() + label[1:]


def _n(value: int | str) -> str:
    return value if isinstance(value, str) else fmt_int(value)


def _count_text(count: int, threshold: int) -> str:
    """A count for a sentence: '12' or '<5'."""
    return _n(count_value(count, threshold))


def _share_text(
    table: SuppressedTable,
    row: Hashable,
    col: Hashable,
    total_row: Hashable = TOTAL_LABEL,
    total_col: Hashable | None = None,
) -> str:
    """'83,3 %' or a withheld note: a share is shown only when both its cell and the total
    are published and the total counts at least the threshold of people."""
    total_col = col if total_col is None else total_col
    share = table.share(row, col, total_row, total_col)
    if share is not None:
        return fmt_pct(share)
    if table.threshold <= 0 and table.count(total_row, total_col) == 0:
        return "–"  # suppression switched off, and nobody to count
    return "andel vises ikke"


def _on_time(label: str, table: SuppressedTable, row: Hashable, col: Hashable) -> OnTimeShare:
    """The share of `row` in a status table (total row TOTAL_LABEL, column `col`)."""
    return OnTimeShare(
        label, table.share(row, col, TOTAL_LABEL, col), table.count(TOTAL_LABEL, col)
    )


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
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    with engine.connect() as conn:
        by_agreement: dict[int, list[str]] = {}
        for agreement_id, label in conn.execute(groups):
            by_agreement.setdefault(agreement_id, []).append(label)
    return [(a, enterprise, by_agreement.get(a.id, [])) for a, enterprise in rows]


def _course_dates(
    engine: Engine, scope: Scope, agreement_id: int, period: Period, as_of: dt.date
) -> list[_Course]:
    """Per course overlapping the period: start, end, baseline plan day and whether it
    was made with the participant, number of plan versions by the day of counting."""
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
            Enrolment.start_date,
            Enrolment.end_date,
            baseline.c.created_on,
            baseline.c.made_with_participant,
            func.coalesce(versions.c.n, 0),
        )
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .outerjoin(versions, versions.c.enrolment_id == Enrolment.id)
        .where(
            Enrolment.agreement_id == agreement_id,
            enrolment_clause(scope),
            overlaps_period(period.filters(agreement_id), as_of),
        )
    )
    with engine.connect() as conn:
        return [
            _Course(start, end, baseline_on, made_with, int(n))
            for start, end, baseline_on, made_with, n in conn.execute(stmt)
        ]


def _in_period(
    period: Period, as_of: dt.date, column: InstrumentedAttribute[dt.date]
) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= as_of)


def _scoped_enrolments(scope: Scope, agreement_id: int) -> Select[int]:
    return select(Enrolment.id).where(
        Enrolment.agreement_id == agreement_id, enrolment_clause(scope)
    )


def _q1(
    engine: Engine,
    scope: Scope,
    a: Agreement,
    period: Period,
    as_of: dt.date,
    threshold: int,
    today: dt.date,
) -> tuple[Question, OccupancyFacts]:
    (row,) = occupancy_on(engine, scope, as_of, [a.id], today)
    with engine.connect() as conn:
        started = conn.scalar(
            select(func.count()).where(
                Enrolment.agreement_id == a.id,
                enrolment_clause(scope),
                Enrolment.status != EnrolmentStatus.REFERRAL,
                _in_period(period, as_of, Enrolment.start_date),
            )
        )
    free = row.free
    in_use = count_value(row.in_use, threshold)
    referral = count_value(row.in_referral, threshold)
    frame = pd.DataFrame(
        {
            " ": ["Pladser i aftalen", "I brug", "I visitation", "Ledige pladser"],
            "Antal": [a.slots, in_use, referral, free],
        }
    )
    notes = [count_note(threshold)] if is_small(row.in_referral, threshold) else []
    occupancy = (
        fmt_pct(row.in_use / a.slots) if not is_small(row.in_use, threshold) else "vises ikke"
    )
    summary = [
        f"Der er {fmt_int(a.slots)} forløb (pladser) i aftalen. Pr. {fmt_date(as_of)} er "
        f"{_n(in_use)} af {fmt_int(a.slots)} i brug, {_n(referral)} er i visitation, og "
        f"{fmt_int(free)} {'er ledig' if free == 1 else 'er ledige'}. Belægning: {occupancy}.",
        f"Nye forløb startet i perioden: {_count_text(started or 0, threshold)}.",
    ]
    table = ReportTable(
        "Pladser og belægning",
        frame,
        "I brug: forløb der er startet og ikke afsluttet på opgørelsesdagen. I visitation: "
        "henvist, men ikke startet. Ledige: pladser minus forløb i brug. Belægning = i brug "
        "÷ pladser.",
        notes,
    )
    facts = OccupancyFacts(
        slots=a.slots,
        in_use=row.in_use,
        in_referral=row.in_referral,
        free=free,
        in_use_shown=in_use,
        in_referral_shown=referral,
    )
    return Question("q1", QUESTIONS["q1"], summary, [table]), facts


def _q2(
    courses: list[_Course],
    follow_up: GroupCompliance,
    as_of: dt.date,
    threshold: int,
) -> tuple[Question, OnTimeShare]:
    """Plans of the participants in a course on the day of counting, and plans due in
    the period by the 1/4-week rule (the Opfølgning dashboard's tally)."""
    active = [c for c in courses if c.active_on(as_of)]
    with_plan = sum(1 for c in active if c.planned_by(as_of))
    have, h = _table(
        "Deltagere med plan",
        pd.DataFrame(
            {"Deltagere": [with_plan, len(active) - with_plan]}, index=["Med plan", "Uden plan"]
        ),
        threshold,
        f"Deltagere i forløb pr. {fmt_date(as_of)}, med og uden en første plan (baseline).",
        row_totals=False,
    )
    timely, t = _table(
        "Planer med frist i perioden",
        _status_frame(_by_status(follow_up.plans), "Planer"),
        threshold,
        PLANS_ON_TIME.definition,
        row_totals=False,
    )
    summary = [
        f"{_n(h.cell('Med plan', 'Deltagere'))} af {_n(h.cell(TOTAL_LABEL, 'Deltagere'))} "
        f"deltagere i forløb har en plan ({_share_text(h, 'Med plan', 'Deltagere')}).",
        f"Af {_n(t.cell(TOTAL_LABEL, 'Planer'))} planer med frist i perioden blev "
        f"{_n(t.cell(DueStatus.ON_TIME.label, 'Planer'))} lavet til tiden og "
        f"{_n(t.cell(DueStatus.LATE.label, 'Planer'))} for sent; "
        f"{_n(t.cell(DueStatus.MISSING.label, 'Planer'))} mangler.",
    ]
    share = _on_time(PLANS_ON_TIME.label, t, DueStatus.ON_TIME.label, "Planer")
    return Question("q2", QUESTIONS["q2"], summary, [have, timely]), share


def _q3(
    engine: Engine,
    scope: Scope,
    a: Agreement,
    courses: list[_Course],
    period: Period,
    as_of: dt.date,
    threshold: int,
) -> Question:
    """Ownership: baseline plans made with the participant, revisions, evaluations
    written with the participant in the period."""
    planned = [c for c in courses if c.active_on(as_of) and c.planned_by(as_of)]
    made_with = sum(1 for c in planned if c.made_with_participant)
    revised = sum(1 for c in planned if c.plan_versions >= 2)
    with engine.connect() as conn:
        written_with, written_total = conn.execute(
            select(
                func.coalesce(func.sum(case((Evaluation.written_with_participant, 1), else_=0)), 0),
                func.count(),
            ).where(
                Evaluation.enrolment_id.in_(_scoped_enrolments(scope, a.id)),
                _in_period(period, as_of, Evaluation.evaluated_on),
            )
        ).one()
    with_participant = "Planen er lavet sammen med deltageren"
    own, o = _table(
        "Ejerskab til planen",
        pd.DataFrame(
            {"Deltagere": [made_with, len(planned) - made_with]},
            index=[with_participant, "Planen er lavet uden deltageren"],
        ),
        threshold,
        "Deltagere i forløb med en plan: er den første plan udarbejdet sammen med "
        "deltageren (registreret ved planen).",
        row_totals=False,
    )
    written, _ = _table(
        "Evalueringer i perioden",
        pd.DataFrame(
            {"Evalueringer": [int(written_with), int(written_total) - int(written_with)]},
            index=["Skrevet sammen med deltageren", "Skrevet uden deltageren"],
        ),
        threshold,
        "Evalueringer dateret i perioden, efter om de er skrevet sammen med deltageren.",
        row_totals=False,
    )
    summary = [
        f"{_n(o.cell(with_participant, 'Deltagere'))} af {_n(o.cell(TOTAL_LABEL, 'Deltagere'))} "
        "planer er udarbejdet sammen med deltageren.",
        f"{_count_text(revised, threshold)} deltagere har fået planen revideret "
        "(mindst én ny version efter den første).",
    ]
    return Question("q3", QUESTIONS["q3"], summary, [own, written])


def _q4(
    a: Agreement, follow_up: GroupCompliance, threshold: int
) -> tuple[Question, MeetingFacts, list[OnTimeShare]]:
    """Evaluations due in the period and the follow-up meetings held with them."""
    meetings = MeetingFacts(
        evaluations=follow_up.evaluations_held,
        held=follow_up.meetings_held,
        caseworker_present=follow_up.caseworker_present,
    )
    evals, e = _table(
        "Evalueringer med frist i perioden",
        _status_frame(_by_status(follow_up.evaluations), "Evalueringer"),
        threshold,
        # The measure says N months "from the agreement": say which N this one has.
        f"{EVALUATIONS_ON_TIME.definition} I denne aftale er N = {a.evaluation_interval_months}.",
        row_totals=False,
    )
    present, not_held = meetings.caseworker_present, meetings.evaluations - meetings.held
    meets, m = _table(
        "Opfølgningsmøder ved evalueringerne i perioden",
        pd.DataFrame(
            {"Møder": [present, meetings.held - present, not_held]},
            index=[
                "Holdt, sagsbehandler deltog",
                "Holdt uden sagsbehandler",
                "Ikke holdt",
            ],
        ),
        threshold,
        MEETINGS_HELD.definition,
        row_totals=False,
    )
    on_time = DueStatus.ON_TIME.label
    summary = [
        f"Af {_n(e.cell(TOTAL_LABEL, 'Evalueringer'))} evalueringer med frist i perioden blev "
        f"{_n(e.cell(on_time, 'Evalueringer'))} lavet til tiden "
        f"({_share_text(e, on_time, 'Evalueringer')}), "
        f"{_n(e.cell(DueStatus.LATE.label, 'Evalueringer'))} for sent, og "
        f"{_n(e.cell(DueStatus.MISSING.label, 'Evalueringer'))} mangler.",
        f"Ved {_n(m.cell(TOTAL_LABEL, 'Møder'))} evalueringer i perioden blev der holdt "
        f"opfølgningsmøde ved {_count_text(meetings.held, threshold)}; sagsbehandleren deltog "
        f"i {_n(m.cell('Holdt, sagsbehandler deltog', 'Møder'))}.",
    ]
    # Meetings held is the sum of two rows of the table: its share is withheld when the
    # held or the not-held count is small, since either would give the other away.
    held_share = (
        None
        if is_small(not_held, threshold)
        else share_value(meetings.held, meetings.evaluations, threshold)
    )
    shares = [
        _on_time(EVALUATIONS_ON_TIME.label, e, on_time, "Evalueringer"),
        OnTimeShare(MEETINGS_HELD_LABEL, held_share, meetings.evaluations),
    ]
    return Question("q4", QUESTIONS["q4"], summary, [evals, meets]), meetings, shares


def _q5(
    engine: Engine, scope: Scope, a: Agreement, period: Period, threshold: int, today: dt.date
) -> tuple[Question, OnTimeShare]:
    found = deliverables_by_kind(engine, scope, period.filters(a.id), today)
    received = "Modtaget til tiden"
    counts = pd.DataFrame(
        [
            (t.on_time, t.late, t.missing)
            for t in (found.get(kind, rules.Tally()) for kind in DeliverableKind)
        ],
        index=[kind.label for kind in DeliverableKind],
        columns=[received, "Modtaget for sent", "Ikke modtaget"],
    )
    table, t = _table(
        "Leverancer til jobkonsulent/sagsbehandler med frist i perioden",
        counts,
        threshold,
        DELIVERABLES_ON_TIME.definition,
    )
    summary = [
        f"Af {_n(t.cell(TOTAL_LABEL, TOTAL_LABEL))} aftalte leverancer med frist i perioden er "
        f"{_n(t.cell(TOTAL_LABEL, received))} modtaget til tiden, "
        f"{_n(t.cell(TOTAL_LABEL, 'Modtaget for sent'))} for sent, og "
        f"{_n(t.cell(TOTAL_LABEL, 'Ikke modtaget'))} er ikke modtaget.",
    ]
    share = OnTimeShare(
        DELIVERABLES_ON_TIME.label,
        t.share(TOTAL_LABEL, received, TOTAL_LABEL, TOTAL_LABEL),
        t.count(TOTAL_LABEL, TOTAL_LABEL),
    )
    return Question("q5", QUESTIONS["q5"], summary, [table]), share


def progression_by_parameter(
    engine: Engine, scope: Scope, agreement_id: int, period: Period, today: dt.date
) -> list[ProgressionRow]:
    """Per parameter: n participants with a baseline score and a later evaluation score
    by the day of counting, mean baseline, mean latest and mean change; then a last row
    'Alle parametre' over participants. The Progression dashboard's figures
    (lib.queries.progression) for the agreement and period."""
    f = period.filters(agreement_id)
    found = {
        c.parameter_id: c
        for c in parameter_changes(engine, scope, f, today)
        if c.sub_element_id is None
    }
    rows = []
    for parameter_id, code, label in parameters(engine):
        c = found.get(parameter_id)
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
    overall = overall_change(engine, scope, f, today)
    rows.append(
        ProgressionRow(
            code=ALL_PARAMETERS,
            label="Alle parametre",
            n=overall.n,
            baseline=overall.mean_baseline,
            latest=overall.mean_latest,
            change=overall.mean_change,
        )
    )
    return rows


def _q6(
    engine: Engine, scope: Scope, a: Agreement, period: Period, threshold: int, today: dt.date
) -> tuple[Question, list[ProgressionRow]]:
    rows = progression_by_parameter(engine, scope, a.id, period, today)
    frame = pd.DataFrame(
        [
            {
                "Parameter": r.label,
                "Deltagere (n)": count_value(r.n, threshold),
                "Gns. baseline": mean_value(r.baseline, r.n, threshold),
                "Gns. seneste": mean_value(r.latest, r.n, threshold),
                "Gns. ændring": mean_value(r.change, r.n, threshold),
            }
            for r in rows
        ]
    )
    notes = []
    if any(is_small(r.n, threshold) for r in rows):
        notes.append(count_note(threshold))
    if any(r.n and r.n < threshold for r in rows):
        notes.append(share_note(threshold))
    progression = ReportTable(
        "Progression pr. parameter (skala 1–5)",
        frame,
        "Deltagere med en score ved den første plan (baseline) og mindst én senere "
        "evaluering af samme parameter. Gennemsnit af baseline, af seneste score og af "
        "ændringen (seneste minus baseline).",
        notes,
    )
    certs = [(name, n) for _a, name, n in certificates(engine, scope, period.filters(a.id))]
    tables = [progression]
    summary = []
    goal_tables, goal_summary = _sub_goal_tables(engine, scope, a, period, threshold, today)
    tables += goal_tables
    shown = [r for r in rows if r.n >= threshold and r.change is not None]
    if shown:
        parts = [f"{_lc(r.label)} {fmt_signed(r.change)} (n = {r.n})" for r in shown]
        summary.append(
            "Gennemsnitlig ændring fra baseline til seneste evaluering: " + ", ".join(parts) + "."
        )
    hidden = [r.label for r in rows if 0 < r.n < threshold]
    if hidden:
        summary.append(
            f"For {', '.join(_lc(h) for h in hidden)} bygger tallene på færre end "
            f"{threshold} deltagere og vises ikke."
        )
    if not any(r.n for r in rows):
        summary.append("Der er endnu ingen deltagere med både baseline og en senere evaluering.")
    if certs:
        cert_table, c = _table(
            "Beviser opnået i perioden",
            pd.DataFrame({"Deltagere": [int(n) for _, n in certs]}, index=[c for c, _ in certs]),
            threshold,
            "Beviser registreret i perioden (fx hygiejnebevis, førstehjælpsbevis).",
            row_totals=False,
            column_totals=False,
        )
        tables.append(cert_table)
        summary.append(
            "Beviser opnået i perioden: "
            + ", ".join(f"{_lc(name)} {_n(c.cell(name, 'Deltagere'))}" for name, _ in certs)
            + "."
        )
    return Question("q6", QUESTIONS["q6"], summary + goal_summary, tables), rows


def _sub_goal_tables(
    engine: Engine, scope: Scope, a: Agreement, period: Period, threshold: int, today: dt.date
) -> tuple[list[ReportTable], list[str]]:
    """Question 6's second part, from the evaluations' own answers (lib.queries.sub_goals):
    sub-goals reached at each course's latest evaluation, and the courses nearing the
    long-term goal and with sub-goals to adjust. Counts suppressed like every table."""
    p = sub_goal_progress(engine, scope, period.filters(a.id), today)
    if not p.evaluations:
        return [], []
    goals, g = _table(
        "Delmål ved seneste evaluering",
        pd.DataFrame(
            {"Delmål": [p.reached, p.in_progress, p.not_started]},
            index=[s.label for s in SubGoalStatus],
        ),
        threshold,
        SUB_GOALS_REACHED.definition,
        row_totals=False,
    )
    unchanged = p.evaluations - p.closer - p.further
    answers, t = _table(
        "Det langsigtede mål og delmålene ved seneste evaluering",
        pd.DataFrame(
            {"Forløb": [p.closer, unchanged, p.further]},
            index=[s.label for s in GoalProgress],
        ),
        threshold,
        f"{NEARING_GOAL.definition} {SUB_GOALS_TO_ADJUST.definition}",
        row_totals=False,
    )
    summary = []
    if p.goals:
        summary.append(
            f"Ved den seneste evaluering var {_share_text(g, SubGoalStatus.REACHED.label, 'Delmål')} "
            f"af delmålene opnået (n = {_count_text(p.goals, threshold)} delmål)."
        )
    summary.append(
        f"{_share_text(t, GoalProgress.CLOSER.label, 'Forløb')} af forløbene nærmer sig det "
        f"langsigtede mål, og for {_count_text(p.to_adjust, threshold)} af "
        f"{_count_text(p.evaluations, threshold)} skal delmålene justeres."
    )
    return [goals, answers], summary


def _q7(
    engine: Engine, scope: Scope, a: Agreement, period: Period, as_of: dt.date, threshold: int
) -> tuple[Question, list[OutcomeRow]]:
    found = outcome_totals(engine, scope, period.filters(a.id))
    with engine.connect() as conn:
        extended = conn.scalar(
            select(func.count(func.distinct(Extension.enrolment_id))).where(
                Extension.enrolment_id.in_(_scoped_enrolments(scope, a.id)),
                _in_period(period, as_of, Extension.extended_on),
            )
        )
    summary = []
    tables = []
    outcomes = []
    if found:
        table, t = _table(
            "Resultat efter forløb, afsluttet i perioden",
            pd.DataFrame(
                {"Deltagere": [int(n) for _, n in found]}, index=[label for label, _ in found]
            ),
            threshold,
            "Forløb afsluttet i perioden efter registreret resultat (som på siden "
            "Resultater); forløb uden registreret resultat tæller med.",
            row_totals=False,
            label="Resultat",
        )
        tables.append(table)
        outcomes = [
            OutcomeRow(label, t.count(label, "Deltagere"), t.is_hidden(label, "Deltagere"))
            for label, _ in found
        ]
        summary.append(
            f"{_n(t.cell(TOTAL_LABEL, 'Deltagere'))} forløb er afsluttet i perioden: "
            + ", ".join(f"{_lc(label)} {_n(t.cell(label, 'Deltagere'))}" for label, _ in found)
            + "."
        )
    else:
        summary.append("Ingen forløb er afsluttet i perioden.")
    summary.append(f"Forløb forlænget i perioden: {_count_text(int(extended or 0), threshold)}.")
    return Question("q7", QUESTIONS["q7"], summary, tables), outcomes


def _q8(a: Agreement) -> Question:
    summary = [
        f"Kontaktperson i jobcentret: {a.jobcentre_contact or '–'}. "
        f"Kontaktperson i virksomheden: {a.enterprise_contact or '–'}.",
    ]
    return Question("q8", QUESTIONS["q8"], summary, [])


def _agreement_report(
    engine: Engine,
    scope: Scope,
    a: Agreement,
    enterprise: str,
    groups: list[str],
    period: Period,
    as_of: dt.date,
    threshold: int,
    today: dt.date,
) -> AgreementReport:
    q1, occupancy = _q1(engine, scope, a, period, as_of, threshold, today)
    courses = _course_dates(engine, scope, a.id, period, as_of)
    follow_up = compliance(engine, scope, period.filters(a.id), today).total
    q2, plans_share = _q2(courses, follow_up, as_of, threshold)
    q3 = _q3(engine, scope, a, courses, period, as_of, threshold)
    q4, meetings, follow_up_shares = _q4(a, follow_up, threshold)
    q5, deliverables_share = _q5(engine, scope, a, period, threshold, today)
    q6, progression = _q6(engine, scope, a, period, threshold, today)
    q7, outcomes = _q7(engine, scope, a, period, as_of, threshold)
    facts = AgreementFacts(
        occupancy=occupancy,
        follow_up=FollowUpFacts(
            active=sum(1 for c in courses if c.active_on(as_of)),
            plans=_by_status(follow_up.plans),
            evaluations=_by_status(follow_up.evaluations),
            meetings=meetings,
        ),
        on_time=[plans_share, *follow_up_shares, deliverables_share],
        progression=progression,
        outcomes=outcomes,
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
        questions=[q1, q2, q3, q4, q5, q6, q7, _q8(a)],
        facts=facts,
    )


def build_report(
    engine: Engine,
    scope: Scope,
    period: Period,
    agreement_ids: Sequence[int] | None = None,
    *,
    threshold: int = 5,
    today: dt.date | None = None,
) -> Report:
    """All numbers of the report for the chosen agreements and period, suppressed."""
    today = today or dt.date.today()
    as_of = period.as_of(today)
    agreements = [
        _agreement_report(engine, scope, a, enterprise, groups, period, as_of, threshold, today)
        for a, enterprise, groups in _agreements(engine, scope, agreement_ids)
    ]
    texts = load_texts(engine, period, [a.agreement_id for a in agreements])
    return Report(
        period=period,
        as_of=as_of,
        threshold=threshold,
        agreements=agreements,
        texts={key: body for key, (body, _v) in texts.items()},
        generated_on=today,
    )
