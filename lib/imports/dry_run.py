"""The dry run: every row of every sheet checked (types by the schema, then against the
other sheets and the database), and what the import would add, update or leave unchanged.
Nothing is written here; apply.py runs this again inside its transaction and writes the
plan only when there is no error.

Matching, so the same file imported twice changes nothing the second time: an agreement by
its name, a course by participant code + start date, a plan or evaluation by its course
and date. Row numbers are the spreadsheet's (the header is row 1).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, select

from db.models import (
    Agreement,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    Extension,
    Outcome,
    OutcomeType,
    Parameter,
    Participant,
    Plan,
    PlanScore,
    ScoreLevel,
    TargetGroup,
    User,
)
from lib.commands.agreements import MAX_SLOTS
from lib.commands.kit import looks_like_cpr
from lib.domain.enums import EnrolmentStatus, Role
from lib.domain.format import fmt_date
from lib.domain.rules import expected_end
from lib.imports.reading import SHEETS, Sheet
from lib.imports.schema import (
    BLANK_INTERVAL,
    REQUIRED,
    AgreementSheetRow,
    CourseSheetRow,
    cell_problems,
    columns_of,
    scores_model,
)

Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _text: str) -> None:
    return None


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # spreadsheet row (header = 1); None for the sheet as a whole
    column: str
    value: str
    message: str
    error: bool = True  # False: a warning, which the importer may accept

    @property
    def severity(self) -> str:
        return "Fejl" if self.error else "Advarsel"


@dataclass
class Counts:
    add: int = 0
    update: int = 0
    unchanged: int = 0


@dataclass
class Plan_:
    """What the import would write; ids refer to existing rows, keys to new ones."""

    enterprises: list[str] = field(default_factory=list)
    agreements_new: list[dict[str, Any]] = field(default_factory=list)
    agreements_update: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    participants_new: list[dict[str, Any]] = field(default_factory=list)
    participants_update: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    courses_new: list[dict[str, Any]] = field(default_factory=list)
    courses_update: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    plans_new: list[dict[str, Any]] = field(default_factory=list)
    plans_update: list[tuple[int, dict[int, int], dict[int, int]]] = field(default_factory=list)
    evaluations_new: list[dict[str, Any]] = field(default_factory=list)
    evaluations_update: list[tuple[int, dict[int, int], dict[int, int]]] = field(
        default_factory=list
    )


@dataclass
class DryRun:
    counts: dict[str, Counts]
    problems: list[Problem]
    plan: Plan_

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.error]

    @property
    def changes(self) -> int:
        return sum(c.add + c.update for c in self.counts.values())


def cell_text(value: Any) -> str:
    """A cell's value as a problem report shows it (dates ISO, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- the database


@dataclass
class Known:
    """What the database holds, loaded once (a handful of queries, none per row)."""

    enterprises: dict[str, int]
    agreements: dict[str, dict[str, Any]]  # lower name -> row
    target_groups: dict[str, int]
    outcome_types: dict[str, int]
    caseworkers: dict[str, int]
    other_users: set[str]
    parameters: list[tuple[int, str]]
    scale: tuple[int, int]
    participants: dict[str, dict[str, Any]]  # code -> row
    courses: dict[tuple[str, dt.date], dict[str, Any]]  # (code, start) -> row
    active_by_agreement: dict[int, set[int]]  # agreement id -> active enrolment ids
    plans: dict[tuple[int, dt.date], tuple[int, dict[int, int]]]
    plan_numbers: dict[int, int]  # enrolment id -> highest plan version_no
    evaluations: dict[tuple[int, dt.date], tuple[int, dict[int, int]]]


def load_known(conn: Connection) -> Known:
    def lower_map(stmt) -> dict[str, int]:
        return {str(label).casefold(): i for i, label in conn.execute(stmt)}

    agreements = {
        r.name.casefold(): dict(r._mapping)
        for r in conn.execute(
            select(
                Agreement.id,
                Agreement.name,
                Agreement.enterprise_id,
                Agreement.slots,
                Agreement.start_date,
                Agreement.evaluation_interval_months,
            )
        )
    }
    users = conn.execute(select(User.id, User.username, User.role)).all()
    lo, hi = conn.execute(select(func.min(ScoreLevel.value), func.max(ScoreLevel.value))).one()
    participants = {
        r.case_code: dict(r._mapping)
        for r in conn.execute(
            select(
                Participant.id,
                Participant.case_code,
                Participant.initials,
                Participant.target_group_id,
                Participant.caseworker_id,
            )
        )
    }
    extended = dict(
        conn.execute(
            select(Extension.enrolment_id, func.max(Extension.new_end_date)).group_by(
                Extension.enrolment_id
            )
        ).all()
    )
    outcomes = {
        r.enrolment_id: (r.outcome_type_id, r.outcome_on)
        for r in conn.execute(
            select(Outcome.enrolment_id, Outcome.outcome_type_id, Outcome.outcome_on)
        )
    }
    courses: dict[tuple[str, dt.date], dict[str, Any]] = {}
    active: dict[int, set[int]] = defaultdict(set)
    for r in conn.execute(
        select(
            Enrolment.id,
            Participant.case_code,
            Enrolment.agreement_id,
            Enrolment.status,
            Enrolment.start_date,
            Enrolment.planned_weeks,
            Enrolment.end_date,
        ).join(Participant, Participant.id == Enrolment.participant_id)
    ):
        outcome_type_id, outcome_on = outcomes.get(r.id, (None, None))
        courses[(r.case_code, r.start_date)] = {
            **r._mapping,
            "extended_to": extended.get(r.id),
            "outcome_type_id": outcome_type_id,
            "outcome_on": outcome_on,
        }
        if r.status == EnrolmentStatus.ACTIVE:
            active[r.agreement_id].add(r.id)

    def scored(model, score_model, fk, day_column):
        scores: dict[int, dict[int, int]] = defaultdict(dict)
        for owner, pid, score in conn.execute(
            select(getattr(score_model, fk), score_model.parameter_id, score_model.score).where(
                score_model.sub_element_id.is_(None)
            )
        ):
            scores[owner][pid] = score
        return {
            (enrolment_id, day): (row_id, scores.get(row_id, {}))
            for row_id, enrolment_id, day in conn.execute(
                select(model.id, model.enrolment_id, day_column)
            )
        }

    return Known(
        enterprises=lower_map(select(Enterprise.id, Enterprise.name)),
        agreements=agreements,
        target_groups=lower_map(select(TargetGroup.id, TargetGroup.label)),
        outcome_types=lower_map(select(OutcomeType.id, OutcomeType.label)),
        caseworkers={u.username.casefold(): u.id for u in users if u.role == Role.CASEWORKER},
        other_users={u.username.casefold() for u in users if u.role != Role.CASEWORKER},
        parameters=[
            (r.id, r.label)
            for r in conn.execute(
                select(Parameter.id, Parameter.label).order_by(Parameter.sort_order, Parameter.id)
            )
        ],
        scale=(lo or 1, hi or 5),
        participants=participants,
        courses=courses,
        active_by_agreement=active,
        plans=scored(Plan, PlanScore, "plan_id", Plan.created_on),
        plan_numbers=dict(
            conn.execute(
                select(Plan.enrolment_id, func.max(Plan.version_no)).group_by(Plan.enrolment_id)
            ).all()
        ),
        evaluations=scored(Evaluation, EvaluationScore, "evaluation_id", Evaluation.evaluated_on),
    )


# --------------------------------------------------------------------------- checking


class _Checker:
    def __init__(self, known: Known, sheets: dict[str, Sheet], today: dt.date):
        self.known = known
        self.sheets = sheets
        self.today = today
        self.problems: list[Problem] = []
        self.error_count = 0
        self._new_codes: set[str] = set()
        self._updated_people: set[int] = set()
        self.counts = {name: Counts() for name in SHEETS if name in sheets}
        self.plan = Plan_()
        self.parameter_labels = [label for _, label in known.parameters]
        # Agreements as they will be after the import: lower name -> (slots, start, id|None)
        self.agreements: dict[str, dict[str, Any]] = {
            k: {"slots": v["slots"], "start_date": v["start_date"], "id": v["id"]}
            for k, v in known.agreements.items()
        }
        # Courses after the import, per participant code: (start, end, key)
        self.courses_of: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for (code, start), row in known.courses.items():
            self.courses_of[code].append((start, row["end_date"]))

    def problem(
        self, sheet: str, row: int | None, column: str, value: Any, message: str, error=True
    ):
        self.problems.append(Problem(sheet, row, column, cell_text(value), message, error))
        self.error_count += error

    def parse(self, sheet: Sheet, model) -> list[tuple[int, dict[str, Any], Any]]:
        """(spreadsheet row, raw cells, validated row) for the rows the schema accepts."""
        wanted = columns_of(sheet.name, self.parameter_labels)
        missing = [c for c in wanted if c not in sheet.columns]
        for column in missing:
            self.problem(sheet.name, 1, column, "", "Kolonnen mangler i arket. Brug skabelonen.")
        if missing:
            return []
        out = []
        required = REQUIRED[sheet.name]
        for i, raw in enumerate(sheet.rows):
            line = i + 2
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            ok = True
            try:
                row = model.model_validate(raw)
            except ValidationError as exc:
                for column, message in cell_problems(exc):
                    self.problem(sheet.name, line, column, raw.get(column), message)
                ok = False
            for column in required:
                value = raw.get(column)
                if value is None or (isinstance(value, str) and not value.strip()):
                    self.problem(sheet.name, line, column, "", "Skal udfyldes.")
                    ok = False
            if ok:
                out.append((line, raw, row))
        return out

    # ---------------------------------------------------------------- Aftaler

    def agreements_sheet(self) -> None:
        sheet = self.sheets.get("Aftaler")
        if sheet is None:
            return
        seen: dict[str, int] = {}
        new_enterprises: set[str] = set()
        for line, raw, row in self.parse(sheet, AgreementSheetRow):
            key = row.name.casefold()
            bad = False
            if key in seen:
                self.problem(
                    "Aftaler", line, "Aftale", row.name, f"Aftalen står også i række {seen[key]}."
                )
                bad = True
            seen[key] = line
            if not 1 <= row.slots <= MAX_SLOTS:
                self.problem(
                    "Aftaler",
                    line,
                    "Pladser",
                    raw.get("Pladser"),
                    f"Pladser skal være 1–{MAX_SLOTS}.",
                )
                bad = True
            interval = row.evaluation_interval_months or BLANK_INTERVAL
            if not 1 <= interval <= 12:
                self.problem(
                    "Aftaler",
                    line,
                    "Evalueringsinterval",
                    raw.get("Evalueringsinterval"),
                    "Evalueringsintervallet skal være 1–12 måneder (tom = 2).",
                )
                bad = True
            if len(row.name) > 200 or len(row.enterprise) > 200:
                self.problem(
                    "Aftaler", line, "Aftale", row.name, "Navnet er for langt: højst 200 tegn."
                )
                bad = True
            enterprise_key = row.enterprise.casefold()
            if (
                enterprise_key not in self.known.enterprises
                and enterprise_key not in new_enterprises
            ):
                new_enterprises.add(enterprise_key)
                self.plan.enterprises.append(row.enterprise)
                self.problem(
                    "Aftaler",
                    line,
                    "Virksomhed",
                    row.enterprise,
                    "Virksomheden findes ikke og oprettes.",
                    error=False,
                )
            if bad:
                continue
            values = {
                "name": row.name,
                "enterprise": row.enterprise,
                "slots": row.slots,
                "start_date": row.start_date,
                "evaluation_interval_months": interval,
            }
            existing = self.known.agreements.get(key)
            if existing is None:
                self.plan.agreements_new.append(values)
                self.counts["Aftaler"].add += 1
                self.agreements[key] = {
                    "slots": row.slots,
                    "start_date": row.start_date,
                    "id": None,
                }
                continue
            enterprise_id = self.known.enterprises.get(enterprise_key)
            before = {
                "enterprise_id": existing["enterprise_id"],
                "slots": existing["slots"],
                "start_date": existing["start_date"],
                "evaluation_interval_months": existing["evaluation_interval_months"],
            }
            after = {
                **before,
                "slots": row.slots,
                "start_date": row.start_date,
                "evaluation_interval_months": interval,
                "enterprise_id": enterprise_id,
            }
            if after == before:
                self.counts["Aftaler"].unchanged += 1
            else:
                after["enterprise"] = row.enterprise
                self.plan.agreements_update.append((existing["id"], after, before))
                self.counts["Aftaler"].update += 1
                self.agreements[key] = {
                    **self.agreements[key],
                    "slots": row.slots,
                    "start_date": row.start_date,
                }

    # ---------------------------------------------------------------- Forløb

    def courses_sheet(self) -> None:
        sheet = self.sheets.get("Forløb")
        if sheet is None:
            return
        known = self.known
        seen: dict[tuple[str, dt.date], int] = {}
        people: dict[str, tuple[int, str, int, int | None]] = {}
        open_course: dict[str, int] = {}
        file_status: dict[tuple[str, dt.date], tuple[str, str]] = {}
        for line, raw, row in self.parse(sheet, CourseSheetRow):
            errors_before = self.error_count
            code = row.case_code

            def bad(column: str, message: str, line=line, raw=raw) -> None:
                self.problem("Forløb", line, column, raw.get(column), message)

            if looks_like_cpr(code):
                bad(
                    "Deltagerkode",
                    "Koden ligner et CPR-nummer. Brug en pseudonym kode, aldrig CPR.",
                )
            elif len(code) > 40:
                bad("Deltagerkode", "Koden er for lang: højst 40 tegn.")
            if len(row.initials) > 10:
                bad("Initialer", "Initialerne er for lange: højst 10 tegn.")
            target_group_id = known.target_groups.get(row.target_group.casefold())
            if target_group_id is None:
                bad(
                    "Målgruppe",
                    "Ukendt målgruppe. Brug en målgruppe fra kataloget (se skabelonens liste).",
                )
            caseworker_id = None
            if row.caseworker:
                caseworker_id = known.caseworkers.get(row.caseworker.casefold())
                if caseworker_id is None:
                    reason = (
                        "Brugeren er ikke sagsbehandler."
                        if row.caseworker.casefold() in known.other_users
                        else "Ukendt brugernavn. Opret sagsbehandleren under Brugere først, eller lad feltet stå tomt."
                    )
                    bad("Sagsbehandler", reason)
            agreement = self.agreements.get(row.agreement.casefold())
            if agreement is None:
                bad(
                    "Aftale", "Ukendt aftale: den findes hverken i databasen eller i arket Aftaler."
                )
            key = (code, row.start_date)
            if key in seen:
                bad("Startdato", f"Samme deltagerkode og startdato står også i række {seen[key]}.")
            seen[key] = line
            planned = expected_end(row.start_date, row.planned_weeks, [])
            if row.status == EnrolmentStatus.ACTIVE and row.start_date > self.today:
                bad(
                    "Startdato",
                    "Et aktivt forløb kan ikke starte i fremtiden. Brug status visitation.",
                )
            if row.end_date is not None and row.end_date < row.start_date:
                bad("Slutdato", f"Slutdatoen ligger før startdatoen ({fmt_date(row.start_date)}).")
            elif row.status == EnrolmentStatus.ENDED and row.end_date is None:
                bad("Slutdato", "Et afsluttet forløb skal have en slutdato.")
            elif row.status != EnrolmentStatus.ENDED and row.end_date is not None:
                bad(
                    "Slutdato",
                    "Kun et afsluttet forløb har en slutdato. Sæt status afsluttet, eller fjern datoen.",
                )
            elif row.end_date is not None and row.end_date > self.today:
                bad("Slutdato", "Slutdatoen ligger i fremtiden.")
            if row.extended_to is not None and row.extended_to <= planned:
                bad("Forlænget til", f"Skal ligge efter den planlagte slut ({fmt_date(planned)}).")
            outcome_type_id = None
            if row.outcome:
                outcome_type_id = known.outcome_types.get(row.outcome.casefold())
                if outcome_type_id is None:
                    bad(
                        "Resultat",
                        "Ukendt resultat. Brug et resultat fra kataloget (se skabelonens liste).",
                    )
                elif row.status != EnrolmentStatus.ENDED:
                    bad("Resultat", "Kun et afsluttet forløb har et resultat.")
            elif row.outcome_date is not None:
                bad("Resultatdato", "Der er en resultatdato, men intet resultat.")
            if row.outcome_date and row.outcome_date < row.start_date:
                bad("Resultatdato", "Resultatdatoen ligger før forløbets start.")
            if agreement is not None and row.start_date < agreement["start_date"]:
                self.problem(
                    "Forløb",
                    line,
                    "Startdato",
                    raw.get("Startdato"),
                    f"Forløbet starter før aftalen ({fmt_date(agreement['start_date'])}).",
                    error=False,
                )
            person = people.get(code)
            if person is None:
                people[code] = (line, row.initials.upper(), target_group_id or 0, caseworker_id)
            elif person[1:] != (row.initials.upper(), target_group_id or 0, caseworker_id):
                bad(
                    "Initialer",
                    f"Deltageren har andre initialer, målgruppe eller sagsbehandler i række {person[0]}.",
                )
            if row.status in (EnrolmentStatus.REFERRAL, EnrolmentStatus.ACTIVE):
                if code in open_course:
                    bad(
                        "Status",
                        f"Deltageren har allerede et forløb i visitation eller i gang (række {open_course[code]}).",
                    )
                open_course[code] = line
            if self.error_count > errors_before or agreement is None:
                continue
            file_status[key] = (row.status, row.agreement.casefold())
            self._course(code, row, agreement, target_group_id, caseworker_id, outcome_type_id)
        self._full_agreements(file_status)

    def _course(
        self, code, row, agreement, target_group_id, caseworker_id, outcome_type_id
    ) -> None:
        known = self.known
        person = known.participants.get(code)
        person_values = {
            "initials": row.initials.upper(),
            "target_group_id": target_group_id,
            "caseworker_id": caseworker_id,
        }
        if person is None:
            if code not in self._new_codes:
                self._new_codes.add(code)
                self.plan.participants_new.append({"case_code": code, **person_values})
        else:
            before = {k: person[k] for k in person_values}
            if before != person_values and person["id"] not in self._updated_people:
                self._updated_people.add(person["id"])
                self.plan.participants_update.append((person["id"], person_values, before))
        values = {
            "case_code": code,
            "agreement": row.agreement.casefold(),
            "status": row.status,
            "start_date": row.start_date,
            "planned_weeks": row.planned_weeks,
            "end_date": row.end_date,
            "extended_to": row.extended_to,
            "outcome_type_id": outcome_type_id,
            "outcome_on": (row.outcome_date or row.end_date) if outcome_type_id else None,
        }
        existing = known.courses.get((code, row.start_date))
        if existing is None:
            self.plan.courses_new.append(values)
            self.counts["Forløb"].add += 1
            self.courses_of[code].append((row.start_date, row.end_date))
            return
        compare = ("status", "planned_weeks", "end_date", "outcome_type_id", "outcome_on")
        before = {k: existing[k] for k in compare}
        before["agreement_id"] = existing["agreement_id"]
        after = {k: values[k] for k in compare}
        after["agreement_id"] = agreement["id"]
        extension_changed = (
            row.extended_to is not None and row.extended_to != existing["extended_to"]
        )
        person_changed = person is not None and any(
            person[k] != v for k, v in person_values.items()
        )
        if after == before and not extension_changed and not person_changed:
            self.counts["Forløb"].unchanged += 1
            return
        after["extended_to"] = row.extended_to if extension_changed else None
        after["agreement"] = values["agreement"]
        self.plan.courses_update.append((existing["id"], after, before))
        self.counts["Forløb"].update += 1
        self.courses_of[code] = [
            (s, row.end_date if s == row.start_date else e) for s, e in self.courses_of[code]
        ]

    def _full_agreements(self, file_status: dict[tuple[str, dt.date], tuple[str, str]]) -> None:
        """Warn where an agreement would have more active courses than slots."""
        active: dict[str, int] = defaultdict(int)
        by_id = {v["id"]: k for k, v in self.agreements.items() if v["id"] is not None}
        for agreement_id, ids in self.known.active_by_agreement.items():
            name = by_id.get(agreement_id)
            if name:
                active[name] += len(ids)
        for key, (status, agreement) in file_status.items():
            existing = self.known.courses.get(key)
            if existing is not None and existing["status"] == EnrolmentStatus.ACTIVE:
                old = by_id.get(existing["agreement_id"])
                if old:
                    active[old] -= 1
            if status == EnrolmentStatus.ACTIVE:
                active[agreement] += 1
        for name, count in sorted(active.items()):
            slots = self.agreements[name]["slots"]
            if count > slots:
                self.problem(
                    "Forløb",
                    None,
                    "Aftale",
                    name,
                    f"Aftalen får {count} aktive forløb, men har kun {slots} pladser.",
                    error=False,
                )

    # ---------------------------------------------------------------- Planer, Evalueringer

    def scores_sheet(self, name: str) -> None:
        sheet = self.sheets.get(name)
        if sheet is None:
            return
        lo, hi = self.known.scale
        model = scores_model(self.parameter_labels)
        seen: dict[tuple[str, dt.date], int] = {}
        existing_rows = self.known.plans if name == "Planer" else self.known.evaluations
        for line, raw, row in self.parse(sheet, model):
            code, day = row.case_code, row.day
            n_before = self.error_count

            def bad(column: str, message: str, line=line, raw=raw) -> None:
                self.problem(name, line, column, raw.get(column), message)

            if looks_like_cpr(code):
                bad(
                    "Deltagerkode",
                    "Koden ligner et CPR-nummer. Brug en pseudonym kode, aldrig CPR.",
                )
            scores: dict[int, int] = {}
            for n, (pid, label) in enumerate(self.known.parameters):
                score = getattr(row, f"p{n}")
                if score is None:
                    continue
                if not lo <= score <= hi:
                    bad(label, f"Scoren skal ligge på skalaen {lo}–{hi}.")
                scores[pid] = score
            if day > self.today:
                bad("Dato", "Datoen ligger i fremtiden.")
            courses = self.courses_of.get(code)
            course_start = None
            if not courses:
                bad(
                    "Deltagerkode",
                    "Ukendt deltagerkode: den findes hverken i databasen eller i arket Forløb.",
                )
            else:
                started = [c for c in courses if c[0] <= day]
                if not started:
                    first = min(c[0] for c in courses)
                    bad(
                        "Dato", f"Datoen ligger før deltagerens forløb starter ({fmt_date(first)})."
                    )
                else:
                    course_start, course_end = max(started)
                    if course_end is not None and day > course_end:
                        what = "Planen" if name == "Planer" else "Evalueringen"
                        bad("Dato", f"{what} ligger efter forløbets slut ({fmt_date(course_end)}).")
            if (code, day) in seen:
                bad("Dato", f"Samme deltagerkode og dato står også i række {seen[(code, day)]}.")
            seen[(code, day)] = line
            if self.error_count > n_before or course_start is None:
                continue
            if not scores and name == "Evalueringer":
                self.problem(name, line, "", "", "Evalueringen har ingen scorer.", error=False)
            course = self.known.courses.get((code, course_start))
            match = existing_rows.get((course["id"], day)) if course else None
            if match is None:
                target = self.plan.plans_new if name == "Planer" else self.plan.evaluations_new
                target.append({"course": (code, course_start), "day": day, "scores": scores})
                self.counts[name].add += 1
            elif match[1] == scores:
                self.counts[name].unchanged += 1
            else:
                target_u = (
                    self.plan.plans_update if name == "Planer" else self.plan.evaluations_update
                )
                target_u.append((match[0], scores, match[1]))
                self.counts[name].update += 1


def dry_run(
    conn: Connection,
    sheets: dict[str, Sheet],
    today: dt.date | None = None,
    progress: Progress = _no_progress,
) -> DryRun:
    """Check every sheet; nothing is written. `conn` may be a write transaction's."""
    progress(0.02, "Læser databasen …")
    checker = _Checker(load_known(conn), sheets, today or dt.date.today())
    progress(0.15, "Kontrollerer Aftaler …")
    checker.agreements_sheet()
    progress(0.3, "Kontrollerer Forløb …")
    checker.courses_sheet()
    progress(0.55, "Kontrollerer Planer …")
    checker.scores_sheet("Planer")
    progress(0.7, "Kontrollerer Evalueringer …")
    checker.scores_sheet("Evalueringer")
    progress(1.0, "Kontrol færdig")
    problems = sorted(
        checker.problems,
        key=lambda p: (SHEETS.index(p.sheet), p.row or 0, p.column),
    )
    return DryRun(checker.counts, problems, checker.plan)


def check_upload(
    engine: Engine,
    sheets: dict[str, Sheet],
    today: dt.date | None = None,
    progress: Progress = _no_progress,
) -> DryRun:
    """The dry run on a read-only connection (what the Import page shows first)."""
    with engine.connect() as conn:
        return dry_run(conn, sheets, today, progress)
