"""Page benchmark: every page in the navigation, for a manager and a caseworker, under
AppTest, signed in, against floors measured in the same run.

Per page and role:
- warm: a rerun with filled caches (median of WARM_RUNS);
- cold: the same page after st.cache_data.clear() (the engine stays), in a process that
  has imported the app's modules (`import_app_modules`; their one-time import is the
  first run's);
- first: the page's first run in a new Python process (imports, caches empty), with that
  process's peak RSS;
- queries: the page's own cached lib queries (recorded during the cold run) replayed
  without Streamlit;
- statements: SQL statements sent to the database in one cold and one warm run
  (SQLAlchemy's before_cursor_execute event);
- floors: an empty Streamlit page, and the app shell (sign-in check, navigation, sidebar)
  with no page.

    python -m bench.pages sqlite:///data/bench-m.db --size M
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Engine, event

# Streamlit's "missing ScriptRunContext" warnings (queries replayed outside a run) are noise.
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
ROOT = Path(__file__).resolve().parent.parent
WARM_RUNS = 3
# Timed repetitions of the floors and of a page's queries without Streamlit (medians).
FLOOR_RUNS = 5
REPLAY_RUNS = 3
# The app stops without a cookie key outside demo mode; the bench never sets a cookie.
BENCH_COOKIE_KEY = "bench-cookie-key-" + "x" * 32
# The same user names in the demo (S) and the generated sizes (bench.generate).
USERS = {"leder": "leder", "sagsbehandler": "sagsbehandler"}


class StatementCounter:
    """Counts SQL statements on every engine in the process."""

    def __init__(self) -> None:
        self.n = 0
        event.listen(Engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any, **_kw: Any) -> None:
        self.n += 1

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._count)

    @contextmanager
    def counting(self) -> Iterator[list[int]]:
        out: list[int] = []
        start = self.n
        yield out
        out.append(self.n - start)


@dataclass
class PageResult:
    page: str
    title: str
    role: str
    warm: float = 0.0
    cold: float = 0.0
    first: float | None = None
    queries: float = 0.0
    query_calls: int = 0
    statements_cold: int = 0
    statements_warm: int = 0
    peak_rss_mb: float | None = None
    errors: list[str] = field(default_factory=list)
    # The cold run's cached queries, slowest first: (function name, seconds, calls). A
    # missed target names them as its cause (bench.run's markdown).
    cold_queries: list[tuple[str, float, int]] = field(default_factory=list)


def _env(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("FORLOB_COOKIE_KEY", BENCH_COOKIE_KEY)


def signed_in_app(url: str, username: str):
    """AppTest of app.py signed in as `username` (as the session cookie would do)."""
    from streamlit.testing.v1 import AppTest

    from db.engine import make_engine
    from lib.security.sessions import create_session
    from lib.security.sign_in import load_user

    _env(url)
    engine = make_engine(url)
    user = load_user(engine, username)
    if user is None:
        engine.dispose()
        raise SystemExit(f"Ingen bruger {username!r} i {url}")
    # A live server-side session, as signing in creates one (the app checks it every run).
    token = create_session(engine, user, "bench")
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.session_state["session_token"] = token
    return at, user


def errors_of(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


class RecordedQuery(NamedTuple):
    query: Callable
    args: tuple
    kwargs: tuple
    seconds: float  # the call through the cache: the query's time on a miss


@contextmanager
def recording_queries() -> Iterator[list[RecordedQuery]]:
    """Record every cached_query call during the block, with its time."""
    from views.components import runtime

    calls: list[RecordedQuery] = []
    original = runtime._cached

    def spy(_engine, _query, query, database, version, args, kwargs):
        start = time.perf_counter()
        out = original(_engine, _query, query, database, version, args, kwargs)
        calls.append(RecordedQuery(_query, args, kwargs, time.perf_counter() - start))
        return out

    runtime._cached = spy  # type: ignore[assignment]
    try:
        yield calls
    finally:
        runtime._cached = original


def slowest_queries(calls: list[RecordedQuery]) -> list[tuple[str, float, int]]:
    """(function name, seconds, calls) per query function, slowest first."""
    by_name: dict[str, list[float]] = {}
    for c in calls:
        by_name.setdefault(c.query.__qualname__, []).append(c.seconds)
    return sorted(
        ((name, sum(times), len(times)) for name, times in by_name.items()),
        key=lambda row: -row[1],
    )


def replay(url: str, calls: list[RecordedQuery], runs: int = REPLAY_RUNS) -> float:
    """The page's queries without Streamlit: each once, on a warm engine (median of `runs`)."""
    from db.engine import make_engine

    engine = make_engine(url)
    try:
        for q, args, kwargs, _seconds in calls:  # warm the pool and the database's cache
            q(engine, *args, **dict(kwargs))
        times = [
            timed(lambda: [q(engine, *a, **dict(k)) for q, a, k, _s in calls]) for _ in range(runs)
        ]
        return statistics.median(times)
    finally:
        engine.dispose()


def measure_page(
    url: str,
    path: str,
    title: str,
    role: str,
    counter: StatementCounter,
    warm_runs: int = WARM_RUNS,
    at=None,
    tab: tuple[str, Any] | None = None,
    replay_runs: int = REPLAY_RUNS,
) -> PageResult:
    """One page's cold and warm runs. `at`: an AppTest already signed in as `role` (one
    per role is enough: each page starts cold from cleared caches), else a new one.
    `tab`: (widget key, value) set first, as a click does: the tab to open, or the
    agreements chosen on a committee page."""
    import streamlit as st

    result = PageResult(path, title, role)
    if at is None:
        at, _user = signed_in_app(url, USERS[role])
        at.run()
    st.cache_data.clear()
    if tab is not None:
        at.session_state[tab[0]] = tab[1]
    at.switch_page(path)
    with recording_queries() as calls, counter.counting() as n:
        result.cold = timed(at.run)
    result.statements_cold = n[0]
    result.cold_queries = slowest_queries(calls)
    result.errors = errors_of(at)
    warm = []
    for _ in range(warm_runs):
        with counter.counting() as n:
            warm.append(timed(at.run))
    result.warm = statistics.median(warm)
    result.statements_warm = n[0]
    result.errors += [e for e in errors_of(at) if e not in result.errors]
    result.query_calls = len(calls)
    result.queries = replay(url, calls, replay_runs) if calls else 0.0
    return result


def first_run(
    url: str, path: str, role: str, tab: tuple[str, Any] | None = None
) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of the page's first run in a new process."""
    tab_args = ["--tab", tab[0], json.dumps(tab[1])] if tab else []
    out = subprocess.run(
        [sys.executable, "-m", "bench.pages", url, "--first-run", path, "--role", role, *tab_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["seconds"], data["peak_rss_mb"]


def _first_run_child(url: str, path: str, role: str, tab: list[str] | None) -> None:
    """`tab`: the widget key and its value as JSON."""
    started = time.perf_counter()
    at, _ = signed_in_app(url, USERS[role])
    at.run()
    if tab:
        at.session_state[tab[0]] = json.loads(tab[1])
    at.switch_page(path)
    at.run()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "errors": errors_of(at)}))


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB: VmHWM, the high-water mark of its own
    memory. Not getrusage's ru_maxrss: Linux carries that over from the process that
    started this one (the bench, which holds every page's data by then), so the
    first-run column grew page by page with the bench's own memory."""
    peak = process_peak_rss_mb("self")
    return peak if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_peak_rss_mb(pid: int | str) -> float:
    """A process's peak resident memory in MB (VmHWM), 0.0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _shell_app() -> None:
    """app.py with one page, an empty one, for every role (AppTest runs this function as
    the main script): the app shell's floor."""
    from pathlib import Path

    import app
    from lib.domain.enums import Role

    empty = str(Path(app.__file__).resolve().parent / "bench" / "shell_page.py")
    pages = list(app.PAGES)  # the module is shared with the bench: put the pages back
    app.PAGES[:] = [app.PageSpec(empty, "Tom", "tom", ":material/crop_square:", tuple(Role), "X")]
    try:
        app.main()
    finally:
        app.PAGES[:] = pages


def floors(url: str, runs: int = FLOOR_RUNS) -> dict[str, float]:
    """An empty Streamlit page, and the app shell (sign-in check, navigation, sidebar)
    around an empty page, warm (median of `runs`)."""
    from streamlit.testing.v1 import AppTest

    empty = AppTest.from_string("import streamlit as st\nst.write('')", default_timeout=60)
    empty.run()
    shell = AppTest.from_function(_shell_app, default_timeout=60)
    _env(url)
    at, _ = signed_in_app(url, USERS["leder"])
    shell.session_state["session_token"] = at.session_state["session_token"]
    shell.run()
    shell.run()
    if errors_of(shell):
        raise RuntimeError(f"app shell: {errors_of(shell)}")
    return {
        "empty_page": statistics.median(timed(empty.run) for _ in range(runs)),
        "app_shell": statistics.median(timed(shell.run) for _ in range(runs)),
    }


# The committee pages' agreement choosers: with more agreements than a report covers they
# start empty (views.components.committee.agreements_to_cover), and the bench times them
# with the first MAX_AGREEMENTS_PER_REPORT chosen, as a user would.
COMMITTEE_CHOOSERS = {
    "views/evalueringsrapport.py": "rap_agr",
    "views/praesentation.py": "praes_agreements",
}


def pages_for(
    role_code: str, agreements: list[int] | None = None
) -> list[tuple[str, str, tuple[str, Any] | None]]:
    """(path, title, tab) of every page in the role's navigation. A page that runs only its
    open tab (Kvalitet) gets a row per tab: each tab is what a click on it costs.
    `agreements`: the ids of the agreements the user sees, in order."""
    from app import PAGES
    from lib.domain.questions import MAX_AGREEMENTS_PER_REPORT
    from views.texts import quality

    tabbed = {"views/kvalitet.py": (quality.TAB_KEY, quality.QUALITY_TABS)}
    out: list[tuple[str, str, tuple[str, Any] | None]] = []
    for p in PAGES:
        if role_code not in p.roles:
            continue
        chooser = COMMITTEE_CHOOSERS.get(p.path)
        if chooser and agreements and len(agreements) > MAX_AGREEMENTS_PER_REPORT:
            chosen = agreements[:MAX_AGREEMENTS_PER_REPORT]
            out.append((p.path, f"{p.title}, {len(chosen)} aftaler valgt", (chooser, chosen)))
            continue
        if p.path not in tabbed:
            out.append((p.path, p.title, None))
            continue
        key, labels = tabbed[p.path]
        for label in labels:
            short = " ".join(label.split()[:2]) if label[0].isdigit() else label
            out.append((p.path, f"{p.title}, {short}", (key, label)))
    return out


def agreements_seen(url: str, user) -> list[int]:
    """The ids of the agreements in the user's scope, in order (the committee pages')."""
    from db.engine import make_engine
    from lib.queries.occupancy import occupancy_by_agreement

    engine = make_engine(url)
    try:
        return sorted(a.agreement_id for a in occupancy_by_agreement(engine, user.scope))
    finally:
        engine.dispose()


def run_pages(
    url: str,
    roles: tuple[str, ...] = ("leder", "sagsbehandler"),
    first: bool = True,
    only: list[str] | None = None,
    log: Callable[[str], None] = lambda _s: None,
    warm_runs: int = WARM_RUNS,
    timed_runs: int | None = None,
) -> tuple[dict[str, float], list[PageResult]]:
    """`timed_runs`: repetitions of the floors and of each page's replayed queries (None:
    FLOOR_RUNS and REPLAY_RUNS); a smoke test that uses no figure needs one."""
    _env(url)
    counter = StatementCounter()
    try:
        return _run_pages(url, roles, first, only, log, counter, warm_runs, timed_runs)
    finally:
        counter.close()


def import_app_modules() -> None:
    """Do what a served process has done once after its first visitors, which the first
    run of a page (the `first` column) pays and a cold run does not:
    - import every module of lib and views.components: without it, the first page in the
      bench to import a heavy module (the import checks' pydantic schemas: 0.5 s) had that
      import in its cold time, and which page that was depended on the order of pages;
    - Streamlit's emoji table, which the first st.info/st.warning in the process compiles
      into a pattern (0.2 s);
    - the chart renderer's JavaScript engine, which the committee pages start in the
      background (lib.documents.exports.warm_up_renderer; 0.45 s holding the GIL)."""
    import importlib
    import pkgutil

    import streamlit.emojis  # noqa: F401

    import lib
    import views.components
    from lib.documents.exports import warm_up_renderer

    for package in (lib, views.components):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    started = warm_up_renderer()
    if started is not None:
        started.join()


def keep_compiled_scripts() -> None:
    """Compile app.py and each page once per process, as a served app does: AppTest makes
    a new script cache on every run, so each of its runs compiled app.py again (about
    10 ms, which a served app spends once and the app-shell floor never did)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[assignment,misc]


def _run_pages(
    url, roles, first, only, log, counter, warm_runs, timed_runs=None
) -> tuple[dict[str, float], list[PageResult]]:
    results = []
    import_app_modules()
    keep_compiled_scripts()
    base = floors(url, timed_runs or FLOOR_RUNS)
    log(f"floors: {base}")
    for role in roles:
        at, user = signed_in_app(url, USERS[role])
        at.run()
        for path, title, tab in pages_for(role, agreements_seen(url, user)):
            if only and not any(o in path for o in only):
                continue
            r = measure_page(
                url, path, title, role, counter, warm_runs, at, tab, timed_runs or REPLAY_RUNS
            )
            if first:
                r.first, r.peak_rss_mb = first_run(url, path, role, tab)
            log(
                f"{role:14} {title:20} warm {r.warm:7.3f} cold {r.cold:7.3f} "
                f"first {r.first or 0:7.3f} q {r.queries:7.3f} sql {r.statements_cold}/"
                f"{r.statements_warm} rss {r.peak_rss_mb or 0:.0f} {'FEJL ' + r.errors[0] if r.errors else ''}"
            )
            results.append(r)
    return base, results


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--first-run", help="(internal) one page's first run in this process")
    parser.add_argument("--role", default="leder")
    parser.add_argument("--tab", nargs=2, help="(internal) a widget's key and value (JSON)")
    parser.add_argument("--only", nargs="*", help="pages whose path contains one of these")
    parser.add_argument("--no-first", action="store_true")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    if args.first_run:
        _first_run_child(args.url, args.first_run, args.role, args.tab)
        return
    base, results = run_pages(
        args.url, first=not args.no_first, only=args.only, log=lambda s: print(s, flush=True)
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"floors": base, "pages": [asdict(r) for r in results]}, indent=1)
        )


if __name__ == "__main__":
    main()
