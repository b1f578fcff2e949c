"""The four dashboard pages in Chromium on the demo data, opened from the menu as a manager
(signed in by the session cookie; the form is tested in test_signin_browser.py) does: occupancy figures, charts drawn, no Streamlit exception; screenshots in
test-artifacts/."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser import (
    english_aria,
    exceptions_on_page,
    open_from_menu,
    open_signed_in,
    screenshot,
)
from tests.conftest import occupancy_as_shown

pytestmark = pytest.mark.browser


def test_dashboards_in_chromium(served_demo, page, demo_engine):
    open_signed_in(page, served_demo, "leder", "overblik")
    main = page.locator('[data-testid="stMain"]')
    for in_use, share in occupancy_as_shown(demo_engine):
        expect(main.get_by_text(in_use)).to_be_visible()
        expect(main.get_by_text(share).first).to_be_visible()
    expect(page.locator(".vega-embed").first).to_be_visible()
    assert exceptions_on_page(page) == 0
    screenshot(page, "dashboard-overblik")
    # Screen-reader names read Danish, the period field's parts included (after signing in
    # from the form too: test_signin_browser.py).
    expect(page.get_by_role("spinbutton", name="dag, Periode startdato")).to_have_count(1)
    expect(english_aria(page)).to_have_count(0)
    # A select's dropdown speaks Danish too: a search that matches nothing.
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("zzz-ingen")
    expect(page.get_by_text("Ingen resultater", exact=True)).to_be_visible()
    expect(page.get_by_text("No results", exact=True)).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("stMultiSelectDropdown")).to_have_count(0)
    # A table's Excel file is made when the button is clicked, and it opens.
    with page.expect_download() as info:
        main.get_by_role("button", name="Hent Excel").first.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert workbook.active.max_row > 3
    for path, heading in (
        ("opfolgning", "Overskredet nu"),
        ("progression", "Stjerne for én deltager"),
        ("resultater", "Beviser"),
    ):
        open_from_menu(page, path)
        expect(main.get_by_text(heading)).to_be_visible()
        expect(page.locator(".vega-embed").first).to_be_visible()
        assert exceptions_on_page(page) == 0, path
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, path
        screenshot(page, f"dashboard-{path}")
