"""Issue 13, item 4: no traceback reaches a user. Query parameters outside their bounds
fall back to defaults; a failing page shows a Danish message with an incident number and
logs it without parameter values; control characters are stripped at the write path (a
NUL on PostgreSQL, a vertical tab in the report's introduction); an over-long fidelity
round name in an import is a row message, not a database error."""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib

import pytest
from sqlalchemy import select, text

from db.engine import make_engine
from db.models import Evaluation, ReportText, SurveyRound
from lib.commands.evaluations import EvaluationInput, record_evaluation
from lib.commands.report_texts import save_text
from lib.documents.report import build_report
from lib.documents.word import build_docx
from lib.domain.period import default_review_period
from lib.domain.text import clean_text
from lib.imports.fidelity import import_fidelity, parse_import
from lib.queries.courses import evaluation_context, my_enrolments
from tests.conftest import ROOT, make_app_test, page_errors, scope_for
from views.components.url import parse_date, parse_id
from views.texts import quality as quality_texts

TODAY = dt.date.today()


def test_tracebacks_are_off_in_the_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize(
    "raw, expected",
    [("12", 12), ("0", None), ("-3", None), ("²", None), ("1e3", None), ("99999999999", None)]
    + [(" 7 ", 7), ("", None), (None, None), ("2147483647", 2147483647), ("2147483648", None)],
)
def test_ids_from_the_url_are_bounded_integers(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("2026-03-12", dt.date(2026, 3, 12)), ("1900-01-01", None), ("9999-12-31", None)]
    + [("2000-01-01", dt.date(2000, 1, 1)), ("2101-01-01", None), ("20260312", None)],
)
def test_dates_from_the_url_lie_within_2000_to_2100(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "page, params",
    [
        ("views/overblik.py", {"fra": "1900-01-01"}),
        ("views/overblik.py", {"til": "9999-12-31"}),
        ("views/overblik.py", {"fra": "2099-01-01", "til": "2000-01-01"}),
        ("views/opfolgning.py", {"aftale": "99999999999999,²,1"}),
        ("views/evaluering.py", {"forlob": "²"}),
        ("views/evaluering.py", {"forlob": "99999999999999999999"}),
        ("views/kvalitet.py", {"aftale": "-1"}),
    ],
)
def test_out_of_bounds_query_parameters_do_not_crash_a_page(page, params, app_for):
    at = app_for("leder")
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not page_errors(at), page_errors(at)


def test_a_failing_page_shows_a_danish_message_and_an_incident_number(
    demo_url, monkeypatch, caplog
):
    engine = make_engine(demo_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE weekly_hours"))  # every page that reads hours fails
    engine.dispose()
    at = make_app_test(demo_url, monkeypatch, "leder")
    at.session_state[quality_texts.TAB_KEY] = quality_texts.QUALITY_TABS[1]  # the hours tab
    with caplog.at_level(logging.ERROR, logger="forlobsmonitor.errors"):
        at.run()
        at.switch_page("views/kvalitet.py").run()
    assert not at.exception  # no traceback element at all
    (message,) = [e.value for e in at.error]
    assert message.startswith("Siden kunne ikke vises")
    incident = re.search(r"\*\*([0-9A-F]{8})\*\*", message).group(1)
    assert "weekly_hours" not in message and "SELECT" not in message
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert incident in logged and "OperationalError" in logged
    assert "parameters" not in logged.lower() or "uden parametre" in logged.lower()


def test_control_characters_are_stripped_when_saved(any_demo_url):
    engine = make_engine(any_demo_url)
    scope = scope_for(engine, "sagsbehandler")
    for row in my_enrolments(engine, scope):
        ctx = evaluation_context(engine, scope, row.id)
        if ctx.plan and (ctx.last is None or (TODAY - ctx.last.evaluated_on).days > 10):
            break
    notes = "Godt\x00 møde\x0b\r\nnæste\tgang\x1b[31m"
    data = EvaluationInput(
        evaluated_on=TODAY,
        scores=dict.fromkeys(ctx.plan.parameter_ids, 3),
        goal_progress="closer",
        sub_goals_need_adjusting=False,
        written_with_participant=True,
        meeting_held=True,
        meeting_on=TODAY,
        caseworker_present=True,
        invitation_received=True,
        invitation_received_on=TODAY,
        notes=notes,
    )
    eid = record_evaluation(engine, scope, row.id, data, confirm_close=True)
    with engine.connect() as conn:
        saved = conn.scalar(select(Evaluation.notes).where(Evaluation.id == eid))
    assert saved == "Godt møde\nnæste\tgang[31m" == clean_text(notes)
    engine.dispose()


def test_a_vertical_tab_in_the_introduction_does_not_break_the_word_export(any_demo_url):
    engine = make_engine(any_demo_url)
    period = default_review_period()
    save_text(
        engine,
        "leder",
        agreement_id=None,
        period=period,
        section="intro",
        body="Aftalerne\x0b er i drift.",
        expected_version=None,
    )
    with engine.connect() as conn:
        body = conn.scalar(select(ReportText.body).where(ReportText.section == "intro"))
    assert body == "Aftalerne er i drift."
    report = build_report(engine, scope_for(engine, "leder"), period)
    assert build_docx(report)[:2] == b"PK"
    engine.dispose()


def test_an_over_long_round_name_in_an_import_is_a_row_message(any_demo_url):
    csv = (
        "Runde;Type;Dato;Minimumskrav;Rolle;Andel enige\n"
        + f"{'R' * 300};Midt;2026-10-01;3c;Leder;70\n"
    )
    check = parse_import(csv.encode(), "fidelitet.csv", ["3c"])
    assert [(p.row, p.column, p.message) for p in check.errors] == [
        (2, "Runde", "Rundens navn er for langt (300 tegn, højst 200).")
    ]
    named = (
        "Runde;Type;Dato;Minimumskrav;Rolle;Andel enige\nMidt\x00vej;Midt;2026-10-01;3c;Leder;70\n"
    )
    check = parse_import(named.encode(), "fidelitet.csv", ["3c"])
    engine = make_engine(any_demo_url)
    import_fidelity(engine, scope_for(engine, "leder"), check)
    with engine.connect() as conn:
        assert "Midtvej" in conn.scalars(select(SurveyRound.name)).all()
    engine.dispose()
