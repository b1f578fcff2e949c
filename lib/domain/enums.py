"""Named values: what the database stores (a short English code) and the Danish label a
person sees. The label is for display only: code compares and stores the member, never
the label, so a relabelled status changes no measure.

Each enum is a `StrEnum`, so a member equals its stored code ("active") in SQL and in
the database's CHECK constraints (db/models.py builds them from these enums).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING


class LabelledEnum(StrEnum):
    """A stored code with a Danish label: `Role.MANAGER == "leder"`, `.label == "Leder"`."""

    _value_: str
    label: str

    # Members are declared as (code, label) pairs, which the real __new__ unpacks. mypy
    # takes __new__'s signature for `Role("leder")`, which is a lookup by code (one
    # argument, EnumMeta.__call__): the type checker gets that signature instead.
    if TYPE_CHECKING:

        def __new__(cls, value: str) -> LabelledEnum: ...

    else:

        def __new__(cls, value: str, label: str) -> LabelledEnum:
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Stored code -> Danish label, in declaration order (for select boxes)."""
        return {m.value: m.label for m in cls}

    @classmethod
    def label_of(cls, value: str | None, missing: str = "–") -> str:
        """The label of a stored code; unknown or missing codes show as `missing`."""
        if value is None:
            return missing
        try:
            return cls(value).label
        except ValueError:
            return missing


class Role(LabelledEnum):
    """A user's role: what they may see (lib.queries.scope) and which pages they get."""

    ADMIN = "admin", "Administrator"
    MANAGER = "leder", "Leder"
    CASEWORKER = "sagsbehandler", "Sagsbehandler"
    ENTERPRISE = "virksomhed", "Virksomhed"


JOB_CENTRE_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER, Role.CASEWORKER)
MANAGER_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER)


class EnrolmentStatus(LabelledEnum):
    """A course's status: referred (waits for a slot), active (holds a slot), ended."""

    REFERRAL = "referral", "Visitation"
    ACTIVE = "active", "Aktiv"
    ENDED = "ended", "Afsluttet"


# Courses that have started: they count in compliance, quality and results.
STARTED: tuple[EnrolmentStatus, ...] = (EnrolmentStatus.ACTIVE, EnrolmentStatus.ENDED)


class DueStatus(LabelledEnum):
    """How something that was due turned out (lib.domain.rules.judge)."""

    ON_TIME = "on_time", "Til tiden"
    LATE = "late", "For sent"
    MISSING = "missing", "Mangler"
    PENDING = "pending", "Ikke forfaldet"


# PENDING is not yet due and is not counted.
COUNTED: tuple[DueStatus, ...] = (DueStatus.ON_TIME, DueStatus.LATE, DueStatus.MISSING)


class ReviewCadence(LabelledEnum):
    """How often an agreement is evaluated for the committee."""

    HALF_YEARLY = "half_yearly", "Halvårlig"
    YEARLY = "yearly", "Årlig"


class DeliverableKind(LabelledEnum):
    """What the caseworker is to receive from the enterprise."""

    MEETING_PLAN = "meeting_plan", "Mødeplan"
    PLAN = "plan", "Plan til sagsbehandler"
    EVALUATION_INVITATION = "evaluation_invitation", "Indkaldelse til evaluering"


class PauseKind(LabelledEnum):
    """Why a course is paused; paused days move its due dates (lib.domain.rules)."""

    ILLNESS = "illness", "Sygdom"
    OTHER = "other", "Andet"


class SubGoalStatus(LabelledEnum):
    """How far a plan's sub-goal has come, judged in an evaluation."""

    REACHED = "reached", "Opnået"
    IN_PROGRESS = "in_progress", "I gang"
    NOT_STARTED = "not_started", "Ikke påbegyndt"


class MeetingState(LabelledEnum):
    """A follow-up meeting: planned, then held or cancelled (with a reason)."""

    PLANNED = "planned", "Planlagt"
    HELD = "held", "Afholdt"
    CANCELLED = "cancelled", "Aflyst"
    NOT_HELD = "not_held", "Ikke afholdt"  # recorded with an evaluation as not held


class GoalProgress(LabelledEnum):
    """The evaluation's second part: is the participant nearing the long-term goal?"""

    CLOSER = "closer", "Tættere på målet"
    UNCHANGED = "unchanged", "Uændret"
    FURTHER = "further", "Længere fra målet"


class OutcomeCategory(LabelledEnum):
    """The category of an outcome type; job and education are the 'good' outcomes."""

    JOB = "job", "Job"
    EDUCATION = "education", "Uddannelse"
    CONTINUES = "continues", "Fortsætter"
    OTHER = "other", "Andet"


JOB_OR_EDUCATION: tuple[OutcomeCategory, ...] = (OutcomeCategory.JOB, OutcomeCategory.EDUCATION)


class MentorType(LabelledEnum):
    ENTERPRISE = "enterprise", "Virksomhedsmentor"
    JOBCENTRE = "jobcentre", "Jobcentermentor"
    SOCIAL = "social", "Social mentor"
    EXTERNAL = "external", "Mentor hos anden aktør"


class SurveyRoundKind(LabelledEnum):
    """When a fidelity survey was taken."""

    BASELINE = "baseline", "Nulpunkt"
    MIDPOINT = "midpoint", "Midtvejs"
    FINAL = "final", "Slut"


class FidelityRole(LabelledEnum):
    """The staff role a fidelity survey answer is reported for ('total' = all roles)."""

    MANAGER = "leder", "Leder"
    PROJECT_LEAD = "projektleder", "Projektleder"
    CASEWORKER = "sagsbehandler", "Sagsbehandler"
    COMPANY_CONSULTANT = "virksomhedskonsulent", "Virksomhedskonsulent"
    MENTOR = "mentor", "Mentor"
    TOTAL = "total", "Total"


class PlacementType(LabelledEnum):
    """How the participant is placed in the enterprise (the STV evaluation's variation of
    company courses: practice, wage subsidy, small job, flexjob, ordinary hours with support)."""

    PRACTICE = "praktik", "Virksomhedspraktik"
    WAGE_SUBSIDY = "loentilskud", "Løntilskud"
    SMALL_JOB = "smaajob", "Småjob"
    FLEXJOB = "fleksjob", "Fleksjob"
    SUPPORTED_ORDINARY = "ordinaer_med_stoette", "Ordinær ansættelse med støtte"
