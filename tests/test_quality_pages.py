"""AppTest of the quality pages (Kvalitet, Fidelitet, Mine resultater) in the real app:
who may open them, the figures they show against the lib on the same data, the entry
forms writing through to the database (and refusing with the reason at the field),
typed names shown as typed, and friendly empty states."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import (
    FidelityRequirement,
    FidelityResult,
    MentorAssignment,
    MentorContact,
    SurveyRound,
    WorkAgreement,
)
from lib.domain.enums import SurveyRoundKind
from lib.domain.format import fmt_date, fmt_pct
from lib.domain.quality import WORK_AGREEMENT_ELEMENTS, written_share
from lib.queries import my_results
from lib.queries.fidelity import requirements, rounds
from lib.queries.quality import (
    mentor_compliance,
    participant_hours_table,
    started_enrolments,
    work_agreement_rows,
    work_agreement_summary,
)
from tests.conftest import make_app_test, page_errors, scope_for
from tests.quality_world import World
from views.components.quality_hours import hours_since
from views.texts import quality as quality_texts

KVALITET, FIDELITET, MINE = "views/kvalitet.py", "views/fidelitet.py", "views/mine_resultater.py"


def open_page(app_for, username: str, path: str, tab: str | None = None):
    at = app_for(username)
    at.switch_page(path)
    if tab is not None:
        open_tab(at, tab, run=False)
    at.run()
    assert not page_errors(at), page_errors(at)
    return at


def open_tab(at, label: str, run: bool = True):
    """Kvalitet's tab `label` (a prefix), as clicking it does: only that tab runs."""
    at.session_state[quality_texts.TAB_KEY] = next(
        t for t in quality_texts.QUALITY_TABS if t.startswith(label)
    )
    if run:
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
    summary = work_agreement_summary(demo_engine, scope_for(demo_engine, "leder"))
    shown = metrics(at)
    # Each agreement's card in section 1 (written share), the first tab.
    for _, name, counts in summary.by_agreement:
        assert shown[name] == [fmt_pct(written_share(counts))]
    assert shown["Alle viste forløb"] == [fmt_pct(written_share(summary.total))]
    all_charts = chart_text(at)
    assert "STV-projektets midtvejsmåling" in all_charts and "83 %–91 %" in all_charts
    assert '"decimal": ","' in all_charts  # Danish chart locale
    assert any(m.help and "n = " in m.help for m in at.metric)
    # Only the open tab ran: the hours' participant picker and the mentor cards are not there.
    assert not [s for s in at.selectbox if s.key == "kvalitet_timer_deltager"]
    assert "I alt" not in shown
    # Section 3 (mentor follow-up) when its tab is opened, as a click does.
    shown = metrics(open_tab(at, "3."))
    mc = mentor_compliance(demo_engine, scope_for(demo_engine, "leder"))
    for g in mc.by_agreement:
        assert shown[g.label] == [fmt_pct(g.share)]
    assert shown["I alt"] == [fmt_pct(mc.total.share)]


def test_kvalitet_for_a_caseworker_lists_only_own_participants(app_for, demo_engine):
    at = open_page(app_for, "sagsbehandler", KVALITET, tab="2.")
    scope = scope_for(demo_engine, "sagsbehandler")
    own = {r.enrolment_id for r in participant_hours_table(demo_engine, scope, (), hours_since())}
    picker = at.selectbox(key="kvalitet_timer_deltager")
    everyone = participant_hours_table(demo_engine, scope_for(demo_engine, "leder"))
    labels = {f"{r.case_code} ({r.initials}) – {r.agreement}": r.enrolment_id for r in everyone}
    assert {labels[o] for o in picker.options} == own
    assert len(own) < len(everyone)


def test_kvalitet_lists_each_course_on_request(app_for, demo_engine):
    """The lists of one row per course (work agreements, hours per participant) are read
    when asked for: ~100,000 rows at national size, copied out of the cache on every run."""
    scope = scope_for(demo_engine, "leder")
    at = open_page(app_for, "leder", KVALITET)
    toggle = at.toggle(key="arbejdsaftaler")
    assert toggle.value is False and not at.dataframe
    toggle.set_value(True).run()
    assert not page_errors(at), page_errors(at)
    (frame,) = [d.value for d in at.dataframe]
    rows = work_agreement_rows(demo_engine, scope)
    assert list(frame["Deltager"]) == [f"{r.case_code} ({r.initials})" for r in rows]
    assert list(frame["Underskrevet"]) == [fmt_date(r.signed_on, "Ingen aftale") for r in rows]

    open_tab(at, "2.")
    toggle = at.toggle(key="timer_pr_deltager")
    assert toggle.value is False
    assert not any("Fremmødt" in d.value.columns for d in at.dataframe)
    toggle.set_value(True).run()
    assert not page_errors(at), page_errors(at)
    frame = next(d.value for d in at.dataframe if "Fremmødt" in d.value.columns)
    hours = participant_hours_table(demo_engine, scope, (), hours_since())
    assert list(frame["Deltager"]) == [f"{r.case_code} ({r.initials})" for r in hours]
    assert list(frame["Uger"]) == [r.totals.weeks for r in hours]


def test_kvalitet_hours_picker_searches_instead_of_listing_everyone(
    app_for, demo_engine, monkeypatch
):
    from views.components import quality_hours

    monkeypatch.setattr(quality_hours, "PICKER_LIMIT", 3)
    at = open_page(app_for, "leder", KVALITET, tab="2.")
    everyone = participant_hours_table(
        demo_engine, scope_for(demo_engine, "leder"), (), hours_since()
    )
    assert len(everyone) > 3
    label = f"{everyone[-1].case_code} ({everyone[-1].initials}) – {everyone[-1].agreement}"
    picker = at.selectbox(key="kvalitet_timer_deltager")
    assert len(picker.options) == 3 and label not in picker.options
    at.text_input(key="kvalitet_timer_soeg").input(everyone[-1].case_code.lower()).run()
    assert not page_errors(at), page_errors(at)
    picker = at.selectbox(key="kvalitet_timer_deltager")
    assert label in picker.options and len(picker.options) <= 3
    at.text_input(key="kvalitet_timer_soeg").input("ingen-saadan-deltager").run()
    assert "Ingen deltagere med timer passer til søgningen." in [c.value for c in at.caption]


def test_kvalitet_form_saves_a_work_agreement(app_for, demo_url):
    at = open_page(app_for, "sagsbehandler", KVALITET, tab="Registrér")
    enrolment_id = at.selectbox(key="kvalitet_forlob").value
    form = f"arbejdsaftale_{enrolment_id}"
    for key, _ in WORK_AGREEMENT_ELEMENTS:
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
    assert all(getattr(row, key) for key, _ in WORK_AGREEMENT_ELEMENTS)
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
    req = next(r.id for r in requirements(engine, scope) if r.code == "3c")
    mid = next(r.id for r in rounds(engine, scope) if r.kind == "midpoint")
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
    assert shown["I job eller uddannelse"] == [
        f"{fmt_pct(o.job_or_education_share)} ({o.job_or_education} af {o.ended})"
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


def rows_of(demo_url: str, model, *where) -> list:
    """The rows of a table, read through a fresh engine (the page wrote through its own)."""
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(select(model).where(*where)).all()
    engine.dispose()
    return rows


def course_with_a_mentor(at) -> tuple[int, int]:
    """Kvalitet's registration tab on a course that has a mentor: (course id, mentor id)."""
    enrolment_id = at.selectbox(key="kvalitet_forlob").value
    mentor = at.selectbox(key=f"mentorkontakt_{enrolment_id}__0__assignment")
    return enrolment_id, mentor.value


def test_kvalitet_logs_a_mentor_contact(app_for, demo_url):
    at = open_page(app_for, "leder", KVALITET, tab="Registrér")
    enrolment_id, assignment_id = course_with_a_mentor(at)
    form = f"mentorkontakt_{enrolment_id}"
    day = dt.date.today() - dt.timedelta(days=1)
    at.date_input(key=f"{form}__0__contact_on").set_value(day)
    at.text_input(key=f"{form}__0__note").input("Talte om vagtplanen")
    at.button(key=f"FormSubmitter:{form}__0__form-Registrér kontakt").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    assert f"Mentorkontakten {fmt_date(day)} er registreret." in [s.value for s in at.success]
    contacts = rows_of(demo_url, MentorContact, MentorContact.mentor_assignment_id == assignment_id)
    assert (day, "Talte om vagtplanen") in [(c.contact_on, c.note) for c in contacts]
    # A clean form after the save: the next contact starts from an empty note.
    assert at.text_input(key=f"{form}__1__note").value == ""


def test_kvalitet_refuses_a_contact_in_the_future_and_keeps_the_note(app_for, demo_url):
    at = open_page(app_for, "leder", KVALITET, tab="Registrér")
    enrolment_id, assignment_id = course_with_a_mentor(at)
    before = rows_of(demo_url, MentorContact, MentorContact.mentor_assignment_id == assignment_id)
    form = f"mentorkontakt_{enrolment_id}"
    at.date_input(key=f"{form}__0__contact_on").set_value(dt.date.today() + dt.timedelta(days=1))
    at.text_input(key=f"{form}__0__note").input("Aftalt til i morgen")
    at.button(key=f"FormSubmitter:{form}__0__form-Registrér kontakt").click()
    at.run()
    assert any("fremtiden" in e.value for e in at.error)
    assert at.text_input(key=f"{form}__0__note").value == "Aftalt til i morgen"
    after = rows_of(demo_url, MentorContact, MentorContact.mentor_assignment_id == assignment_id)
    assert len(after) == len(before)


def test_kvalitet_assigns_a_mentor_and_shows_the_name_as_typed(app_for, demo_url):
    at = open_page(app_for, "leder", KVALITET, tab="Registrér")
    enrolment_id = at.selectbox(key="kvalitet_forlob").value
    form = f"mentor_{enrolment_id}"
    at.text_input(key=f"{form}__0__name").input("Ole *Hansen*")
    at.radio(key=f"{form}__0__frequency").set_value(7)
    at.button(key=f"FormSubmitter:{form}__0__form-Tilknyt mentor").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    assert "Virksomhedsmentor er tilknyttet forløbet." in [s.value for s in at.success]
    saved = rows_of(demo_url, MentorAssignment, MentorAssignment.enrolment_id == enrolment_id)
    assert ("enterprise", "Ole *Hansen*", 7) in [
        (m.mentor_type, m.mentor_name, m.frequency_days) for m in saved
    ]
    # The contact form's mentor picker shows its options as plain text (a selectbox does
    # not render Markdown), so the name is given as typed, without escapes.
    options = at.selectbox(key=f"mentorkontakt_{enrolment_id}__0__assignment").options
    assert any("Ole *Hansen*" in o for o in options)


def test_fidelitet_creates_a_round_and_a_requirement(app_for, demo_url):
    at = open_page(app_for, "leder", FIDELITET)
    next(t for t in at.text_input if t.label == "Navn").input("Slutmåling 2027")
    next(s for s in at.selectbox if s.label == "Type").set_value(SurveyRoundKind.FINAL)
    at.button(key="FormSubmitter:fidelitet_ny_runde-Opret runde").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    assert "Runden 'Slutmåling 2027' er oprettet." in [s.value for s in at.success]
    assert "Slutmåling 2027 (slut)" in at.selectbox(key="fidelitet_runde").options
    assert [(r.kind, r.held_on) for r in rows_of(demo_url, SurveyRound)][-1] == (
        "final",
        dt.date.today(),
    )

    next(t for t in at.text_input if t.label == "Nummer").input("4")
    next(t for t in at.text_input if t.label == "Tekst").input("Mentoren _følger_ op")
    at.button(key="FormSubmitter:fidelitet_nyt_krav-Tilføj krav").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    assert "Minimumskrav 4 er tilføjet." in [s.value for s in at.success]
    assert ("4", "Mentoren _følger_ op") in [
        (r.code, r.label) for r in rows_of(demo_url, FidelityRequirement)
    ]
    # Without figures it is listed under the results, the typed text escaped (a caption
    # renders Markdown).
    without = next(c.value for c in at.caption if c.value.startswith("Uden målinger endnu"))
    assert "Minimumskrav 4\\: Mentoren \\_følger\\_ op" in without


def test_fidelitet_refuses_a_round_name_in_use(app_for, demo_url):
    at = open_page(app_for, "leder", FIDELITET)
    before = rows_of(demo_url, SurveyRound)
    next(t for t in at.text_input if t.label == "Navn").input(before[0].name)
    at.button(key="FormSubmitter:fidelitet_ny_runde-Opret runde").click()
    at.run()
    assert any("findes allerede" in e.value for e in at.error)
    assert not at.success
    assert len(rows_of(demo_url, SurveyRound)) == len(before)


IMPORT_CSV = """Runde;Type;Dato;Minimumskrav;Rolle;Andel enige;Besvarelser
Slutmåling 2027;Slut;2026-11-30;3c;Leder;75 %;12
Slutmåling 2027;Slut;2026-11-30;3c;Total;0,71;150
"""


def test_fidelitet_imports_a_sheet_after_the_preview(app_for, demo_url):
    at = open_page(app_for, "leder", FIDELITET)
    at.file_uploader(key="fidelitet_fil").upload("svar.csv", IMPORT_CSV.encode(), "text/csv")
    at.run()
    assert not page_errors(at), page_errors(at)
    preview = at.dataframe[-1].value
    assert list(preview["Rolle"]) == ["Leder", "Total"]
    assert list(preview["Andel enige"]) == [fmt_pct(0.75), fmt_pct(0.71)]
    assert not [r for r in rows_of(demo_url, SurveyRound) if r.name == "Slutmåling 2027"]

    at.button(key="fidelitet_importer").click()
    at.run()
    assert not page_errors(at), page_errors(at)
    assert "Importeret: 2 nye og 0 opdaterede andele, 1 nye runder." in [
        s.value for s in at.success
    ]
    (final,) = [r for r in rows_of(demo_url, SurveyRound) if r.name == "Slutmåling 2027"]
    shares = rows_of(demo_url, FidelityResult, FidelityResult.survey_round_id == final.id)
    assert sorted((r.role, r.share_agree) for r in shares) == [
        ("leder", pytest.approx(0.75)),
        ("total", pytest.approx(0.71)),
    ]


def test_fidelitet_import_with_errors_offers_no_import(app_for, demo_url):
    at = open_page(app_for, "leder", FIDELITET)
    bad = IMPORT_CSV.replace(";3c;Total;", ";9z;Total;")
    at.file_uploader(key="fidelitet_fil").upload("svar.csv", bad.encode(), "text/csv")
    at.run()
    assert any(e.value.startswith("1 fejl.") for e in at.error)
    problems = at.dataframe[-1].value  # the dry run's report: row, column and value
    assert list(problems[["Række", "Kolonne", "Værdi"]].iloc[0]) == ["3", "Minimumskrav", "9z"]
    assert "fidelitet_importer" not in [b.key for b in at.button]
    assert not [r for r in rows_of(demo_url, SurveyRound) if r.name == "Slutmåling 2027"]


def test_kvalitet_course_picker_searches_instead_of_listing_every_course(
    app_for, demo_engine, monkeypatch
):
    # One option per course does not scale: above the limit the picker lists the first
    # courses and a search (in SQL) finds the others.
    from views.components import quality_forms

    monkeypatch.setattr(quality_forms, "PICKER_LIMIT", 3)
    at = open_page(app_for, "leder", KVALITET, tab="Registrér")
    picker = at.selectbox(key="kvalitet_forlob")
    assert len(picker.options) == 3
    everyone = started_enrolments(demo_engine, scope_for(demo_engine, "leder"))
    assert len(everyone) > 3
    last = everyone[-1]
    code = last.label.split(" ")[0]
    at.text_input(key="kvalitet_forlob_soeg").input(code.lower()).run()
    assert not page_errors(at), page_errors(at)
    picker = at.selectbox(key="kvalitet_forlob")
    assert picker.options == [c.label for c in everyone if code.lower() in c.label.lower()][:3]
    assert last.label in picker.options
    at.text_input(key="kvalitet_forlob_soeg").input("ingen-saadan-deltager").run()
    assert "Ingen forløb passer til søgningen." in [c.value for c in at.caption]
