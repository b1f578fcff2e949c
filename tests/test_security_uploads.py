"""Issue 13, item 10: a fidelity upload is bounded before it is read, by the limits every
import has (lib/imports/limits.py): its size, what the .xlsx unpacks to, and its rows; a
rerun does not parse the same upload again."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from lib.imports import fidelity, limits
from lib.imports.fidelity import parse_import, template_xlsx
from lib.imports.limits import MAX_BYTES, MAX_ROWS, TOO_BIG_UNPACKED

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
    """The template with one more member: 300 MB of zeros, under 1 MB packed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template_xlsx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * 1_000_000
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


def test_the_template_still_imports():
    check = parse_import(template_xlsx(), "skabelon.xlsx", ["3c"])
    assert check.ok and len(check.rows) == 2


def test_an_xlsx_that_unpacks_too_far_is_refused_before_loading(monkeypatch):
    data = _bomb()
    assert len(data) < MAX_BYTES
    loaded = []
    monkeypatch.setattr(fidelity, "CalamineWorkbook", lambda *a, **k: loaded.append(1))
    check = parse_import(data, "bombe.xlsx", ["3c"])
    assert [p.message for p in check.errors] == [TOO_BIG_UNPACKED] and not loaded


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_too_many_rows_are_refused_before_parsing(kind, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 50)  # the rule, not 200,000 rows of test data
    monkeypatch.setattr(fidelity, "_read_csv", lambda *_: pytest.fail("parsed"))
    rows = 51
    if kind == "xlsx":
        data = _xlsx(rows)
    else:
        lines = [";".join(HEADER)] + ["R;Midt;2026-10-01;3c;Leder;70;10"] * rows
        data = "\n".join(lines).encode()
    check = parse_import(data, f"mange.{kind}", ["3c"])
    assert len(check.errors) == 1 and "højst 50" in check.errors[0].message
    assert MAX_ROWS == 200_000  # the real limit, the same as the course import's


def test_a_rerun_does_not_parse_the_same_upload_again(monkeypatch):
    from views.components import fidelity as view

    class Upload:
        def __init__(self, data: bytes) -> None:
            self.data, self.name, self.size = data, "a.xlsx", len(data)

        def getvalue(self) -> bytes:
            return self.data

    state: dict = {}
    monkeypatch.setattr(view.st, "session_state", state)
    calls = []
    monkeypatch.setattr(view, "check_upload", lambda *a: calls.append(a) or "checked")
    data = _xlsx(2)
    assert view.checked_upload(None, None, Upload(data)) == "checked"
    assert view.checked_upload(None, None, Upload(data)) == "checked"
    assert len(calls) == 1
    view.checked_upload(None, None, Upload(data + b" "))  # other bytes: parsed again
    assert len(calls) == 2
