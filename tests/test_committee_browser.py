"""Committee material in Chromium: sign in as leder through the real form, step through
the presentation, and download the evaluation report as Word."""

from __future__ import annotations

import pytest
from docx import Document
from playwright.sync_api import expect

from lib.domain.questions import QUESTIONS
from tests.browser import (
    exceptions_on_page,
    open_from_menu,
    open_path,
    screenshot,
    sign_in,
    wait_idle,
)
from tests.conftest import occupancy_as_shown

pytestmark = pytest.mark.browser


def test_leder_steps_through_presentation_and_downloads_the_report(served_demo, page, demo_engine):
    open_path(page, served_demo.url, "praesentation")
    sign_in(page, "leder")
    expect(page.get_by_text("Diagram 1 af 4")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Pladser i brug og ledige pr. samarbejdsaftale")).to_be_visible()
    screenshot(page, "praesentation-1")
    seen = []
    for step in range(2, 5):
        page.get_by_role("button", name="Næste").click()
        wait_idle(page)
        expect(page.get_by_text(f"Diagram {step} af 4")).to_be_visible()
        seen.append(page.locator(".fm-slide-title").inner_text())
        assert page.locator('[data-testid="stVegaLiteChart"] svg, canvas').count() >= 1
    assert seen == ["Opfølgning til tiden", seen[1], "Resultat efter forløb"]
    expect(page.get_by_role("button", name="Næste")).to_be_disabled()
    screenshot(page, "praesentation-4")
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "D-1" not in body  # never a participant code
    assert exceptions_on_page(page) == 0

    open_from_menu(page, "evalueringsrapport")
    expect(page.get_by_role("heading", name="Evalueringsrapport")).to_be_visible()
    page.get_by_role("button", name="Lav Word og PowerPoint").click()
    download_button = page.get_by_role("button", name="Hent Word (.docx)")
    expect(download_button).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.startswith("evalueringsrapport_")
    assert download.suggested_filename.endswith(".docx")
    doc = Document(str(download.path()))
    titles = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert all(q in titles for q in QUESTIONS.values())
    first_agreement_in_use = occupancy_as_shown(demo_engine)[0][0]
    assert any(first_agreement_in_use in p.text for p in doc.paragraphs)
    screenshot(page, "evalueringsrapport")
    assert exceptions_on_page(page) == 0
