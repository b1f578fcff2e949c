"""Limits every import (courses and the fidelity sheet alike) checks before parsing a
file: a file over 20 MB, a workbook that unpacks to more than 250 MB (a zip bomb: an .xlsx
is a zip, and 2 MB of it can hold gigabytes of XML) or one with more than 200,000 rows is
refused with a Danish message, so a wrong file cannot tie up the server."""

from __future__ import annotations

import io
import re
import zipfile

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
# Spreadsheet XML packs about 10:1, so a full 20 MB workbook unpacks to about 200 MB.
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
MAX_MEMBERS = 500
TOO_BIG_UNPACKED = (
    f"Regnearket fylder for meget, når det pakkes ud (højst {MAX_UNPACKED_BYTES // 1024 // 1024}"
    " MB). Del det op, fx ét ark ad gangen."
)


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


def check_unpacked(archive: zipfile.ZipFile) -> None:
    """What the workbook would unpack to, from the zip's directory (nothing is unpacked)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise FileRefused(TOO_BIG_UNPACKED)


def xlsx_rows(data: bytes) -> int:
    """Rows in all sheets of a workbook, from each sheet's declared dimension (read from
    the start of the sheet's XML; the cells are not parsed). A sheet without a declared
    dimension is counted by its row elements."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_unpacked(archive)
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
    """Size, then (xlsx) the unpacked size, then rows (xlsx: declared dimensions; CSV: line
    breaks), before any parsing."""
    check_size(len(data))
    if filename.lower().endswith(".xlsx"):
        check_rows(xlsx_rows(data))
    else:
        check_rows(data.count(b"\n"))
