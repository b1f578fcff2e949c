"""An upload -> the rows of each known sheet. A workbook's sheets are matched by name
(case and æøå-insensitive); a CSV file stands for the sheet its file name names. Values
come as Excel gave them (dates as datetimes, numbers as numbers) or as CSV text; the
schema reads both."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from lib.imports.limits import FileRefused, check_file

SHEETS = ("Aftaler", "Forløb", "Planer", "Evalueringer")


def _plain(name: str) -> str:
    name = name.strip().casefold().replace("ø", "o").replace("æ", "ae").replace("å", "aa")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


SHEET_BY_PLAIN = {_plain(s): s for s in SHEETS}


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)  # row i is spreadsheet row i + 2


def _sheet(name: str, raw_rows: list[tuple[Any, ...]] | Any) -> Sheet:
    rows_iter = iter(raw_rows)
    header = next(rows_iter, ())
    columns = [str(c).strip() if c is not None else "" for c in header]
    sheet = Sheet(name, [c for c in columns if c])
    for raw in rows_iter:
        values = {col: raw[i] if i < len(raw) else None for i, col in enumerate(columns) if col}
        sheet.rows.append(values)
    # Trailing blank rows (Excel often keeps formatted empty rows) are not data.
    while sheet.rows and all(_blank(v) for v in sheet.rows[-1].values()):
        sheet.rows.pop()
    return sheet


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_xlsx(data: bytes) -> dict[str, Sheet]:
    # calamine (Rust) reads a 80,000-row workbook several times faster than openpyxl.
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError):
        raise FileRefused("Filen kunne ikke læses som et Excel-ark (.xlsx).") from None
    sheets = {}
    for title in book.sheet_names:
        name = SHEET_BY_PLAIN.get(_plain(title))
        if name:
            rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            sheets[name] = _sheet(name, rows)
    return sheets


def csv_rows(data: bytes) -> list[list[str]]:
    """A CSV file's rows: UTF-8 (with or without BOM), comma or semicolon, whichever the
    header line uses more. Shared by the course and the fidelity import."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("CSV-filen er ikke gemt som UTF-8. Gem den som »CSV UTF-8«.") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_csv(data: bytes, filename: str) -> dict[str, Sheet]:
    name = SHEET_BY_PLAIN.get(_plain(PurePath(filename).stem))
    if name is None:
        raise FileRefused(
            f"CSV-filen skal hedde som arket, den indeholder: {', '.join(SHEETS)} "
            f"(fx Forløb.csv), ikke {filename}."
        )
    return {name: _sheet(name, [tuple(r) for r in csv_rows(data)])}


def read_upload(files: list[tuple[str, bytes]]) -> dict[str, Sheet]:
    """One workbook, or one or more CSV files (one per sheet). Limits first, then parsing."""
    for filename, data in files:
        check_file(data, filename)
    sheets: dict[str, Sheet] = {}
    for filename, data in files:
        found = read_xlsx(data) if filename.lower().endswith(".xlsx") else read_csv(data, filename)
        for name in found:
            if name in sheets:
                raise FileRefused(f"Arket {name} er med to gange. Indlæs det én gang.")
        sheets.update(found)
    if not sheets:
        raise FileRefused(
            f"Filen har ingen af arkene {', '.join(SHEETS)}. Brug skabelonen (Hent skabelon)."
        )
    return sheets
