"""The Forløbsmonitor schema: SQLAlchemy 2 typed models.

English names in code, Danish labels live in the catalogue tables (data, not code).
Constraints that protect the numbers on the dashboards live in the database, so that
every writer (the app, a script, a psql session) is held to them.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from lib.domain.enums import (
    DeliverableKind,
    EnrolmentStatus,
    FidelityRole,
    GoalProgress,
    MentorType,
    OutcomeCategory,
    PauseKind,
    PlacementType,
    ReviewCadence,
    Role,
    SubGoalStatus,
    SurveyRoundKind,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# CHECK constraints list the stored codes of the domain's named values.
ROLES = tuple(Role)
ENROLMENT_STATUSES = tuple(EnrolmentStatus)
REVIEW_CADENCES = tuple(ReviewCadence)
DELIVERABLE_KINDS = tuple(DeliverableKind)
GOAL_PROGRESS = tuple(GoalProgress)
OUTCOME_CATEGORIES = tuple(OutcomeCategory)
MENTOR_TYPES = tuple(MentorType)
SURVEY_ROUND_KINDS = tuple(SurveyRoundKind)
FIDELITY_ROLES = tuple(FidelityRole)
PLACEMENT_TYPES = tuple(PlacementType)
PAUSE_KINDS = tuple(PauseKind)
SUB_GOAL_STATUSES = tuple(SubGoalStatus)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model here is declared with __tablename__, so it is mapped to a Table (which
    # insert() and update() take); DeclarativeBase allows any FromClause.
    __table__: ClassVar[Table]


# --------------------------------------------------------------------------- catalogues


class TargetGroup(Base):
    """Målgruppe."""

    __tablename__ = "target_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Retired: kept for the history that uses it, hidden from new entries.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SubGoal(Base):
    """Delmål from the catalogue."""

    __tablename__ = "sub_goal"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Retired: kept for the history that uses it, hidden from new entries.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Parameter(Base):
    """Progressionsparameter (Motivation, Aktiv handlen, ...)."""

    __tablename__ = "parameter"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    sub_elements: Mapped[list[SubElement]] = relationship(
        back_populates="parameter", order_by="SubElement.sort_order"
    )


class SubElement(Base):
    """A parameter's sub-element (ansvarlighed, samarbejde, ...)."""

    __tablename__ = "sub_element"
    __table_args__ = (UniqueConstraint("parameter_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    parameter_id: Mapped[int] = mapped_column(ForeignKey("parameter.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Retired: kept for the history that uses it, hidden from new entries.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    parameter: Mapped[Parameter] = relationship(back_populates="sub_elements")


class ScoreLevel(Base):
    """One step of the score scale with its Danish label. Scores reference it by value,
    so a score outside the scale is refused by a foreign key."""

    __tablename__ = "score_level"
    value: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")


class OutcomeType(Base):
    """Resultat efter forløb. `category` drives 'share moved into job or education'."""

    __tablename__ = "outcome_type"
    __table_args__ = (CheckConstraint(_in("category", OUTCOME_CATEGORIES), name="category"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Retired: kept for the history that uses it, hidden from new entries.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CertificateType(Base):
    """Bevis from the catalogue (hygiejnebevis, førstehjælpsbevis, truckcertifikat, ...)."""

    __tablename__ = "certificate_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


# --------------------------------------------------------------------------- organisation


class Enterprise(Base):
    """Socialøkonomisk virksomhed."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    cvr: Mapped[str | None] = mapped_column(String(8))
    contact_persons: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    agreements: Mapped[list[Agreement]] = relationship(back_populates="enterprise")


class Agreement(Base):
    """Samarbejdsaftale between the job centre and an enterprise."""

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint("slots > 0", name="slots_positive"),
        CheckConstraint(_in("review_cadence", REVIEW_CADENCES), name="review_cadence"),
        CheckConstraint("evaluation_interval_months BETWEEN 1 AND 12", name="evaluation_interval"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slots: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    review_cadence: Mapped[str] = mapped_column(String(20), default="half_yearly")
    evaluation_interval_months: Mapped[int] = mapped_column(Integer, default=2)
    jobcentre_contact: Mapped[str] = mapped_column(String(200), default="")
    enterprise_contact: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    enterprise: Mapped[Enterprise] = relationship(back_populates="agreements")
    target_groups: Mapped[list[TargetGroup]] = relationship(secondary="agreement_target_group")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="agreement")


class AgreementSlotPeriod(Base):
    """The number of slots an agreement has from `valid_from` on: a change of slots adds a
    period, so occupancy on an earlier day is measured against the slots then in force.
    `agreement.slots` stays the number in force today."""

    __tablename__ = "agreement_slot_period"
    __table_args__ = (
        UniqueConstraint("agreement_id", "valid_from"),
        CheckConstraint("slots > 0", name="slots_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[dt.date] = mapped_column(Date)
    slots: Mapped[int] = mapped_column(Integer)


class AgreementTargetGroup(Base):
    __tablename__ = "agreement_target_group"
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_group.id"), primary_key=True)


class User(Base):
    """A person who signs in. Scope: a caseworker sees own participants, enterprise
    staff (`virksomhed`) their enterprise's, managers and admins everything."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(
            "role <> 'virksomhed' OR enterprise_id IS NOT NULL", name="enterprise_staff_scope"
        ),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Set for a one-time password (a new user, a reset): the next sign-in must choose one.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Single sign-on (OpenID Connect): the provider's subject identifier once known, else
    # the e-mail address (lower case) the provider vouches for. Both optional; the role
    # still comes from `role`, never from the provider.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)


# --------------------------------------------------------------------------- participants


class Participant(Base):
    """Deltager. Pseudonymous: a case code and initials, never a CPR number."""

    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_code: Mapped[str] = mapped_column(String(40), unique=True)
    initials: Mapped[str] = mapped_column(String(10))
    target_group_id: Mapped[int] = mapped_column(ForeignKey("target_group.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    target_group: Mapped[TargetGroup] = relationship()
    caseworker: Mapped[User | None] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="participant")


class Enrolment(Base):
    """Forløb: one participant on one agreement. referral -> active -> ended."""

    __tablename__ = "enrolment"
    __table_args__ = (
        CheckConstraint(_in("status", ENROLMENT_STATUSES), name="status"),
        CheckConstraint("planned_weeks IN (13, 52)", name="planned_weeks"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("status <> 'ended' OR end_date IS NOT NULL", name="ended_has_end_date"),
        CheckConstraint(
            "placement_type IS NULL OR " + _in("placement_type", PLACEMENT_TYPES),
            name="placement_type",
        ),
        Index("ix_enrolment_agreement_status", "agreement_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"))
    status: Mapped[str] = mapped_column(String(20), default="referral")
    referred_on: Mapped[dt.date | None] = mapped_column(Date)
    start_date: Mapped[dt.date] = mapped_column(Date)
    planned_weeks: Mapped[int] = mapped_column(Integer, default=13)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    final_summary: Mapped[str] = mapped_column(Text, default="")
    # Praktik, løntilskud, ... (PlacementType); NULL: not recorded (older courses).
    placement_type: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    participant: Mapped[Participant] = relationship(back_populates="enrolments")
    agreement: Mapped[Agreement] = relationship(back_populates="enrolments")
    extensions: Mapped[list[Extension]] = relationship(
        back_populates="enrolment", order_by="Extension.extended_on"
    )
    pauses: Mapped[list[Pause]] = relationship(back_populates="enrolment")
    plans: Mapped[list[Plan]] = relationship(back_populates="enrolment", order_by="Plan.version_no")
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="enrolment", order_by="Evaluation.evaluated_on"
    )
    outcome: Mapped[Outcome | None] = relationship(back_populates="enrolment")


class Extension(Base):
    """Forlængelse: moves the planned end of a course."""

    __tablename__ = "extension"
    __table_args__ = (CheckConstraint("new_end_date > extended_on", name="dates_ordered"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    extended_on: Mapped[dt.date] = mapped_column(Date)
    new_end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    enrolment: Mapped[Enrolment] = relationship(back_populates="extensions")


class Pause(Base):
    """Paused time (e.g. illness): does not count against due dates."""

    __tablename__ = "pause"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint(_in("kind", PAUSE_KINDS), name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="Sygdom")
    kind: Mapped[str] = mapped_column(String(20), default="illness", server_default="illness")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    enrolment: Mapped[Enrolment] = relationship(back_populates="pauses")


# --------------------------------------------------------------------------- plans


class Plan(Base):
    """A plan version. Version 1 is the baseline."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "version_no"),
        CheckConstraint("version_no >= 1", name="version_no"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    created_on: Mapped[dt.date] = mapped_column(Date)
    made_with_participant: Mapped[bool] = mapped_column(Boolean, default=True)
    took_part: Mapped[str] = mapped_column(String(300), default="")
    long_term_goal: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    enrolment: Mapped[Enrolment] = relationship(back_populates="plans")
    sub_goals: Mapped[list[PlanSubGoal]] = relationship(
        back_populates="plan", order_by="PlanSubGoal.priority", cascade="all, delete-orphan"
    )
    scores: Mapped[list[PlanScore]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )

    @property
    def is_baseline(self) -> bool:
        return self.version_no == 1


class PlanSubGoal(Base):
    """A sub-goal chosen in a plan, in priority order, with why and what to focus on."""

    __tablename__ = "plan_sub_goal"
    __table_args__ = (
        UniqueConstraint("plan_id", "sub_goal_id"),
        CheckConstraint("priority >= 1", name="priority"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    sub_goal_id: Mapped[int] = mapped_column(ForeignKey("sub_goal.id"))
    priority: Mapped[int] = mapped_column(Integer, default=1)
    rationale: Mapped[str] = mapped_column(Text, default="")
    focus: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="sub_goals")
    sub_goal: Mapped[SubGoal] = relationship()
    parameters: Mapped[list[Parameter]] = relationship(secondary="plan_sub_goal_parameter")
    sub_elements: Mapped[list[SubElement]] = relationship(secondary="plan_sub_goal_sub_element")


class PlanSubGoalParameter(Base):
    __tablename__ = "plan_sub_goal_parameter"
    plan_sub_goal_id: Mapped[int] = mapped_column(
        ForeignKey("plan_sub_goal.id", ondelete="CASCADE"), primary_key=True
    )
    parameter_id: Mapped[int] = mapped_column(ForeignKey("parameter.id"), primary_key=True)


class PlanSubGoalSubElement(Base):
    __tablename__ = "plan_sub_goal_sub_element"
    plan_sub_goal_id: Mapped[int] = mapped_column(
        ForeignKey("plan_sub_goal.id", ondelete="CASCADE"), primary_key=True
    )
    sub_element_id: Mapped[int] = mapped_column(ForeignKey("sub_element.id"), primary_key=True)


class PlanScore(Base):
    """Score given when the plan was made; the baseline plan's scores are the baseline.
    `sub_element_id` is set for a sub-element score, NULL for the parameter as a whole."""

    __tablename__ = "plan_score"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    parameter_id: Mapped[int] = mapped_column(ForeignKey("parameter.id"))
    sub_element_id: Mapped[int | None] = mapped_column(ForeignKey("sub_element.id"))
    score: Mapped[int] = mapped_column(ForeignKey("score_level.value"))
    plan: Mapped[Plan] = relationship(back_populates="scores")


# --------------------------------------------------------------------------- follow-up


class Evaluation(Base):
    """Bi-monthly evaluation written with the participant."""

    __tablename__ = "evaluation"
    __table_args__ = (
        CheckConstraint(_in("goal_progress", GOAL_PROGRESS), name="goal_progress"),
        Index("ix_evaluation_enrolment_date", "enrolment_id", "evaluated_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    # The three answers are None when nobody gave them (an imported evaluation): never
    # a default, so no measure counts an answer nobody gave.
    goal_progress: Mapped[str | None] = mapped_column(String(20))
    sub_goals_need_adjusting: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    written_with_participant: Mapped[bool | None] = mapped_column(Boolean)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    enrolment: Mapped[Enrolment] = relationship(back_populates="evaluations")
    scores: Mapped[list[EvaluationScore]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )


class EvaluationScore(Base):
    __tablename__ = "evaluation_score"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), index=True
    )
    parameter_id: Mapped[int] = mapped_column(ForeignKey("parameter.id"), index=True)
    sub_element_id: Mapped[int | None] = mapped_column(ForeignKey("sub_element.id"))
    score: Mapped[int] = mapped_column(ForeignKey("score_level.value"))
    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")


class ScoreSpan(Base):
    """A course's score for a parameter (sub_key 0) or a sub-element (sub_key its id) from
    the day an evaluation gave it until the next evaluation that scored the same
    (valid_until NULL while it is the latest), beside the baseline: the first plan's score
    for the same and that plan's day (NULL without one). The highest score wins a day with
    two evaluations. Derived from the plans and evaluations, kept by db.summaries in the
    transaction of every write, so a course's baseline and latest score as of a day are
    one row instead of a window over every score ever given (millions at national size)."""

    __tablename__ = "score_span"
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    parameter_id: Mapped[int] = mapped_column(ForeignKey("parameter.id"), primary_key=True)
    sub_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    score: Mapped[int] = mapped_column(Integer)
    baseline: Mapped[int | None] = mapped_column(Integer)
    baseline_on: Mapped[dt.date | None] = mapped_column(Date)


class EvaluationSubGoal(Base):
    """How far one of the plan's sub-goals has come at an evaluation, with a comment."""

    __tablename__ = "evaluation_sub_goal"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "sub_goal_id"),
        CheckConstraint(_in("status", SUB_GOAL_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), index=True
    )
    sub_goal_id: Mapped[int] = mapped_column(ForeignKey("sub_goal.id"))
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")


class EvaluationFollowUp(Base):
    """Each evaluation's due dates and its meeting. `due_on`: the day it was due, N months
    (N: the agreement's interval) after the course's evaluation before it after the
    baseline plan, or after the baseline plan for the first; `next_due_on`: the day the
    evaluation after it is due, N months after it. Both NULL when it was on or before the
    baseline plan or the course has none: it answers no due date (as
    lib.domain.rules.evaluation_items has it). `meeting_held` / `caseworker_present`: a
    follow-up meeting recorded with it was held / held with the caseworker there.
    `next_on`: the course's next evaluation's day (NULL for the latest; two on a day in id
    order), so the latest evaluation as of a day is a lookup; `scored`: how many
    parameters it scored (the star chart's fullest participant). Derived from evaluation,
    its scores, plan, follow_up_meeting and the agreement's interval, kept by
    db.summaries in the transaction of every write, so the follow-up counts read one row
    per evaluation instead of a window over every evaluation, date arithmetic on each and
    a grouping of every meeting (hundreds of thousands at national size)."""

    __tablename__ = "evaluation_follow_up"
    __table_args__ = (
        Index("ix_evaluation_follow_up_enrolment_day", "enrolment_id", "evaluated_on"),
    )
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), primary_key=True
    )
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    next_due_on: Mapped[dt.date | None] = mapped_column(Date)
    meeting_held: Mapped[bool] = mapped_column(Boolean)
    caseworker_present: Mapped[bool] = mapped_column(Boolean)
    next_on: Mapped[dt.date | None] = mapped_column(Date)
    scored: Mapped[int] = mapped_column(Integer)


class FollowUpMeeting(Base):
    """Opfølgningsmøde, held with each evaluation; also planned and recorded on its own
    (planned -> held, or cancelled with a reason)."""

    __tablename__ = "follow_up_meeting"
    __table_args__ = (
        CheckConstraint("held_on IS NULL OR held = TRUE", name="held_on_held"),
        CheckConstraint("NOT (held = TRUE AND cancelled = TRUE)", name="held_or_cancelled"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation.id", ondelete="SET NULL"), index=True
    )
    planned_on: Mapped[dt.date | None] = mapped_column(Date)
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    caseworker_present: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class Deliverable(Base):
    """What the caseworker should receive: meeting plan, plan, invitation to evaluation."""

    __tablename__ = "deliverable"
    __table_args__ = (CheckConstraint(_in("kind", DELIVERABLE_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(Date)


class WeeklyHours(Base):
    """Timer: planned vs attended, illness absence, ordinary paid hours in a week."""

    __tablename__ = "weekly_hours"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "week_start"),
        CheckConstraint("planned_hours BETWEEN 0 AND 80", name="planned_hours"),
        CheckConstraint("attended_hours BETWEEN 0 AND 80", name="attended_hours"),
        CheckConstraint("illness_hours BETWEEN 0 AND 80", name="illness_hours"),
        CheckConstraint("ordinary_paid_hours BETWEEN 0 AND 80", name="ordinary_paid_hours"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[dt.date] = mapped_column(Date)
    planned_hours: Mapped[float] = mapped_column(Float, default=0)
    attended_hours: Mapped[float] = mapped_column(Float, default=0)
    illness_hours: Mapped[float] = mapped_column(Float, default=0)
    ordinary_paid_hours: Mapped[float] = mapped_column(Float, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class HoursMonth(Base):
    """A course's weekly hours summed per calendar month of the week's Monday: weeks,
    hours of each kind, and whether any week had ordinary paid hours. Derived from
    weekly_hours, kept by db.summaries in the transaction of every write, so the hours
    per agreement and month are read from one row per course and month instead of every
    week (millions at national size)."""

    __tablename__ = "hours_month"
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    weeks: Mapped[int] = mapped_column(Integer)
    planned: Mapped[float] = mapped_column(Float)
    attended: Mapped[float] = mapped_column(Float)
    illness: Mapped[float] = mapped_column(Float)
    ordinary: Mapped[float] = mapped_column(Float)
    paid: Mapped[int] = mapped_column(Integer)


class Certificate(Base):
    """Bevis obtained during the course (hygiejnebevis, førstehjælpsbevis, ...)."""

    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    obtained_on: Mapped[dt.date] = mapped_column(Date)
    # From the catalogue; NULL only on rows written before the catalogue existed.
    certificate_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate_type.id"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Outcome(Base):
    """Resultat efter forløb."""

    __tablename__ = "outcome"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True
    )
    outcome_type_id: Mapped[int] = mapped_column(ForeignKey("outcome_type.id"), index=True)
    outcome_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    enrolment: Mapped[Enrolment] = relationship(back_populates="outcome")
    outcome_type: Mapped[OutcomeType] = relationship()


class WorkAgreement(Base):
    """Arbejdsaftale: which of the seven elements the written agreement holds (the STV
    evaluation counts the share of agreements holding each)."""

    __tablename__ = "work_agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True
    )
    signed_on: Mapped[dt.date] = mapped_column(Date)
    has_working_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    has_tasks: Mapped[bool] = mapped_column(Boolean, default=False)
    has_placement_goals: Mapped[bool] = mapped_column(Boolean, default=False)
    has_jobcentre_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    has_workplace_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    has_sub_goals_progression: Mapped[bool] = mapped_column(Boolean, default=False)
    has_ordinary_paid_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class MentorAssignment(Base):
    """A mentor on a course and the follow-up frequency (days) agreed at the start; later
    changes are MentorFrequencyChange rows (lib.domain.quality.frequency_on)."""

    __tablename__ = "mentor_assignment"
    __table_args__ = (
        CheckConstraint(_in("mentor_type", MENTOR_TYPES), name="mentor_type"),
        CheckConstraint("frequency_days IN (7, 14, 21)", name="frequency_days"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    mentor_type: Mapped[str] = mapped_column(String(20))
    mentor_name: Mapped[str] = mapped_column(String(200), default="")
    frequency_days: Mapped[int] = mapped_column(Integer, default=14)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class MentorFrequencyChange(Base):
    """From `changed_from` on, the mentor follows up every `frequency_days` (weekly at the
    start, then every 14 days or 3 weeks, as the STV cases describe)."""

    __tablename__ = "mentor_frequency_change"
    __table_args__ = (
        UniqueConstraint("mentor_assignment_id", "changed_from"),
        CheckConstraint("frequency_days IN (7, 14, 21)", name="frequency_days"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_assignment.id", ondelete="CASCADE"), index=True
    )
    changed_from: Mapped[dt.date] = mapped_column(Date)
    frequency_days: Mapped[int] = mapped_column(Integer)


class MentorContact(Base):
    __tablename__ = "mentor_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_assignment.id", ondelete="CASCADE"), index=True
    )
    contact_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # Who logged it (enterprise staff log their own contacts); NULL for older rows.
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class MentorContactDay(Base):
    """Each day a mentor assignment had a contact, with the assignment's contact day before
    it; `gap`: the days since that one, when it was on or after the assignment's start
    (the first contact's interval runs from the start, which the rule counts itself);
    `within`: the day is inside the assignment (from its start to its end, if ended).
    Derived from mentor_contact and mentor_assignment, kept by db.summaries in the
    transaction of every write, so the gaps between contacts are read, not computed by a
    window over every contact joined to its assignment (millions at national size).
    For the days inside it, running from the assignment's first such day: `next_on` the
    next one (NULL for the last), `so_far` how many up to this one, `on_time_so_far` of
    their gaps those within the assignment's frequency and grace days, `longest_so_far` the
    longest gap, `first_on` the first day; so an assignment's follow-up as of a day is its
    one row with contact_on <= the day < next_on, not a grouping of all its days."""

    __tablename__ = "mentor_contact_day"
    mentor_assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_assignment.id", ondelete="CASCADE"), primary_key=True
    )
    contact_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    previous_on: Mapped[dt.date | None] = mapped_column(Date)
    gap: Mapped[int | None] = mapped_column(Integer)
    within: Mapped[bool] = mapped_column(Boolean)
    next_on: Mapped[dt.date | None] = mapped_column(Date)
    so_far: Mapped[int] = mapped_column(Integer)
    on_time_so_far: Mapped[int] = mapped_column(Integer)
    longest_so_far: Mapped[int | None] = mapped_column(Integer)
    first_on: Mapped[dt.date] = mapped_column(Date)


# --------------------------------------------------------------------------- fidelity


class FidelityRequirement(Base):
    """Minimumskrav of the STV project, e.g. 3c 'Løbende opfølgning med mentorstøtte'."""

    __tablename__ = "fidelity_requirement"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str] = mapped_column(String(300))


class SurveyRound(Base):
    __tablename__ = "survey_round"
    __table_args__ = (CheckConstraint(_in("kind", SURVEY_ROUND_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[dt.date] = mapped_column(Date)


class FidelityResult(Base):
    """Share of respondents in a role who agree the requirement is met."""

    __tablename__ = "fidelity_result"
    __table_args__ = (
        UniqueConstraint("survey_round_id", "requirement_id", "role"),
        CheckConstraint(_in("role", FIDELITY_ROLES), name="role"),
        CheckConstraint("share_agree BETWEEN 0 AND 1", name="share_agree"),
        CheckConstraint("respondents IS NULL OR respondents >= 0", name="respondents"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(ForeignKey("fidelity_requirement.id"))
    role: Mapped[str] = mapped_column(String(30))
    share_agree: Mapped[float] = mapped_column(Float)
    respondents: Mapped[int | None] = mapped_column(Integer)


# --------------------------------------------------------------------------- report, audit, settings


class ReportText(Base):
    """Staff's written assessment next to the numbers in the evaluation report,
    per agreement, period and section (q1..q8, intro, what_works, development_points)."""

    __tablename__ = "report_text"
    __table_args__ = (
        UniqueConstraint("agreement_id", "period_start", "period_end", "section"),
        CheckConstraint("period_end >= period_start", name="dates_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    section: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class ReportHeader(Base):
    """The memo header of one evaluation report (per period, like its texts): committee,
    meeting date, case number, author, and whether it is a closed item (lukket punkt),
    the only kind of material for which small-count suppression may be off."""

    __tablename__ = "report_header"
    __table_args__ = (
        UniqueConstraint("period_start", "period_end"),
        CheckConstraint("period_end >= period_start", name="dates_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    committee: Mapped[str] = mapped_column(String(120), default="")
    meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    case_number: Mapped[str] = mapped_column(String(60), default="")
    author: Mapped[str] = mapped_column(String(120), default="")
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class AuditLog(Base):
    """Who did what to which record, with the values before and after (JSON text)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_table_record", "table_name", "record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    username: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(60), default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class AppSetting(Base):
    """Key/value settings: demo flag, suppression threshold, data version for caches."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --------------------------------------------------------------------------- security


class UserSession(Base):
    """A signed-in browser. The cookie carries a random 256-bit token (signed); this
    table holds only the token's SHA-256 as `id`, so reading the database does not hand
    out live sessions. A session ends when revoked, idle too long, or at `expires_at`."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # A session opened by single sign-on: the SHA-256 of the ID token's issuer, subject,
    # nonce and issue time. Unique, so one ID token (kept in Streamlit's identity cookie)
    # opens at most one session: after sign-out or revocation it cannot open another.
    oidc_marker: Mapped[str | None] = mapped_column(String(64), unique=True)


class SignInThrottle(Base):
    """Failed sign-ins per username ("user:<name>", known or not) and per client address
    ("client:<address>"), for exponential back-off."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures"),)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AccessLog(Base):
    """Who looked at which participant, when, on which page: one row per participant
    shown. Written asynchronously (lib.security.access_log) so a page does not wait."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_participant_at", "participant_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(80), index=True)
    page: Mapped[str] = mapped_column(String(60))
    participant_id: Mapped[int] = mapped_column(Integer)
