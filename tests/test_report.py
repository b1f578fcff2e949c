"""The evaluation report on the demo data: numbers, staff text, suppression, documents."""

import datetime as dt
import io

import pytest
from docx import Document
from pptx import Presentation

from lib import rules
from lib.compliance import compliance, deliverables_by_kind
from lib.occupancy import occupancy_by_agreement
from lib.presentation import presentation_charts, report_charts, to_document_charts
from lib.report import (
    QUESTIONS,
    Period,
    StaleText,
    build_docx,
    build_pptx,
    build_report,
    default_period,
    load_texts,
    save_text,
)
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
        return [(i.due, i.status) for i in items if i.status in rules.COUNTED]

    found = statuses(
        dt.date(2024, 1, 31), [dt.date(2024, 3, 29), dt.date(2024, 6, 15)], 2, dt.date(2024, 9, 1)
    )
    # Due 31 Mar, done 29 Mar: on time; next due 29 May, done 15 Jun (17 days): late;
    # next due 15 Aug, not done by 1 Sep (17 days): missing.
    assert [s for _, s in found] == ["Til tiden", "For sent", "Mangler"]
    # One month after 31 Jan in a leap year is 29 Feb.
    leap = statuses(dt.date(2024, 1, 31), [], 1, dt.date(2024, 3, 15))
    assert leap == [(dt.date(2024, 2, 29), "Mangler")]
    on_due = statuses(dt.date(2024, 1, 1), [dt.date(2024, 3, 1)], 2, dt.date(2024, 3, 2))
    assert on_due == [(dt.date(2024, 3, 1), "Til tiden")]
    # Where the report's copy disagreed, lib.rules wins: an evaluation due 3 days before
    # the course ended and never written is missing (the copy only counted it once the
    # grace had run out before the end), and a pause moves the due date.
    ended = statuses(
        dt.date(2024, 1, 1), [], 2, dt.date(2024, 4, 1), course_end=dt.date(2024, 3, 4)
    )
    assert ended == [(dt.date(2024, 3, 1), "Mangler")]
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
        assert a.facts["in_use"] == live[a.agreement_id].in_use
        assert a.facts["in_referral"] == live[a.agreement_id].in_referral
        assert a.facts["free"] == live[a.agreement_id].free
        assert a.facts["plans"] == {
            "Til tiden": total.plans.on_time,
            "For sent": total.plans.late,
            "Mangler": total.plans.missing,
        }
        assert a.facts["evaluations"] == {
            "Til tiden": total.evaluations.on_time,
            "For sent": total.evaluations.late,
            "Mangler": total.evaluations.missing,
        }
        assert a.facts["meetings"] == {
            "held": total.meetings_held,
            "present": total.caseworker_present,
            "total": total.evaluations_held,
        }
        kinds = deliverables_by_kind(engine, scope, f)
        assert sum((t for t in kinds.values()), rules.Tally()) == total.deliverables


def test_demo_figures(report_setup):
    engine, scope, period = report_setup
    report = build_report(engine, scope, period)
    a1, a2 = report.agreements
    assert a1.facts["in_use"] == 5 and a1.slots == 6 and a1.facts["in_referral"] == 1
    assert a2.facts["in_use"] == 8 and a2.slots == 10 and a2.facts["in_referral"] == 2
    assert "5 af 6 i brug" in a1.question("q1").summary[0]
    assert "<5 er i visitation" in a1.question("q1").summary[0]  # 1 person: suppressed
    assert "8 af 10 i brug" in a2.question("q1").summary[0]
    assert [q.title for q in a1.questions] == list(QUESTIONS.values())
    # Agreement 2 is systematic: every meeting held with the caseworker.
    assert a2.facts["meetings"]["held"] == a2.facts["meetings"]["total"] > 0
    assert a1.facts["meetings"]["held"] < a1.facts["meetings"]["total"]


def test_every_small_count_in_the_report_is_hidden(report_setup):
    engine, scope, period = report_setup
    report = build_report(engine, scope, period)
    small_seen = 0
    for a in report.agreements:
        for q in a.questions:
            for table in q.tables:
                if table.counts is None:
                    continue
                for col in table.counts.values.columns:
                    for row in table.counts.values.index:
                        v = table.counts.values.at[row, col]
                        if 0 < v < report.threshold:
                            small_seen += 1
                            assert table.counts.hidden.at[row, col]
                shown = table.frame.drop(columns=table.frame.columns[0]).to_numpy().ravel()
                assert not [v for v in shown if isinstance(v, int) and 0 < v < 5], table.title
    assert small_seen > 0  # the demo contains small counts, so the test means something


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
    doc = Document(io.BytesIO(build_docx(report, to_document_charts(report_charts(report), 1))))

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
    # Overview, agreement 1's compliance and agreement 2's three charts. Agreement 1's
    # progression rests on fewer than 5 people and none of its courses ended in the
    # period: no bare axes for those, the answer's text says why instead.
    assert len(doc.inline_shapes) == 1 + 1 + 3
    q6_a1 = paragraphs.index(QUESTIONS["q6"], a1)
    assert "færre end 5 deltagere og vises ikke" in paragraphs[q6_a1 + 1]

    # No small count of people in any table of the document.
    for table in doc.tables:
        first_col = [row.cells[0].text for row in table.rows]
        if "Pladser i aftalen" in first_col or "Virksomhed" in first_col:
            continue  # slots and agreement facts, not people
        for row in table.rows[1:]:
            for cell in row.cells[1:]:
                if cell.text.isdigit():
                    assert int(cell.text) == 0 or int(cell.text) >= 5, cell.text

    charts = to_document_charts(presentation_charts(report), 1)
    deck = Presentation(io.BytesIO(build_pptx(report, charts)))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(charts) == 5
    for slide, chart in zip(slides[1:], charts, strict=True):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert texts[0] == chart.title
        assert any("Kilde: Forløbsmonitor" in t for t in texts)
        assert sum(1 for s in slide.shapes if s.shape_type == 13) == 1  # one picture
