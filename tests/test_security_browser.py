"""Issue 13 in Chromium: a session cookie copied before sign-out opens nothing afterwards,
in a fresh browser; "Log alle enheder ud" ends the other browser's session too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.security.config import COOKIE_NAME
from tests.browser import RUN_TIMEOUT_MS, open_path, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


def _session_cookie(context) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
    return cookie


def _fresh_context(browser, cookie: dict | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    if cookie:
        context.add_cookies([cookie])
    return context


def _signed_in_with(browser, url: str, cookie: dict) -> bool:
    """Open the app in a new browser holding only `cookie`: signed in or not?"""
    context = _fresh_context(browser, cookie)
    page = context.new_page()
    try:
        open_path(page, url, "overblik")
        signed_in = page.get_by_role("button", name="Log ud", exact=True)
        form = page.get_by_role("button", name="Log ind", exact=True)
        expect(signed_in.or_(form).first).to_be_visible(timeout=RUN_TIMEOUT_MS)
        return signed_in.count() > 0
    finally:
        context.close()


def test_a_copied_cookie_is_refused_after_sign_out(served_demo, browser, page):
    open_path(page, served_demo.url)
    sign_in(page, "admin")
    copied = _session_cookie(page.context)
    assert "admin" not in copied["value"]  # the cookie names no user
    # The copy works while the session lives (so the refusal below is the sign-out's doing).
    assert _signed_in_with(browser, served_demo.url, copied)
    sign_out(page)
    context = _fresh_context(browser, copied)
    stolen = context.new_page()
    open_path(stolen, served_demo.url, "revisionslog")
    expect(stolen.get_by_role("button", name="Log ind", exact=True)).to_be_visible()
    assert stolen.get_by_role("button", name="Log ud", exact=True).count() == 0
    screenshot(stolen, "kopieret-cookie-afvist")
    context.close()


def test_log_out_everywhere_ends_the_session_in_another_browser(served_demo, browser, page):
    open_path(page, served_demo.url)
    sign_in(page, "leder")
    other = _fresh_context(browser, _session_cookie(page.context))
    other_page = other.new_page()
    open_path(other_page, served_demo.url, "overblik")
    expect(other_page.get_by_role("button", name="Log ud", exact=True)).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    page.get_by_role("button", name="Log alle enheder ud").click()
    expect(page.get_by_role("button", name="Log ind", exact=True)).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    # The other browser is still connected; its next action finds the session ended.
    other_page.get_by_role("link", name="Opfølgning").first.click()
    expect(other_page.get_by_role("button", name="Log ind", exact=True)).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    other.close()
