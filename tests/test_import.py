"""Import of existing data on real SQLite and PostgreSQL databases: the template
round-trips, a workbook with known figures imports and Overblik shows them, a second
import changes nothing, one bad cell per sheet lists every problem at the right row and
imports nothing, and files over the limits are refused before parsing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.engine import make_engine
from db.models import (
    Agreement,
    AuditLog,
    Enrolment,
    Evaluation,
    EvaluationScore,
    Outcome,
    Participant,
    Plan,
)
from lib.commands.users import ensure_admin
from lib.imports import reading
from lib.imports.apply import ImportRefused, import_sheets
from lib.imports.dry_run import check_upload
from lib.imports.limits import MAX_BYTES, FileRefused
from lib.imports.reading import read_upload
from lib.imports.report import report_xlsx
from lib.imports.template import template_xlsx
from lib.security.sign_in import load_user
from tests.conftest import ROOT, page_errors, session_token_for
from tests.import_workbooks import known_figures, workbook

TODAY = dt.date.today()
TABLES = (Agreement, Participant, Enrolment, Outcome, Plan, Evaluation, EvaluationScore)


@pytest.fixture
def admin(any_db_url):
    engine = make_engine(any_db_url)
    ensure_admin(engine, "anne", "Anne Admin", "sommerfugl i maven 42", reset=False)
    user = load_user(engine, "anne")
    assert user is not None
    yield engine, user.scope, any_db_url
    engine.dispose()


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            m.__tablename__: conn.scalar(select(func.count()).select_from(m)) or 0 for m in TABLES
        }


def test_the_template_round_trips(admin):
    engine, scope, _ = admin
    data = template_xlsx(engine)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:4] == ["Aftaler", "Forløb", "Planer", "Evalueringer"]
    assert "Vejledning" in book.sheetnames
    forlob = book["Forløb"]
    validated = {str(dv.sqref).split(":")[0][0] for dv in forlob.data_validations.dataValidation}
    headers = [c.value for c in forlob[1]]
    for column in ("Målgruppe", "Status", "Uger", "Resultat"):
        assert "ABCDEFGHIJKL"[headers.index(column)] in validated, column
    # Empty: read back, nothing to do and nothing wrong.
    empty = check_upload(engine, read_upload([("skabelon.xlsx", data)]), TODAY)
    assert not empty.problems and empty.changes == 0
    # Filled in (as a person would, in the template itself): it imports.
    figures = known_figures(TODAY)
    for name, rows in figures.items():
        for row in rows:
            book[name].append(row)
    out = io.BytesIO()
    book.save(out)
    result = check_upload(engine, read_upload([("udfyldt.xlsx", out.getvalue())]), TODAY)
    assert not result.errors, result.errors
    assert {k: c.add for k, c in result.counts.items()} == {k: len(v) for k, v in figures.items()}


def test_known_figures_import_and_show_on_overblik(admin, monkeypatch):
    engine, scope, url = admin
    data = workbook(known_figures(TODAY))
    sheets = read_upload([("aftaler og forløb.xlsx", data)])
    done = import_sheets(engine, scope, sheets, "aftaler og forløb.xlsx", today=TODAY)
    assert done.counts == {
        "Aftaler": (2, 0, 0),
        "Forløb": (8, 0, 0),
        "Planer": (4, 0, 0),
        "Evalueringer": (4, 0, 0),
    }
    assert counts(engine) == {
        "agreement": 2,
        "participant": 8,
        "enrolment": 8,
        "outcome": 1,
        "plan": 4,
        "evaluation": 4,
        "evaluation_score": 12,
    }
    with engine.connect() as conn:
        audited = conn.execute(
            select(AuditLog.username, AuditLog.after).where(AuditLog.table_name == "enrolment")
        ).all()
    assert len(audited) == 8
    assert all(u == "anne" and "aftaler og forløb.xlsx" in (a or "") for u, a in audited)
    # The sheet holds scores only: the evaluation's questions stay unanswered.
    with engine.connect() as conn:
        answers = conn.execute(
            select(
                Evaluation.goal_progress,
                Evaluation.sub_goals_need_adjusting,
                Evaluation.written_with_participant,
            )
        ).all()
    assert [tuple(a) for a in answers] == [(None, None, None)] * 4

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FORLOB_COOKIE_KEY", "test-cookie-key-of-at-least-32-bytes-0123456789")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["session_token"] = session_token_for(url, "anne")
    at.run()
    at.switch_page("views/overblik.py")
    at.run()
    assert not page_errors(at), page_errors(at)
    text = "\n".join(
        [m.value for m in at.markdown]
        + [str(m.value) for m in at.metric]
        + [str(m.delta) for m in at.metric]
        + [c.value for c in at.caption]
    )
    assert "4 af 6 i brug" in text and "2 af 10 i brug" in text


def test_a_second_import_changes_nothing(admin):
    engine, scope, _ = admin
    data = workbook(known_figures(TODAY))
    import_sheets(engine, scope, read_upload([("a.xlsx", data)]), "a.xlsx", today=TODAY)
    before = counts(engine)
    again = check_upload(engine, read_upload([("a.xlsx", data)]), TODAY)
    assert again.changes == 0 and not again.errors
    assert {k: c.unchanged for k, c in again.counts.items()} == {
        "Aftaler": 2,
        "Forløb": 8,
        "Planer": 4,
        "Evalueringer": 4,
    }
    done = import_sheets(engine, scope, read_upload([("a.xlsx", data)]), "a.xlsx", today=TODAY)
    assert all(a == u == 0 for a, u, _ in done.counts.values())
    assert counts(engine) == before


def test_one_bad_cell_per_sheet_lists_every_problem_and_imports_nothing(admin):
    engine, scope, _ = admin
    figures = known_figures(TODAY)
    figures["Aftaler"][1][2] = "mange"  # row 3, Pladser
    figures["Forløb"][2][0] = "010190-1234"  # row 4, Deltagerkode looks like a CPR number
    figures["Planer"][3][2] = 9  # row 5, Motivation outside the scale
    ended_code = "A-200"  # ended 95 days after its start
    start = TODAY - dt.timedelta(days=200)
    figures["Evalueringer"].append(
        [ended_code, start + dt.timedelta(days=120), 3, 3, 3, 3]
    )  # row 6
    data = workbook(figures)
    result = check_upload(engine, read_upload([("fejl.xlsx", data)]), TODAY)
    found = {(p.sheet, p.row, p.column) for p in result.errors}
    assert ("Aftaler", 3, "Pladser") in found
    assert ("Forløb", 4, "Deltagerkode") in found
    assert ("Planer", 5, "Motivation") in found
    assert ("Evalueringer", 6, "Dato") in found
    messages = {(p.sheet, p.row): p.message for p in result.errors}
    assert "helt tal" in messages[("Aftaler", 3)]
    assert "CPR" in messages[("Forløb", 4)]
    assert "skalaen 1–5" in messages[("Planer", 5)]
    assert "efter forløbets slut" in messages[("Evalueringer", 6)]
    # Follow-on problems name their cause: the agreement row refused makes its courses'
    # agreement unknown, the CPR row makes its plan's and evaluation's code unknown.
    assert all(p.row is not None for p in result.errors)
    # The report downloads with every problem.
    report = load_workbook(io.BytesIO(report_xlsx(result)))
    assert report["Problemer"].max_row == len(result.problems) + 1
    with pytest.raises(ImportRefused):
        import_sheets(engine, scope, read_upload([("fejl.xlsx", data)]), "fejl.xlsx", today=TODAY)
    assert set(counts(engine).values()) == {0}


def test_files_over_the_limits_are_refused_before_parsing(admin, monkeypatch):
    def never(*_args):
        raise AssertionError("parsed a file that should have been refused")

    monkeypatch.setattr(reading, "read_xlsx", never)
    monkeypatch.setattr(reading, "read_csv", never)
    with pytest.raises(FileRefused, match="MB"):
        read_upload([("stor.xlsx", b"\0" * (MAX_BYTES + 1))])
    many = b"Deltagerkode;Dato\n" + b"K-1;2026-01-01\n" * 200_001
    with pytest.raises(FileRefused, match="rækker"):
        read_upload([("Planer.csv", many)])


def test_a_csv_sheet_with_semicolons_imports(admin):
    engine, scope, _ = admin
    agreements = (
        "Aftale;Virksomhed;Pladser;Startdato;Evalueringsinterval\nX-aftalen;X ApS;3;01-01-2026;\n"
    )
    result = check_upload(engine, read_upload([("Aftaler.csv", agreements.encode())]), TODAY)
    assert not result.errors and result.counts["Aftaler"].add == 1


def test_the_fidelity_import_has_the_same_limits(monkeypatch):
    from lib.imports import fidelity

    monkeypatch.setattr(fidelity, "_read_csv", lambda *_: pytest.fail("parsed"))
    big = fidelity.parse_import(b"x" * (MAX_BYTES + 1), "svar.csv", ["2"])
    assert big.errors and "MB" in big.errors[0].message
    many = fidelity.parse_import(b"Runde;Type\n" + b"a;b\n" * 200_001, "svar.csv", ["2"])
    assert many.errors and "rækker" in many.errors[0].message
