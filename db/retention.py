"""Retention: participants whose courses all ended more than N years ago are anonymised,
and the audit, access and session logs are pruned after their own periods.

Anonymised means: the case code becomes `anon-<id>`, the initials `XX`, and every free
text about the participant is emptied (notes, summaries, goals, reasons, mentor names);
dates, statuses, scores, hours and outcomes stay, so every figure on the dashboards is the
same afterwards. Earlier audit rows about those records lose their before/after values
(they held the same text). The run itself is one audit row.

Periods are settings in `app_setting` (years): `retention_years` (default 5),
`audit_log_retention_years` (10), `access_log_retention_years` (3).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update

from db.models import (
    AccessLog,
    AppSetting,
    AuditLog,
    Enrolment,
    Evaluation,
    Extension,
    MentorAssignment,
    MentorContact,
    Outcome,
    Participant,
    Pause,
    Plan,
    PlanSubGoal,
    SignInThrottle,
    UserSession,
    WorkAgreement,
)

DEFAULTS = {"retention_years": 5, "audit_log_retention_years": 10, "access_log_retention_years": 3}
ANON_PREFIX = "anon-"
ANON_INITIALS = "XX"
SESSION_KEEP = dt.timedelta(days=30)

# Free text per table, keyed to the participant through its enrolment (or directly).
FREE_TEXT = {
    Enrolment: ("final_summary",),
    Evaluation: ("notes",),
    Plan: ("long_term_goal", "took_part"),
    Extension: ("reason",),
    Pause: ("reason",),
    Outcome: ("note",),
    WorkAgreement: ("notes",),
    MentorAssignment: ("mentor_name",),
}


@dataclass
class RetentionReport:
    participants: list[int] = field(default_factory=list)
    audit_rows_pruned: int = 0
    access_rows_pruned: int = 0
    sessions_pruned: int = 0
    audit_rows_redacted: int = 0

    def lines(self) -> list[str]:
        return [
            f"Deltagere der anonymiseres: {len(self.participants)}",
            f"Revisionslog-rækker der slettes (for gamle): {self.audit_rows_pruned}",
            f"Revisionslog-rækker hvis værdier fjernes (anonymiserede data): "
            f"{self.audit_rows_redacted}",
            f"Adgangslog-rækker der slettes: {self.access_rows_pruned}",
            f"Afsluttede sessioner der slettes: {self.sessions_pruned}",
        ]


def _setting(conn: Connection, key: str) -> int:
    raw = conn.scalar(select(AppSetting.value).where(AppSetting.key == key))
    try:
        return max(0, int(raw)) if raw is not None else DEFAULTS[key]
    except ValueError:
        return DEFAULTS[key]


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _due_participants(conn: Connection, cutoff: dt.date) -> list[int]:
    """Participants whose every course has ended before `cutoff`, not yet anonymised."""
    open_or_recent = (
        select(Enrolment.participant_id)
        .where(or_(Enrolment.end_date.is_(None), Enrolment.end_date >= cutoff))
        .scalar_subquery()
    )
    return list(
        conn.scalars(
            select(Participant.id)
            .where(
                Participant.id.in_(select(Enrolment.participant_id)),
                Participant.id.not_in(open_or_recent),
                ~Participant.case_code.startswith(ANON_PREFIX),
            )
            .order_by(Participant.id)
        )
    )


def _records(conn: Connection, participant_ids: list[int]) -> dict[str, list[str]]:
    """The audit log's (table, record id) of every row that held the participants' text."""
    enrolments = select(Enrolment.id).where(Enrolment.participant_id.in_(participant_ids))
    plans = select(Plan.id).where(Plan.enrolment_id.in_(enrolments))
    assignments = select(MentorAssignment.id).where(MentorAssignment.enrolment_id.in_(enrolments))
    found: dict[str, list[str]] = {"participant": [str(p) for p in participant_ids]}
    for model in FREE_TEXT:
        column = model.id if model is Enrolment else model.enrolment_id  # type: ignore[attr-defined]
        found[model.__tablename__] = [
            str(i)
            for i in conn.scalars(select(model.id).where(column.in_(enrolments)))  # type: ignore[attr-defined]
        ]
    found["plan_sub_goal"] = [
        str(i) for i in conn.scalars(select(PlanSubGoal.id).where(PlanSubGoal.plan_id.in_(plans)))
    ]
    found["mentor_contact"] = [
        str(i)
        for i in conn.scalars(
            select(MentorContact.id).where(MentorContact.mentor_assignment_id.in_(assignments))
        )
    ]
    return found


def _audit_clause(records: dict[str, list[str]]):
    parts = [
        and_(AuditLog.table_name == table, AuditLog.record_id.in_(ids))
        for table, ids in records.items()
        if ids
    ]
    return or_(*parts) if parts else None


def _anonymise(conn: Connection, participant_ids: list[int]) -> None:
    enrolments = select(Enrolment.id).where(Enrolment.participant_id.in_(participant_ids))
    for pid in participant_ids:
        conn.execute(
            update(Participant)
            .where(Participant.id == pid)
            .values(case_code=f"{ANON_PREFIX}{pid}", initials=ANON_INITIALS)
        )
    for model, columns in FREE_TEXT.items():
        column = model.id if model is Enrolment else model.enrolment_id  # type: ignore[attr-defined]
        conn.execute(update(model).where(column.in_(enrolments)).values(dict.fromkeys(columns, "")))
    plans = select(Plan.id).where(Plan.enrolment_id.in_(enrolments))
    conn.execute(
        update(PlanSubGoal).where(PlanSubGoal.plan_id.in_(plans)).values(rationale="", focus="")
    )
    assignments = select(MentorAssignment.id).where(MentorAssignment.enrolment_id.in_(enrolments))
    conn.execute(
        update(MentorContact)
        .where(MentorContact.mentor_assignment_id.in_(assignments))
        .values(note="")
    )


def run_retention(
    engine: Engine,
    *,
    apply: bool,
    today: dt.date | None = None,
    years: int | None = None,
    actor: str = "retention",
) -> RetentionReport:
    """What retention would do (apply=False) or does (apply=True), in one transaction."""
    today = today or dt.date.today()
    now = dt.datetime.now(dt.UTC)
    bind = (
        engine.execution_options(sqlite_write=True) if engine.dialect.name == "sqlite" else engine
    )
    report = RetentionReport()
    with bind.begin() as conn:
        keep_years = years if years is not None else _setting(conn, "retention_years")
        cutoff = _years_before(today, keep_years)
        audit_cutoff = _years_before(today, _setting(conn, "audit_log_retention_years"))
        access_cutoff = _years_before(today, _setting(conn, "access_log_retention_years"))
        audit_before = dt.datetime.combine(audit_cutoff, dt.time.min, tzinfo=dt.UTC)
        access_before = dt.datetime.combine(access_cutoff, dt.time.min, tzinfo=dt.UTC)
        report.participants = _due_participants(conn, cutoff)
        records = _records(conn, report.participants) if report.participants else {}
        redact = _audit_clause(records)

        def count(model, *where) -> int:
            return conn.scalar(select(func.count()).select_from(model).where(*where)) or 0

        report.audit_rows_pruned = count(AuditLog, AuditLog.at < audit_before)
        report.audit_rows_redacted = count(AuditLog, redact) if redact is not None else 0
        report.access_rows_pruned = count(AccessLog, AccessLog.at < access_before)
        old_sessions = or_(UserSession.revoked_at.is_not(None), UserSession.expires_at < now)
        report.sessions_pruned = count(
            UserSession, old_sessions, UserSession.last_seen_at < now - SESSION_KEEP
        )
        if not apply:
            return report
        # Numbered above every row there was, before pruning: the data version never goes back.
        last = conn.scalar(select(func.coalesce(func.max(AuditLog.id), 0))) or 0
        if report.participants:
            _anonymise(conn, report.participants)
        if redact is not None:
            conn.execute(
                update(AuditLog).where(redact).values(before=None, after='{"anonymiseret": true}')
            )
        conn.execute(delete(AuditLog).where(AuditLog.at < audit_before))
        conn.execute(delete(AccessLog).where(AccessLog.at < access_before))
        conn.execute(
            delete(UserSession).where(old_sessions, UserSession.last_seen_at < now - SESSION_KEEP)
        )
        conn.execute(
            delete(SignInThrottle).where(SignInThrottle.last_failure_at < now - SESSION_KEEP)
        )
        conn.execute(
            insert(AuditLog).values(
                id=last + 1,
                username=actor,
                action="retention",
                table_name="participant",
                record_id="",
                after=json.dumps(
                    {
                        "anonymiseret": len(report.participants),
                        "revisionslog_slettet": report.audit_rows_pruned,
                        "adgangslog_slettet": report.access_rows_pruned,
                        "sessioner_slettet": report.sessions_pruned,
                        "afsluttet_foer": cutoff.isoformat(),
                    },
                    ensure_ascii=False,
                ),
            )
        )
    return report
