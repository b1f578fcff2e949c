"""Mine opgaver: what is overdue and what falls due in the next 14 days for the signed-in
user's own participants (a caseworker's caseload, enterprise staff's enterprise), across
their active courses: the baseline plan, the next evaluation, planned follow-up meetings,
deliverables to the caseworker, the next mentor contact, and courses past their planned
end with neither an extension nor an end.

One query per record type for all the user's courses (never one per course); the rules
that judge them are lib.domain.rules (plan, evaluations, pauses) and
lib.domain.quality.mentor_intervals (the frequency in force on each date).

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, and_, or_, select

from db.models import (
    Deliverable,
    Enrolment,
    Evaluation,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Participant,
    Pause,
)
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind, EnrolmentStatus, MentorType
from lib.domain.period import Filters
from lib.domain.quality import mentor_intervals
from lib.queries.compliance import DUE_SOON_DAYS, _courses, course_items, dates_by_course
from lib.queries.quality import frequency_changes
from lib.queries.scope import enrolment_clause


class TaskKind:
    """What a task is about; each kind opens its own form (views/components/tasks.py)."""

    PLAN = "plan"
    EVALUATION = "evaluation"
    MEETING = "meeting"
    DELIVERABLE = "deliverable"
    MENTOR = "mentor"
    PAST_END = "past_end"


@dataclass(frozen=True)
class Task:
    enrolment_id: int
    case_code: str
    initials: str
    agreement: str
    kind: str  # TaskKind
    what: str  # Danish: "Evaluering", "Mødeplan", "Mentorkontakt (Virksomhedsmentor)" ...
    due: dt.date
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due < self.today

    @property
    def days(self) -> int:
        """Days over the due date (overdue) or left until it."""
        return abs((self.today - self.due).days)


@dataclass(frozen=True)
class MyTasks:
    today: dt.date
    courses: int  # the user's active courses (the n behind an empty list)
    overdue: list[Task]
    due_soon: list[Task]


def my_tasks(engine: Engine, scope: Scope, today: dt.date | None = None) -> MyTasks:
    """Overdue and due within DUE_SOON_DAYS, for the user's active courses (scope)."""
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    active = and_(enrolment_clause(scope), Enrolment.status == EnrolmentStatus.ACTIVE)
    ids = select(Enrolment.id).where(active, Enrolment.start_date <= today)
    with engine.connect() as conn:
        courses = _courses(conn, active, Filters(today, today), today)
        initials = dict(
            conn.execute(
                select(Enrolment.id, Participant.initials)
                .join(Participant, Participant.id == Enrolment.participant_id)
                .where(Enrolment.id.in_(ids))
            ).all()
        )
        evaluations = dates_by_course(
            conn,
            select(Evaluation.enrolment_id, Evaluation.evaluated_on).where(
                Evaluation.enrolment_id.in_(ids), Evaluation.evaluated_on <= today
            ),
        )
        pauses = dates_by_course(
            conn,
            select(Pause.enrolment_id, Pause.start_date, Pause.end_date).where(
                Pause.enrolment_id.in_(ids)
            ),
        )
        meetings = conn.execute(
            select(FollowUpMeeting.enrolment_id, FollowUpMeeting.planned_on).where(
                FollowUpMeeting.enrolment_id.in_(ids),
                FollowUpMeeting.planned_on.is_not(None),
                FollowUpMeeting.planned_on <= horizon,
                FollowUpMeeting.held.is_(False),
                # A meeting tied to an evaluation and not held is a recorded fact (not
                # held at that evaluation), not a task; a planned one is open until recorded.
                FollowUpMeeting.evaluation_id.is_(None),
            )
        ).all()
        deliverables = conn.execute(
            select(Deliverable.enrolment_id, Deliverable.kind, Deliverable.due_on).where(
                Deliverable.enrolment_id.in_(ids),
                Deliverable.received_on.is_(None),
                Deliverable.due_on.is_not(None),
                Deliverable.due_on <= horizon,
            )
        ).all()
        mentors = conn.execute(
            select(MentorAssignment.id, MentorAssignment.enrolment_id,
                   MentorAssignment.mentor_type, MentorAssignment.frequency_days,
                   MentorAssignment.start_date, MentorAssignment.end_date)
            .where(MentorAssignment.enrolment_id.in_(ids), MentorAssignment.start_date <= today,
                   or_(MentorAssignment.end_date.is_(None), MentorAssignment.end_date >= today))
        ).all()  # fmt: skip
        mentor_ids = [m.id for m in mentors]
        contacts = dates_by_course(
            conn,
            select(MentorContact.mentor_assignment_id, MentorContact.contact_on).where(
                MentorContact.mentor_assignment_id.in_(mentor_ids),
                MentorContact.contact_on <= today,
            ),
        )
        changes = frequency_changes(conn, mentor_ids)

    by_id = {c.enrolment_id: c for c in courses}
    tasks: list[Task] = []

    def add(enrolment_id: int, kind: str, what: str, due: dt.date) -> None:
        c = by_id.get(enrolment_id)
        if c is not None and due <= horizon:
            tasks.append(Task(c.enrolment_id, c.case_code, initials.get(c.enrolment_id, ""),
                              c.agreement, kind, what, due, today))  # fmt: skip

    for c in courses:
        for item in course_items(
            c, evaluations.get(c.enrolment_id, []), pauses.get(c.enrolment_id, []), today
        ):
            if item.done_on is None:
                if item.kind == "plan":
                    add(c.enrolment_id, TaskKind.PLAN, "Plan (baseline)", item.due)
                else:
                    add(c.enrolment_id, TaskKind.EVALUATION, "Evaluering", item.due)
        if c.end_date is None and c.expected_end < today:
            add(c.enrolment_id, TaskKind.PAST_END, "Forlæng eller afslut forløbet", c.expected_end)
    for enrolment_id, planned_on in meetings:
        if planned_on is not None:  # the query asks for planned ones only
            add(enrolment_id, TaskKind.MEETING, "Opfølgningsmøde", planned_on)
    for enrolment_id, kind, due in deliverables:
        if due is not None:
            add(enrolment_id, TaskKind.DELIVERABLE, DeliverableKind.label_of(kind, kind), due)
    for m in mentors:
        intervals = mentor_intervals(m.start_date, m.end_date, contacts.get(m.id, []),
                                     m.frequency_days, today, changes=changes.get(m.id, []))  # fmt: skip
        if intervals.next_due is not None:
            what = f"Mentorkontakt ({MentorType.label_of(m.mentor_type)})"
            add(m.enrolment_id, TaskKind.MENTOR, what, intervals.next_due)

    order = sorted(tasks, key=lambda t: (t.due, t.case_code, t.what))
    return MyTasks(
        today,
        len(courses),
        [t for t in order if t.overdue],
        [t for t in order if not t.overdue],
    )
