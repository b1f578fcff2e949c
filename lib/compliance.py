"""Follow-up compliance (opfølgning) per agreement and per caseworker, within scope.

Plans and evaluations need each course's dates (pauses move due dates, each evaluation
moves the next): the queries fetch only those dates per course, and lib/rules.py judges
them. Meetings and deliverables are counted by SQL `group_by`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select

from db.models import (
    Agreement,
    Deliverable,
    Enrolment,
    Evaluation,
    Extension,
    FollowUpMeeting,
    Participant,
    Pause,
    Plan,
    User,
)
from lib import rules
from lib.filters import Filters, enrolment_filter, overlaps_period
from lib.format import fmt_date, fmt_int, fmt_pct
from lib.rules import DueItem, Tally
from lib.scope import Scope, enrolment_clause

NO_CASEWORKER = "Ingen sagsbehandler"
DUE_SOON_DAYS = 14
DELIVERABLE_LABELS = {
    "meeting_plan": "Mødeplan",
    "plan": "Plan til sagsbehandler",
    "evaluation_invitation": "Indkaldelse til evaluering",
}
KIND_LABELS = {"plan": "Plan (baseline)", "evaluation": "Evaluering"} | {
    f"deliverable:{k}": v for k, v in DELIVERABLE_LABELS.items()
}

# Help texts: the definitions a manager reads next to each figure.
HELP_PLAN = (
    "Den første plan (baseline) skal foreligge 1 uge inde i et 13-ugers forløb og 4 uger inde "
    "i et 52-ugers forløb; registreret pause (fx sygdom) rykker fristen. Til tiden: lavet "
    "senest på fristen. For sent: lavet efter fristen. Mangler: fristen er overskredet og "
    "der er ingen plan. Tæller planer med frist i perioden; n = antal planer med frist."
)
HELP_EVALUATION = (
    "Første evaluering skal ligge N kalendermåneder efter den første plan (N fra aftalen, "
    "normalt 2), hver næste N måneder efter den forrige. Pause rykker fristen. Til tiden: "
    f"senest {rules.EVALUATION_GRACE_DAYS} dage efter fristen. For sent: senere. Mangler: "
    f"mere end {rules.EVALUATION_GRACE_DAYS} dage over fristen uden evaluering. Tæller "
    "evalueringer med frist i perioden; n = antal frister."
)
HELP_MEETING = (
    "Ved hver evaluering skal der holdes et opfølgningsmøde. Andel = evalueringer i "
    "perioden med et afholdt møde ÷ alle evalueringer i perioden (n). Sagsbehandler "
    "deltog: andel af de samme evalueringer, hvor sagsbehandleren var med."
)
HELP_DELIVERABLE = (
    "Det sagsbehandleren skal have: mødeplan, plan og indkaldelser til evaluering. Til "
    "tiden: modtaget senest på fristen. For sent: modtaget efter. Mangler: fristen er "
    "overskredet, og intet er modtaget. n = leverancer med frist i perioden."
)


@dataclass(frozen=True)
class CourseRow:
    enrolment_id: int
    case_code: str
    agreement_id: int
    agreement: str
    caseworker: str
    status: str
    start: dt.date
    planned_weeks: int
    end_date: dt.date | None
    expected_end: dt.date
    interval_months: int
    baseline_on: dt.date | None


@dataclass
class GroupCompliance:
    key: int | None
    label: str
    plans: Tally = field(default_factory=Tally)
    evaluations: Tally = field(default_factory=Tally)
    deliverables: Tally = field(default_factory=Tally)
    evaluations_held: int = 0  # evaluations in the period (meetings' n)
    meetings_held: int = 0
    caseworker_present: int = 0

    @property
    def meeting_share(self) -> float | None:
        return self.meetings_held / self.evaluations_held if self.evaluations_held else None

    @property
    def caseworker_share(self) -> float | None:
        return self.caseworker_present / self.evaluations_held if self.evaluations_held else None


@dataclass(frozen=True)
class OpenItem:
    """Something not done: overdue now or falling due soon."""

    case_code: str
    agreement: str
    caseworker: str
    kind: str
    due: dt.date
    days: int  # days overdue (>0) or days until due (>=0)


@dataclass
class Compliance:
    as_of: dt.date
    by_agreement: list[GroupCompliance]
    by_caseworker: list[GroupCompliance]
    total: GroupCompliance
    overdue: list[OpenItem]
    due_soon: list[OpenItem]
    courses: int


def _courses(conn, scope: Scope, f: Filters, today: dt.date) -> list[CourseRow]:
    baseline = select(Plan.enrolment_id, Plan.created_on).where(Plan.version_no == 1).subquery()
    extended = (
        select(Extension.enrolment_id, func.max(Extension.new_end_date).label("new_end"))
        .group_by(Extension.enrolment_id)
        .subquery()
    )
    stmt = (
        select(
            Enrolment.id,
            Participant.case_code,
            Agreement.id,
            Agreement.name,
            func.coalesce(User.display_name, NO_CASEWORKER),
            Enrolment.status,
            Enrolment.start_date,
            Enrolment.planned_weeks,
            Enrolment.end_date,
            extended.c.new_end,
            Agreement.evaluation_interval_months,
            baseline.c.created_on,
        )
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .outerjoin(User, User.id == Participant.caseworker_id)
        .outerjoin(baseline, baseline.c.enrolment_id == Enrolment.id)
        .outerjoin(extended, extended.c.enrolment_id == Enrolment.id)
        .where(enrolment_clause(scope), enrolment_filter(f), overlaps_period(f, today))
        .order_by(Enrolment.id)
    )
    out = []
    for r in conn.execute(stmt):
        end = rules.expected_end(r[6], r[7], [r[9]] if r[9] else [])
        out.append(CourseRow(*r[:9], end, r[10] or 2, r[11]))
    return out


def dates_by_course(conn, column_stmt) -> dict[int, list]:
    """enrolment id -> its dates (or tuples of them) from a select whose first column is
    the enrolment id."""
    out: dict[int, list] = {}
    for enrolment_id, *rest in conn.execute(column_stmt):
        out.setdefault(enrolment_id, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return out


def course_items(course: CourseRow, evaluations: list[dt.date], pauses, as_of: dt.date):
    """The plan and evaluation items of one course, judged on as_of."""
    items: list[DueItem] = [
        rules.plan_item(course.start, course.planned_weeks, course.baseline_on, as_of, pauses)
    ]
    # An ended course owes nothing after its last day; a running one past its expected
    # end without an extension still owes its evaluations.
    items += rules.evaluation_items(
        course.baseline_on,
        evaluations,
        course.interval_months,
        as_of,
        course_end=course.end_date,
        pauses=pauses,
    )
    return items


def compliance(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> Compliance:
    today = today or dt.date.today()
    as_of = f.as_of(today)
    by_agreement: dict[int, GroupCompliance] = {}
    by_caseworker: dict[str, GroupCompliance] = {}
    overdue: list[OpenItem] = []
    due_soon: list[OpenItem] = []

    with engine.connect() as conn:
        courses = _courses(conn, scope, f, today)
        ids = select(Enrolment.id).where(
            enrolment_clause(scope), enrolment_filter(f), overlaps_period(f, today)
        )
        evaluations = dates_by_course(
            conn,
            select(Evaluation.enrolment_id, Evaluation.evaluated_on)
            .where(Evaluation.enrolment_id.in_(ids), Evaluation.evaluated_on <= as_of)
            .order_by(Evaluation.evaluated_on),
        )
        pauses = dates_by_course(
            conn,
            select(Pause.enrolment_id, Pause.start_date, Pause.end_date).where(
                Pause.enrolment_id.in_(ids)
            ),
        )
        meeting_rows = conn.execute(_meeting_counts(ids, f, as_of)).all()
        deliverable_rows = conn.execute(_deliverable_counts(ids, f, as_of)).all()
        deliverable_open = conn.execute(
            select(Deliverable.enrolment_id, Deliverable.kind, Deliverable.due_on).where(
                Deliverable.enrolment_id.in_(ids),
                Deliverable.received_on.is_(None),
                Deliverable.due_on.is_not(None),
                Deliverable.due_on <= as_of + dt.timedelta(days=DUE_SOON_DAYS),
            )
        ).all()

    def groups(c: CourseRow) -> tuple[GroupCompliance, GroupCompliance]:
        a = by_agreement.setdefault(c.agreement_id, GroupCompliance(c.agreement_id, c.agreement))
        w = by_caseworker.setdefault(c.caseworker, GroupCompliance(None, c.caseworker))
        return a, w

    course_by_id = {c.enrolment_id: c for c in courses}
    for c in courses:
        items = course_items(
            c, evaluations.get(c.enrolment_id, []), pauses.get(c.enrolment_id, []), as_of
        )
        counted = [i for i in items if f.start <= i.due <= as_of]
        plan_t = rules.tally(i for i in counted if i.kind == "plan")
        eval_t = rules.tally(i for i in counted if i.kind == "evaluation")
        for g in groups(c):
            g.plans += plan_t
            g.evaluations += eval_t
        if c.status == "active" and f.end >= today:
            for i in items:
                _open(c, i.kind, i.due, i.done_on, as_of, overdue, due_soon)

    for enrolment_id, n, held, present in meeting_rows:
        for g in groups(course_by_id[enrolment_id]):
            g.evaluations_held += n
            g.meetings_held += held
            g.caseworker_present += present
    for enrolment_id, on_time, late, missing in deliverable_rows:
        for g in groups(course_by_id[enrolment_id]):
            g.deliverables += Tally(on_time, late, missing)
    if f.end >= today:
        for enrolment_id, kind, due in deliverable_open:
            c = course_by_id[enrolment_id]
            if c.status == "active":
                _open(c, f"deliverable:{kind}", due, None, as_of, overdue, due_soon)

    total = GroupCompliance(None, "I alt")
    for g in by_agreement.values():
        total.plans += g.plans
        total.evaluations += g.evaluations
        total.deliverables += g.deliverables
        total.evaluations_held += g.evaluations_held
        total.meetings_held += g.meetings_held
        total.caseworker_present += g.caseworker_present
    overdue.sort(key=lambda i: (-i.days, i.case_code))
    due_soon.sort(key=lambda i: (i.due, i.case_code))
    return Compliance(
        as_of,
        sorted(by_agreement.values(), key=lambda g: g.key or 0),
        sorted(by_caseworker.values(), key=lambda g: g.label),
        total,
        overdue,
        due_soon,
        len(courses),
    )


def _open(c: CourseRow, kind: str, due, done_on, as_of, overdue: list, due_soon: list) -> None:
    """File a not-done item of an active course as overdue or as due within 14 days."""
    if done_on is not None and done_on <= as_of:
        return
    label = KIND_LABELS.get(kind, kind)
    if due < as_of:
        overdue.append(
            OpenItem(c.case_code, c.agreement, c.caseworker, label, due, (as_of - due).days)
        )
    elif due <= as_of + dt.timedelta(days=DUE_SOON_DAYS):
        due_soon.append(
            OpenItem(c.case_code, c.agreement, c.caseworker, label, due, (due - as_of).days)
        )


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _meeting_counts(ids, f: Filters, as_of: dt.date):
    """Per course: evaluations in the period, with a held meeting, with the caseworker."""
    held = (
        select(
            FollowUpMeeting.evaluation_id,
            func.max(case((FollowUpMeeting.held, 1), else_=0)).label("held"),
            func.max(
                case((and_(FollowUpMeeting.held, FollowUpMeeting.caseworker_present), 1), else_=0)
            ).label("present"),
        )
        .where(FollowUpMeeting.evaluation_id.is_not(None))
        .group_by(FollowUpMeeting.evaluation_id)
        .subquery()
    )
    return (
        select(
            Evaluation.enrolment_id,
            func.count(),
            func.coalesce(func.sum(held.c.held), 0),
            func.coalesce(func.sum(held.c.present), 0),
        )
        .outerjoin(held, held.c.evaluation_id == Evaluation.id)
        .where(
            Evaluation.enrolment_id.in_(ids),
            Evaluation.evaluated_on >= f.start,
            Evaluation.evaluated_on <= as_of,
        )
        .group_by(Evaluation.enrolment_id)
    )


def _deliverable_counts(ids, f: Filters, as_of: dt.date, key=Deliverable.enrolment_id):
    """Per course (or per `key`): deliverables due in the period, received on time / late /
    missing."""
    received = and_(Deliverable.received_on.is_not(None), Deliverable.received_on <= as_of)
    return (
        select(
            key,
            _sum(and_(received, Deliverable.received_on <= Deliverable.due_on)),
            _sum(and_(received, Deliverable.received_on > Deliverable.due_on)),
            _sum(and_(~received, Deliverable.due_on < as_of)),
        )
        .where(
            Deliverable.enrolment_id.in_(ids),
            Deliverable.due_on >= f.start,
            Deliverable.due_on <= as_of,
        )
        .group_by(key)
    )


def deliverables_by_kind(
    engine: Engine, scope: Scope, f: Filters, today: dt.date | None = None
) -> dict[str, Tally]:
    """The dashboard's deliverable tally split by kind (same courses, same rules): the
    kinds' tallies add up to Compliance.total.deliverables."""
    as_of = f.as_of(today)
    ids = select(Enrolment.id).where(
        enrolment_clause(scope), enrolment_filter(f), overlaps_period(f, today)
    )
    with engine.connect() as conn:
        rows = conn.execute(_deliverable_counts(ids, f, as_of, Deliverable.kind)).all()
    return {kind: Tally(int(a), int(b), int(c)) for kind, a, b, c in rows}


HELP_HAS_PLAN = (
    "Andel af deltagerne i aktive forløb i dag, der har en første plan (baseline). "
    "n = deltagere i aktive forløb."
)


def plan_coverage(engine: Engine, scope: Scope, f: Filters) -> tuple[int, int]:
    """(active courses with a baseline plan, active courses), counted in SQL."""
    has_plan = Enrolment.id.in_(select(Plan.enrolment_id).where(Plan.version_no == 1))
    stmt = select(_sum(has_plan), func.count()).where(
        Enrolment.status == "active", enrolment_clause(scope), enrolment_filter(f)
    )
    with engine.connect() as conn:
        with_plan, active = conn.execute(stmt).one()
    return int(with_plan), int(active)


MEASURES = {
    "plans": "Planer",
    "evaluations": "Evalueringer",
    "deliverables": "Leverancer",
}


def status_frame(groups: list[GroupCompliance], measure: str) -> pd.DataFrame:
    """Long frame for a stacked status chart: Gruppe, Status, Rækkefølge, Antal, Andel, n."""
    records = []
    for g in groups:
        t: Tally = getattr(g, measure)
        if not t.n:
            continue
        for order, (status, count) in enumerate(
            ((rules.ON_TIME, t.on_time), (rules.LATE, t.late), (rules.MISSING, t.missing))
        ):
            records.append(
                {
                    "Gruppe": f"{g.label} (n = {t.n})",
                    "Status": status,
                    "Rækkefølge": order,
                    "Antal": count,
                    "Andel": count / t.n,
                    "n": t.n,
                }
            )
    return pd.DataFrame(records)


def _x_of_n(part: int, n: int) -> str:
    return f"{fmt_pct(part / n)} ({fmt_int(part)} af {fmt_int(n)})" if n else "–"


def group_tables(
    groups: list[GroupCompliance], label: str
) -> list[tuple[str, pd.DataFrame, dict[str, str]]]:
    """Per group each measure as 'share (x of n)' in Danish, in two tables that each fit
    a manager's screen without scrolling sideways (eight measures in one did not):
    (title, frame, column -> definition for the column's help)."""
    names = {label: [g.label for g in groups]}
    plans_evaluations = pd.DataFrame(
        {
            **names,
            "Planer til tiden": [_x_of_n(g.plans.on_time, g.plans.n) for g in groups],
            "Evalueringer til tiden": [
                _x_of_n(g.evaluations.on_time, g.evaluations.n) for g in groups
            ],
            "Evalueringer for sent": [_x_of_n(g.evaluations.late, g.evaluations.n) for g in groups],
            "Evalueringer mangler": [
                _x_of_n(g.evaluations.missing, g.evaluations.n) for g in groups
            ],
        }
    )
    meetings_deliverables = pd.DataFrame(
        {
            **names,
            "Møder holdt": [_x_of_n(g.meetings_held, g.evaluations_held) for g in groups],
            "Sagsbeh. deltog": [_x_of_n(g.caseworker_present, g.evaluations_held) for g in groups],
            "Leverancer til tiden": [
                _x_of_n(g.deliverables.on_time, g.deliverables.n) for g in groups
            ],
            "Leverancer mangler": [
                _x_of_n(g.deliverables.missing, g.deliverables.n) for g in groups
            ],
        }
    )
    help_texts = {
        "Planer til tiden": HELP_PLAN,
        "Evalueringer til tiden": HELP_EVALUATION,
        "Evalueringer for sent": HELP_EVALUATION,
        "Evalueringer mangler": HELP_EVALUATION,
        "Møder holdt": HELP_MEETING,
        "Sagsbeh. deltog": "Sagsbehandleren deltog i opfølgningsmødet. " + HELP_MEETING,
        "Leverancer til tiden": HELP_DELIVERABLE,
        "Leverancer mangler": HELP_DELIVERABLE,
    }
    return [
        (
            title,
            frame,
            {c: help_texts[c] for c in frame.columns if c in help_texts},
        )
        for title, frame in (
            ("Planer og evalueringer", plans_evaluations),
            ("Opfølgningsmøder og leverancer", meetings_deliverables),
        )
    ]


def open_items_table(items: list[OpenItem], days_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Deltager": [i.case_code for i in items],
            "Samarbejdsaftale": [i.agreement for i in items],
            "Sagsbehandler": [i.caseworker for i in items],
            "Hvad": [i.kind for i in items],
            "Frist": [fmt_date(i.due) for i in items],
            days_label: [i.days for i in items],
        }
    )
