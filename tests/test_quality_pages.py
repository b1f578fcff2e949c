"""AppTest of the quality pages (Kvalitet, Fidelitet, Mine resultater) in the real app:
who may open them, the figures they show against the lib on the same data, the entry
forms writing through to the database, and friendly empty states."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import FidelityResult, WorkAgreement
from lib import fidelity, my_results, quality
from lib.format import fmt_pct
from tests.conftest import make_app_test, page_errors, scope_for
from tests.quality_world import World

KVALITET, FIDELITET, MINE = "views/kvalitet.py", "views/fidelitet.py", "views/mine_resultater.py"


def open_page(app_for, username: str, path: str):
    at = app_for(username)
    at.switch_page(path)
    at.run()
    assert not page_errors(at), page_errors(at)
    return at


def specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def chart_text(at) -> str:
    """Every chart's spec and the rows of its data sets (Arrow), as one text to search."""
    parts = [json.dumps(specs(at), ensure_ascii=False)]
    for el in at.get("vega_lite_chart"):
        tables = [ds.data.data for ds in el.proto.datasets]
        if el.proto.data.data:
            tables.append(el.proto.data.data)
        for raw in tables:
            frame = pa.ipc.open_stream(raw).read_all().to_pandas()
            parts.append(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    return "\n".join(parts)


def metrics(at) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


@pytest.mark.parametrize(
    ("username", "path"),
    [("mentor", KVALITET), ("mentor", FIDELITET), ("sagsbehandler", FIDELITET), ("mentor", MINE),
     ("admin", MINE)],
)  # fmt: skip
def test_roles_without_the_page_cannot_open_it(app_for, username, path):
    at = app_for(username)
    with pytest.raises(ValueError):
        at.switch_page(path)


def test_kvalitet_for_a_manager_shows_the_lib_figures(app_for, demo_engine):
    at = open_page(app_for, "leder", KVALITET)
    summary = quality.work_agreement_summary(demo_engine, scope_for(demo_engine, "leder"))
    shown = metrics(at)
    mc = quality.mentor_compliance(demo_engine, scope_for(demo_engine, "leder"))
    mentor_by_name = {g.label: g for g in mc.by_agreement}
    # Each agreement's card in section 1 (written share) and section 3 (mentor follow-up).
    for _, name, counts in summary.by_agreement:
        assert shown[name] == [
            fmt_pct(quality.written_share(counts)),
            fmt_pct(mentor_by_name[name].share),
        ]
    assert shown["Alle viste forløb"] == [fmt_pct(quality.written_share(summary.total))]
    all_charts = chart_text(at)
    assert "STV-projektets midtvejsmåling" in all_charts and "83 %–91 %" in all_charts
    assert '"decimal": ","' in all_charts  # Danish chart locale
    assert shown["I alt"] == [fmt_pct(mc.total.share)]
    assert any(m.help and "n = " in m.help for m in at.metric)


def test_kvalitet_for_a_caseworker_lists_only_own_participants(app_for, demo_engine):
    at = open_page(app_for, "sagsbehandler", KVALITET)
    scope = scope_for(demo_engine, "sagsbehandler")
    own = {r.enrolment_id for r in quality.participant_hours_table(demo_engine, scope)}
    picker = at.selectbox(key="kvalitet_timer_deltager")
    everyone = quality.participant_hours_table(demo_engine, scope_for(demo_engine, "leder"))
    labels = {f"{r.case_code} ({r.initials}) – {r.agreement}": r.enrolment_id for r in everyone}
    assert {labels[o] for o in picker.options} == own
    assert len(own) < len(everyone)


def test_kvalitet_form_saves_a_work_agreement(app_for, demo_url):
    at = open_page(app_for, "sagsbehandler", KVALITET)
    enrolment_id = at.selectbox(key="kvalitet_forlob").value
    form = f"arbejdsaftale_{enrolment_id}"
    for key, _ in quality.WORK_AGREEMENT_ELEMENTS:
        at.checkbox(key=f"{form}__0__{key}").check()
    at.button(key=f"FormSubmitter:{form}__0__form-Gem arbejdsaftale").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    assert "Arbejdsaftalen er gemt." in [s.value for s in at.success]
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        row = conn.execute(
            select(WorkAgreement).where(WorkAgreement.enrolment_id == enrolment_id)
        ).one()
    assert all(getattr(row, key) for key, _ in quality.WORK_AGREEMENT_ELEMENTS)
    engine.dispose()


def test_kvalitet_empty_database_shows_a_friendly_state(sqlite_url, monkeypatch):
    World(make_engine(sqlite_url))  # agreements and users, no course yet
    monkeypatch.setenv("FORLOB_COOKIE_KEY", "k" * 40)  # not a demo database
    at = make_app_test(sqlite_url, monkeypatch, "boss")
    at.run()
    at.switch_page(KVALITET)
    at.run()
    assert not page_errors(at)
    assert any("ingen forløb" in i.value for i in at.info)


def test_fidelitet_shows_requirement_3c_with_the_change(app_for):
    at = open_page(app_for, "leder", FIDELITET)
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    assert shown["Total, midtvejs"] == ("69 %", "+7 %-point")
    texts = chart_text(at)
    for change in ("+7 %-point", "+6 %-point", "+8 %-point", "+9 %-point", "+4 %-point"):
        assert change in texts
    assert "Minimumskrav 3c" in [s.value for s in at.subheader][0]


def test_fidelitet_grid_saves_edits(app_for, demo_url):
    at = open_page(app_for, "leder", FIDELITET)
    engine = make_engine(demo_url)
    scope = scope_for(engine, "leder")
    req = next(r.id for r in fidelity.requirements(engine, scope) if r.code == "3c")
    mid = next(r.id for r in fidelity.rounds(engine, scope) if r.kind == "midpoint")
    at.selectbox(key="fidelitet_krav").set_value(req)
    at.selectbox(key="fidelitet_runde").set_value(mid)
    at.run()
    at.session_state[f"fidelitet_grid_{mid}_{req}"] = {
        "edited_rows": {0: {"Andel enige (%)": 80.0}},  # leder
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="fidelitet_gem").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    with engine.connect() as conn:
        share = conn.scalar(
            select(FidelityResult.share_agree).where(
                FidelityResult.survey_round_id == mid,
                FidelityResult.requirement_id == req,
                FidelityResult.role == "leder",
            )
        )
    engine.dispose()
    assert share == pytest.approx(0.80)
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    assert shown["Total, midtvejs"] == ("69 %", "+7 %-point")  # the total was not touched


def test_mine_resultater_for_a_caseworker(app_for, demo_engine):
    at = open_page(app_for, "sagsbehandler", MINE)
    assert at.title[0].value == "Mine resultater"
    r = my_results.my_results(demo_engine, scope_for(demo_engine, "sagsbehandler"))
    shown = metrics(at)
    assert shown["Forløb"] == [str(r.own.courses)]
    o = r.own
    assert shown["Job eller uddannelse"] == [
        f"{fmt_pct(o.job_or_education_share)} ({o.job_or_education} af {o.ended_with_outcome})"
    ]
    # Own against the whole centre, never another caseworker's name.
    texts = chart_text(at)
    assert "Mine deltagere" in texts and "Hele jobcentret" in texts
    assert "Jens Jobkonsulent" not in texts


def test_mine_resultater_for_a_manager_per_caseworker(app_for, demo_engine):
    at = open_page(app_for, "leder", MINE)
    table = at.dataframe[0].value
    assert list(table["Sagsbehandler"]) == [
        "Jens Jobkonsulent",
        "Sara Sagsbehandler",
        "Hele jobcentret",
    ]
    r = my_results.my_results(demo_engine, scope_for(demo_engine, "leder"))
    assert list(table["Forløb"]) == [f.courses for f in r.per_caseworker] + [r.centre.courses]
    at.selectbox(key="mine_resultater_sagsbehandler").set_value("Sara Sagsbehandler")
    at.run()
    assert [h.value for h in at.header] == ["Sara Sagsbehandler"]
