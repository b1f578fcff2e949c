"""Forløbsside: one course from referral to outcome, and the participant search that
opens it.

`course_timeline` reads the one course (scope-checked: AccessDenied for a course the user
may not see) with one query per record type: plans, evaluations, meetings, deliverables,
pauses, hours (summed in SQL), mentors with contacts and frequency changes, certificates,
extensions and the outcome; never a query per row. `find_courses` searches case code or
initials among the courses in scope, ended ones included.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select

from db.models import (
    Agreement,
    Certificate,
    Deliverable,
    Enrolment,
    Extension,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Outcome,
    OutcomeType,
    Participant,
    Pause,
    User,
    WeeklyHours,
)
from lib.domain.access import Scope
from lib.domain.enums import (
    DeliverableKind,
    EnrolmentStatus,
    GoalProgress,
    MentorType,
    PlacementType,
)
from lib.domain.format import fmt_date
from lib.domain.quality import FREQUENCY_LABELS, HoursTotals, frequency_on, mentor_intervals
from lib.queries.courses import (
    EnrolmentRow,
    EvaluationView,
    PlanView,
    enrolment_in,
    evaluations_in,
    plans_in,
)
from lib.queries.quality import frequency_changes
from lib.queries.scope import enrolment_clause

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    day: dt.date
    what: str  # Danish: "Start", "Plan v2", "Evaluering", ...
    detail: str = ""  # plain text (the page escapes it)


@dataclass(frozen=True)
class MentorView:
    id: int
    mentor_type: str
    mentor_name: str
    frequency_now: int
    frequencies: list[tuple[dt.date, int]]  # (from, days), the start's first
    start_date: dt.date
    end_date: dt.date | None
    contacts: list[tuple[dt.date, str, str]]  # (day, note, logged by), newest first
    on_time: int
    due: int
    next_due: dt.date | None

    @property
    def label(self) -> str:
        name = f" – {self.mentor_name}" if self.mentor_name else ""
        return f"{MentorType.label_of(self.mentor_type)}{name}"

    @property
    def frequency_text(self) -> str:
        return " → ".join(
            f"{FREQUENCY_LABELS.get(days, f'{days} dage').lower()} fra {fmt_date(day)}"
            for day, days in self.frequencies
        )


@dataclass(frozen=True)
class CourseTimeline:
    course: EnrolmentRow
    referred_on: dt.date | None
    placement_type: str | None
    final_summary: str
    outcome: str | None
    outcome_type_id: int | None
    outcome_on: dt.date | None
    outcome_note: str
    plans: list[PlanView]
    evaluations: list[EvaluationView]
    hours: HoursTotals
    mentors: list[MentorView]
    events: list[Event]  # oldest first

    @property
    def placement_label(self) -> str:
        return PlacementType.label_of(self.placement_type, "Ikke registreret")


def course_timeline(
    engine: Engine, scope: Scope, enrolment_id: int, today: dt.date | None = None
) -> CourseTimeline:
    """The whole course on one page (AccessDenied if it is not in the user's scope)."""
    today = today or dt.date.today()
    with engine.connect() as conn:
        course = enrolment_in(conn, scope, enrolment_id)
        e = conn.execute(
            select(Enrolment.referred_on, Enrolment.placement_type, Enrolment.final_summary)
            .where(Enrolment.id == enrolment_id)
        ).one()  # fmt: skip
        plans = plans_in(conn, enrolment_id)
        evaluations = evaluations_in(conn, [enrolment_id])
        meetings = conn.execute(
            select(FollowUpMeeting.planned_on, FollowUpMeeting.held, FollowUpMeeting.held_on,
                   FollowUpMeeting.caseworker_present, FollowUpMeeting.evaluation_id)
            .where(FollowUpMeeting.enrolment_id == enrolment_id)
        ).all()  # fmt: skip
        deliverables = conn.execute(
            select(Deliverable.kind, Deliverable.due_on, Deliverable.received_on).where(
                Deliverable.enrolment_id == enrolment_id
            )
        ).all()
        pauses = conn.execute(
            select(Pause.start_date, Pause.end_date, Pause.reason).where(
                Pause.enrolment_id == enrolment_id
            )
        ).all()
        hours = conn.execute(
            select(
                func.count(), func.coalesce(func.sum(WeeklyHours.planned_hours), 0),
                func.coalesce(func.sum(WeeklyHours.attended_hours), 0),
                func.coalesce(func.sum(WeeklyHours.illness_hours), 0),
                func.coalesce(func.sum(WeeklyHours.ordinary_paid_hours), 0),
                func.count().filter(WeeklyHours.ordinary_paid_hours > 0),
            ).where(WeeklyHours.enrolment_id == enrolment_id)
        ).one()  # fmt: skip
        assignments = conn.execute(
            select(MentorAssignment.__table__)
            .where(MentorAssignment.enrolment_id == enrolment_id)
            .order_by(MentorAssignment.start_date, MentorAssignment.id)
        ).all()
        assignment_ids = [a.id for a in assignments]
        contacts = conn.execute(
            select(MentorContact.mentor_assignment_id, MentorContact.contact_on,
                   MentorContact.note, User.display_name)
            .outerjoin(User, User.id == MentorContact.logged_by_id)
            .where(MentorContact.mentor_assignment_id.in_(assignment_ids))
            .order_by(MentorContact.contact_on.desc())
        ).all()  # fmt: skip
        changes = frequency_changes(conn, assignment_ids)
        certificates = conn.execute(
            select(Certificate.name, Certificate.obtained_on).where(
                Certificate.enrolment_id == enrolment_id
            )
        ).all()
        extensions = conn.execute(
            select(Extension.extended_on, Extension.new_end_date, Extension.reason).where(
                Extension.enrolment_id == enrolment_id
            )
        ).all()
        outcome = conn.execute(
            select(OutcomeType.label, Outcome.outcome_type_id, Outcome.outcome_on, Outcome.note)
            .join(OutcomeType, OutcomeType.id == Outcome.outcome_type_id)
            .where(Outcome.enrolment_id == enrolment_id)
        ).first()  # fmt: skip

    events: list[Event] = []
    if e.referred_on:
        events.append(Event(e.referred_on, "Visiteret", course.agreement))
    events.append(Event(course.start_date, "Start", f"{course.planned_weeks} uger"))
    for p in plans:
        what = "Plan (baseline)" if p.version_no == 1 else f"Plan, version {p.version_no}"
        goals = ", ".join(g.label for g in p.sub_goals)
        events.append(Event(p.created_on, what, goals))
    for ev in evaluations:
        events.append(
            Event(ev.evaluated_on, "Evaluering", GoalProgress.label_of(ev.goal_progress, ""))
        )
    for m in meetings:
        if m.held:
            present = "sagsbehandler deltog" if m.caseworker_present else "uden sagsbehandler"
            events.append(Event(m.held_on or m.planned_on or course.start_date,
                                "Opfølgningsmøde holdt", present))  # fmt: skip
        elif m.planned_on:
            events.append(Event(m.planned_on, "Opfølgningsmøde planlagt"))
    for d in deliverables:
        label = DeliverableKind.label_of(d.kind, d.kind)
        if d.received_on:
            events.append(Event(d.received_on, f"{label} modtaget",
                                f"frist {fmt_date(d.due_on)}"))  # fmt: skip
        elif d.due_on:
            events.append(Event(d.due_on, f"{label} – frist", "ikke modtaget"))
    for pause in pauses:
        events.append(
            Event(pause.start_date, "Pause", f"{pause.reason} til {fmt_date(pause.end_date)}")
        )
    for certificate in certificates:
        events.append(Event(certificate.obtained_on, "Bevis", certificate.name))
    for x in extensions:
        events.append(Event(x.extended_on, "Forlænget", f"til {fmt_date(x.new_end_date)}"
                            + (f" – {x.reason}" if x.reason else "")))  # fmt: skip
    if course.end_date:
        events.append(Event(course.end_date, "Afsluttet", outcome.label if outcome else ""))

    by_assignment: dict[int, list[tuple[dt.date, str, str]]] = {}
    for contact in contacts:
        by_assignment.setdefault(contact.mentor_assignment_id, []).append(
            (contact.contact_on, contact.note, contact.display_name or "")
        )
    mentors = []
    for a in assignments:
        schedule = [(a.start_date, a.frequency_days),
                    *((d, f) for d, f in changes.get(a.id, []) if d > a.start_date)]  # fmt: skip
        days = [day for day, _, _ in by_assignment.get(a.id, [])]
        judged = mentor_intervals(a.start_date, a.end_date, days, a.frequency_days, today,
                             changes=changes.get(a.id, []))  # fmt: skip
        mentors.append(MentorView(a.id, a.mentor_type, a.mentor_name,
                                  frequency_on(today, schedule), schedule, a.start_date,
                                  a.end_date, by_assignment.get(a.id, []), judged.on_time,
                                  judged.due, judged.next_due))  # fmt: skip
        events.append(Event(a.start_date, "Mentor tilknyttet", MentorType.label_of(a.mentor_type)))
        if a.end_date:
            events.append(Event(a.end_date, "Mentor stoppet", MentorType.label_of(a.mentor_type)))

    events.sort(key=lambda ev: ev.day)
    n, planned, attended, illness, ordinary, with_ordinary = hours
    return CourseTimeline(
        course, e.referred_on, e.placement_type, e.final_summary or "",
        outcome.label if outcome else None, outcome.outcome_type_id if outcome else None,
        outcome.outcome_on if outcome else None, outcome.note if outcome else "",
        plans, evaluations,
        HoursTotals(1 if n else 0, n, float(planned), float(attended), float(illness),
                    float(ordinary), 1 if with_ordinary else 0),
        mentors, events,
    )  # fmt: skip


@dataclass(frozen=True)
class FoundCourse:
    enrolment_id: int
    label: str
    case_code: str
    start_date: dt.date


def find_courses(engine: Engine, scope: Scope, text: str) -> list[FoundCourse]:
    """Courses in scope whose participant's case code or initials contain `text`
    (case-insensitive), ended ones included; at most SEARCH_LIMIT, by case code."""
    needle = text.strip()
    if not needle:
        return []
    needle = needle.lower()
    stmt = (
        select(Enrolment.id, Participant.case_code, Participant.initials, Agreement.name,
               Enrolment.status, Enrolment.start_date)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .join(Agreement, Agreement.id == Enrolment.agreement_id)
        .where(enrolment_clause(scope),
               or_(func.lower(Participant.case_code).contains(needle, autoescape=True),
                   func.lower(Participant.initials).contains(needle, autoescape=True)))
        # An exact case code first, so ?kode= finds it however many codes contain it.
        .order_by((func.lower(Participant.case_code) == needle).desc(), Participant.case_code,
                  Enrolment.start_date.desc())
        .limit(SEARCH_LIMIT)
    )  # fmt: skip
    with engine.connect() as conn:
        return [
            FoundCourse(
                r.id,
                f"{r.case_code} ({r.initials}) – {r.name}, "
                f"{EnrolmentStatus.label_of(r.status).lower()}",
                r.case_code,
                r.start_date,
            )
            for r in conn.execute(stmt)
        ]
