"""Live dashboards in Chromium: Overblik stays open, untouched, while an evaluation is
saved elsewhere; the meetings figure changes by itself within 30 seconds, redrawn in place
(the scroll position stays)."""

import shutil
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from bench.run import sample_evaluation
from db.engine import make_engine
from db.models import AppSetting
from lib.commands.evaluations import record_evaluation
from lib.domain import measures
from tests.browser import open_signed_in, screenshot, wait_idle
from tests.conftest import ServedApp, scope_for

pytestmark = pytest.mark.browser

REFRESH_SECONDS = 5  # the setting's lowest value (the default is 20 s): the test waits less


@pytest.fixture
def served_live(demo_template, tmp_path):
    """The app on a copy of the demo of its own (this test saves data)."""
    target = tmp_path / "live.db"
    shutil.copy(demo_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(AppSetting).values(key="live_refresh_seconds", value=str(REFRESH_SECONDS))
        )
    engine.dispose()
    app = ServedApp(url, tmp_path / "streamlit.log")
    yield app, url
    app.stop()


def _meetings(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=measures.MEETINGS_HELD.label)
    return metric.first.inner_text()


def test_overblik_shows_a_save_from_elsewhere_by_itself(served_live, page):
    app, url = served_live
    open_signed_in(page, app, "leder", "overblik")
    main = page.locator('[data-testid="stMain"]')
    expect(
        main.get_by_text(f"Opdateres automatisk hvert {REFRESH_SECONDS}. sekund.")
    ).to_be_visible()
    wait_idle(page)
    before = _meetings(page)
    scroll = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " m.scrollTop = 200; return m.scrollTop; }"
    )

    engine = make_engine(url)  # another writer: a caseworker's session, another process
    scope = scope_for(engine, "leder")
    course_id, data = sample_evaluation(engine, scope)
    record_evaluation(engine, scope, course_id, data, confirm_close=True)
    engine.dispose()

    deadline = time.monotonic() + 30
    after = before
    while time.monotonic() < deadline and after == before:
        page.wait_for_timeout(1000)
        after = _meetings(page)
    assert after != before, f"Overblik did not change within 30 s: {before!r}"
    # Redrawn in place: no full reload that would reset the scroll position.
    now = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop")
    assert now == scroll
    screenshot(page, "live-overblik")
