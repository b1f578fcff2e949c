"""Helpers for driving the served app in Chromium with Playwright."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Page, expect

from lib.settings import COOKIE_NAME

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def wait_idle(page: Page, quiet: float = 0.6, timeout: float = 30) -> None:
    """Wait until Streamlit is connected, not running, and the DOM has been quiet a while
    (the cookie component triggers another run shortly after a click)."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout * 1000
    )
    deadline = time.monotonic() + timeout
    last = None
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                const running = document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]');
                return [app && app.getAttribute('data-test-script-state'), !!running,
                        document.body.innerText.length].join('|');
            }"""
        )
        if state != last:
            last, stable_since = state, time.monotonic()
        elif (
            time.monotonic() - stable_since >= quiet
            and "|false|" in state
            and not state.startswith("running")
        ):
            return
        time.sleep(0.1)


def open_path(page: Page, base_url: str, path: str = "") -> None:
    page.goto(f"{base_url}/{path}")
    wait_idle(page)


def sign_in(page: Page, username: str, password: str = "demo") -> None:
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode", exact=True).fill(password)
    page.get_by_role("button", name="Log ind").click()
    wait_idle(page)
    if page.get_by_role("button", name="Log ud").count():
        wait_for_session_cookie(page)


def wait_for_session_cookie(page: Page, timeout: float = 15) -> None:
    """The session cookie is set by a browser component a moment after sign-in; a test
    that opens another address at once (a new Streamlit session) must wait for it, as a
    person's next click does. Fails if the app never sets it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c["name"] == COOKIE_NAME for c in page.context.cookies()):
            return
        time.sleep(0.1)
    raise AssertionError(f"no {COOKIE_NAME} cookie {timeout:.0f} s after sign-in")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()


def nav_titles(page: Page) -> list[str]:
    # A long menu is collapsed behind "View more"; open it to see every entry.
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower():
        more.click()
        page.wait_for_timeout(300)
    # Each link holds the icon ligature (e.g. "dashboard") and then the title.
    texts = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts if t.strip()]


def exceptions_on_page(page: Page) -> int:
    return page.locator('[data-testid="stException"]').count()


def screenshot(page: Page, name: str) -> Path:
    """A screenshot of the whole app: the main element scrolls, so grow the viewport."""
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
