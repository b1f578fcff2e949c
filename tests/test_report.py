"""The evaluation report on the demo data: numbers, staff text, suppression, documents."""

import datetime as dt
import io

import pytest
from docx import Document
from pptx import Presentation

from lib.commands.report_texts import StaleText, save_text
from lib.documents.powerpoint import build_pptx
from lib.documents.presentation import report_charts, to_document_charts
from lib.documents.report import (
    MEETINGS_HELD_LABEL,
    ON_TIME_LABELS,
    MeetingFacts,
    build_report,
)
from lib.documents.word import build_docx
from lib.domain import rules
from lib.domain.enums import COUNTED, DueStatus
from lib.domain.measures import (
    DELIVERABLES_ON_TIME,
    EVALUATIONS_ON_TIME,
    PLANS_ON_TIME,
)
from lib.domain.period import Period
from lib.domain.period import default_review_period as default_period
from lib.domain.questions import QUESTIONS
from lib.queries.compliance import compliance, deliverables_by_kind
from lib.queries.occupancy import occupancy_by_agreement
from lib.queries.report_texts import load_texts
from tests.conftest import scope_for


@pytest.fixture
def report_setup(demo_engine):
    period = default_period()
    scope = scope_for(demo_engine, "leder")
    return demo_engine, scope, period


def test_plan_and_evaluation_rules():
    """The report uses lib.rules (its own copy is gone); the same examples hold there."""
    start = dt.date(2024, 2, 1)
    assert rules.plan_due(start, 13) == dt.date(2024, 2, 8)
    assert rules.plan_due(start, 52) == dt.date(2024, 2, 29)  # leap year

    def statuses(baseline, done, interval, as_of, **kw):
        items = rules.evaluation_items(baseline, done, interval, as_of, **kw)
        return [(i.due, i.status) for i in items if i.status in COUNTED]

    found = statuses(
        dt.date(2024, 1, 31), [dt.date(2024, 3, 29), dt.date(2024, 6, 15)], 2, dt.date(2024, 9, 1)
    )
    # Due 31 Mar, done 29 Mar: on time; next due 29 May, done 15 Jun (17 days): late;
    # next due 15 Aug, not done by 1 Sep (17 days): missing.
    assert [s for _, s in found] == [DueStatus.ON_TIME, DueStatus.LATE, DueStatus.MISSING]
    # One month after 31 Jan in a leap year is 29 Feb.
    leap = statuses(dt.date(2024, 1, 31), [], 1, dt.date(2024, 3, 15))
    assert leap == [(dt.date(2024, 2, 29), DueStatus.MISSING)]
    on_due = statuses(dt.date(2024, 1, 1), [dt.date(2024, 3, 1)], 2, dt.date(2024, 3, 2))
    assert on_due == [(dt.date(2024, 3, 1), DueStatus.ON_TIME)]
    # Where the report's copy disagreed, lib.rules wins: an evaluation due 3 days before
    # the course ended and never written is missing (the copy only counted it once the
    # grace had run out before the end), and a pause moves the due date.
    ended = statuses(
        dt.date(2024, 1, 1), [], 2, dt.date(2024, 4, 1), course_end=dt.date(2024, 3, 4)
    )
    assert ended == [(dt.date(2024, 3, 1), DueStatus.MISSING)]
    paused = statuses(
        dt.date(2024, 1, 1),
        [],
        2,
        dt.date(2024, 3, 10),
        pauses=[(dt.date(2024, 1, 10), dt.date(2024, 1, 19))],
    )
    assert paused == []  # due 11 Mar after 10 paused days: not yet


def test_report_figures_equal_the_dashboards(report_setup):
    """The same agreement and period give the same numbers in the report and on the
    dashboards (Overblik's occupancy, Opfølgning's tallies)."""
    engine, scope, period = report_setup
    report = build_report(engine, scope, period)
    live = {o.agreement_id: o for o in occupancy_by_agreement(engine, scope)}
    for a in report.agreements:
        f = period.filters(a.agreement_id)
        total = compliance(engine, scope, f).total
        occupancy, follow_up = a.facts.occupancy, a.facts.follow_up
        assert occupancy.in_use == live[a.agreement_id].in_use
        assert occupancy.in_referral == live[a.agreement_id].in_referral
        assert occupancy.free == live[a.agreement_id].free
        assert follow_up.plans == {
            DueStatus.ON_TIME: total.plans.on_time,
            DueStatus.LATE: total.plans.late,
            DueStatus.MISSING: total.plans.missing,
        }
        assert follow_up.evaluations == {
            DueStatus.ON_TIME: total.evaluations.on_time,
            DueStatus.LATE: total.evaluations.late,
            DueStatus.MISSING: total.evaluations.missing,
        }
        assert follow_up.meetings == MeetingFacts(
            evaluations=total.evaluations_held,
            held=total.meetings_held,
            caseworker_present=total.caseworker_present,
        )
        kinds = deliverables_by_kind(engine, scope, f)
        assert sum((t for t in kinds.values()), rules.Tally()) == total.deliverables
        # The committee chart's shares: the dashboard's, or withheld.
        dashboard = {
            PLANS_ON_TIME.label: (total.plans.share(DueStatus.ON_TIME), total.plans.n),
            EVALUATIONS_ON_TIME.label: (
                total.evaluations.share(DueStatus.ON_TIME),
                total.evaluations.n,
            ),
            MEETINGS_HELD_LABEL: (
                total.meetings_held / total.evaluations_held if total.evaluations_held else None,
                total.evaluations_held,
            ),
            DELIVERABLES_ON_TIME.label: (
                total.deliverables.share(DueStatus.ON_TIME),
                total.deliverables.n,
            ),
        }
        assert tuple(s.label for s in a.facts.on_time) == ON_TIME_LABELS
        for fact in a.facts.on_time:
            share, n = dashboard[fact.label]
            assert fact.n == n, fact.label
            if n < report.threshold:
                assert fact.share is None, fact.label
            assert fact.share is None or fact.share == pytest.approx(share), fact.label


def test_demo_figures(report_setup):
    engine, scope, period = report_setup
    report = build_report(engine, scope, period)
    a1, a2 = report.agreements
    o1, o2 = a1.facts.occupancy, a2.facts.occupancy
    assert o1.in_use == 5 and a1.slots == 6 and o1.in_referral == 1
    assert o2.in_use == 8 and a2.slots == 10 and o2.in_referral == 2
    assert "5 af 6 i brug" in a1.question("q1").summary[0]
    # 1 person in referral: withheld, and said once in words, not as '<5'.
    assert "visitation (antallet vises ikke)" in a1.question("q1").summary[0]
    assert "8 af 10 i brug" in a2.question("q1").summary[0]
    assert [q.title for q in a1.questions] == list(QUESTIONS.values())
    # Agreement 2 is systematic: every meeting held with the caseworker.
    m1, m2 = a1.facts.follow_up.meetings, a2.facts.follow_up.meetings
    assert m2.held == m2.evaluations > 0
    assert m1.held < m1.evaluations
    # Agreement 1's figures rest mostly on fewer than 5 people: its answers say so once
    # in a plain sentence, with no tables, no shares and no charts.
    assert a1.withheld and not a2.withheld
    text = " ".join(line for q in a1.questions for line in q.summary)
    assert text.count("tallene vises derfor ikke") == 1
    assert "<5" not in text
    assert not [t for q in a1.questions for t in q.tables]
    assert all(s.share is None for s in a1.facts.on_time)
    assert {s.label: s.share for s in a2.facts.on_time}[MEETINGS_HELD_LABEL] == 1.0


def test_follow_up_tables_define_their_figures_as_the_dashboards_do(report_setup):
    """A table showing a dashboard's measure carries that measure's one definition."""
    engine, scope, period = report_setup
    # Threshold 0 (a closed item): every table is there.
    a1 = build_report(engine, scope, period, threshold=0).agreements[0]
    definitions = {t.title: t.definition for q in a1.questions for t in q.tables}
    assert definitions["Planer med frist i perioden"] == PLANS_ON_TIME.definition
    assert definitions["Evalueringer med frist i perioden"].startswith(
        EVALUATIONS_ON_TIME.definition
    )
    deliverables = "Leverancer til jobkonsulent/sagsbehandler med frist i perioden"
    assert definitions[deliverables] == DELIVERABLES_ON_TIME.definition


def test_every_small_count_in_the_report_is_hidden(report_setup):
    engine, scope, period = report_setup
    report = build_report(engine, scope, period)
    small_seen = 0
    for a in report.agreements:
        ledger = a.ledger
        for name, value in ledger.values.items():
            if name not in ledger.public and 0 < value < report.threshold and name != "free":
                small_seen += 1
                assert ledger.is_hidden(name), name
        for name in ledger.hidden:
            assert not ledger.derivable(name), name
        for q in a.questions:
            for table in q.tables:
                for (row, col), name in table.cells.items():
                    assert table.frame.at[row, col] == ledger.cell(name), (table.title, name)
    assert small_seen > 0  # the demo contains small counts, so the test means something


def test_occupancy_in_use_is_not_given_away_by_slots_minus_free():
    """The leak of issue 12: 'I brug: <5' beside the slots and the free slots."""
    from lib.domain.suppression import suppress_counts

    ledger = suppress_counts(
        {"slots": 6, "in_use": 3, "free": 3, "referral": 0},
        [("slots", ["in_use", "free"])],
        public=["slots"],
        not_people=["free"],
    )
    assert ledger.is_hidden("in_use") and ledger.is_hidden("free")
    assert ledger.cell("slots") == 6 and ledger.cell("in_use") == "<5"
    assert not ledger.derivable("in_use")


def test_staff_text_is_saved_per_agreement_and_period_and_stale_edits_refused(report_setup):
    engine, _scope, period = report_setup
    v1 = save_text(
        engine,
        "leder",
        agreement_id=1,
        period=period,
        section="q8",
        body="Lydhørt samarbejde.",
        expected_version=None,
    )
    v2 = save_text(
        engine,
        "leder",
        agreement_id=1,
        period=period,
        section="q8",
        body="Lydhørt og fleksibelt samarbejde.",
        expected_version=v1,
    )
    assert v2 == v1 + 1
    with pytest.raises(StaleText):  # someone opened version 1 days ago
        save_text(
            engine,
            "admin",
            agreement_id=1,
            period=period,
            section="q8",
            body="Gammel tekst",
            expected_version=v1,
        )
    with pytest.raises(StaleText):  # a new text where one already exists
        save_text(
            engine,
            "admin",
            agreement_id=1,
            period=period,
            section="q8",
            body="Ny",
            expected_version=None,
        )
    texts = load_texts(engine, period, [1])
    assert texts[(1, "q8")] == ("Lydhørt og fleksibelt samarbejde.", v2)
    other = Period(period.start - dt.timedelta(days=1), period.end)
    assert (1, "q8") not in load_texts(engine, other, [1])
    with pytest.raises(ValueError):
        save_text(
            engine,
            "leder",
            agreement_id=None,
            period=period,
            section="q1",
            body="x",
            expected_version=None,
        )


def test_docx_and_pptx_open_again_with_figures_text_and_images(report_setup):
    engine, scope, period = report_setup
    save_text(
        engine,
        "leder",
        agreement_id=1,
        period=period,
        section="q8",
        body="Der er lydhørhed og vilje til samarbejde.",
        expected_version=None,
    )
    save_text(
        engine,
        "leder",
        agreement_id=None,
        period=period,
        section="what_works",
        body="Konceptet virker.\n- Opfølgningsmøderne skal være mere systematiske",
        expected_version=None,
    )
    report = build_report(engine, scope, period)
    charts = to_document_charts(report_charts(report), 1)
    doc = Document(io.BytesIO(build_docx(report, charts)))

    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    titles = [t for _, t in headings]
    for question in QUESTIONS.values():
        assert titles.count(question) == 2, question  # once per agreement
    assert "Status i Samarbejdsaftale 1 – Café Ringparken" in titles
    assert "Status – hvad virker?" in titles and "Udviklings- og erfaringspunkter" in titles

    # Agreement 1's answer to question 1 sits under its own heading, before agreement 2.
    paragraphs = [p.text for p in doc.paragraphs]
    a1 = paragraphs.index("Status i Samarbejdsaftale 1 – Café Ringparken")
    a2 = paragraphs.index("Status i Samarbejdsaftale 2 – Motalavej")
    q1_a1 = paragraphs.index(QUESTIONS["q1"], a1)
    assert q1_a1 < a2 and "5 af 6 i brug" in paragraphs[q1_a1 + 1]
    assert "8 af 10 i brug" in paragraphs[paragraphs.index(QUESTIONS["q1"], a2) + 1]
    q8_a1 = paragraphs.index(QUESTIONS["q8"], a1)
    assert "Der er lydhørhed og vilje til samarbejde." in paragraphs[q8_a1:a2]
    assert "Konceptet virker." in paragraphs
    assert any(p.style.name == "List Bullet" and "systematiske" in p.text for p in doc.paragraphs)
    # The charts the deck shows, each once, and none without a published figure.
    assert len(doc.inline_shapes) == len(charts) >= 3
    # The suppression note is said once, in the 'Om tallene' box.
    body = "\n".join(paragraphs + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert body.count("Tal under 5 vises som") == 1

    deck = Presentation(io.BytesIO(build_pptx(report, charts)))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(charts)
    for slide, chart in zip(slides[1:], charts, strict=True):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert texts[0] == chart.title
        assert any("Kilde: Forløbsmonitor" in t for t in texts)
        assert sum(1 for s in slide.shapes if s.shape_type == 13) == 1  # one picture


def test_report_statements_do_not_grow_with_the_agreements(sqlite_engine):
    """Each figure of the report is one statement for all chosen agreements (grouped by
    agreement), never one per agreement: building it for one agreement and for six sends
    the same number of SQL statements, for a manager and (scope as a join) a caseworker,
    all in one transaction."""
    from sqlalchemy import event, select

    from bench.generate import Size, generate
    from db.models import Agreement

    generate(sqlite_engine, Size("T6", 6, 60, 4.0, 2, 3))
    with sqlite_engine.connect() as conn:
        ids = list(conn.scalars(select(Agreement.id).order_by(Agreement.id)))
    assert len(ids) == 6
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(sqlite_engine, "before_cursor_execute", count)
    try:
        for username in ("leder", "sagsbehandler"):
            scope = scope_for(sqlite_engine, username)
            sent = {}
            for chosen in (ids[:1], ids):
                statements.clear()
                report = build_report(sqlite_engine, scope, default_period(), chosen)
                assert [a.agreement_id for a in report.agreements] == chosen
                sent[len(chosen)] = len(statements)
            assert sent[1] == sent[6], (username, sent)
            # One transaction for the whole report: one BEGIN, not one per query (was 16
            # of 40 statements; the committee pages went over 50 per run at size M).
            assert sum(s.startswith("BEGIN") for s in statements) == 1, statements
            assert sent[6] <= 26, (username, sent)
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", count)


def test_a_chart_with_many_rows_renders_within_the_pixel_bound():
    """A chart's PNG does not grow with its rows: 2,000 bars at Vega-Lite's default 20 px
    a row (40,000 px high, 80,000 at scale 2) come out within MAX_PIXELS and MAX_SIDE,
    and PIL opens it (at 40 agreements a 271-megapixel chart made PIL refuse the deck)."""
    import altair as alt
    import pandas as pd
    from PIL import Image

    from lib.documents.exports import MAX_PIXELS, MAX_SIDE, chart_png

    rows = pd.DataFrame({"r": [f"r{i}" for i in range(2000)], "v": range(2000)})
    tall = alt.Chart(rows).mark_bar().encode(y=alt.Y("r:N", axis=None), x="v:Q")
    with Image.open(io.BytesIO(chart_png(tall))) as img:
        assert img.width * img.height <= MAX_PIXELS
        assert max(img.size) <= MAX_SIDE
    small = alt.Chart(rows.head(3)).mark_bar().encode(y="r:N", x="v:Q").properties(width=200)
    with Image.open(io.BytesIO(chart_png(small))) as img:
        assert img.width > 400  # a small chart keeps scale 2 (crisp)


def test_committee_charts_for_many_agreements_stay_bounded_and_readable(sqlite_engine):
    """With more agreements than fit (CROWDED), each committee chart is a strip: one row
    per measure with a dot per agreement, not a bar and a label per agreement and
    measure (unreadable, and seconds of layout at 40). Every PNG stays within the pixel
    bound, Word and PowerPoint embed the same images, and the per-agreement figures stay
    in the notes."""
    import altair as alt
    from PIL import Image

    from bench.generate import Size, generate
    from lib.documents.exports import MAX_PIXELS
    from lib.documents.presentation import CROWDED, presentation_charts

    n = CROWDED + 4
    # 50 courses each: with 25, some days' half-year period left agreements with fewer
    # than 5 participants, withheld, and then no more than CROWDED were drawn.
    generate(sqlite_engine, Size("T12", n, 50 * n, 4.0, 2, 3))
    report = build_report(sqlite_engine, scope_for(sqlite_engine, "leder"), default_period())
    assert len(report.agreements) == n
    assert sum(not a.withheld for a in report.agreements) > CROWDED
    charts = presentation_charts(report)
    for chart in charts:
        spec = chart.chart.to_dict()
        layer = spec.get("layer", [spec])
        assert [part["mark"]["type"] for part in layer] == ["circle", "tick"], chart.key
        assert not any(part["mark"]["type"] == "text" for part in layer)
        assert "legend" not in str(spec.get("encoding", {}))
        assert ".." not in chart.subtitle, chart.subtitle  # the strip's note ends the line once
    shown = [c for c in charts if c.has_data]
    documents = to_document_charts(shown)
    assert documents
    for chart, document in zip(shown, documents, strict=True):
        assert chart.figures == document.figures  # each agreement's figures, in the notes
        with Image.open(io.BytesIO(document.png)) as img:
            assert img.width * img.height <= MAX_PIXELS
    deck = Presentation(io.BytesIO(build_pptx(report, documents)))
    pictures = [s.image.blob for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures == [d.png for d in documents]  # rendered once, the same PNG
    assert isinstance(charts[0].chart, alt.LayerChart)


def test_chart_content_stands_for_what_the_charts_are_drawn_from(report_setup):
    """The pages make each committee chart once per chart_content: texts, tables, the
    ledger and the header leave it (and the charts) as they are; a fact, the threshold or
    an agreement's slots change it."""
    import dataclasses

    from lib.documents.presentation import chart_content, presentation_charts
    from lib.documents.report import ReportHeaderFields

    engine, scope, period = report_setup
    report = build_report(engine, scope, period)
    content = chart_content(report)
    specs = [c.chart.to_dict() for c in presentation_charts(report)]
    same = dataclasses.replace(
        report,
        texts={(None, "intro"): "Ny tekst"},
        header=ReportHeaderFields(author="En anden"),
        agreements=[
            dataclasses.replace(a, questions=[], description="") for a in report.agreements
        ],
    )
    assert chart_content(same) == content
    assert [c.chart.to_dict() for c in presentation_charts(same)] == specs
    first = report.agreements[0]
    occupancy = dataclasses.replace(first.facts.occupancy, free=first.facts.occupancy.free + 3)
    changed = [
        dataclasses.replace(report, threshold=report.threshold - 1),
        dataclasses.replace(report, agreements=[dataclasses.replace(first, slots=first.slots + 3)]),
        dataclasses.replace(
            report,
            agreements=[
                dataclasses.replace(
                    first, facts=dataclasses.replace(first.facts, occupancy=occupancy)
                )
            ],
        ),
    ]
    assert len({content, *map(chart_content, changed)}) == 4
