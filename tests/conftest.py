"""Shared fixtures: real databases (SQLite files and PostgreSQL databases, a copy per test
of a template made once per test process), the demo data, AppTest sign-in, and a served
app for the browser.

Under CI=true nothing may skip: a missing PostgreSQL or Chromium fails the test instead.
"""

from __future__ import annotations

import contextlib
import os

# bcrypt at its lowest cost for the suite's hundreds of sign-ins (set before lib is
# imported: the dummy hash for unknown users is made at import). Production keeps 12.
os.environ.setdefault("FORLOB_BCRYPT_ROUNDS", "4")

import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from db.engine import make_engine
from db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
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


# The built-in demo cookie key is accepted only for a demo file under data/; tests keep
# their databases elsewhere, so the app under test gets a real key (a test that checks the
# key rules removes it).
TEST_COOKIE_KEY = "test-cookie-key-0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _cookie_key_for_tests(monkeypatch):
    monkeypatch.setenv("FORLOB_COOKIE_KEY", TEST_COOKIE_KEY)


def skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this may not be skipped)")
    pytest.skip(reason)


# --------------------------------------------------------------------------- databases
# Migrating and building the demo take seconds; copying a finished database takes
# milliseconds. So each test process builds one migrated and one demo database per kind
# (on first use) and every test gets a copy: SQLite by copying the file, PostgreSQL with
# CREATE DATABASE ... TEMPLATE.


def migrated_sqlite_url(directory: Path, name: str = "test.db") -> str:
    """Migrate a new SQLite file (the schema and the catalogues) and return its URL."""
    url = f"sqlite:///{directory / name}"
    upgrade(url)
    return url


def _close_sqlite_file(url: str) -> None:
    """Fold the write-ahead log into the file, so copying the file copies everything."""
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _copy_sqlite(template: Path, target: Path) -> str:
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """The migrated schema and catalogues, no demo data, made once per test process."""
    directory = tmp_path_factory.mktemp("sqlite_template")
    url = migrated_sqlite_url(directory, "migrated.db")
    _close_sqlite_file(url)
    return directory / "migrated.db"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh SQLite file with the migrated schema and catalogues, no demo data."""
    return _copy_sqlite(sqlite_template, tmp_path / "test.db")


@pytest.fixture
def sqlite_engine(sqlite_url: str):
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_server() -> str:
    if not _pg_available():
        skip_or_fail("PostgreSQL on 127.0.0.1:5432 is not reachable")
    return PG_ADMIN_URL


def _pg_url_of(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _create_pg_database(server_url: str, template_url: str | None = None) -> str:
    """A new database, empty or a copy of `template_url` (which must have no open
    connection: PostgreSQL copies only an idle database). Returns its URL."""
    name = f"fm_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{make_url(template_url).database}"' if template_url else ""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    admin.dispose()
    return _pg_url_of(server_url, name)


def _drop_pg_database(server_url: str, url: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: str):
    """A migrated PostgreSQL database (schema and catalogues), made once per test process
    and only copied, never opened, by the tests."""
    url = _create_pg_database(pg_server)
    upgrade(url)
    yield url
    _drop_pg_database(pg_server, url)


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: str, pg_migrated_template: str):
    """The demo data on PostgreSQL, built once per test process; tests get copies."""
    from db.demo import build_demo

    url = _create_pg_database(pg_server, pg_migrated_template)
    engine = make_engine(url)
    build_demo(engine)
    engine.dispose()
    yield url
    _drop_pg_database(pg_server, url)


@pytest.fixture
def pg_empty_url(pg_server: str):
    """A new, empty PostgreSQL database, dropped after the test."""
    url = _create_pg_database(pg_server)
    yield url
    _drop_pg_database(pg_server, url)


class _PgCopies:
    """Copies of one template, made a step ahead in a background thread. CREATE DATABASE
    waits on the disk (0.3-1 s) while the test process's CPU idles; made ahead, the copy
    for the next test is written while this one runs. Drops happen in the background too.
    A copy that was never handed out is dropped when the process ends."""

    AHEAD = 2

    def __init__(self, server_url: str, template_url: str):
        self.server_url, self.template_url = server_url, template_url
        self.ready: queue.Queue[str] = queue.Queue()
        self.work: queue.Queue[tuple[str, str | None]] = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        for _ in range(self.AHEAD):
            self.work.put(("create", None))

    def _run(self) -> None:
        while True:
            kind, url = self.work.get()
            if kind == "stop":
                return
            try:
                if kind == "create":
                    self.ready.put(_create_pg_database(self.server_url, self.template_url))
                else:
                    _drop_pg_database(self.server_url, url)
            except Exception as exc:  # noqa: BLE001 - handed to the test that waits
                self.ready.put(f"error:{exc}")

    def take(self) -> str:
        self.work.put(("create", None))  # the one after next
        url = self.ready.get(timeout=120)
        if url.startswith("error:"):
            raise RuntimeError(f"could not copy {self.template_url}: {url[6:]}")
        return url

    def give_back(self, url: str) -> None:
        self.work.put(("drop", url))

    def close(self) -> None:
        self.work.put(("stop", None))
        self.thread.join(timeout=120)
        while not self.ready.empty():
            url = self.ready.get()
            if not url.startswith("error:"):
                _drop_pg_database(self.server_url, url)


@pytest.fixture(scope="session")
def _pg_migrated_copies(pg_server: str, pg_migrated_template: str):
    copies = _PgCopies(pg_server, pg_migrated_template)
    yield copies
    copies.close()


@pytest.fixture(scope="session")
def _pg_demo_copies(pg_server: str, pg_demo_template: str):
    copies = _PgCopies(pg_server, pg_demo_template)
    yield copies
    copies.close()


@pytest.fixture
def pg_url(_pg_migrated_copies: _PgCopies):
    """A new PostgreSQL database with the migrated schema and catalogues, dropped after."""
    url = _pg_migrated_copies.take()
    yield url
    _pg_migrated_copies.give_back(url)


@pytest.fixture
def pg_demo_url(_pg_demo_copies: _PgCopies):
    """A new PostgreSQL database holding the demo data, dropped after the test."""
    url = _pg_demo_copies.take()
    yield url
    _pg_demo_copies.give_back(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request) -> str:
    """The same test on both databases (migrated, no demo data)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_demo_url(request) -> str:
    """The same test on the demo data in both databases."""
    if request.param == "sqlite":
        return request.getfixturevalue("demo_url")
    return request.getfixturevalue("pg_demo_url")


# --------------------------------------------------------------------------- demo data


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory) -> Path:
    """The demo database built once per test process; tests get a copy of the file."""
    from db.demo import build_demo

    directory = tmp_path_factory.mktemp("demo_template")
    url = _copy_sqlite(sqlite_template, directory / "demo.db")
    engine = make_engine(url)
    build_demo(engine)
    engine.dispose()
    _close_sqlite_file(url)
    return directory / "demo.db"


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    return _copy_sqlite(demo_template, tmp_path / "demo.db")


@pytest.fixture
def demo_engine(demo_url: str):
    engine = make_engine(demo_url)
    yield engine
    engine.dispose()


def scope_for(engine, username: str):
    """The Scope of a demo user, as the app builds it after sign-in."""
    from lib.security.sign_in import load_user

    user = load_user(engine, username)
    assert user is not None, f"no user {username}"
    return user.scope


def occupancy_as_shown(engine, username: str = "leder") -> list[tuple[str, str]]:
    """Each agreement's occupancy in the user's scope as the pages show it, e.g.
    ("5 af 6 i brug", "83,3 %"), from lib's query. The demo's own figures are asserted in
    one place (tests/test_demo.py); page tests check that a page shows these."""
    from lib.domain.format import fmt_pct
    from lib.queries.occupancy import occupancy_by_agreement

    rows = occupancy_by_agreement(engine, scope_for(engine, username))
    return [(f"{r.in_use} af {r.slots} i brug", fmt_pct(r.occupancy)) for r in rows]


# --------------------------------------------------------------------------- AppTest


@pytest.fixture(scope="session", autouse=True)
def _component_scan_once_per_process():
    """Every new AppTest scans all installed packages' metadata for Streamlit components
    (streamlit.components.v2.manifest_scanner): 0.12-0.15 s of CPU per AppTest, the same
    answer every time, for the suite's hundreds of AppTests. The packages do not change
    during a test process, so it scans once; a served app (`streamlit run`) scans at its
    own start as before."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without v2 components: nothing to scan
        yield
        return
    scan = manifest_scanner.scan_component_manifests
    found: list = []

    def scan_once(max_workers: int | None = None):
        if not found:
            found.append(scan(max_workers))
        return list(found[0])

    manifest_scanner.scan_component_manifests = scan_once
    yield
    manifest_scanner.scan_component_manifests = scan


def make_app_test(db_url: str, monkeypatch, username: str | None = None):
    """AppTest of the real app.py on the given database, optionally already signed in
    (as the cookie would do) as `username`."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", db_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if username:
        at.session_state["session_token"] = session_token_for(db_url, username)
    return at


def session_token_for(db_url: str, username: str, client: str = "AppTest") -> str:
    """A live server-side session for the user, as signing in creates one (`client`: the
    user agent it records)."""
    from lib.security.sessions import create_session
    from lib.security.sign_in import load_user

    engine = make_engine(db_url)
    try:
        user = load_user(engine, username)
        assert user is not None, f"no user {username}"
        return create_session(engine, user, client)
    finally:
        engine.dispose()


@pytest.fixture
def app_for(demo_url: str, monkeypatch):
    """app_for("leder") -> an AppTest signed in as that demo user, already run once."""

    def factory(username: str | None, db_url: str | None = None):
        at = make_app_test(db_url or demo_url, monkeypatch, username)
        at.run()
        return at

    return factory


def page_errors(at) -> list[str]:
    """Exceptions and error boxes on an AppTest page, for 'no traceback' assertions."""
    return [e.value for e in at.exception] + [str(e.value) for e in at.error]


# --------------------------------------------------------------------------- browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp:
    def __init__(self, db_url: str, log_path: Path, extra_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url
        env = {**os.environ, "DATABASE_URL": db_url, "FORLOB_COOKIE_KEY": TEST_COOKIE_KEY}
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        # The same command `make run` uses, on a port of its own.
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "serve.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def served_demo(demo_template: Path, tmp_path_factory):
    """The app served by Streamlit on a copy of the demo database, one per test process
    (starting it takes seconds). Browser tests share it: a test that saves data must not
    change what another asserts (the demo figures stay as they are)."""
    directory = tmp_path_factory.mktemp("served")
    target = directory / "demo.db"
    shutil.copy(demo_template, target)
    app = ServedApp(f"sqlite:///{target}", directory / "streamlit.log")
    yield app
    app.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One browser context per test process: its cache keeps the app's scripts compiled,
    so only the first page load pays for that (about 2 s of CPU each time otherwise)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    yield context
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture can see that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser_context, request):
    """A new tab for each test, signed out: no cookie is left from an earlier test. A
    failing test leaves a screenshot of the tab in test-artifacts/."""
    browser_context.clear_cookies()
    pg = browser_context.new_page()
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        from tests.browser import screenshot

        # A screenshot must not hide the test's own error.
        with contextlib.suppress(Exception):
            screenshot(pg, f"failed-{request.node.name}", always=True)
    pg.close()
    browser_context.clear_cookies()


# --------------------------------------------------------------------------- scheduling
# Longest first: the browser tests (a served app and Chromium, 5-40 s each) start before the
# many short tests, which then fill the gaps, so no worker ends the run alone with a long
# browser test while the other idles (the files' alphabetical order put most of them last).
SLOW_FILES = ("test_committee_no_leak.py", "test_bench.py", "test_committee_documents.py")


def pytest_collection_modifyitems(config, items):
    def first(item) -> int:
        if item.get_closest_marker("browser") or item.fspath.basename == "test_serve_prod.py":
            return 0
        return 1 if item.fspath.basename in SLOW_FILES else 2

    items.sort(key=first)  # stable: the order within each kind stays as collected
