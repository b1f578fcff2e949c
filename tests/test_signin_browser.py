"""Sign-in in a real browser: Debian's Chromium against the app served by `streamlit run`
on a copy of the demo database."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app import PAGES
from tests.browser import exceptions_on_page, nav_titles, open_path, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

ROLE_OF = {
    "admin": "admin",
    "leder": "leder",
    "sagsbehandler": "sagsbehandler",
    "mentor": "virksomhed",
}


def titles_for(role: str) -> list[str]:
    """Menu order: sections in order of first appearance, pages in table order."""
    sections: dict[str, list[str]] = {}
    for spec in PAGES:
        if role in spec.roles:
            sections.setdefault(spec.section, []).append(spec.title)
    return [title for titles in sections.values() for title in titles]


def test_anonymous_visitor_gets_the_sign_in_form_on_every_page_url(served_demo, page):
    for spec in PAGES:
        open_path(page, served_demo.url, spec.url_path)
        expect(page.get_by_role("button", name="Log ind")).to_be_visible()
        assert page.url.endswith(f"/{spec.url_path}"), "the deep link must survive"
        assert page.get_by_role("heading", name=spec.title, exact=True).count() == 0
        assert nav_titles(page) == []
    screenshot(page, "log-ind")


@pytest.mark.parametrize("username", list(ROLE_OF))
def test_each_demo_user_signs_in_and_sees_the_pages_of_the_role(username, served_demo, page):
    open_path(page, served_demo.url)
    sign_in(page, username)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    expected = titles_for(ROLE_OF[username])
    if len(expected) > 1:  # Streamlit shows no menu for a single page
        assert nav_titles(page) == expected
    assert exceptions_on_page(page) == 0
    screenshot(page, f"forside-{username}")
    # The session survives opening another page by its address (a new browser session).
    last = next(s for s in reversed(PAGES) if ROLE_OF[username] in s.roles)
    open_path(page, served_demo.url, last.url_path)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    expect(page.get_by_role("heading", name=last.title, exact=True).first).to_be_visible()
    sign_out(page)
    assert nav_titles(page) == []
    # Signed out for good: the page's address now shows the sign-in form.
    open_path(page, served_demo.url, last.url_path)
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()
    assert page.get_by_role("button", name="Log ud").count() == 0


def test_wrong_password_gets_a_danish_message(served_demo, page):
    open_path(page, served_demo.url)
    sign_in(page, "leder", "forkert")
    expect(page.get_by_text("Forkert brugernavn eller adgangskode")).to_be_visible()
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()


def test_deep_link_opens_the_page_after_sign_in_and_survives_a_refresh(served_demo, page):
    target = next((s for s in PAGES[1:] if "leder" in s.roles), PAGES[0])
    open_path(page, served_demo.url, target.url_path)
    sign_in(page, "leder")
    expect(page.get_by_role("heading", name=target.title, exact=True).first).to_be_visible()
    page.reload()
    open_path(page, served_demo.url, target.url_path)
    expect(page.get_by_role("heading", name=target.title, exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()


def test_a_page_the_role_lacks_cannot_be_opened_by_its_url(served_demo, page):
    lacking = [s for s in PAGES if "virksomhed" not in s.roles]
    assert lacking, "the page table should have pages enterprise staff may not open"
    open_path(page, served_demo.url)
    sign_in(page, "mentor")
    for spec in lacking:
        open_path(page, served_demo.url, spec.url_path)
        expect(page.get_by_text("Du har ikke adgang til denne side")).to_be_visible()
        assert spec.title not in nav_titles(page)
    screenshot(page, "ingen-adgang")


def test_manager_sees_the_demo_occupancy(served_demo, page):
    open_path(page, served_demo.url, "overblik")
    sign_in(page, "leder")
    expect(page.get_by_text("5 af 6 i brug").first).to_be_visible()
    expect(page.get_by_text("8 af 10 i brug").first).to_be_visible()
    assert exceptions_on_page(page) == 0
