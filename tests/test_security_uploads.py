"""Issue 13, item 10: a fidelity upload is bounded before it is read: its size, what the
.xlsx unpacks to, and its rows; the xlsx is streamed read-only; a rerun does not parse
the same upload again."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from lib.documents import fidelity_sheet
from lib.documents.fidelity_sheet import (
    MAX_IMPORT_ROWS,
    TOO_BIG_UNPACKED,
    TOO_MANY_ROWS,
    parse_import,
    template_xlsx,
)

HEADER = ["Runde", "Type", "Dato", "Minimumskrav", "Rolle", "Andel enige", "Besvarelser"]


def _xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Fidelitet")
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append([f"Runde {n}", "Midt", "2026-10-01", "3c", "Leder", 70, 10])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    """The template with one more member: 200 MB of zeros, a few hundred kB packed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template_xlsx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * 1_000_000
            for _ in range(200):
                member.write(chunk)
    return out.getvalue()


def test_the_template_still_imports():
    check = parse_import(template_xlsx(), "skabelon.xlsx", ["3c"])
    assert check.ok and len(check.rows) == 2


def test_an_xlsx_that_unpacks_too_far_is_refused_before_loading(monkeypatch):
    data = _bomb()
    assert len(data) < fidelity_sheet.MAX_IMPORT_BYTES
    loaded = []
    monkeypatch.setattr(fidelity_sheet.openpyxl, "load_workbook", lambda *a, **k: loaded.append(1))
    check = parse_import(data, "bombe.xlsx", ["3c"])
    assert check.errors == [TOO_BIG_UNPACKED] and not loaded


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_too_many_rows_are_refused(kind):
    rows = MAX_IMPORT_ROWS + 1
    if kind == "xlsx":
        data = _xlsx(rows)
    else:
        lines = [";".join(HEADER)] + ["R;Midt;2026-10-01;3c;Leder;70;10"] * rows
        data = "\n".join(lines).encode()
    check = parse_import(data, f"mange.{kind}", ["3c"])
    assert check.errors == [TOO_MANY_ROWS]


def test_the_xlsx_is_read_in_read_only_mode(monkeypatch):
    modes = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        modes.append(kwargs.get("read_only"))
        return real(*args, **kwargs)

    monkeypatch.setattr(fidelity_sheet.openpyxl, "load_workbook", spy)
    assert parse_import(_xlsx(3), "lille.xlsx", ["3c"]).ok
    assert modes == [True]


def test_a_rerun_does_not_parse_the_same_upload_again(monkeypatch):
    from views.components import fidelity as view

    state: dict = {}
    monkeypatch.setattr(view.st, "session_state", state)
    calls = []
    monkeypatch.setattr(view, "parse_import", lambda *a: calls.append(a) or "checked")
    data = _xlsx(2)
    assert view.checked_upload(data, "a.xlsx", ["3c"]) == "checked"
    assert view.checked_upload(data, "a.xlsx", ["3c"]) == "checked"
    assert len(calls) == 1
    view.checked_upload(data + b" ", "a.xlsx", ["3c"])  # other bytes: parsed again
    assert len(calls) == 2
