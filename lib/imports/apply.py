"""The import itself: the dry run again inside one write transaction (so what is written
is what was checked against the database as it is now), then the plan written in bulk.
Any error leaves the database exactly as before.

Rows are written with bulk INSERTs (thousands of courses and tens of thousands of
evaluations in seconds), so the ORM's audit hook does not see them: every written row gets
its audit row here, in the same transaction, with who imported it and the file name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.orm import Session

from db.bulk import bulk_insert
from db.engine import write_session
from db.models import (
    Agreement,
    AgreementSlotPeriod,
    AuditLog,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    Extension,
    Outcome,
    Participant,
    Plan,
    PlanScore,
)
from db.summaries import courses_of, refresh_follow_ups, refresh_score_spans
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import MANAGER_ROLES
from lib.domain.rules import expected_end
from lib.imports.dry_run import DryRun, Progress, _no_progress, dry_run
from lib.imports.reading import Sheet


class ImportRefused(ValueError):
    """The file has errors (found again inside the transaction); nothing was written."""

    def __init__(self, result: DryRun):
        super().__init__(f"{len(result.errors)} fejl – intet er importeret.")
        self.result = result


@dataclass(frozen=True)
class Imported:
    counts: dict[str, tuple[int, int, int]]  # sheet -> (added, updated, unchanged)
    audit_rows: int


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


class _Writer:
    def __init__(self, s: Session, actor: str, filename: str, progress: Progress, total: int):
        self.s = s
        self.actor = actor
        self.filename = filename
        self.audit: list[dict[str, Any]] = []
        self.progress = progress
        self.total = max(total, 1)
        self.done = 0

    def _audit(self, action: str, table: str, record_id: Any, before, after) -> None:
        self.audit.append(
            {
                "username": self.actor,
                "action": action,
                "table_name": table,
                "record_id": str(record_id),
                "before": None
                if before is None
                else json.dumps(_jsonable(before), ensure_ascii=False),
                "after": None
                if after is None
                else json.dumps(
                    {**_jsonable(after), "importfil": self.filename}, ensure_ascii=False
                ),
            }
        )

    def reserve_ids(self, model, n: int) -> list[int]:
        """n new primary keys for `model`, taken before inserting: a plain executemany is
        many times faster than INSERT ... RETURNING for tens of thousands of rows.
        PostgreSQL: from the table's sequence (safe beside other writers). SQLite: after
        the highest id, under the write lock this transaction holds."""
        if n == 0:
            return []
        table = model.__tablename__
        if self.s.get_bind().dialect.name == "postgresql":
            return list(
                self.s.scalars(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"table": table, "n": n},
                )
            )
        first = (self.s.scalar(select(func.max(model.id))) or 0) + 1
        return list(range(first, first + n))

    def insert(
        self,
        model,
        rows: list[dict[str, Any]],
        text_: str,
        audit_extra: list[dict[str, Any]] | None = None,
    ) -> list[int]:
        """Bulk insert, returning the new ids in the rows' order; each row audited (with
        `audit_extra[i]` added to row i's, e.g. a plan's scores)."""
        ids = self.reserve_ids(model, len(rows))
        rows = [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)]
        self.insert_plain(model, rows, text_)
        extras = audit_extra or [{}] * len(rows)
        for row_id, row, extra in zip(ids, rows, extras, strict=True):
            self._audit("create", model.__tablename__, row_id, None, {**row, **extra})
        return ids

    def insert_plain(self, model, rows: list[dict[str, Any]], text_: str) -> None:
        """Bulk insert (COPY on PostgreSQL, else executemany; no RETURNING). Scores go
        through here directly: they are audited with their plan or evaluation."""
        bulk_insert(self.s.connection(), model.__table__, rows, lambda n: self.step(n, text_))

    def update(self, model, row_id: int, values: dict[str, Any], before: dict[str, Any]) -> None:
        stmt = update(model.__table__).where(model.__table__.c.id == row_id).values(**values)
        if "version" in model.__table__.c:
            # Bump the version: a form opened before the import refuses a stale save.
            stmt = stmt.values(version=model.__table__.c.version + 1)
        self.s.execute(stmt)
        self._audit("update", model.__tablename__, row_id, before, values)

    def step(self, n: int, text: str) -> None:
        self.done += n
        self.progress(min(0.1 + 0.85 * self.done / self.total, 0.95), text)

    def flush_audit(self) -> int:
        bulk_insert(self.s.connection(), AuditLog.__table__, self.audit)
        return len(self.audit)


def _score_rows(owner_key: str, owner_ids: Iterable[int], scores: Iterable[dict[int, int]]):
    return [
        {owner_key: owner, "parameter_id": pid, "sub_element_id": None, "score": score}
        for owner, by_parameter in zip(owner_ids, scores, strict=True)
        for pid, score in by_parameter.items()
    ]


def import_sheets(
    engine: Engine,
    scope: Scope,
    sheets: dict[str, Sheet],
    filename: str,
    *,
    accept_warnings: bool = True,
    today: dt.date | None = None,
    progress: Progress = _no_progress,
) -> Imported:
    """Import the sheets in one transaction. ImportRefused (nothing written) if the dry run
    inside the transaction finds an error, or a warning that was not accepted."""
    if scope.role not in MANAGER_ROLES:
        raise AccessDenied("Kun ledere og administratorer kan importere.")
    today = today or dt.date.today()
    with write_session(engine, scope.username, audit_log=False) as s:
        result = dry_run(s.connection(), sheets, today, lambda f, t: progress(f * 0.1, t))
        if result.errors or (result.warnings and not accept_warnings):
            raise ImportRefused(result)
        plan = result.plan
        n_scores = sum(len(p["scores"]) for p in plan.plans_new + plan.evaluations_new)
        total = (
            len(plan.participants_new)
            + 2 * len(plan.courses_new)
            + len(plan.plans_new)
            + len(plan.evaluations_new)
            + n_scores
        )
        w = _Writer(s, scope.username, filename, progress, total)

        enterprise_ids: dict[str, int] = {
            name: i for name, i in s.execute(select(Enterprise.name, Enterprise.id))
        }
        new_enterprises: list[dict[str, Any]] = [
            {"name": n, "address": "", "contact_persons": "", "version": 1}
            for n in plan.enterprises
        ]
        new_ids = w.insert(Enterprise, new_enterprises, "Virksomheder")
        enterprise_ids.update(zip(plan.enterprises, new_ids, strict=True))
        by_lower = {k.casefold(): v for k, v in enterprise_ids.items()}

        agreement_rows = [
            {
                "name": a["name"],
                "enterprise_id": by_lower[a["enterprise"].casefold()],
                "slots": a["slots"],
                "start_date": a["start_date"],
                "evaluation_interval_months": a["evaluation_interval_months"],
                "review_cadence": "half_yearly",
                "jobcentre_contact": "",
                "enterprise_contact": "",
                "description": "",
                "version": 1,
            }
            for a in plan.agreements_new
        ]
        new_agreement_ids = w.insert(Agreement, agreement_rows, "Aftaler")
        w.insert(
            AgreementSlotPeriod,
            [
                {"agreement_id": i, "valid_from": a["start_date"], "slots": a["slots"]}
                for i, a in zip(new_agreement_ids, agreement_rows, strict=True)
            ],
            "Aftaler",
        )
        for agreement_id, after, before in plan.agreements_update:
            values = {k: after[k] for k in before}
            values["enterprise_id"] = (
                values["enterprise_id"] or by_lower[after["enterprise"].casefold()]
            )
            w.update(Agreement, agreement_id, values, before)
            if after["slots"] != before["slots"]:
                valid_from = max(today, after["start_date"])
                s.execute(
                    delete(AgreementSlotPeriod).where(
                        AgreementSlotPeriod.agreement_id == agreement_id,
                        AgreementSlotPeriod.valid_from == valid_from,
                    )
                )
                w.insert(
                    AgreementSlotPeriod,
                    [
                        {
                            "agreement_id": agreement_id,
                            "valid_from": valid_from,
                            "slots": after["slots"],
                        }
                    ],
                    "Aftaler",
                )
        agreement_ids = {
            n.casefold(): i for n, i in s.execute(select(Agreement.name, Agreement.id))
        }

        participant_rows = [{**p, "version": 1} for p in plan.participants_new]
        participant_ids = dict(
            zip(
                (p["case_code"] for p in participant_rows),
                w.insert(Participant, participant_rows, "Deltagere"),
                strict=True,
            )
        )
        for participant_id, values, before in plan.participants_update:
            w.update(Participant, participant_id, values, before)
        participant_ids |= dict(s.execute(select(Participant.case_code, Participant.id)).all())

        course_rows = [
            {
                "participant_id": participant_ids[c["case_code"]],
                "agreement_id": agreement_ids[c["agreement"]],
                "status": c["status"],
                "referred_on": c["start_date"],
                "start_date": c["start_date"],
                "planned_weeks": c["planned_weeks"],
                "end_date": c["end_date"],
                "final_summary": "",
                "version": 1,
            }
            for c in plan.courses_new
        ]
        course_ids = w.insert(Enrolment, course_rows, "Forløb")
        extensions, outcomes = [], []
        for course_id, c in zip(course_ids, plan.courses_new, strict=True):
            if c["extended_to"]:
                extensions.append(_extension(course_id, c))
            if c["outcome_type_id"]:
                outcomes.append(_outcome(course_id, c))
        for course_id, after, before in plan.courses_update:
            values = {k: after[k] for k in ("status", "planned_weeks", "end_date")}
            values["agreement_id"] = agreement_ids[after["agreement"]]
            w.update(Enrolment, course_id, values, before)
            if after["extended_to"]:
                start = s.scalar(select(Enrolment.start_date).where(Enrolment.id == course_id))
                extensions.append(_extension(course_id, {**after, "start_date": start}))
            if (
                after["outcome_type_id"] != before["outcome_type_id"]
                or after["outcome_on"] != before["outcome_on"]
            ):
                s.execute(delete(Outcome).where(Outcome.enrolment_id == course_id))
                if after["outcome_type_id"]:
                    outcomes.append(_outcome(course_id, after))
        w.insert(Extension, extensions, "Forlængelser")
        w.insert(Outcome, outcomes, "Resultater")

        course_key_ids = {
            (code, start): i
            for i, code, start in s.execute(
                select(Enrolment.id, Participant.case_code, Enrolment.start_date).join(
                    Participant, Participant.id == Enrolment.participant_id
                )
            )
        }
        numbers = dict(
            s.execute(select(Plan.enrolment_id, Plan.version_no).order_by(Plan.version_no)).all()
        )
        plan_rows = []
        for p in sorted(plan.plans_new, key=lambda p: p["day"]):
            enrolment_id = course_key_ids[p["course"]]
            numbers[enrolment_id] = numbers.get(enrolment_id, 0) + 1
            plan_rows.append(
                {
                    "enrolment_id": enrolment_id,
                    "version_no": numbers[enrolment_id],
                    "created_on": p["day"],
                    # Unknown from a spreadsheet: not ticked (unanswered is not yes).
                    "made_with_participant": False,
                    "took_part": "",
                    "long_term_goal": "",
                    "created_by_id": scope.user_id,
                    "version": 1,
                    "_scores": p["scores"],
                }
            )
        plan_ids = w.insert(
            Plan,
            [{k: v for k, v in r.items() if k != "_scores"} for r in plan_rows],
            "Planer",
            [{"scorer": r["_scores"]} for r in plan_rows],
        )
        w.insert_plain(
            PlanScore, _score_rows("plan_id", plan_ids, (r["_scores"] for r in plan_rows)), "Planer"
        )
        for plan_id, new_scores, old_scores in plan.plans_update:
            _replace_scores(
                w, PlanScore, PlanScore.plan_id, "plan_id", plan_id, new_scores, old_scores
            )

        evaluation_rows = [
            {
                "enrolment_id": course_key_ids[e["course"]],
                "evaluated_on": e["day"],
                # The sheet has scores only: the questions stay unanswered.
                "goal_progress": None,
                "sub_goals_need_adjusting": None,
                "notes": "",
                "written_with_participant": None,
                "created_by_id": scope.user_id,
                "version": 1,
            }
            for e in plan.evaluations_new
        ]
        evaluation_ids = w.insert(
            Evaluation,
            evaluation_rows,
            "Evalueringer",
            [{"scorer": e["scores"]} for e in plan.evaluations_new],
        )
        w.insert_plain(
            EvaluationScore,
            _score_rows(
                "evaluation_id", evaluation_ids, (e["scores"] for e in plan.evaluations_new)
            ),
            "Evalueringer",
        )
        for evaluation_id, new_scores, old_scores in plan.evaluations_update:
            _replace_scores(
                w,
                EvaluationScore,
                EvaluationScore.evaluation_id,
                "evaluation_id",
                evaluation_id,
                new_scores,
                old_scores,
            )
        # Core inserts pass by the flush hook that keeps the summaries for the forms: new
        # plans and evaluations move the score spans and the evaluations' due dates,
        # changed scores only the spans.
        conn = w.s.connection()
        added = {course_key_ids[p["course"]] for p in plan.plans_new + plan.evaluations_new}
        refresh_follow_ups(conn, added)
        refresh_score_spans(
            conn,
            added
            | courses_of(conn, Evaluation, (i for i, _, _ in plan.evaluations_update))
            | courses_of(conn, Plan, (i for i, _, _ in plan.plans_update)),
        )
        progress(0.96, "Skriver revisionslog …")
        w._audit(
            "import",
            "import",
            filename[:60],
            None,
            {
                sheet: {"nye": c.add, "opdaterede": c.update, "uændrede": c.unchanged}
                for sheet, c in result.counts.items()
            },
        )
        audited = w.flush_audit()
    progress(1.0, "Importen er gemt")
    return Imported({k: (c.add, c.update, c.unchanged) for k, c in result.counts.items()}, audited)


def _extension(course_id: int, c: dict[str, Any]) -> dict[str, Any]:
    planned = expected_end(c["start_date"], c["planned_weeks"], [])
    return {
        "enrolment_id": course_id,
        "extended_on": min(planned, c["extended_to"] - dt.timedelta(days=1)),
        "new_end_date": c["extended_to"],
        "reason": "Importeret",
    }


def _outcome(course_id: int, c: dict[str, Any]) -> dict[str, Any]:
    return {
        "enrolment_id": course_id,
        "outcome_type_id": c["outcome_type_id"],
        "outcome_on": c["outcome_on"],
        "note": "",
    }


def _replace_scores(w: _Writer, model, owner_column, owner_key, owner_id, scores, before) -> None:
    w.s.execute(delete(model).where(owner_column == owner_id, model.sub_element_id.is_(None)))
    w.insert_plain(model, _score_rows(owner_key, [owner_id], [scores]), "Scorer")
    table = "plan" if owner_key == "plan_id" else "evaluation"
    w._audit("update", table, owner_id, {"scorer": before}, {"scorer": scores})
