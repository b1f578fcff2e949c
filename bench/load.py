"""Bounded load test through nginx: simulated managers and caseworkers, each a browser
context of its own in one headless Chromium (Debian's /usr/bin/chromium), signed in through
the real form, opening dashboard pages
from the menu in turn; page time = click to final render (script idle, no spinner).
Loopback only; stops by itself after --seconds (at most 120).

    python -m bench.load http://127.0.0.1:8500 --managers 30 --caseworkers 20 --seconds 110

The users sign in with the password 'demo', in the demo and in the generated sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
MANAGER_PAGES = ("overblik", "opfolgning", "progression", "resultater", "mine-resultater")
CASEWORKER_PAGES = ("overblik", "opfolgning", "progression", "mine-resultater", "evaluering")
MAX_SECONDS = 120


@dataclass
class Timings:
    by_role: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0

    def add(self, role: str, seconds: float) -> None:
        self.by_role.setdefault(role, []).append(seconds)


async def _wait_rendered(page, timeout_ms: int = 60_000) -> None:
    await page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=stApp]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=stStatusWidget] svg'); }",
        timeout=timeout_ms,
    )


async def user_loop(browser, base: str, username: str, role: str, pages, stop_at: float,
                    t: Timings) -> None:  # fmt: skip
    """One person: a browser context of their own (own cookies), signed in through the
    form, then the pages in turn from the menu until stop_at."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{base}/overblik", timeout=90_000)
        await page.get_by_label("Brugernavn").fill(username)
        await page.get_by_label("Adgangskode", exact=True).fill("demo")
        await page.get_by_role("button", name="Log ind").click()
        await page.get_by_role("button", name="Log ud").wait_for(timeout=90_000)
        i = 0
        while time.monotonic() < stop_at:
            path = pages[i % len(pages)]
            i += 1
            link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
            started = time.monotonic()
            await link.click(timeout=30_000)
            await page.wait_for_url(f"**/{path}", timeout=30_000)
            await page.wait_for_timeout(150)  # the run starts after the click's message
            await _wait_rendered(page)
            t.add(role, time.monotonic() - started)
    except Exception:
        t.errors += 1
    finally:
        await context.close()


async def run(args) -> Timings:
    from playwright.async_api import async_playwright

    t = Timings()
    stop_at = time.monotonic() + min(args.seconds, MAX_SECONDS)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        users = [
            user_loop(browser, args.url, user, role, pages, stop_at, t)
            for role, user, pages, n in (
                ("leder", args.manager_user, MANAGER_PAGES, args.managers),
                ("sagsbehandler", args.caseworker_user, CASEWORKER_PAGES, args.caseworkers),
            )
            for _ in range(n)
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*users), MAX_SECONDS + 60)
        await browser.close()
    return t


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--managers", type=int, default=30)
    parser.add_argument("--caseworkers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=110)
    parser.add_argument("--manager-user", default="leder")
    parser.add_argument("--caseworker-user", default="sagsbehandler")
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("Kun loopback-adresser.")
    t = asyncio.run(run(args))
    print(f"Brugere: {args.managers} ledere, {args.caseworkers} sagsbehandlere; fejl: {t.errors}")
    for role, values in t.by_role.items():
        print(
            f"{role:14} n={len(values):4}  median {statistics.median(values):.2f} s  "
            f"p95 {percentile(values, 0.95):.2f} s"
        )


if __name__ == "__main__":
    main()
