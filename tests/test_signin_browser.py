"""Sign-in in a real browser: Debian's Chromium against the app served by `streamlit run`
on a copy of the demo database. What only a browser shows: page addresses (deep links,
the sign-in form at every address), the menu of each role, and the session cookie that
keeps a person signed in across addresses and is gone after signing out. The form's
messages and each role's access to each page are tested under AppTest
(tests/test_app_signin.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app import PAGES
from tests.browser import (
    english_aria,
    exceptions_on_page,
    nav_titles,
    open_each,
    open_path,
    open_signed_in,
    screenshot,
    sign_in,
    sign_out,
)

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


def _sample_of_pages() -> list[str]:
    """The first, a middle and the last page of the table: the gate is one piece of code in
    app.py in front of every page (AppTest tries every page signed out), so a browser needs
    only a few addresses to show that a deep link keeps its address behind the form."""
    paths = [spec.url_path for spec in PAGES]
    return list(dict.fromkeys([paths[0], paths[len(paths) // 2], paths[-1]]))


def test_anonymous_visitor_gets_the_sign_in_form_at_a_page_url(served_demo, page):
    titles = {spec.url_path: spec.title for spec in PAGES}
    for path, tab in open_each(page, served_demo.url, _sample_of_pages()):
        expect(tab.get_by_role("button", name="Log ind")).to_be_visible()
        assert tab.url.endswith(f"/{path}"), "the deep link must survive"
        assert tab.get_by_role("heading", name=titles[path], exact=True).count() == 0
        assert nav_titles(tab) == []
    open_path(page, served_demo.url)
    screenshot(page, "log-ind")
    # The form's screen-reader names read Danish: the password field's eye too.
    expect(page.get_by_role("button", name="Vis adgangskoden")).to_have_count(1)
    expect(english_aria(page)).to_have_count(0)


@pytest.mark.parametrize("username", list(ROLE_OF))
def test_each_demo_user_signs_in_and_sees_the_pages_of_the_role(username, served_demo, page):
    role_pages = [s for s in PAGES if ROLE_OF[username] in s.roles]
    first, last = role_pages[0], role_pages[-1]
    # A deep link: the page's address, opened before signing in, is the page shown after.
    open_path(page, served_demo.url, last.url_path)
    sign_in(page, username)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    expect(page.get_by_role("heading", name=last.title, exact=True).first).to_be_visible()
    expected = titles_for(ROLE_OF[username])
    if len(expected) > 1:  # Streamlit shows no menu for a single page
        assert nav_titles(page) == expected
    # The whole menu at once: no "View more"/"View less" button, no English in the sidebar.
    assert page.locator('[data-testid="stSidebarNavViewButton"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "View" not in sidebar and "more" not in sidebar.lower()
    assert exceptions_on_page(page) == 0
    # Screen-reader names read Danish after signing in from the form (which has its own
    # copy of the translation; the menu's takes over).
    expect(english_aria(page)).to_have_count(0)
    screenshot(page, f"efter-log-ind-{username}")
    # The session survives opening another address (a new browser session, as a refresh
    # is): the front page opens the role's first page.
    open_path(page, served_demo.url)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    expect(page.get_by_role("heading", name=first.title, exact=True).first).to_be_visible()
    assert exceptions_on_page(page) == 0
    if username != "sagsbehandler":
        return  # signing out is the same for every role: shown once, for a caseworker
    sign_out(page)
    assert nav_titles(page) == []
    # Signed out for good: the page's address now shows the sign-in form.
    open_path(page, served_demo.url, last.url_path)
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()
    assert page.get_by_role("button", name="Log ud").count() == 0


def test_a_page_the_role_lacks_cannot_be_opened_by_its_url(served_demo, page):
    # Two of them: the refusal is one check in app.py, and AppTest tries every page for
    # every role (tests/test_app_signin.py); here the address is typed into a browser.
    lacking = [s for s in PAGES if "virksomhed" not in s.roles]
    assert len(lacking) >= 2, "the page table should have pages enterprise staff may not open"
    lacking = [lacking[0], lacking[-1]]
    open_signed_in(page, served_demo, "mentor")
    for spec in lacking:
        open_path(page, served_demo.url, spec.url_path)
        expect(page.get_by_text("Du har ikke adgang til denne side")).to_be_visible()
        assert spec.title not in nav_titles(page)
    screenshot(page, "ingen-adgang")
