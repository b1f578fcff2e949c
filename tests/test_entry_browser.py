"""In Chromium against the served app: the demo caseworker signs in through the real form,
records an evaluation in a handful of clicks, signs out; the demo manager signs in and
sees the new evaluation.

The progression and compliance dashboards (issue 3) did not exist when this was written,
so the manager checks the course's evaluation list on the Evaluering page (managers see
every course); extend this test when those pages land."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import exceptions_on_page, open_path, screenshot, sign_in, sign_out, wait_idle

pytestmark = pytest.mark.browser

NOTE = "Browsertest: mødte stabilt <b>hele</b> perioden"


def _grid_text(page) -> str:
    return " ".join(page.locator('[role="gridcell"]').all_inner_texts())


def test_caseworker_records_an_evaluation_and_the_manager_sees_it(served_demo, page):
    open_path(page, served_demo.url, "evaluering")
    sign_in(page, "sagsbehandler")
    expect(page.get_by_role("heading", name="Evaluering", exact=True)).to_be_visible()
    course = page.url.split("forlob=")[-1] if "forlob=" in page.url else None
    # Scores are prefilled with the last ones: type a note, tick the invitation, save.
    page.get_by_role("textbox", name="Noter").fill(NOTE)
    page.get_by_text("Sagsbehandler fik invitation til evalueringen").click()
    page.get_by_role("button", name="Gem evaluering").click()
    wait_idle(page)
    confirm = page.get_by_text("Ja, gem alligevel")
    if confirm.count():  # a demo course evaluated within the last week asks first
        confirm.click()
        page.get_by_role("button", name="Gem evaluering").click()
        wait_idle(page)
    expect(
        page.get_by_test_id("stAlertContentSuccess").get_by_text(
            re.compile(r"Evalueringen af .* er gemt")
        )
    ).to_be_visible()
    assert exceptions_on_page(page) == 0
    screenshot(page, "entry_evaluation_saved")
    course = course or re.search(r"forlob=(\d+)", page.url).group(1)
    sign_out(page)

    open_path(page, served_demo.url, f"evaluering?forlob={course}")
    sign_in(page, "leder")
    expect(page.get_by_role("heading", name="Evaluering", exact=True)).to_be_visible()
    wait_idle(page)
    page.wait_for_function(
        "note => [...document.querySelectorAll('[role=gridcell]')]"
        ".some(c => c.innerText.includes(note))",
        arg="Browsertest",
        timeout=10000,
    )
    # Shown as typed: the markup is text, not bold.
    assert "<b>hele</b>" in _grid_text(page)
    assert exceptions_on_page(page) == 0
    screenshot(page, "entry_manager_sees_evaluation")
