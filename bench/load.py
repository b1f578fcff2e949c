"""Bounded load test through nginx: simulated managers and caseworkers open dashboard pages
from the menu in turn, each after signing in through the real form with their own demo
user. Loopback only; everything stops after --seconds (at most 120), sign-in included.

    python -m bench.load http://127.0.0.1:8500 --managers 30 --caseworkers 20 --seconds 110

Each simulated person is a Streamlit tab at the protocol level (bench/stream_user.py): its
own cookies (nginx's route, Streamlit's XSRF, the app's session), its own websocket to
/_stcore/stream through nginx, the BackMsg runs the frontend sends, and the live fragments'
timers. Page time = the menu click's rerun request to the ForwardMsg script_finished: the
server and the transfer, not the browser's drawing. 50 Chromium tabs do not fit on a
2-core machine; a few can run alongside (--browser-managers, --browser-caseworkers: one
headless Debian Chromium, page time = click to final render).

Users: bench.generate's (password 'demo'): the manager 'leder' (M has one; every simulated
manager signs in as it, each with a session of their own), caseworkers 'sagsbehandler',
'sagsbehandler2' ... 'sagsbehandler20' in turn. The demo (S) has 'leder' and
'sagsbehandler': pass --caseworker-users 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import resource
import statistics
import time
from dataclasses import dataclass, field

from bench.stream_user import PageError, StreamUser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
MANAGER_PAGES = ("overblik", "opfolgning", "progression", "resultater", "mine-resultater")
CASEWORKER_PAGES = ("overblik", "opfolgning", "progression", "mine-resultater", "evaluering")
MAX_SECONDS = 120
MANAGER = "leder"
CASEWORKER = "sagsbehandler"
M_CASEWORKERS = 20  # bench.generate.SIZES["M"].caseworkers
# What the menu must show (and not show) after sign-in: the role's own pages.
ROLE_MENU = {
    MANAGER: ({"praesentation", "fidelitet"}, {"mine-opgaver", "brugere"}),
    CASEWORKER: ({"mine-opgaver", "mine-resultater"}, {"praesentation", "brugere"}),
}


def caseworker_name(n: int) -> str:
    """bench.generate's n-th caseworker (1-based)."""
    return f"sagsbehandler{n if n > 1 else ''}"


@dataclass
class Timings:
    by_role: dict[str, list[float]] = field(default_factory=dict)
    by_page: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    sign_in: dict[str, list[float]] = field(default_factory=dict)
    live: list[float] = field(default_factory=list)  # the live fragments' timed reruns
    errors: list[str] = field(default_factory=list)
    unfinished: list[tuple[str, float]] = field(default_factory=list)  # cut off at the end
    bytes: int = 0

    # Every sign-in writes an audit row, and the dashboards' caches are keyed on the
    # highest audit id (lib.queries.settings.data_version): while people sign in, pages
    # run cold. So pages started after the last sign-in are reported on their own too.
    started: list[tuple[str, float, float]] = field(default_factory=list)  # role, at, s
    last_sign_in: float = 0.0

    def signed_in(self, role: str, seconds: float) -> None:
        self.sign_in.setdefault(role, []).append(seconds)
        self.last_sign_in = max(self.last_sign_in, time.monotonic())

    def add(self, role: str, seconds: float, page: str = "") -> None:
        self.by_role.setdefault(role, []).append(seconds)
        self.started.append((role, time.monotonic() - seconds, seconds))
        if page:
            self.by_page.setdefault((role, page), []).append(seconds)


@dataclass
class Plan:
    base: str
    stop_at: float
    last_click: float  # no new page after this: what is running then has until stop_at
    think: tuple[float, float]
    rng: random.Random
    pages: int = 0  # pages per person, 0: until the end


async def _think(user: StreamUser, plan: Plan, t: Timings) -> None:
    """Read the page for a while; the page's live fragments rerun on their timers."""
    until = min(time.monotonic() + plan.rng.uniform(*plan.think), plan.last_click)
    due = {fid: time.monotonic() + every for fid, every in user.fragments.items()}
    while True:
        next_due = min(due.values(), default=until)
        if next_due >= until:
            await asyncio.sleep(max(0.0, until - time.monotonic()))
            return
        await asyncio.sleep(max(0.0, next_due - time.monotonic()))
        fid = min(due, key=lambda f: due[f])
        run = await user.rerun_fragment(fid, plan.stop_at)
        t.live.append(run.seconds)
        t.errors += [f"{user.username} live: {e}" for e in run.errors]
        due[fid] = time.monotonic() + user.fragments.get(fid, 1e9)


async def protocol_user(
    username: str, role: str, pages: tuple[str, ...], start: int, delay: float, plan: Plan,
    t: Timings,
) -> None:  # fmt: skip
    """One person: opens Overblik, signs in through the form, checks that the menu and the
    sidebar are their role's, then opens the pages in turn (from `start`) with thinking
    time between."""
    await asyncio.sleep(delay)
    user = StreamUser(plan.base, username)
    doing: str | None = "log ind"  # what a cut-off at the end interrupts
    started = time.monotonic()
    try:
        await user.open("overblik")
        first = await user.first_run(plan.stop_at)
        run = await user.sign_in(plan.stop_at)
        t.signed_in(role, run.seconds)
        errors = first.errors + run.errors
        must, must_not = ROLE_MENU[role]
        if not must <= user.menu or must_not & user.menu:
            errors.append(f"menu is not a {role}'s: {sorted(user.menu)}")
        if not user.signed_in_as.endswith(f"\n{role.capitalize()}"):
            errors.append(f"sidebar shows {user.signed_in_as!r}")
        if errors:
            raise PageError("; ".join(errors))
        i = start
        while not plan.pages or i < start + plan.pages:
            doing = None
            await _think(user, plan, t)
            if time.monotonic() >= plan.last_click:
                return
            doing = pages[i % len(pages)]
            i += 1
            started = time.monotonic()
            run = await user.open_page(doing, plan.stop_at)
            t.bytes += run.bytes
            if run.errors:
                raise PageError("; ".join(run.errors))
            t.add(role, run.seconds, doing)
    except (TimeoutError, asyncio.CancelledError):
        if doing is not None:
            t.unfinished.append((f"{role} {doing}", time.monotonic() - started))
    except Exception as exc:  # one person's failure is a result, not the end of the test
        t.errors.append(f"{username} {doing}: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        with contextlib.suppress(Exception):
            await user.close()


# ---------------------------------------------------------------------- real browsers


async def _wait_rendered(page, timeout_ms: int = 60_000) -> None:
    await page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=stApp]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=stStatusWidget] svg'); }",
        timeout=timeout_ms,
    )


async def browser_user(browser, base: str, username: str, role: str, pages, plan: Plan,
                       t: Timings) -> None:  # fmt: skip
    """One person in a real browser: a context of their own (own cookies), signed in
    through the form, then the pages in turn from the menu until the end. A click is
    made only once the page has stopped running (a click during a run can be lost)."""
    label = f"{role} (Chromium)"
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    doing: str | None = "log ind"
    started = time.monotonic()
    try:
        await page.goto(f"{base}/overblik", timeout=90_000)
        await page.get_by_label("Brugernavn").fill(username)
        await page.get_by_label("Adgangskode", exact=True).fill("demo")
        await page.get_by_role("button", name="Log ind").click()
        await page.get_by_role("button", name="Log ud").wait_for(timeout=90_000)
        await _wait_rendered(page, 90_000)
        t.signed_in(label, time.monotonic() - started)
        i = 0
        while not plan.pages or i < plan.pages:
            doing = None
            await asyncio.sleep(plan.rng.uniform(*plan.think))
            if time.monotonic() >= plan.last_click:
                return
            await _wait_rendered(page, 90_000)  # a live fragment may be running
            doing = pages[i % len(pages)]
            i += 1
            link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{doing}"]')
            started = time.monotonic()
            await link.click(timeout=30_000)
            # The page may add its own query (Evaluering: ?forlob=4).
            await page.wait_for_url(re.compile(rf"/{doing}(\?|$)"), timeout=60_000)
            await page.wait_for_timeout(150)  # the run starts after the click's message
            await _wait_rendered(page, 90_000)
            t.add(label, time.monotonic() - started, doing)
    except asyncio.CancelledError:
        if doing is not None:
            t.unfinished.append((f"{label} {doing}", time.monotonic() - started))
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        t.errors.append(f"{username} (Chromium) {doing}: {type(exc).__name__}: {first_line}")
    finally:
        with contextlib.suppress(Exception):
            await context.close()


# ---------------------------------------------------------------------- the run


def people(args) -> list[tuple[str, str, tuple[str, ...]]]:
    """(username, role, pages) for each simulated person."""
    managers = [(MANAGER, MANAGER, MANAGER_PAGES)] * args.managers
    caseworkers = [
        (caseworker_name(i % args.caseworker_users + 1), CASEWORKER, CASEWORKER_PAGES)
        for i in range(args.caseworkers)
    ]
    return managers + caseworkers


async def run(args) -> Timings:
    t = Timings()
    seconds = min(args.seconds, MAX_SECONDS)
    began = time.monotonic()
    plan = Plan(
        args.url,
        began + seconds,
        began + seconds - min(args.drain, seconds / 2),
        (args.think_min, args.think_max),
        random.Random(15),
        args.pages,
    )
    everyone = people(args)
    tasks = [
        asyncio.create_task(
            protocol_user(
                user, role, pages, n, n * args.ramp / max(1, len(everyone)), plan, t
            )  # fmt: skip
        )
        for n, (user, role, pages) in enumerate(everyone)
    ]
    browser = None
    playwright = None
    if args.browser_managers or args.browser_caseworkers:
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        for role, n, pages, user in (
            (MANAGER, args.browser_managers, MANAGER_PAGES, MANAGER),
            (CASEWORKER, args.browser_caseworkers, CASEWORKER_PAGES, caseworker_name(1)),
        ):
            tasks += [
                asyncio.create_task(browser_user(browser, args.url, user, role, pages, plan, t))
                for _ in range(n)
            ]
    # The hard end: what is still running then is cut off and counted as unfinished.
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, plan.stop_at - time.monotonic()))
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if browser is not None:
        await browser.close()
    if playwright is not None:
        await playwright.stop()
    return t


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _line(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:36} n=   0"
    return (
        f"{name:36} n={len(values):4}  median {statistics.median(values):6.2f} s  "
        f"p95 {percentile(values, 0.95):6.2f} s  max {max(values):6.2f} s"
    )


def report(args, t: Timings, wall: float, cpu: float, load: tuple[str, str]) -> str:
    lines = [
        f"Brugere: {args.managers} ledere, {args.caseworkers} sagsbehandlere (protokol)"
        f" + {args.browser_managers} + {args.browser_caseworkers} i Chromium;"
        f" tænketid {args.think_min:g}-{args.think_max:g} s; {wall:.0f} s i alt"
        f" (ingen nye sider de sidste {args.drain:g} s)",
    ]
    lines += [_line(f"{role}", values) for role, values in sorted(t.by_role.items())]
    lines += [
        _line(
            f"{role}, efter sidste log ind",
            [s for r, at, s in t.started if r == role and at >= t.last_sign_in],
        )
        for role in sorted(t.by_role)
    ]
    lines += [_line(f"log ind, {role}", v) for role, v in sorted(t.sign_in.items())]
    lines += [_line(f"  {role} {page}", v) for (role, page), v in sorted(t.by_page.items())]
    lines.append(_line("live-opdatering", t.live))
    cut = sorted(s for _, s in t.unfinished)
    lines.append(
        f"Afbrudt ved slutningen: {len(cut)}"
        + (f" (havde ventet {cut[0]:.1f}-{cut[-1]:.1f} s)" if cut else "")
    )
    lines += [f"  {what}: {waited:.1f} s" for what, waited in sorted(t.unfinished)[:20]]
    lines.append(f"Fejl: {len(t.errors)}")
    lines += [f"  {e}" for e in t.errors[:20]]
    lines.append(f"Belastningsværktøjets egen CPU: {cpu:.1f} s; modtaget {t.bytes / 1e6:.1f} MB")
    lines.append(f"uptime før: {load[0]}")
    lines.append(f"uptime efter: {load[1]}")
    return "\n".join(lines)


def _uptime() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("url")
    p.add_argument("--managers", type=int, default=30)
    p.add_argument("--caseworkers", type=int, default=20)
    p.add_argument("--seconds", type=float, default=110, help="at most 120, sign-in included")
    p.add_argument("--drain", type=float, default=15,
                   help="no new page in the last this many seconds")  # fmt: skip
    p.add_argument("--ramp", type=float, default=20, help="start the users over this long")
    p.add_argument("--think-min", type=float, default=5)
    p.add_argument("--think-max", type=float, default=15)
    p.add_argument("--caseworker-users", type=int, default=M_CASEWORKERS,
                   help="how many caseworker users the data has (M: 20, the demo: 1)")  # fmt: skip
    p.add_argument("--pages", type=int, default=0,
                   help="pages per simulated person (0: until the end)")  # fmt: skip
    p.add_argument("--browser-managers", type=int, default=0)
    p.add_argument("--browser-caseworkers", type=int, default=0)
    return p


def main() -> None:
    args = parser().parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("Kun loopback-adresser.")
    before = _uptime()
    wall = time.monotonic()
    t = asyncio.run(run(args))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime
    print(report(args, t, time.monotonic() - wall, cpu, (before, _uptime())))


if __name__ == "__main__":
    main()
