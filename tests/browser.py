"""Helpers for driving the served app in Chromium with Playwright."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lib.security.config import COOKIE_NAME
from views.texts.chrome import ARIA, ARIA_PREFIXES, ARIA_SUFFIXES

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# How long a run of the app may take before a helper gives up: generous, because the test
# processes share two cores with the served apps and Chromium.
RUN_TIMEOUT_MS = 30_000


# Whether the app is idle, checked in the page every 50 ms by Playwright: connected, not
# running, and the same script state, running icon and length of the page's text for
# `quiet` ms. The clock restarts on each call (`token`), so the page must be quiet for the
# whole window after the call, as after a click whose run has not started yet. Asked from
# Python instead, each check was a round trip through Playwright's driver costing about
# 4 ms of CPU, 20 times a second for every wait: some 30 s of the suite's CPU.
_IDLE = """([quiet, token]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const running = document.querySelector(
        '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]');
    const state = [app && app.getAttribute('data-test-script-state'), !!running,
                   document.body.innerText.length].join('|');
    const now = performance.now();
    const seen = window.__fmIdle;
    if (!seen || seen.token !== token || seen.state !== state) {
        window.__fmIdle = {token, state, since: now};
        return false;
    }
    return now - seen.since >= quiet && state.includes('|false|') && !state.startsWith('running');
}"""


def wait_idle(page: Page, quiet: float = 0.5, timeout: float = 30) -> None:
    """Wait until Streamlit is connected, not running, and the DOM has been quiet a while
    (the cookie component triggers another run shortly after a click). Gives up silently
    after `timeout` seconds: the test's next step then fails with what it expected."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout * 1000
    )
    try:
        page.wait_for_function(
            _IDLE, arg=[quiet * 1000, uuid.uuid4().hex], polling=50, timeout=timeout * 1000
        )
    except PlaywrightTimeoutError:
        return


def open_path(page: Page, base_url: str, path: str = "") -> None:
    """Open an address as a person types or pastes it: a new page load and a new Streamlit
    session (signed in again from the session cookie, if there is one). In the tab in
    front, as a person types it there: headless Chromium draws no frames for a tab behind
    a newer one of the same context, and every click there then waited 2 s for Playwright's
    "stable" check (which compares two animation frames)."""
    page.bring_to_front()
    page.goto(f"{base_url}/{path}")
    wait_idle(page)


def open_each(page: Page, base_url: str, paths: list[str], batch: int = 4):
    """Open many addresses as `open_path` does, several tabs at a time in `page`'s context
    (so with its cookie): the server renders them side by side instead of one by one.
    Yields (path, tab) once each tab is idle; the tab is closed after the caller's turn."""
    for start in range(0, len(paths), batch):
        tabs = []
        for path in paths[start : start + batch]:
            tab = page.context.new_page()
            tab.goto(f"{base_url}/{path}", wait_until="commit")
            tabs.append((path, tab))
        for path, tab in tabs:
            wait_idle(tab)
            yield path, tab
            tab.close()


def open_from_menu(page: Page, url_path: str) -> None:
    """Open a page by its link in the sidebar menu, as a signed-in person does: a page
    switch within the session, no new page load."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]')
    if not link.is_visible():
        _expand_menu(page)
    link.click()
    # A page may add its choice to the address (e.g. ?forlob=12).
    page.wait_for_url(re.compile(rf"/{re.escape(url_path)}(\?.*)?$"))
    wait_idle(page)


def sign_in(page: Page, username: str, password: str = "demo") -> None:
    """Fill in and submit the sign-in form. On success, wait until the session cookie is
    set, as a person's next action would (a test may open another address at once)."""
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode", exact=True).fill(password)
    page.get_by_role("button", name="Log ind").click()
    signed_in = page.get_by_role("button", name="Log ud")
    refused = page.get_by_test_id("stAlertContentError")
    expect(signed_in.or_(refused).first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    if signed_in.count():
        _wait_for_session_cookie(page, present=True)
    wait_idle(page)


def open_signed_in(page: Page, app, username: str, path: str = "") -> None:
    """Open an address already signed in as `username`, as a person who signed in earlier
    does: a live session in the served app's database and its signed cookie in the
    browser, what the form leaves behind (lib.security.sessions). For the tests whose
    subject is not signing in: the form's sign-in costs some 3 s of Chromium's CPU (the
    form's run, the cookie component's frame and the run after it). Signing in through
    the form is tested where it is the subject (test_signin_browser.py and the tests of
    sign-out, copied cookies, nginx, single sign-on and an admin's first day)."""
    from lib.security.sessions import cookie_value
    from tests.conftest import TEST_COOKIE_KEY, session_token_for

    token = session_token_for(app.db_url, username, "Chromium (browser test)")
    cookie = cookie_value(token, TEST_COOKIE_KEY)
    page.context.add_cookies(
        [{"name": COOKIE_NAME, "value": cookie, "url": app.url, "sameSite": "Strict"}]
    )
    open_path(page, app.url, path)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible(timeout=RUN_TIMEOUT_MS)


def sign_out(page: Page) -> None:
    """Sign out and wait until the browser has forgotten the session cookie: until then,
    opening an address would sign the user in again from it."""
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("button", name="Log ind")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    _wait_for_session_cookie(page, present=False)
    wait_idle(page)


def _wait_for_session_cookie(page: Page, present: bool, timeout: float = 15) -> None:
    """The app sets and deletes the session cookie from a browser component, a moment
    after the run that signed the user in or out. Fails if that never happens."""
    try:
        page.wait_for_function(
            """([name, present]) => document.cookie.split('; ')
                .some(c => c.startsWith(name + '=')) === present""",
            arg=[COOKIE_NAME, present],
            timeout=timeout * 1000,
        )
    except PlaywrightTimeoutError:
        what = "set after sign-in" if present else "deleted after sign-out"
        raise AssertionError(
            f"the app had not {what} the {COOKIE_NAME} cookie {timeout:.0f} s later"
        ) from None


def _expand_menu(page: Page) -> None:
    # A long menu is collapsed behind "View more"; open it to see every entry.
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower():
        more.click()
        expect(more).to_contain_text(re.compile("less", re.IGNORECASE))


def nav_titles(page: Page) -> list[str]:
    _expand_menu(page)
    # Each link holds the icon ligature (e.g. "dashboard") and then the title.
    texts = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts if t.strip()]


def english_aria(page: Page):
    """Screen-reader names Streamlit writes in English that views/components/chrome.py
    translates (views/texts/chrome.py): one definition for every test that checks them."""
    whole = [f'[aria-label="{english}"]' for english in ARIA]
    starts = [f'[aria-label^="{english}"]' for english in ("Help for ", *ARIA_PREFIXES)]
    ends = [f'[aria-label$="{english}"]' for english in ARIA_SUFFIXES]
    return page.locator(", ".join(whole + starts + ends))


def exceptions_on_page(page: Page) -> int:
    return page.locator('[data-testid="stException"]').count()


# Screenshots of passing steps cost seconds each (the viewport grows, the charts draw
# again); they are taken when asked for (FORLOB_SCREENSHOTS=1), and a failing browser
# test always leaves one of where it stopped (tests/conftest.py).
SCREENSHOTS = os.environ.get("FORLOB_SCREENSHOTS", "") not in ("", "0")


def screenshot(page: Page, name: str, always: bool = False) -> Path | None:
    """A screenshot of the whole app: the main element scrolls, so grow the viewport."""
    if not (SCREENSHOTS or always):
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], [data-testid="stMainBlockContainer"]\')].map(e => e.scrollHeight), 900)'
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 6000)})
    time.sleep(0.3)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


class Journey:
    """Counts what a person does: every click and every field filled."""

    def __init__(self, page: Page):
        self.page = page
        self.interactions = 0

    def answer(self, question: str, answer: str) -> None:
        group = self.page.get_by_role("radiogroup", name=question)
        group.get_by_text(answer, exact=True).click()
        self.interactions += 1

    def click(self, locator) -> None:
        locator.click()
        self.interactions += 1

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.interactions += 1


def first_score(page: Page):
    """The first 1–5 score (a segmented control: a radio group of five buttons)."""
    groups = page.locator('[data-testid="stButtonGroup"] [role="radiogroup"]')
    return groups.filter(has=page.get_by_role("radio", name="5", exact=True)).first


def answer_evaluation_and_save(page: Page, note: str) -> Journey:
    """Answer every required question of the open evaluation form, give one score and a
    note, and save (confirming if the course was evaluated within the last week)."""
    j = Journey(page)
    j.answer("Nærmer deltageren sig det langsigtede mål?", "Tættere på målet")
    j.answer("Skal delmålene justeres?", "Nej")
    j.answer("Er evalueringen skrevet sammen med deltageren?", "Ja")
    j.answer("Blev opfølgningsmødet holdt?", "Ja")
    j.answer("Deltog sagsbehandleren i mødet?", "Nej")
    j.answer("Fik sagsbehandleren invitation til evalueringen?", "Nej")
    # One score: the first parameter's "3" button (the others stay "ikke vurderet").
    j.click(first_score(page).get_by_role("radio", name="3", exact=True))
    j.fill(page.get_by_role("textbox", name="Noter"), note)
    j.click(page.get_by_role("button", name="Gem evaluering"))
    wait_idle(page)
    confirm = page.get_by_text("Ja, gem alligevel")
    if confirm.count():  # a demo course evaluated within the last week asks first
        j.click(confirm)
        j.click(page.get_by_role("button", name="Gem evaluering"))
        wait_idle(page)
    return j
