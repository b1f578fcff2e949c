"""The served check (issue 15): Overblik and Progression in headless Chromium against the
app served as `make run` serves it, signed in as `leder` through the sign-in form.

Two ways to a page, each timed to the page's final render:
- menu: a click on the page's link in the sidebar menu (a page switch within the session);
- load: a fresh page load of the page's address (a new session, signed in from the cookie).

The time runs from the click (or page.goto) to the last change of the page: the later of
the moment Streamlit last stopped running and the last DOM mutation, read from a
MutationObserver in the page. A measurement ends once the app is connected, not running,
shows the page's title heading and has been quiet for `quiet` seconds; that quiet wait is
not part of the time.

    python -m bench.served sqlite:///data/bench-m.db --runs 5
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from bench.pages import BENCH_COOKIE_KEY
from deploy.serve_prod import ROOT, streamlit_command, wait_healthy
from views.texts.course import NOT_FOUND_TITLE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as the browser tests start it (tests/conftest.py: CHROMIUM_ARGS).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (title, address) of the pages the issue asks for.
PAGES = (("Overblik", "overblik"), ("Progression", "progression"))
USERNAME, PASSWORD = "leder", "demo"
# Signing in on an address that is no page lands on the app shell's "Siden findes ikke"
# (NOT_FOUND_TITLE): no page's queries run before the first timed click, so the server's
# caches start cold.
START_ADDRESS = "bench-start"
TIMEOUT = 180.0  # seconds one measurement may take (L, cold, on a busy machine)

# Installed in every document before its own scripts: notes the last DOM change and the
# last moment the app stopped running, in the browser's wall clock (ms since the epoch).
OBSERVER = """
(() => {
  if (window.top !== window) return;  // the cookie component's frame is not the page
  const s = window.__fmServed = {lastChange: Date.now(), lastRunEnd: 0, running: false};
  const isRunning = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!(app && app.getAttribute('data-test-script-state') === 'running') ||
      !!document.querySelector(
        '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]');
  };
  new MutationObserver(() => {
    const now = Date.now();
    s.lastChange = now;
    const running = isRunning();
    if (s.running && !running) s.lastRunEnd = now;
    s.running = running;
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""

STATE = """
(title) => {
  const s = window.__fmServed;
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  const running = !!(app && app.getAttribute('data-test-script-state') === 'running') ||
    !!document.querySelector(
      '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]');
  const headings = main ? [...main.querySelectorAll('h1')] : [];
  const titled = headings.some(h => h.innerText.trim() === title && h.offsetParent !== null);
  return {
    now: Date.now(),
    connected: !!(app && app.getAttribute('data-test-connection-state') === 'CONNECTED'),
    running,
    titled,
    lastChange: s ? s.lastChange : 0,
    lastRunEnd: s ? s.lastRunEnd : 0,
  };
}
"""

ERRORS = """
() => [...document.querySelectorAll(
    '[data-testid="stException"], [data-testid="stMain"] [data-testid="stAlertContentError"]')]
  .map(e => e.innerText.trim().slice(0, 200))
"""


@dataclass
class ServedResult:
    """One page reached one way, `runs` times: seconds to the final render (first run
    first) and to the end of the app's last run."""

    title: str
    how: str  # "menu" or "load"
    times: list[float] = field(default_factory=list)
    run_ends: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def first(self) -> float:
        return self.times[0]

    @property
    def rest(self) -> float | None:
        """Median of the runs after the first (None with one run)."""
        return statistics.median(self.times[1:]) if len(self.times) > 1 else None

    @property
    def run_end_rest(self) -> float | None:
        return statistics.median(self.run_ends[1:]) if len(self.run_ends) > 1 else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp(NamedTuple):
    base: str  # its address
    pid: int  # the server's process id


@contextlib.contextmanager
def served_app(url: str, log_path: Path) -> Iterator[ServedApp]:
    """The app served as `make run` serves it, on a free port, on database `url`; yields
    its address and process id and stops it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FORLOB_COOKIE_KEY": os.environ.get("FORLOB_COOKIE_KEY") or BENCH_COOKIE_KEY,
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            streamlit_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(f"{base}/_stcore/health", proc=proc)
            yield ServedApp(base, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_rendered(page: Page, title: str, started: float, quiet: float) -> tuple[float, float]:
    """Wait for the final render of the page titled `title`; (seconds to the last change,
    seconds to the end of the last run), both from `started` (time.time())."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        s = page.evaluate(STATE, title)
        if (
            s["connected"]
            and not s["running"]
            and s["titled"]
            and s["now"] - s["lastChange"] >= quiet * 1000
            and s["lastChange"] >= started * 1000
        ):
            last_run = max(s["lastRunEnd"], started * 1000)
            return s["lastChange"] / 1000 - started, last_run / 1000 - started
        time.sleep(0.05)
    raise TimeoutError(f"{title}: no final render within {TIMEOUT:.0f} s")


def _sign_in(page: Page, base: str, quiet: float) -> None:
    from playwright.sync_api import expect

    from lib.security.config import COOKIE_NAME

    page.goto(f"{base}/{START_ADDRESS}")
    page.get_by_label("Brugernavn").fill(USERNAME)
    page.get_by_label("Adgangskode", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    signed_in = page.get_by_role("button", name="Log ud")
    refused = page.get_by_test_id("stAlertContentError")
    # A refusal (no such user outside the demo data, locked out) fails now, not at a timeout.
    expect(signed_in.or_(refused).first).to_be_visible(timeout=TIMEOUT * 1000)
    if not signed_in.count():
        raise RuntimeError(f"sign-in as {USERNAME!r} refused: {refused.first.inner_text()}")
    # The session cookie is set by a component a moment later; a page load needs it.
    page.wait_for_function(
        "(name) => document.cookie.split('; ').some(c => c.startsWith(name + '='))",
        arg=COOKIE_NAME,
        timeout=TIMEOUT * 1000,
    )
    _wait_rendered(page, NOT_FOUND_TITLE, 0.0, quiet)


def _measure(page: Page, result: ServedResult, go: Callable[[], object], quiet: float) -> None:
    started = time.time()
    go()
    rendered, run_end = _wait_rendered(page, result.title, started, quiet)
    result.times.append(rendered)
    result.run_ends.append(run_end)
    result.errors += [e for e in page.evaluate(ERRORS) if e not in result.errors]


def _measure_all(browser: Browser, base: str, runs: int, quiet: float) -> list[ServedResult]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    context.add_init_script(OBSERVER)
    try:
        page = context.new_page()
        _sign_in(page, base, quiet)
        menu = {t: ServedResult(t, "menu") for t, _ in PAGES}
        load = {t: ServedResult(t, "load") for t, _ in PAGES}
        # Menu first: its first runs find the server's caches empty (a cold start).
        for _ in range(runs):
            for title, address in PAGES:
                link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{address}"]')
                _measure(page, menu[title], link.click, quiet)
        for _ in range(runs):
            for title, address in PAGES:
                _measure(page, load[title], partial(page.goto, f"{base}/{address}"), quiet)
        return [*menu.values(), *load.values()]
    finally:
        context.close()


def _visit_every_page(browser: Browser, base: str, quiet: float) -> list[str]:
    """Sign in as the manager and open every page of the menu once, to its final render;
    the errors seen."""
    from app import PAGES

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    context.add_init_script(OBSERVER)
    errors: list[str] = []
    try:
        page = context.new_page()
        _sign_in(page, base, quiet)
        for spec in PAGES:
            if USERNAME not in spec.roles:  # the manager's role code is its user name
                continue
            started = time.time()
            page.locator(f'[data-testid="stSidebarNav"] a[href$="/{spec.url_path}"]').click()
            _wait_rendered(page, spec.title, started, quiet)
            errors += [f"{spec.title}: {e}" for e in page.evaluate(ERRORS)]
        return errors
    finally:
        context.close()


def served_memory(
    url: str, quiet: float = 1.0, browser: Browser | None = None
) -> tuple[float, list[str]]:
    """The served app process's peak resident memory (MB, its VmHWM) after a manager has
    opened every page of the menu once, and the errors seen: the app process the issue's
    600 MB is about, not the bench's. `browser`: as for served_page_times."""
    from bench.pages import process_peak_rss_mb

    with (
        tempfile.TemporaryDirectory(prefix="fm-served-") as tmp,
        served_app(url, Path(tmp) / "streamlit.log") as app,
    ):
        errors = _in_chromium(browser, lambda b: _visit_every_page(b, app.base, quiet))
        return process_peak_rss_mb(app.pid), errors


def _in_chromium(browser: Browser | None, work: Callable[[Browser], T]) -> T:
    """work(browser), or work on Debian's Chromium started and stopped here."""
    if browser is not None:
        return work(browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return work(own)
        finally:
            own.close()


def served_page_times(
    url: str, runs: int = 5, browser: Browser | None = None, quiet: float = 1.0
) -> list[ServedResult]:
    """Overblik and Progression, reached from the menu and by a fresh page load, `runs`
    times each, on the app served on database `url` (which the sign-in writes its session
    to). `browser`: a Playwright Chromium already running (the tests'), else Debian's
    Chromium is started and stopped here."""
    with tempfile.TemporaryDirectory(prefix="fm-served-") as tmp:
        log = Path(tmp) / "streamlit.log"
        try:
            with served_app(url, log) as app:
                return _in_chromium(browser, lambda b: _measure_all(b, app.base, runs, quiet))
        except Exception as exc:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"served check failed: {exc}\n--- streamlit log ---\n{tail}"
            ) from exc


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for r in served_page_times(args.url, args.runs):
        rest = f"{r.rest:.3f}" if r.rest is not None else "–"
        times = " ".join(f"{t:.3f}" for t in r.times)
        print(f"{r.title:12} {r.how:5} first {r.first:.3f} rest {rest}  [{times}] {r.errors}")


if __name__ == "__main__":
    main()
