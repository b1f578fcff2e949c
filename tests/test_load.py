"""The load test's tool (bench/load.py) against the served app behind nginx: a manager and
a caseworker, each a simulated Streamlit tab, sign in through the real form and get page
times without errors; a wrong password gets no session. No timing is asserted: the figures
are in bench/results.md."""

from __future__ import annotations

import asyncio
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load import parser, run
from bench.stream_user import PageError, StreamUser
from deploy.serve_prod import start
from tests.conftest import TEST_COOKIE_KEY, free_port, skip_or_fail

# One worker for the module (pytest -n with --dist loadgroup): nginx and the app start once.
pytestmark = pytest.mark.xdist_group("load")


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop
    running in the worker's main thread when browser tests ran there first."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def stack(demo_template, tmp_path_factory):
    """nginx and one app process on a copy of the demo, as `make serve-prod` starts them."""
    if not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"):
        skip_or_fail("nginx is not installed (make serve-prod installs Debian's package)")
    directory = tmp_path_factory.mktemp("load")
    shutil.copy(demo_template, directory / "demo.db")
    running = start(
        processes=1,
        port=free_port(),
        backend_port=free_port(),
        run_dir=directory / "run",
        env={
            "DATABASE_URL": f"sqlite:///{directory / 'demo.db'}",
            "FORLOB_COOKIE_KEY": TEST_COOKIE_KEY,
        },
    )
    yield running
    running.stop()


def test_two_simulated_users_through_nginx(stack):
    args = parser().parse_args(
        [stack.url, "--managers", "1", "--caseworkers", "1", "--caseworker-users", "1",
         "--pages", "1", "--seconds", "60", "--ramp", "0", "--think-min", "0",
         "--think-max", "0"]
    )  # fmt: skip
    t = run_in_own_loop(run(args))
    assert t.errors == [] and t.unfinished == []
    assert set(t.sign_in) == {"leder", "sagsbehandler"}
    assert t.by_role.get("leder") and t.by_role.get("sagsbehandler")
    assert t.bytes > 0


def test_a_wrong_password_gets_no_session(stack):
    async def attempt() -> StreamUser:
        user = StreamUser(stack.url, "leder", password="forkert")
        try:
            await user.open("overblik")
            deadline = time.monotonic() + 30
            await user.first_run(deadline)
            with pytest.raises(PageError, match="without a session cookie"):
                await user.sign_in(deadline)
        finally:
            await user.close()
        return user

    user = run_in_own_loop(attempt())
    assert "forlobsmonitor_session" not in user.cookies
    assert user.signed_in_as == ""
