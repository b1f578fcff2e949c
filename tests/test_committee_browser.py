"""Committee material in Chromium: signed in as leder by the session cookie, step through
the presentation, and download the evaluation report as Word; a report draft survives
leaving the page (signed in by the session cookie)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from playwright.sync_api import expect

from lib.domain.questions import QUESTIONS
from tests.browser import (
    exceptions_on_page,
    open_from_menu,
    open_signed_in,
    screenshot,
    wait_idle,
)
from tests.conftest import occupancy_as_shown

pytestmark = pytest.mark.browser


def test_leder_steps_through_presentation_and_downloads_the_report(served_demo, page, demo_engine):
    # Opened signed in by the session cookie, as a manager returning to the app is: the
    # keys must still step the slides after "Start præsentation" replaces the frame that
    # brought them (they once stopped there, working only after a form sign-in).
    open_signed_in(page, served_demo, "leder", "praesentation")
    expect(page.get_by_text("Dias 1 af 3")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Pladser i brug og ledige pr. samarbejdsaftale")).to_be_visible()
    screenshot(page, "praesentation-1")
    # Full screen: no sidebar, no demo banner; the keys and a clicker step the slides.
    page.get_by_role("button", name="Start præsentation").click()
    expect(page.get_by_role("button", name="Afslut præsentation")).to_be_visible()
    wait_idle(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator(".fm-demo").first.is_visible()
    page.locator(".fm-slide-title").click()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("Dias 2 af 3")).to_be_visible(timeout=15_000)
    page.keyboard.press("PageDown")
    expect(page.get_by_text("Dias 3 af 3")).to_be_visible(timeout=15_000)
    assert page.locator('[data-testid="stVegaLiteChart"] svg, canvas').count() >= 1
    expect(page.get_by_role("button", name="Næste")).to_be_disabled()
    screenshot(page, "praesentation-fuld-skaerm")
    page.keyboard.press("PageUp")
    expect(page.get_by_text("Dias 2 af 3")).to_be_visible(timeout=15_000)
    # Forrige/Næste stay at the same place on the screen from slide to slide.
    box = page.get_by_role("button", name="Næste").bounding_box()
    page.get_by_role("button", name="Forrige").click()
    expect(page.get_by_text("Dias 1 af 3")).to_be_visible()
    wait_idle(page)
    assert page.get_by_role("button", name="Næste").bounding_box() == box
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "D-1" not in body  # never a participant code
    page.get_by_role("button", name="Afslut præsentation").click()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    assert exceptions_on_page(page) == 0
    # The slide's chart as a PNG, made when the button is clicked.
    page.get_by_text("Hent diagrammet").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Hent PNG").click()
    assert info.value.suggested_filename.endswith(".png")
    with Image.open(io.BytesIO(Path(info.value.path()).read_bytes())) as image:
        assert image.width > 300 and image.height > 100

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


def test_report_text_draft_survives_leaving_the_page_unsaved(served_demo, page):
    open_signed_in(page, served_demo, "leder", "evalueringsrapport")
    area = page.get_by_label("Introduktion (vises efter tallene om aftalerne)")
    expect(area).to_be_visible(timeout=30_000)
    wait_idle(page)
    area.fill("Kladde der ikke er gemt")
    area.blur()  # leaving the field keeps a draft in the browser
    # Every agreement has a field with this label: a draft belongs to one agreement's field.
    first, second = page.get_by_label("Vurdering: Er forløbene i brug?").all()[:2]
    first.fill("Kladde om den første aftale")
    first.blur()
    wait_idle(page)
    # Reopening the page (as after a closed tab) puts the unsaved text back.
    page.reload()
    wait_idle(page)
    area = page.get_by_label("Introduktion (vises efter tallene om aftalerne)")
    expect(area).to_have_value("Kladde der ikke er gemt", timeout=30_000)
    first, second = page.get_by_label("Vurdering: Er forløbene i brug?").all()[:2]
    expect(first).to_have_value("Kladde om den første aftale")
    expect(second).to_have_value("")
    # Leaving for another page through the menu asks first; declining stays here.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator('[data-testid="stSidebarNav"] a').first.click()
    wait_idle(page)
    expect(area).to_be_visible()
    # Saving a form clears its drafts, and only its own.
    page.get_by_role("button", name="Gem introduktion").click()
    wait_idle(page)
    drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('forlob-draft:'))")
    assert len(drafts) == 1 and "_q1_" in drafts[0]
