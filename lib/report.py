"""The agreement evaluation report (evalueringsrapport) for the committee.

Seed 000 in data: per agreement and period the eight questions, each answered with the
numbers the data gives, next to the assessment staff write (ReportText, saved per
agreement, period and section). Every count of people goes through lib/suppression.py
before it is put in a table, a sentence or a chart, so no builder can publish a small
count. Documents: Word (.docx) and PowerPoint (.pptx).

The figures that the dashboards also show come from the same functions, filtered to the
agreement and the period, so the report and the dashboards agree: occupancy from
lib.occupancy, plans, evaluations, meetings and deliverables from lib.compliance (rules in
lib.rules), progression from lib.progression, outcomes and certificates from lib.outcomes.
The rest (plan coverage and ownership on the day of counting, starts and extensions in
the period) is counted here in SQL.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import write_session
from db.models import (
    Agreement,
    AgreementTargetGroup,
    Enrolment,
    Enterprise,
    Evaluation,
    Extension,
    Plan,
    ReportText,
    TargetGroup,
)
from lib import rules
from lib.compliance import compliance, deliverables_by_kind
from lib.filters import Filters, overlaps_period
from lib.format import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_signed
from lib.occupancy import occupancy_on
from lib.outcomes import certificates, outcome_totals
from lib.progression import overall_change, parameter_changes, parameters
from lib.rules import add_months
from lib.scope import Scope, agreement_clause, enrolment_clause
from lib.suppression import (
    SuppressedTable,
    count_note,
    count_value,
    is_small,
    marker,
    mean_value,
    share_note,
    suppress_table,
)

SOURCE = "Kilde: Forløbsmonitor (jobcentrets registreringer)"
EVALUATION_GRACE_DAYS = rules.EVALUATION_GRACE_DAYS

QUESTIONS: dict[str, str] = {
    "q1": "Er forløbene i brug?",
    "q2": "Har deltageren en plan?",
    "q3": "Har deltageren ejerskab til planen?",
    "q4": "Sker opfølgningen og foretages opfølgningsmøderne?",
    "q5": "Får jobkonsulenterne/sagsbehandlerne hvad der er aftalt?",
    "q6": "Hvad opnår deltagerne i forløbene – effekter i den praktiske hverdag?",
    "q7": "Efter endt forløb?",
    "q8": "Samarbejdet med virksomheden?",
}
COMMON_SECTIONS: dict[str, str] = {
    "intro": "Introduktion",
    "what_works": "Status – hvad virker?",
    "development_points": "Udviklings- og erfaringspunkter",
}
SECTIONS: tuple[str, ...] = ("intro", *QUESTIONS, "what_works", "development_points")
# Sections written once for the whole report (agreement_id NULL), the rest per agreement.
REPORT_WIDE = ("intro", "what_works", "development_points")

STATUS_ON_TIME, STATUS_LATE, STATUS_MISSING = rules.ON_TIME, rules.LATE, rules.MISSING
DELIVERABLE_LABELS = {
    "meeting_plan": "Mødeplan",
    "plan": "Plan",
    "evaluation_invitation": "Indkaldelse til evaluering",
}


# --------------------------------------------------------------------------- period


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


def default_period(today: dt.date | None = None, cadence: str = "half_yearly") -> Period:
    """The review period ending today: six months (half-yearly) or twelve (yearly)."""
    today = today or dt.date.today()
    months = 12 if cadence == "yearly" else 6
    return Period(add_months(today, -months) + dt.timedelta(days=1), today)


# --------------------------------------------------------------------------- report data


@dataclass
class ReportTable:
    """A published table: `frame` holds only what may be shown ('<5', withheld shares)."""

    title: str
    frame: pd.DataFrame
    definition: str
    notes: list[str] = field(default_factory=list)
    counts: SuppressedTable | None = None  # kept for charts: true values + hidden mask


@dataclass
class Question:
    key: str
    title: str
    summary: list[str]
    tables: list[ReportTable] = field(default_factory=list)


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
    facts: dict[str, object] = field(default_factory=dict)  # published numbers for charts

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
) -> ReportTable:
    suppressed = suppress_table(
        counts, threshold, row_totals=row_totals, column_totals=column_totals
    )
    frame = suppressed.display().reset_index(names=label or " ")
    return ReportTable(title, frame, definition, list(suppressed.notes), suppressed)


def _status_counts(t: rules.Tally) -> dict[str, int]:
    return {STATUS_ON_TIME: t.on_time, STATUS_LATE: t.late, STATUS_MISSING: t.missing}


def _lc(label: str) -> str:
    """Lower-case the first letter only, so 'Uddannelse (fx VUC)' keeps its VUC."""
    return label[:1].lower() + label[1:]


def _n(value: int | str) -> str:
    return value if isinstance(value, str) else fmt_int(value)


def _share_text(table: SuppressedTable, row, col, total_row, total_col, threshold) -> str:
    """'83,3 %' or a withheld note: a share is shown only when both its cell and the total
    are published and the total counts at least `threshold` people."""
    num, den = table.values.at[row, col], table.values.at[total_row, total_col]
    if table.hidden.at[row, col] or table.hidden.at[total_row, total_col] or den < threshold:
        return "andel vises ikke"
    return fmt_pct(num / den) if den else "–"


# --------------------------------------------------------------------------- queries


def _agreements(engine: Engine, scope: Scope, agreement_ids: list[int] | None):
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


def _course_dates(engine: Engine, scope: Scope, agreement_id: int, period: Period, as_of):
    """Per course overlapping the period: start, weeks, end, baseline plan day and
    whether it was made with the participant, number of plan versions."""
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
            Enrolment.id,
            Enrolment.start_date,
            Enrolment.planned_weeks,
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
        return conn.execute(stmt).all()


def _in_period(period: Period, as_of: dt.date, column):
    return and_(column >= period.start, column <= as_of)


def _scoped_enrolments(scope: Scope, agreement_id: int):
    return select(Enrolment.id).where(
        Enrolment.agreement_id == agreement_id, enrolment_clause(scope)
    )


# --------------------------------------------------------------------------- questions


def _q1(engine, scope, a: Agreement, period: Period, as_of, threshold, today):
    (row,) = occupancy_on(engine, scope, as_of, [a.id], today)
    occ = {"in_use": row.in_use, "in_referral": row.in_referral}
    with engine.connect() as conn:
        started = conn.scalar(
            select(func.count()).where(
                Enrolment.agreement_id == a.id,
                enrolment_clause(scope),
                Enrolment.status != "referral",
                _in_period(period, as_of, Enrolment.start_date),
            )
        )
    free = row.free
    in_use = count_value(occ["in_use"], threshold)
    referral = count_value(occ["in_referral"], threshold)
    frame = pd.DataFrame(
        {
            " ": ["Pladser i aftalen", "I brug", "I visitation", "Ledige pladser"],
            "Antal": [a.slots, in_use, referral, free],
        }
    )
    notes = [count_note(threshold)] if is_small(occ["in_referral"], threshold) else []
    occupancy = (
        fmt_pct(occ["in_use"] / a.slots) if not is_small(occ["in_use"], threshold) else "vises ikke"
    )
    summary = [
        f"Der er {fmt_int(a.slots)} forløb (pladser) i aftalen. Pr. {fmt_date(as_of)} er "
        f"{_n(in_use)} af {fmt_int(a.slots)} i brug, {_n(referral)} er i visitation, og "
        f"{fmt_int(free)} {'er ledig' if free == 1 else 'er ledige'}. Belægning: {occupancy}.",
        f"Nye forløb startet i perioden: {_n(count_value(started, threshold))}.",
    ]
    table = ReportTable(
        "Pladser og belægning",
        frame,
        "I brug: forløb der er startet og ikke afsluttet på opgørelsesdagen. I visitation: "
        "henvist, men ikke startet. Ledige: pladser minus forløb i brug. Belægning = i brug "
        "÷ pladser.",
        notes,
    )
    facts = {
        "slots": a.slots,
        "in_use": occ["in_use"],
        "in_referral": occ["in_referral"],
        "free": free,
        "in_use_shown": in_use,
        "in_referral_shown": referral,
    }
    return Question("q1", QUESTIONS["q1"], summary, [table]), facts


def _q2_q3_q4(engine, scope, a: Agreement, period: Period, as_of, threshold, today):
    courses = _course_dates(engine, scope, a.id, period, as_of)
    follow_up = compliance(engine, scope, period.filters(a.id), today).total

    # Q2: plans of the participants in a course on the day of counting, and plans due
    # in the period by the 1/4-week rule (the Opfølgning dashboard's tally).
    active = [c for c in courses if c[1] <= as_of and (c[3] is None or c[3] >= as_of)]
    with_plan = sum(1 for c in active if c[4] is not None and c[4] <= as_of)
    plan_counts = _status_counts(follow_up.plans)
    have = _table(
        "Deltagere med plan",
        pd.DataFrame(
            {"Deltagere": [with_plan, len(active) - with_plan]}, index=["Med plan", "Uden plan"]
        ),
        threshold,
        f"Deltagere i forløb pr. {fmt_date(as_of)}, med og uden en første plan (baseline).",
        row_totals=False,
    )
    timely = _table(
        "Planer med frist i perioden",
        pd.DataFrame({"Planer": list(plan_counts.values())}, index=list(plan_counts)),
        threshold,
        "Planen skal foreligge 1 uge inde i et 13-ugers forløb og 4 uger inde i et "
        "52-ugers forløb; registreret pause rykker fristen. Til tiden: lavet senest på "
        "fristen. Mangler: fristen er overskredet, og der er ingen plan.",
        row_totals=False,
    )
    h = have.counts
    summary2 = [
        f"{_n(h.cell('Med plan', 'Deltagere'))} af {_n(h.cell('I alt', 'Deltagere'))} "
        f"deltagere i forløb har en plan "
        f"({_share_text(h, 'Med plan', 'Deltagere', 'I alt', 'Deltagere', threshold)}).",
        f"Af {_n(timely.counts.cell('I alt', 'Planer'))} planer med frist i perioden blev "
        f"{_n(timely.counts.cell(STATUS_ON_TIME, 'Planer'))} lavet til tiden og "
        f"{_n(timely.counts.cell(STATUS_LATE, 'Planer'))} for sent; "
        f"{_n(timely.counts.cell(STATUS_MISSING, 'Planer'))} mangler.",
    ]
    q2 = Question("q2", QUESTIONS["q2"], summary2, [have, timely])

    # Q3: ownership: baseline plans made with the participant, revisions, evaluations
    # written with the participant in the period.
    planned = [c for c in active if c[4] is not None and c[4] <= as_of]
    made_with = sum(1 for c in planned if c[5])
    revised = sum(1 for c in planned if c[6] >= 2)
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
    own = _table(
        "Ejerskab til planen",
        pd.DataFrame(
            {"Deltagere": [made_with, len(planned) - made_with]},
            index=["Planen er lavet sammen med deltageren", "Planen er lavet uden deltageren"],
        ),
        threshold,
        "Deltagere i forløb med en plan: er den første plan udarbejdet sammen med "
        "deltageren (registreret ved planen).",
        row_totals=False,
    )
    written = _table(
        "Evalueringer i perioden",
        pd.DataFrame(
            {"Evalueringer": [int(written_with), int(written_total) - int(written_with)]},
            index=["Skrevet sammen med deltageren", "Skrevet uden deltageren"],
        ),
        threshold,
        "Evalueringer dateret i perioden, efter om de er skrevet sammen med deltageren.",
        row_totals=False,
    )
    o = own.counts
    summary3 = [
        f"{_n(o.cell(o.values.index[0], 'Deltagere'))} af {_n(o.cell('I alt', 'Deltagere'))} "
        "planer er udarbejdet sammen med deltageren.",
        f"{_n(count_value(revised, threshold))} deltagere har fået planen revideret "
        "(mindst én ny version efter den første).",
    ]
    q3 = Question("q3", QUESTIONS["q3"], summary3, [own, written])

    # Q4: evaluations due in the period and the follow-up meetings held with them.
    eval_counts = _status_counts(follow_up.evaluations)
    held, present, meetings = (
        follow_up.meetings_held,
        follow_up.caseworker_present,
        follow_up.evaluations_held,
    )

    evals = _table(
        "Evalueringer med frist i perioden",
        pd.DataFrame({"Evalueringer": list(eval_counts.values())}, index=list(eval_counts)),
        threshold,
        f"Evaluering hver {a.evaluation_interval_months}. måned efter den første plan, "
        "derefter regnet fra forrige evaluering; registreret pause rykker fristen. Til "
        "tiden: senest "
        f"{EVALUATION_GRACE_DAYS} dage efter fristen. Mangler: fristen er overskredet, "
        "og der er ingen evaluering.",
        row_totals=False,
    )
    meets = _table(
        "Opfølgningsmøder ved evalueringerne i perioden",
        pd.DataFrame(
            {"Møder": [present, held - present, meetings - held]},
            index=[
                "Holdt, sagsbehandler deltog",
                "Holdt uden sagsbehandler",
                "Ikke holdt",
            ],
        ),
        threshold,
        "Et opfølgningsmøde skal holdes ved hver evaluering; sagsbehandleren kan deltage. "
        "Tæller evalueringer dateret i perioden.",
        row_totals=False,
    )
    e, m = evals.counts, meets.counts
    summary4 = [
        f"Af {_n(e.cell('I alt', 'Evalueringer'))} evalueringer med frist i perioden blev "
        f"{_n(e.cell(STATUS_ON_TIME, 'Evalueringer'))} lavet til tiden "
        f"({_share_text(e, STATUS_ON_TIME, 'Evalueringer', 'I alt', 'Evalueringer', threshold)}), "
        f"{_n(e.cell(STATUS_LATE, 'Evalueringer'))} for sent, og "
        f"{_n(e.cell(STATUS_MISSING, 'Evalueringer'))} mangler.",
        f"Ved {_n(m.cell('I alt', 'Møder'))} evalueringer i perioden blev der holdt "
        f"opfølgningsmøde ved {_n(count_value(held, threshold))}; sagsbehandleren deltog "
        f"i {_n(m.cell('Holdt, sagsbehandler deltog', 'Møder'))}.",
    ]
    q4 = Question("q4", QUESTIONS["q4"], summary4, [evals, meets])
    facts = {
        "active": len(active),
        "plans": plan_counts,
        "evaluations": eval_counts,
        "meetings": {"held": held, "present": present, "total": meetings},
    }
    return q2, q3, q4, facts


def _q5(engine, scope, a: Agreement, period: Period, threshold, today) -> Question:
    found = deliverables_by_kind(engine, scope, period.filters(a.id), today)
    counts = pd.DataFrame(
        [
            (t.on_time, t.late, t.missing)
            for t in (found.get(kind, rules.Tally()) for kind in DELIVERABLE_LABELS)
        ],
        index=list(DELIVERABLE_LABELS.values()),
        columns=["Modtaget til tiden", "Modtaget for sent", "Ikke modtaget"],
    )
    table = _table(
        "Leverancer til jobkonsulent/sagsbehandler med frist i perioden",
        counts,
        threshold,
        "Det aftalte: mødeplan, plan og indkaldelser til evaluering. Til tiden: modtaget "
        "senest på fristen. Ikke modtaget: fristen er overskredet, og intet er modtaget.",
    )
    t = table.counts
    summary = [
        f"Af {_n(t.cell('I alt', 'I alt'))} aftalte leverancer med frist i perioden er "
        f"{_n(t.cell('I alt', 'Modtaget til tiden'))} modtaget til tiden, "
        f"{_n(t.cell('I alt', 'Modtaget for sent'))} for sent, og "
        f"{_n(t.cell('I alt', 'Ikke modtaget'))} er ikke modtaget.",
    ]
    return Question("q5", QUESTIONS["q5"], summary, [table])


def progression_by_parameter(
    engine: Engine, scope: Scope, agreement_id: int, period: Period, today: dt.date
) -> list[dict]:
    """Per parameter: n participants with a baseline score and a later evaluation score
    by the day of counting, mean baseline, mean latest and mean change; then a last row
    'Alle parametre' over participants. The Progression dashboard's figures
    (lib.progression) for the agreement and period."""
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
            {
                "code": code,
                "label": label,
                "n": c.n if c else 0,
                "baseline": c.mean_baseline if c else None,
                "latest": c.mean_latest if c else None,
                "change": c.mean_change if c else None,
            }
        )
    overall = overall_change(engine, scope, f, today)
    rows.append(
        {
            "code": "all",
            "label": "Alle parametre",
            "n": overall.n,
            "baseline": overall.mean_baseline,
            "latest": overall.mean_latest,
            "change": overall.mean_change,
        }
    )
    return rows


def _q6(engine, scope, a: Agreement, period: Period, threshold, today):
    rows = progression_by_parameter(engine, scope, a.id, period, today)
    published = []
    for r in rows:
        published.append(
            {
                "Parameter": r["label"],
                "Deltagere (n)": count_value(r["n"], threshold),
                "Gns. baseline": mean_value(r["baseline"], r["n"], threshold),
                "Gns. seneste": mean_value(r["latest"], r["n"], threshold),
                "Gns. ændring": mean_value(r["change"], r["n"], threshold),
            }
        )
    frame = pd.DataFrame(published)
    notes = []
    if any(is_small(r["n"], threshold) for r in rows):
        notes.append(count_note(threshold))
    if any(r["n"] and r["n"] < threshold for r in rows):
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
    shown = [r for r in rows if r["n"] >= threshold and r["change"] is not None]
    if shown:
        parts = [f"{_lc(r['label'])} {fmt_signed(r['change'])} (n = {r['n']})" for r in shown]
        summary.append(
            "Gennemsnitlig ændring fra baseline til seneste evaluering: " + ", ".join(parts) + "."
        )
    hidden = [r["label"] for r in rows if 0 < r["n"] < threshold]
    if hidden:
        summary.append(
            f"For {', '.join(_lc(h) for h in hidden)} bygger tallene på færre end "
            f"{threshold} deltagere og vises ikke."
        )
    if not any(r["n"] for r in rows):
        summary.append("Der er endnu ingen deltagere med både baseline og en senere evaluering.")
    if certs:
        cert_table = _table(
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
            + ", ".join(
                f"{_lc(name)} {_n(cert_table.counts.cell(name, 'Deltagere'))}" for name, _ in certs
            )
            + "."
        )
    return Question("q6", QUESTIONS["q6"], summary, tables), rows


def _q7(engine, scope, a: Agreement, period: Period, as_of, threshold):
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
    if found:
        table = _table(
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
        t = table.counts
        summary.append(
            f"{_n(t.cell('I alt', 'Deltagere'))} forløb er afsluttet i perioden: "
            + ", ".join(f"{_lc(label)} {_n(t.cell(label, 'Deltagere'))}" for label, _ in found)
            + "."
        )
    else:
        summary.append("Ingen forløb er afsluttet i perioden.")
    summary.append(
        f"Forløb forlænget i perioden: {_n(count_value(int(extended or 0), threshold))}."
    )
    return Question("q7", QUESTIONS["q7"], summary, tables), found


def _q8(a: Agreement) -> Question:
    summary = [
        f"Kontaktperson i jobcentret: {a.jobcentre_contact or '–'}. "
        f"Kontaktperson i virksomheden: {a.enterprise_contact or '–'}.",
    ]
    return Question("q8", QUESTIONS["q8"], summary, [])


def build_report(
    engine: Engine,
    scope: Scope,
    period: Period,
    agreement_ids: list[int] | None = None,
    *,
    threshold: int = 5,
    today: dt.date | None = None,
) -> Report:
    """All numbers of the report for the chosen agreements and period, suppressed."""
    today = today or dt.date.today()
    as_of = period.as_of(today)
    agreements = []
    for a, enterprise, groups in _agreements(engine, scope, agreement_ids):
        q1, occ = _q1(engine, scope, a, period, as_of, threshold, today)
        q2, q3, q4, follow = _q2_q3_q4(engine, scope, a, period, as_of, threshold, today)
        q5 = _q5(engine, scope, a, period, threshold, today)
        q6, progression = _q6(engine, scope, a, period, threshold, today)
        q7, outcomes = _q7(engine, scope, a, period, as_of, threshold)
        agreements.append(
            AgreementReport(
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
                facts={**occ, **follow, "progression": progression, "outcomes": outcomes},
            )
        )
    texts = load_texts(engine, period, [a.agreement_id for a in agreements])
    return Report(
        period=period,
        as_of=as_of,
        threshold=threshold,
        agreements=agreements,
        texts={key: body for key, (body, _v) in texts.items()},
        generated_on=today,
    )


# --------------------------------------------------------------------------- staff text


class StaleText(RuntimeError):
    """Someone else saved this text after it was opened; the message is for the user."""


def load_texts(
    engine: Engine, period: Period, agreement_ids: list[int]
) -> dict[tuple[int | None, str], tuple[str, int]]:
    """(agreement_id or None, section) -> (body, version) for the period."""
    stmt = (
        select(ReportText.agreement_id, ReportText.section, ReportText.body, ReportText.version)
        .where(
            ReportText.period_start == period.start,
            ReportText.period_end == period.end,
            or_(ReportText.agreement_id.in_(agreement_ids), ReportText.agreement_id.is_(None)),
        )
        .order_by(ReportText.id)
    )
    with engine.connect() as conn:
        return {
            (aid, section): (body, version) for aid, section, body, version in conn.execute(stmt)
        }


def save_text(
    engine: Engine,
    actor: str,
    *,
    agreement_id: int | None,
    period: Period,
    section: str,
    body: str,
    expected_version: int | None,
    user_id: int | None = None,
) -> int:
    """Save one section's text; returns the new version.

    `expected_version` is the version the editor opened (None: there was no text). If
    someone saved in between, StaleText is raised and nothing is written, so an edit made
    over several days never silently overwrites a colleague's.
    """
    if section not in SECTIONS:
        raise ValueError(f"Ukendt afsnit: {section}")
    if (agreement_id is None) != (section in REPORT_WIDE):
        raise ValueError(
            f"Afsnittet {section} hører ikke til {'rapporten' if agreement_id is None else 'en aftale'}."
        )
    stale = StaleText(
        "Teksten er ændret af en anden, siden du åbnede den. Kopiér din tekst, genindlæs "
        "siden og indsæt den igen."
    )
    try:
        with write_session(engine, actor) as session:
            row = session.scalars(
                select(ReportText)
                .where(
                    ReportText.agreement_id.is_(None)
                    if agreement_id is None
                    else ReportText.agreement_id == agreement_id,
                    ReportText.period_start == period.start,
                    ReportText.period_end == period.end,
                    ReportText.section == section,
                )
                .order_by(ReportText.id)
                .limit(1)
            ).first()
            if row is None:
                if expected_version is not None:
                    raise stale
                row = ReportText(
                    agreement_id=agreement_id,
                    period_start=period.start,
                    period_end=period.end,
                    section=section,
                    body=body,
                    updated_by_id=user_id,
                )
                session.add(row)
                session.flush()
                return row.version
            if expected_version != row.version:
                raise stale
            if row.body == body:
                return row.version
            row.body = body
            row.updated_by_id = user_id
            session.flush()
            return row.version
    except StaleDataError:
        raise stale from None


# --------------------------------------------------------------------------- documents

CADENCE_LABELS = {"half_yearly": "halvårlig", "yearly": "årlig"}


@dataclass
class DocumentChart:
    """A chart ready for a document: its title, the question it belongs to, a PNG."""

    key: str
    question: str | None  # "q1".."q8" for an agreement chart, None for overview charts
    agreement_id: int | None
    title: str
    subtitle: str
    png: bytes


def _intro_lines(report: Report) -> list[str]:
    names = ", ".join(a.enterprise for a in report.agreements)
    return [
        f"Evalueringen omfatter {len(report.agreements)} "
        f"samarbejdsaftale{'r' if len(report.agreements) != 1 else ''} med "
        f"socialøkonomiske virksomheder ({names}) for perioden {report.period.label}. "
        f"Tallene er opgjort {fmt_date(report.as_of)}.",
        "Aftalerne er bygget op af aktiviteter og forudsætninger, der følges op på med "
        "otte spørgsmål. Tallene kommer fra Forløbsmonitor; vurderingerne er skrevet af "
        "medarbejderne.",
        f"Tal under {report.threshold} vises som «{marker(report.threshold)}», og andele og "
        f"gennemsnit, der bygger på færre end {report.threshold} personer, vises ikke, så "
        "ingen enkeltperson kan genkendes.",
    ]


def _agreement_facts(a: AgreementReport) -> list[tuple[str, str]]:
    return [
        ("Virksomhed", a.enterprise),
        ("Aftalen startede", fmt_date(a.start_date)),
        ("Pladser (forløb)", fmt_int(a.slots)),
        ("Målgrupper", ", ".join(a.target_groups) or "–"),
        ("Evaluering", CADENCE_LABELS.get(a.review_cadence, a.review_cadence)),
        ("Kontakt i jobcentret", a.jobcentre_contact or "–"),
        ("Kontakt i virksomheden", a.enterprise_contact or "–"),
    ]


def cell_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int):
        return fmt_int(value)
    if isinstance(value, float):
        return fmt_number(value, 1)
    return str(value)


def build_docx(report: Report, charts: list[DocumentChart] | None = None) -> bytes:
    """The report as an editable Word document in the seed's structure."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    charts = charts or []
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)):
        styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        styles[name].font.size = Pt(size)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)

    doc.add_heading(report.title, level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"Periode: {report.period.label}. ").bold = True
    meta.add_run(f"Opgjort {fmt_date(report.as_of)}. Udarbejdet {fmt_date(report.generated_on)}.")

    def add_table(table: ReportTable) -> None:
        doc.add_paragraph(table.title, style="Heading 4")
        frame = table.frame
        t = doc.add_table(rows=1, cols=len(frame.columns))
        t.style = "Light Grid Accent 1"
        t.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, name in zip(t.rows[0].cells, frame.columns, strict=True):
            cell.text = str(name).strip()
        for record in frame.itertuples(index=False):
            cells = t.add_row().cells
            for cell, value in zip(cells, record, strict=True):
                cell.text = cell_text(value)
        note = doc.add_paragraph()
        run = note.add_run(" ".join([table.definition, *table.notes]))
        run.italic = True
        run.font.size = Pt(9)

    def add_text(body: str) -> None:
        if not body.strip():
            p = doc.add_paragraph()
            run = p.add_run("[Vurdering ikke skrevet endnu]")
            run.italic = True
            run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
            return
        for para in body.strip().split("\n"):
            if para.strip().startswith(("- ", "• ")):
                doc.add_paragraph(para.strip()[2:], style="List Bullet")
            elif para.strip():
                doc.add_paragraph(para.strip())

    def add_charts(selected: list[DocumentChart]) -> None:
        for chart in selected:
            doc.add_picture(io.BytesIO(chart.png), width=Cm(15.5))
            caption = doc.add_paragraph()
            run = caption.add_run(f"{chart.title}. {chart.subtitle}")
            run.italic = True
            run.font.size = Pt(9)

    doc.add_heading(COMMON_SECTIONS["intro"], level=1)
    for line in _intro_lines(report):
        doc.add_paragraph(line)
    add_text(report.text(None, "intro"))
    add_charts([c for c in charts if c.question is None])

    doc.add_heading("Evaluering af samarbejde og mål i aftalerne – kriterier", level=1)
    for title in QUESTIONS.values():
        doc.add_paragraph(title, style="List Bullet")

    for a in report.agreements:
        doc.add_heading(f"Status i {a.name}", level=1)
        facts = doc.add_table(rows=0, cols=2)
        facts.style = "Light List Accent 1"
        for label, value in _agreement_facts(a):
            cells = facts.add_row().cells
            cells[0].text, cells[1].text = label, value
        if a.description:
            doc.add_paragraph(a.description)
        for q in a.questions:
            doc.add_heading(q.title, level=2)
            for line in q.summary:
                doc.add_paragraph(line)
            for table in q.tables:
                add_table(table)
            add_charts(
                [c for c in charts if c.agreement_id == a.agreement_id and c.question == q.key]
            )
            doc.add_paragraph("Vurdering", style="Heading 4")
            add_text(report.text(a.agreement_id, q.key))

    doc.add_heading(COMMON_SECTIONS["what_works"], level=1)
    add_text(report.text(None, "what_works"))
    doc.add_heading(COMMON_SECTIONS["development_points"], level=1)
    add_text(report.text(None, "development_points"))
    footer = doc.add_paragraph()
    run = footer.add_run(f"{SOURCE}. {' '.join(_intro_lines(report)[2:])}")
    run.italic = True
    run.font.size = Pt(8)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build_pptx(report: Report, charts: list[DocumentChart]) -> bytes:
    """A deck for the committee meeting: a title slide, then one chart per slide with its
    title, period and source. Aggregates only; charts are already suppressed."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor as PptColor
    from pptx.util import Emu
    from pptx.util import Pt as PptPt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = report.title
    first.placeholders[
        1
    ].text = f"Periode: {report.period.label}\nBeskæftigelses- og Integrationsudvalget"

    blank = deck.slide_layouts[6]
    width, height = deck.slide_width, deck.slide_height
    margin = Emu(int(width * 0.04))
    for chart in charts:
        slide = deck.slides.add_slide(blank)
        box = slide.shapes.add_textbox(
            margin, Emu(int(height * 0.03)), width - 2 * margin, Emu(int(height * 0.11))
        )
        frame = box.text_frame
        frame.word_wrap = True
        p = frame.paragraphs[0]
        p.text = chart.title
        p.runs[0].font.size = PptPt(30)
        p.runs[0].font.bold = True
        p.runs[0].font.color.rgb = PptColor(0x1F, 0x3A, 0x5F)
        from PIL import Image

        with Image.open(io.BytesIO(chart.png)) as img:
            ratio = img.width / img.height
        top = Emu(int(height * 0.15))
        max_w, max_h = width - 2 * margin, Emu(int(height * 0.72))
        pic_w = min(max_w, int(max_h * ratio))
        pic_h = int(pic_w / ratio)
        slide.shapes.add_picture(
            io.BytesIO(chart.png), Emu(int((width - pic_w) / 2)), top, Emu(pic_w), Emu(pic_h)
        )
        foot = slide.shapes.add_textbox(
            margin, Emu(int(height * 0.89)), width - 2 * margin, Emu(int(height * 0.08))
        )
        fp = foot.text_frame.paragraphs[0]
        fp.text = f"{chart.subtitle} {SOURCE}."
        fp.runs[0].font.size = PptPt(14)
        fp.runs[0].font.color.rgb = PptColor(0x33, 0x33, 0x33)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def report_filename(kind: str, period: Period) -> str:
    return f"evalueringsrapport_{period.start.isoformat()}_{period.end.isoformat()}.{kind}"


ChartFactory = Callable[[Report], list[DocumentChart]]
