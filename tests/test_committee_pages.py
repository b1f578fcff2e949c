"""Præsentation and Evalueringsrapport under AppTest, signed in through session state."""

import datetime as dt
import json

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import ReportText
from lib.commands.report_texts import save_text
from lib.domain.period import default_review_period
from lib.domain.questions import COMMON_SECTIONS
from tests.conftest import make_app_test, page_errors


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_presentation_steps_through_the_charts(app_for):
    at = app_for("leder")
    at.switch_page("views/praesentation.py").run()
    assert not page_errors(at)
    # Occupancy, follow-up and progression: the demo's outcomes in the period are all
    # under 5 (and agreement 1's figures are withheld), so that chart gets no slide.
    assert "Dias 1 af 3" in markdown_text(at)
    assert "Pladser i brug og ledige" in markdown_text(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    at.button(key="praes_next").click().run()
    assert "Dias 2 af 3" in markdown_text(at)
    assert "Opfølgning til tiden" in markdown_text(at)
    at.button(key="praes_next").click().run()
    assert "Dias 3 af 3" in markdown_text(at)
    assert at.button(key="praes_next").disabled
    at.button(key="praes_prev").click().run()
    assert "Dias 2 af 3" in markdown_text(at)
    # Never a participant: no demo initials or case codes in the page.
    text = markdown_text(at)
    assert "D-1" not in text and "KL" not in text.split()


def test_report_page_shows_figures_and_saves_text(app_for, demo_url):
    at = app_for("leder")
    at.switch_page("views/evalueringsrapport.py").run()
    assert not page_errors(at)
    text = markdown_text(at)
    assert "5 af 6 i brug" in text and "8 af 10 i brug" in text
    assert [s.value for s in at.subheader].count("Er forløbene i brug?") == 2
    area = next(t for t in at.text_area if t.label == "Vurdering: Samarbejdet med virksomheden?")
    area.input("Samarbejdet er tæt og fleksibelt.")
    next(
        b for b in at.button if b.label.startswith("Gem vurderinger for Samarbejdsaftale 1")
    ).click().run()
    assert not page_errors(at)
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ReportText.agreement_id, ReportText.section, ReportText.body)
        ).all()
    assert (1, "q8", "Samarbejdet er tæt og fleksibelt.") in rows


def test_presentation_says_so_when_every_figure_of_a_slide_is_withheld(app_for):
    at = app_for("leder")
    at.switch_page("views/praesentation.py").run()
    # Agreement 1 alone: its figures rest on fewer than 5 participants.
    at.multiselect(key="praes_agreements").set_value([1]).run()
    at.multiselect(key="praes_kinds").set_value(["progression"]).run()
    assert not page_errors(at)
    assert any("Ingen tal at vise" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) == 0
    # With both agreements the slide has figures again (agreement 2's).
    at.multiselect(key="praes_agreements").set_value([1, 2]).run()
    assert len(at.get("vega_lite_chart")) == 1
    assert not any("Ingen tal at vise" in i.value for i in at.info)


def test_presentation_mode_hides_the_app_and_steps_with_keys(app_for):
    at = app_for("leder")
    at.switch_page("views/praesentation.py").run()
    text = markdown_text(at)
    assert "Dias 1 af 3" in text and "Periode " in text and "Kilde: Forløbsmonitor" in text
    next(b for b in at.button if b.label == "Start præsentation").click().run()
    assert not page_errors(at)
    style = markdown_text(at)
    assert '[data-testid="stSidebar"]' in style and ".fm-demo" in style
    assert any(b.label == "Afslut præsentation" for b in at.button)
    # The keys go to the Forrige/Næste/Afslut buttons (committee.slide_keys' listener).
    scripts = " ".join(str(e.proto) for e in at.get("iframe"))
    assert "pagedown" in scripts and "arrowright" in scripts and "praes_next" in scripts
    at.button(key="praes_next").click().run()
    assert "Dias 2 af 3" in markdown_text(at)
    # The settings kept their choice while hidden.
    assert len(at.multiselect(key="praes_agreements").value) == 2
    at.button(key="praes_exit").click().run()
    assert '[data-testid="stSidebar"]' not in markdown_text(at)


def test_report_page_shows_the_word_charts_in_dashboard_colours(app_for):
    at = app_for("leder")
    at.switch_page("views/evalueringsrapport.py").run()
    # The charts the Word file and the deck share, in the overview; none without figures.
    assert len(at.get("vega_lite_chart")) == 3
    at.multiselect(key="rap_agr").set_value([2]).run()
    assert not page_errors(at)
    specs = [json.dumps(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart")]
    assert len(specs) == 3
    # Agreement 2 keeps its dashboard orange when chosen alone, never agreement 1's blue.
    compliance = next(s for s in specs if "Opfølgning til tiden" in s or "Andel" in s)
    assert "#E69F00" in compliance and "Aftale 2" in compliance


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_committee_pages_are_for_managers_only(app_for, username):
    at = app_for(username)
    for page in ("views/praesentation.py", "views/evalueringsrapport.py"):
        with pytest.raises(ValueError):
            at.switch_page(page)


def report_texts(demo_url: str) -> list[tuple]:
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ReportText.agreement_id, ReportText.section, ReportText.body)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_report_saves_the_introduction(app_for, demo_url):
    at = app_for("leder")
    at.switch_page("views/evalueringsrapport.py").run()
    area = next(t for t in at.text_area if t.label.startswith("Introduktion"))
    area.input("Aftalerne er i drift.")
    next(b for b in at.button if b.label == "Gem introduktion").click().run()
    assert not page_errors(at)
    assert [t.value for t in at.toast] == ["Gemt (1 afsnit)."]
    assert (None, "intro", "Aftalerne er i drift.") in report_texts(demo_url)


def test_report_refuses_to_overwrite_a_colleagues_newer_text(app_for, demo_url):
    at = app_for("leder")
    at.switch_page("views/evalueringsrapport.py").run()
    # A colleague saves the same section after this page opened it.
    engine = make_engine(demo_url)
    save_text(
        engine,
        "admin",
        agreement_id=None,
        period=default_review_period(),
        section="what_works",
        body="Kollegaens tekst",
        expected_version=None,
    )
    engine.dispose()
    area = next(t for t in at.text_area if t.label == COMMON_SECTIONS["what_works"])
    area.input("Min tekst")
    next(b for b in at.button if b.label == "Gem status").click().run()
    assert any("ændret af en anden" in e.value for e in at.error)
    assert (None, "what_works", "Kollegaens tekst") in report_texts(demo_url)
    assert (None, "what_works", "Min tekst") not in report_texts(demo_url)


def test_presentation_waits_for_the_end_date_and_keeps_the_chart_choice(app_for):
    at = app_for("leder")
    at.switch_page("views/praesentation.py").run()
    at.multiselect(key="praes_kinds").set_value(["progression"]).run()
    at.date_input(key="praes_period").set_value((dt.date.today(),)).run()
    assert not page_errors(at)
    assert "Vælg både start- og slutdato for perioden." in [i.value for i in at.info]
    assert len(at.get("vega_lite_chart")) == 0
    # The sidebar is still drawn: the chart choice survives until the end date is chosen.
    assert at.multiselect(key="praes_kinds").value == ["progression"]
    period = default_review_period()
    at.date_input(key="praes_period").set_value((period.start, period.end))
    at.multiselect(key="praes_kinds").set_value([]).run()
    assert any("mindst én samarbejdsaftale og ét diagram" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) == 0


@pytest.mark.parametrize("page", ["views/praesentation.py", "views/evalueringsrapport.py"])
def test_committee_pages_run_at_most_50_statements(app_for, page):
    """Issue 15: no page sends more than 50 SQL statements in a run, with empty caches
    (BEGIN counted). The report reads in one transaction and the header and suppression
    setting are read once; no statement is per agreement, so the demo's count is M's
    (Præsentation 42, Evalueringsrapport 48 cold at size M; 56 and 66 before)."""
    import streamlit as st
    from sqlalchemy import Engine, event

    at = app_for("leder")
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement)

    st.cache_data.clear()
    event.listen(Engine, "before_cursor_execute", count)
    try:
        at.switch_page(page).run()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert not page_errors(at)
    assert len(sent) <= 50, len(sent)


def test_a_read_transaction_is_not_taken_for_a_save(demo_url):
    """The committee report reads in one transaction that commits (read_snapshot); only a
    commit that wrote makes the rest of a run read the data version again (two statements
    more per run, which put Evalueringsrapport at 50)."""
    from sqlalchemy import text

    from db.engine import read_snapshot
    from lib.commands.catalogues import set_threshold
    from tests.conftest import scope_for
    from views.components import runtime

    engine = runtime._engine_for(demo_url)
    before = runtime._commits[0]
    with read_snapshot(engine) as snapshot, snapshot.connect() as conn:
        conn.execute(text("WITH x AS (SELECT 1 AS updated) SELECT * FROM x"))
    assert runtime._commits[0] == before
    set_threshold(engine, scope_for(engine, "admin"), 3, 5)
    assert runtime._commits[0] == before + 1


@pytest.mark.parametrize(
    "path, key",
    [("views/evalueringsrapport.py", "rap_agr"), ("views/praesentation.py", "praes_agreements")],
)
def test_more_agreements_than_a_report_covers_are_chosen_before_anything_is_made(
    app_for, monkeypatch, path, key
):
    """With more agreements than a report covers the committee pages start with none
    chosen and say, in Danish, how many to choose and why; the widget takes no more than
    that. The demo's two agreements stand in, with the limit at 1."""
    monkeypatch.setattr("views.components.committee.MAX_AGREEMENTS_PER_REPORT", 1)
    at = app_for("leder")
    at.switch_page(path).run()
    assert not page_errors(at)
    chooser = at.multiselect(key=key)
    assert chooser.value == [] and chooser.max_selections == 1
    hint = " ".join(i.value for i in at.info)
    assert "Du har 2 samarbejdsaftaler. Vælg op til 1" in hint and "eget afsnit" in hint
    assert not [b for b in at.button if b.label == "Lav Word og PowerPoint"]
    chooser.set_value([2]).run()
    assert not page_errors(at)
    assert "Du har 2 samarbejdsaftaler" not in " ".join(i.value for i in at.info)
    if path.endswith("evalueringsrapport.py"):
        assert [b for b in at.button if b.label == "Lav Word og PowerPoint"]


def test_report_with_many_agreements_is_assessed_one_agreement_at_a_time(sqlite_url, monkeypatch):
    # 8 questions for each of 40 agreements on one page were 320 text fields: above
    # ASSESS_ALL_UP_TO the page shows the questions of the agreement picked.
    from bench.generate import Size, generate
    from views.components.committee import ASSESS_ALL_UP_TO

    n = ASSESS_ALL_UP_TO + 2
    engine = make_engine(sqlite_url)
    generate(engine, Size("T10", n, 12 * n, 2.0, 2, 5))
    engine.dispose()
    at = make_app_test(sqlite_url, monkeypatch, "leder")
    at.switch_page("views/evalueringsrapport.py").run(timeout=120)
    assert not page_errors(at)
    picker = at.selectbox(key="rap_vurder")
    assert len(picker.options) == n
    headers = [h.value for h in at.header if h.value.startswith("Status i ")]
    assert headers == [f"Status i {picker.options[0]}"]
    assert len([t for t in at.text_area if t.label.startswith("Vurdering: ")]) == 8
    other = picker.options[-1]
    picker.select_index(n - 1).run(timeout=120)
    assert not page_errors(at)
    assert [h.value for h in at.header if h.value.startswith("Status i ")] == [f"Status i {other}"]


# --------------------------------------------------------------------------- charts made once


def chart_protos(at) -> list[dict]:
    """The page's charts as sent to the browser: spec, Arrow datasets, width and theme."""
    from google.protobuf.json_format import MessageToDict

    return [MessageToDict(c.proto) for c in at.get("vega_lite_chart")]


def fresh_chart_protos(at) -> list[dict]:
    """The same run's charts made from nothing: what the page must show from its cache."""
    import streamlit as st

    st.cache_data.clear()
    at.run()
    assert not page_errors(at)
    return chart_protos(at)


def test_presentation_charts_follow_the_chosen_agreements(app_for):
    """Each chart is made once per content of the report: another choice of agreements
    gives another chart, the first choice again gives the first chart, and each is what a
    run with empty caches draws."""
    at = app_for("leder")
    at.switch_page("views/praesentation.py").run()
    at.multiselect(key="praes_kinds").set_value(["belaegning"]).run()
    both = chart_protos(at)
    assert "Aftale 1" in markdown_text(at) and "Aftale 2" in markdown_text(at)
    at.multiselect(key="praes_agreements").set_value([2]).run()
    assert not page_errors(at)
    only_2 = chart_protos(at)
    assert len(only_2) == len(both) == 1 and only_2 != both
    assert "Aftale 1" not in markdown_text(at)
    assert only_2 == fresh_chart_protos(at)
    at.multiselect(key="praes_agreements").set_value([1, 2]).run()
    assert chart_protos(at) == both == fresh_chart_protos(at)


def test_presentation_chart_shows_a_change_saved_meanwhile(app_for, demo_url):
    """A save elsewhere (more slots for agreement 1) gives the next run the new chart, not
    the one made for the old figures."""
    from lib.commands.agreements import change_slots
    from lib.queries.admin import agreements
    from tests.conftest import scope_for

    at = app_for("leder")
    at.switch_page("views/praesentation.py").run()
    at.multiselect(key="praes_kinds").set_value(["belaegning"]).run()
    before = chart_protos(at)
    assert "5 af 6" in markdown_text(at)
    engine = make_engine(demo_url)
    version = next(a for a in agreements(engine) if a.id == 1).version
    change_slots(engine, scope_for(engine, "admin"), 1, 9, dt.date.today(), version)
    engine.dispose()
    at.run()
    assert not page_errors(at)
    assert "5 af 9" in markdown_text(at) and "5 af 6" not in markdown_text(at)
    after = chart_protos(at)
    assert after != before
    assert after == fresh_chart_protos(at)


def test_report_charts_change_with_the_threshold_saved_meanwhile(app_for, demo_url):
    """The admin lowers the small-count threshold while the report is open: the next run
    draws the charts for the figures withheld under the new threshold (not those made
    under 5), and saving an assessment text afterwards leaves them as they are."""
    from lib.commands.catalogues import set_threshold
    from tests.conftest import scope_for

    at = app_for("leder")
    at.switch_page("views/evalueringsrapport.py").run()
    under_5 = chart_protos(at)
    assert len(under_5) == 3
    engine = make_engine(demo_url)
    set_threshold(engine, scope_for(engine, "admin"), 2, 5)
    engine.dispose()
    at.run()
    assert not page_errors(at)
    under_2 = chart_protos(at)
    assert under_2 != under_5
    assert under_2 == fresh_chart_protos(at)
    area = next(t for t in at.text_area if t.label.startswith("Introduktion"))
    area.input("Aftalerne er i drift.")
    next(b for b in at.button if b.label == "Gem introduktion").click().run()
    assert not page_errors(at)
    assert chart_protos(at) == under_2
