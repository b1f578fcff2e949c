"""Limits every import (this one and the fidelity sheet) checks before parsing a file: a
20 MB file or one with more than 200,000 rows is refused with a Danish message, so a
wrong file cannot tie up the server."""

from __future__ import annotations

import io
import re
import zipfile

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000


class FileRefused(ValueError):
    """The file is refused before parsing; the message says why, in Danish."""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise FileRefused(
            f"Filen fylder {_mb(size)} MB; højst {MAX_BYTES // 1024 // 1024} MB kan indlæses. "
            "Del den op, fx ét ark ad gangen."
        )


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def xlsx_rows(data: bytes) -> int:
    """Rows in all sheets of a workbook, from each sheet's declared dimension (read from
    the start of the sheet's XML; the cells are not parsed). A sheet without a declared
    dimension is counted by its row elements."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with archive.open(name) as sheet:
                    head = sheet.read(4096)
                found = _DIMENSION.search(head)
                if found:
                    total += int(found.group(1) or 1)
                else:
                    with archive.open(name) as sheet:
                        total += sum(
                            chunk.count(b"<row ")
                            for chunk in iter(lambda: sheet.read(1 << 20), b"")
                        )
    except zipfile.BadZipFile:
        raise FileRefused(
            "Filen er ikke en Excel-fil (.xlsx). Gem den som .xlsx eller CSV."
        ) from None
    return total


def check_rows(rows: int) -> None:
    if rows > MAX_ROWS:
        raise FileRefused(
            f"Filen har {rows:,} rækker; højst {MAX_ROWS:,} kan indlæses ad gangen.".replace(
                ",", "."
            )
        )


def check_file(data: bytes, filename: str) -> None:
    """Size, then rows (xlsx: declared dimensions; CSV: line breaks), before any parsing."""
    check_size(len(data))
    if filename.lower().endswith(".xlsx"):
        check_rows(xlsx_rows(data))
    else:
        check_rows(data.count(b"\n"))
