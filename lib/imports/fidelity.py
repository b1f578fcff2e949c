"""The fidelity survey import: the same limits and the same dry-run report as the course
import (lib/imports/limits.py, lib/imports/dry_run.py's DryRun), for one sheet of shares
per survey round, minimum requirement and staff role.

`parse_import` reads and checks the rows without the database; `fidelity_dry_run` adds what
only the database knows (a round that exists with another type, a new round without a date)
and counts what would be added, updated or left unchanged; `import_fidelity` runs the dry run again inside its transaction and writes only when it has
no error. `template_xlsx` is an example sheet to fill in. No Streamlit here.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook
from sqlalchemy import Connection, Engine, select

from db.engine import write_session
from db.models import FidelityRequirement, FidelityResult, SurveyRound
from lib.domain.access import Scope, require_manager
from lib.domain.enums import SurveyRoundKind
from lib.domain.fidelity import ImportRow, kind_code, parse_share, role_code
from lib.domain.text import clean_text
from lib.imports.dry_run import Counts, DryRun, Plan_, Problem, cell_text
from lib.imports.limits import MAX_ROWS, FileRefused, check_file, check_rows
from lib.imports.reading import csv_rows
from lib.imports.schema import read_date, read_int

SHEET = "Fidelitet"
# Danish header (lower case) -> field; any order, case-insensitive.
IMPORT_COLUMNS = {
    "runde": "round",
    "type": "kind",
    "dato": "held_on",
    "minimumskrav": "requirement",
    "rolle": "role",
    "andel enige": "share",
    "besvarelser": "respondents",
}
HEADER_OF = {field: header.capitalize() for header, field in IMPORT_COLUMNS.items()}
REQUIRED_IMPORT_COLUMNS = ("round", "kind", "requirement", "role", "share")
MAX_ROUND_NAME = 200  # survey_round.name
MAX_IMPORT_COLUMNS = 30


@dataclass(frozen=True)
class FidelityCheck:
    """The sheet's rows that passed, and every problem found (with row and column)."""

    rows: list[ImportRow]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _file_problem(message: str) -> FidelityCheck:
    return FidelityCheck([], [Problem(SHEET, None, "", "", message)])


# --------------------------------------------------------------------------- reading


def _read_xlsx(data: bytes) -> list[list[object]]:
    """The first sheet (calamine, as the course import), stopped at the row limit."""
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError, IndexError):
        raise FileRefused("Filen kunne ikke læses som et Excel-ark (.xlsx).") from None
    rows = sheet.to_python(skip_empty_area=False)
    check_rows(len(rows))
    return [list(r[:MAX_IMPORT_COLUMNS]) for r in rows]


def _read_csv(data: bytes) -> list[list[object]]:
    return [list(r[:MAX_IMPORT_COLUMNS]) for r in csv_rows(data)]


def read_rows(data: bytes, filename: str) -> list[list[object]]:
    """The first sheet of an .xlsx file, or a .csv (comma or semicolon separated), as rows;
    the limits every import has are checked first, before any parsing."""
    name = filename.lower()
    if not name.endswith((".xlsx", ".csv")):
        raise FileRefused("Filen skal være et regneark (.xlsx) eller en .csv-fil.")
    check_file(data, filename)
    return _read_xlsx(data) if name.endswith(".xlsx") else _read_csv(data)


def _cell(value: object) -> object:
    """A spreadsheet cell: None for empty or NaN, text stripped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = clean_text(value).strip()
        return value or None
    return value


# --------------------------------------------------------------------------- checking


def parse_import(data: bytes, filename: str, known_requirements: Sequence[str]) -> FidelityCheck:
    """Read and check a spreadsheet without writing anything. Columns (Danish headers,
    any order, case-insensitive): Runde, Type, Dato, Minimumskrav, Rolle, Andel enige,
    Besvarelser. Every problem is reported with its row number and column."""
    try:
        raw_rows = read_rows(data, filename)
    except FileRefused as exc:
        return _file_problem(str(exc))
    if not raw_rows:
        return _file_problem("Filen indeholder ingen rækker.")
    header, *body = raw_rows
    columns = {str(c).strip().lower(): i for i, c in enumerate(header) if c is not None}
    mapping = {IMPORT_COLUMNS[k]: columns[k] for k in IMPORT_COLUMNS if k in columns}
    missing = [HEADER_OF[f] for f in REQUIRED_IMPORT_COLUMNS if f not in mapping]
    if missing:
        return _file_problem(f"Kolonnen mangler: {', '.join(missing)}.")
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    kinds: dict[str, str] = {}
    known = set(known_requirements)
    for i, raw in enumerate(body):
        cells = {f: _cell(raw[c]) if c < len(raw) else None for f, c in mapping.items()}
        if any(v is not None for v in cells.values()):
            row, found = _check_row(i + 2, cells, known, kinds, seen)
            problems.extend(found)
            rows.extend([row] if row else [])
    if not rows and not problems:
        return _file_problem("Filen indeholder ingen rækker.")
    return FidelityCheck(rows, problems)


def _check_row(
    line: int,
    cells: dict[str, object],
    known: set[str],
    kinds: dict[str, str],
    seen: dict[tuple[str, str, str], int],
) -> tuple[ImportRow | None, list[Problem]]:
    """One row: the import row when every cell is right, else its problems. `kinds` and
    `seen` carry what earlier rows said (a round's type; round, requirement and role)."""
    found: list[Problem] = []

    def problem(field: str, message: str) -> None:
        found.append(Problem(SHEET, line, HEADER_OF[field], cell_text(cells.get(field)), message))

    round_name = str(cells.get("round") or "").strip()
    if not round_name:
        problem("round", "Runden mangler et navn.")
    elif len(round_name) > MAX_ROUND_NAME:
        problem(
            "round", f"Rundens navn er for langt ({len(round_name)} tegn, højst {MAX_ROUND_NAME})."
        )
    kind = kind_code(cells.get("kind"))
    if kind is None:
        problem("kind", "Ukendt type (skriv nulpunkt, midt eller slut).")
    elif round_name and kinds.setdefault(round_name, kind) != kind:
        problem("kind", f"Runden '{round_name}' har to forskellige typer i filen.")
    requirement = cell_text(cells.get("requirement")).strip()
    if requirement not in known:
        problem("requirement", "Ukendt minimumskrav (opret det først under Fidelitet).")
    role = role_code(cells.get("role"))
    if role is None:
        problem("role", "Ukendt rolle.")
    share: float | None = None
    try:
        share = parse_share(cells.get("share"))
        if share is None:
            problem("share", "Andelen mangler.")
    except ValueError as exc:
        problem("share", f"Andelen: {exc}.")
    respondents = None
    try:
        respondents = read_int(cells.get("respondents"))
        if respondents is not None and respondents < 0:
            raise ValueError
    except ValueError:
        respondents = None
        problem("respondents", "Besvarelser skal være et helt tal ≥ 0.")
    held_on = None
    try:
        held_on = read_date(cells.get("held_on"))
    except ValueError:
        problem("held_on", "Datoen kan ikke læses (brug ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).")
    key = (round_name, requirement, role or "")
    if not found and key in seen:
        problem("role", f"Samme runde, krav og rolle som række {seen[key]}.")
    if found or kind is None or role is None or share is None:
        return None, found
    seen[key] = line
    return ImportRow(line, round_name, kind, held_on, requirement, role, share, respondents), []


def fidelity_dry_run(conn: Connection, check: FidelityCheck) -> DryRun:
    """What importing the checked rows would do to this database: rounds and shares to
    add, update or leave unchanged, and the problems only the database can show. Reads a
    handful of tables once; nothing is written."""
    requirement_ids = dict(
        conn.execute(select(FidelityRequirement.code, FidelityRequirement.id)).all()
    )
    rounds = {r.name: r for r in conn.execute(select(SurveyRound))}
    results = {
        (r.survey_round_id, r.requirement_id, r.role): (r.share_agree, r.respondents)
        for r in conn.execute(select(FidelityResult))
    }
    problems = list(check.problems)
    round_counts, share_counts = Counts(), Counts()
    new_rounds: set[str] = set()
    used_rounds: set[str] = set()
    for row in check.rows:
        existing = rounds.get(row.round_name)
        if existing is not None and existing.kind != row.kind:
            kind = SurveyRoundKind.label_of(existing.kind).lower()
            problems.append(Problem(SHEET, row.line, "Type", row.kind,
                                    f"Runden '{row.round_name}' findes allerede som {kind}."))  # fmt: skip
            continue
        if existing is None and row.held_on is None:
            problems.append(Problem(SHEET, row.line, "Dato", "", "En ny runde skal have en dato."))
            continue
        if existing is None:
            new_rounds.add(row.round_name)
        else:
            used_rounds.add(row.round_name)
        requirement_id = requirement_ids.get(row.requirement)
        if requirement_id is None:  # removed since the file was read
            problems.append(Problem(SHEET, row.line, "Minimumskrav", row.requirement,
                                    "Ukendt minimumskrav (opret det først under Fidelitet)."))  # fmt: skip
            continue
        before = results.get((existing.id, requirement_id, row.role)) if existing else None
        if before is None:
            share_counts.add += 1
        elif before != (row.share, row.respondents):
            share_counts.update += 1
        else:
            share_counts.unchanged += 1
    round_counts.add, round_counts.unchanged = len(new_rounds), len(used_rounds)
    problems.sort(key=lambda p: (p.row or 0, p.column))
    return DryRun({"Runder": round_counts, "Andele": share_counts}, problems, Plan_())


def check_upload(
    engine: Engine, scope: Scope, data: bytes, filename: str
) -> tuple[FidelityCheck, DryRun]:
    """An uploaded sheet checked against today's requirements and rounds (managers and
    admins): the rows and the dry-run report shown before anything is imported."""
    require_manager(scope)
    with engine.connect() as conn:
        known = conn.scalars(select(FidelityRequirement.code)).all()
        check = parse_import(data, filename, known)
        return check, fidelity_dry_run(conn, check)


class FidelityImportRefused(ValueError):
    """The dry run inside the import's transaction found errors; nothing was written."""

    def __init__(self, result: DryRun) -> None:
        super().__init__(f"{len(result.errors)} fejl – intet er importeret.")
        self.result = result


@dataclass(frozen=True)
class ImportSummary:
    rounds_created: int
    inserted: int
    updated: int


def import_fidelity(engine: Engine, scope: Scope, check: FidelityCheck) -> ImportSummary:
    """Write a checked import in one transaction (managers and admins): the dry run again
    on the database as it is now, then rounds found by name (created when new) and shares
    inserted or updated. Importing the same file twice changes nothing the second time."""
    require_manager(scope)
    created = inserted = updated = 0
    with write_session(engine, scope.username) as s:
        result = fidelity_dry_run(s.connection(), check)
        if result.errors:
            raise FidelityImportRefused(result)
        requirement_ids = dict(
            s.execute(select(FidelityRequirement.code, FidelityRequirement.id)).all()
        )
        by_name = {r.name: r for r in s.scalars(select(SurveyRound))}
        results = {
            (r.survey_round_id, r.requirement_id, r.role): r
            for r in s.scalars(select(FidelityResult))
        }
        for row in check.rows:
            survey = by_name.get(row.round_name)
            if survey is None:
                survey = SurveyRound(name=row.round_name, kind=row.kind, held_on=row.held_on)
                s.add(survey)
                s.flush()
                by_name[survey.name] = survey
                created += 1
            key = (survey.id, requirement_ids[row.requirement], row.role)
            existing = results.get(key)
            if existing is None:
                results[key] = FidelityResult(survey_round_id=key[0], requirement_id=key[1],
                                              role=row.role, share_agree=row.share,
                                              respondents=row.respondents)  # fmt: skip
                s.add(results[key])
                inserted += 1
            elif (existing.share_agree, existing.respondents) != (row.share, row.respondents):
                existing.share_agree, existing.respondents = row.share, row.respondents
                updated += 1
        s.flush()
    return ImportSummary(created, inserted, updated)


def template_xlsx() -> bytes:
    """An example spreadsheet with the expected columns (the STV evaluation's minimum
    requirement 3c, ongoing follow-up with mentor support)."""
    frame = pd.DataFrame(
        [
            {"Runde": "Nulpunktsmåling", "Type": "Nulpunkt", "Dato": "2025-10-01",
             "Minimumskrav": "3c", "Rolle": "Leder", "Andel enige": 66, "Besvarelser": 12},
            {"Runde": "Midtvejsmåling", "Type": "Midt", "Dato": "2026-10-01",
             "Minimumskrav": "3c", "Rolle": "Leder", "Andel enige": 73, "Besvarelser": 11},
        ]
    )  # fmt: skip
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=SHEET)
    return out.getvalue()


__all__ = [
    "MAX_ROWS",
    "FidelityCheck",
    "FidelityImportRefused",
    "check_upload",
    "fidelity_dry_run",
    "import_fidelity",
    "parse_import",
    "template_xlsx",
]
