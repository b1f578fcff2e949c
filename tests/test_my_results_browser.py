"""Mine resultater in a real browser: the demo caseworker, signed in (by the session cookie;
the form is tested in test_signin_browser.py), opens the page from the menu; the figures are the caseworker's own next to the centre."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.domain.format import fmt_pct
from lib.domain.measures import JOB_OR_EDUCATION
from lib.queries.my_results import my_results
from tests.browser import (
    exceptions_on_page,
    nav_titles,
    open_signed_in,
    screenshot,
    wait_idle,
)
from tests.conftest import scope_for

pytestmark = pytest.mark.browser


def test_caseworker_signs_in_and_sees_mine_resultater(served_demo, page, demo_engine):
    open_signed_in(page, served_demo, "sagsbehandler")
    assert "Mine resultater" in nav_titles(page)
    assert "Fidelitet" not in nav_titles(page)

    page.locator('[data-testid="stSidebarNav"] a', has_text="Mine resultater").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Mine resultater", exact=True)).to_be_visible()
    assert page.url.endswith("/mine-resultater")

    results = my_results(demo_engine, scope_for(demo_engine, "sagsbehandler"))
    own = results.own
    forlob = page.locator('[data-testid="stMetric"]', has_text="Forløb").first
    expect(forlob).to_contain_text(str(own.courses))
    job = page.locator('[data-testid="stMetric"]', has_text=JOB_OR_EDUCATION.label).first
    expect(job).to_contain_text(
        f"{fmt_pct(own.job_or_education_share)} ({own.job_or_education} af {own.ended})"
    )
    # Counted over the dashboards' default period, and the page says so.
    expect(page.get_by_text(results.period.label, exact=False).first).to_be_visible()
    # The charts (SVG) compare own participants with the whole centre.
    expect(page.get_by_text("Mine deltagere").first).to_be_visible()
    expect(page.get_by_text("Hele jobcentret").first).to_be_visible()
    assert page.get_by_text("Jens Jobkonsulent").count() == 0
    assert exceptions_on_page(page) == 0
    screenshot(page, "mine-resultater-sagsbehandler")
