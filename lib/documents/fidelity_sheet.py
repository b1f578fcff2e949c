"""Fidelity survey spreadsheets. The STV project's mid-term evaluation measures fidelity
to its minimum requirements by survey: per round (baseline, midpoint, final), requirement
and staff role, the share of respondents who agree the requirement is met.

`parse_import` reads an uploaded .xlsx or .csv and checks every row without writing
anything (lib.commands.fidelity.import_results writes the checked rows); `template_xlsx`
is an example sheet to fill in. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence

import openpyxl
import pandas as pd

from lib.domain.fidelity import ImportCheck, ImportRow, kind_code, parse_share, role_code
from lib.domain.text import clean_text
from lib.imports.limits import FileRefused, check_file

IMPORT_COLUMNS = {
    "runde": "round",
    "type": "kind",
    "dato": "held_on",
    "minimumskrav": "requirement",
    "rolle": "role",
    "andel enige": "share",
    "besvarelser": "respondents",
}


REQUIRED_IMPORT_COLUMNS = ("round", "kind", "requirement", "role", "share")


MAX_IMPORT_BYTES = 2_000_000


MAX_ROUND_NAME = 200  # survey_round.name


# An .xlsx is a zip: 2 MB of it can hold gigabytes of XML. What it may unpack to, and how
# many rows a survey sheet can sensibly have, are checked before anything is loaded.
MAX_XLSX_UNPACKED_BYTES = 25_000_000
MAX_XLSX_MEMBERS = 200
MAX_IMPORT_ROWS = 5_000
MAX_IMPORT_COLUMNS = 30
TOO_MANY_ROWS = f"Filen har for mange rækker (højst {MAX_IMPORT_ROWS:,}).".replace(",", ".")
TOO_BIG_UNPACKED = "Regnearket fylder for meget, når det pakkes ud (højst 25 MB)."


class SheetTooLarge(ValueError):
    """The file is within the upload limit but would take too much to read."""


def _check_xlsx_size(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise SheetTooLarge(TOO_BIG_UNPACKED)
        if sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
            raise SheetTooLarge(TOO_BIG_UNPACKED)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet, streamed by openpyxl in read-only mode and stopped at the row
    limit, so neither a huge sheet nor a zip bomb is ever held in memory."""
    _check_xlsx_size(data)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        declared = sheet.max_row  # from the sheet's <dimension>, when it has one
        if declared is not None and declared > MAX_IMPORT_ROWS + 1:
            raise SheetTooLarge(TOO_MANY_ROWS)
        rows = []
        for n, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_IMPORT_COLUMNS)):
            if n > MAX_IMPORT_ROWS:
                raise SheetTooLarge(TOO_MANY_ROWS)
            rows.append(row)
    finally:
        book.close()
    if not rows:
        return pd.DataFrame()
    header, *body = rows
    names = [str(h) if h is not None else f"kolonne {i + 1}" for i, h in enumerate(header)]
    return pd.DataFrame(body, columns=names, dtype=object)


def read_sheet(data: bytes, filename: str) -> pd.DataFrame:
    """The first sheet of an .xlsx file, or a .csv (comma or semicolon separated)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        if sum(1 for line in text.splitlines() if line.strip()) > MAX_IMPORT_ROWS + 1:
            raise SheetTooLarge(TOO_MANY_ROWS)
        first = text.splitlines()[0] if text else ""
        sep = ";" if first.count(";") > first.count(",") else ","
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=object, keep_default_na=True)
    raise ValueError("Filen skal være et regneark (.xlsx) eller en .csv-fil.")


def _cell(value: object) -> object:
    """A spreadsheet cell: None for empty or NaN, text stripped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = clean_text(value).strip()
        return value or None
    return value


def _parse_date(raw: object) -> dt.date | None:
    raw = _cell(raw)
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_import(data: bytes, filename: str, known_requirements: Sequence[str]) -> ImportCheck:
    """Read and check a spreadsheet without writing anything. Columns (Danish headers,
    any order, case-insensitive): Runde, Type, Dato, Minimumskrav, Rolle, Andel enige,
    Besvarelser. Every problem is reported with its row number."""
    try:
        check_file(data, filename)  # the limits every import has, before parsing
    except FileRefused as exc:
        return ImportCheck([], [str(exc)])
    try:
        frame = read_sheet(data, filename)
    except ValueError as exc:
        return ImportCheck([], [str(exc)])
    except Exception as exc:  # a broken or non-spreadsheet file
        return ImportCheck([], [f"Filen kunne ikke læses som regneark ({exc.__class__.__name__})."])
    columns = {str(c).strip().lower(): c for c in frame.columns}
    mapping = {IMPORT_COLUMNS[k]: columns[k] for k in IMPORT_COLUMNS if k in columns}
    missing = [
        next(k for k, v in IMPORT_COLUMNS.items() if v == field).capitalize()
        for field in REQUIRED_IMPORT_COLUMNS
        if field not in mapping
    ]
    if missing:
        return ImportCheck([], [f"Kolonnen mangler: {', '.join(missing)}."])
    rows: list[ImportRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    kinds: dict[str, str] = {}
    known = set(known_requirements)
    for i, rec in enumerate(frame.to_dict("records")):
        line = i + 2
        get = {field: _cell(rec.get(col)) for field, col in mapping.items()}
        if all(v is None for v in get.values()):
            continue
        problems = []
        round_name = str(get.get("round") or "").strip()
        if not round_name:
            problems.append("runden mangler et navn")
        elif len(round_name) > MAX_ROUND_NAME:
            problems.append(
                f"rundens navn er for langt ({len(round_name)} tegn, højst {MAX_ROUND_NAME})"
            )
        kind = kind_code(get.get("kind"))
        if kind is None:
            problems.append(f"ukendt type '{get.get('kind') or ''}' (nulpunkt, midt eller slut)")
        elif round_name and kinds.setdefault(round_name, kind) != kind:
            problems.append(f"runden '{round_name}' har to forskellige typer")
        req = str(get.get("requirement") or "").strip()
        if req.endswith(".0"):
            req = req[:-2]
        if req not in known:
            problems.append(f"ukendt minimumskrav '{req}'")
        role = role_code(get.get("role"))
        if role is None:
            problems.append(f"ukendt rolle '{get.get('role') or ''}'")
        try:
            share_value = parse_share(get.get("share"))
            if share_value is None:
                problems.append("andelen mangler")
        except ValueError as exc:
            share_value = None
            problems.append(f"andelen: {exc}")
        respondents = None
        raw_n = get.get("respondents")
        if raw_n is not None:
            try:
                respondents = int(float(str(raw_n).replace(",", ".")))
                if respondents < 0 or float(str(raw_n).replace(",", ".")) != respondents:
                    raise ValueError
            except ValueError:
                problems.append(f"besvarelser skal være et helt tal ≥ 0 (fik '{raw_n}')")
        held_on = None
        try:
            held_on = _parse_date(get.get("held_on"))
        except ValueError as exc:
            problems.append(f"datoen '{exc}' kan ikke læses (brug ÅÅÅÅ-MM-DD)")
        key = (round_name, req, role or "")
        if not problems and key in seen:
            problems.append(f"samme runde, krav og rolle som række {seen[key]}")
        if problems or kind is None or role is None or share_value is None:
            # A missing kind, role or share has already put its problem in the list.
            errors.append(f"Række {line}: " + "; ".join(problems) + ".")
            continue
        seen[key] = line
        rows.append(ImportRow(line, round_name, kind, held_on, req, role, share_value, respondents))
    if not rows and not errors:
        errors.append("Filen indeholder ingen rækker.")
    return ImportCheck(rows, errors)


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
        frame.to_excel(writer, index=False, sheet_name="Fidelitet")
    return out.getvalue()
