"""Mine opgaver, Mentorkontakt and Streamlit's chrome in a real browser on the demo data:
a caseworker lands on Mine opgaver and opens a due evaluation with the course already
chosen; an enterprise mentor logs a contact from their task; the menu shows every page
with no English "View more"; an unknown address gets a Danish page."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import MentorContact
from lib.queries.tasks import TaskKind, my_tasks
from tests.browser import (
    english_aria,
    exceptions_on_page,
    open_path,
    open_signed_in,
    screenshot,
    wait_idle,
)
from tests.conftest import ServedApp, scope_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_served_demo(demo_template, tmp_path_factory):
    """A served app on its own copy of the demo: these tests save, and the shared served
    demo's figures must stay as other browser tests assert them."""
    directory = tmp_path_factory.mktemp("served_course")
    target = directory / "demo.db"
    shutil.copy(demo_template, target)
    app = ServedApp(f"sqlite:///{target}", directory / "streamlit.log")
    yield app
    app.stop()


def _first(tasks, kind: str):
    found = [t for t in tasks.overdue + tasks.due_soon if t.kind == kind]
    assert found, f"the demo gives a {kind} task"
    return found[0]


# The two tests on own_served_demo share a worker (pytest -n with --dist loadgroup), so
# that app is started once.
@pytest.mark.xdist_group("course_browser")
def test_caseworker_lands_on_mine_opgaver_and_opens_the_due_evaluation(own_served_demo, page):
    engine = make_engine(own_served_demo.db_url)
    tasks = my_tasks(engine, scope_for(engine, "sagsbehandler"))
    task = _first(tasks, TaskKind.EVALUATION)

    open_signed_in(page, own_served_demo, "sagsbehandler")
    expect(page.get_by_role("heading", name="Mine opgaver", exact=True)).to_be_visible()
    assert page.url.endswith("/mine-opgaver")
    screenshot(page, "mine-opgaver-sagsbehandler")

    row = page.locator('[class*="st-key-task_"]', has_text=task.case_code)
    row = row.filter(has_text="Evaluering").first
    row.get_by_role("link", name="Skriv evalueringen").click()
    page.wait_for_url(f"**/evaluering?forlob={task.enrolment_id}")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Evaluering", exact=True)).to_be_visible()
    picker = page.get_by_role("combobox", name="Deltager")
    expect(picker).to_have_value(re.compile(re.escape(f"{task.case_code} ({task.initials})")))
    assert exceptions_on_page(page) == 0
    engine.dispose()


@pytest.mark.xdist_group("course_browser")
def test_mentor_logs_a_contact_from_mine_opgaver(own_served_demo, page):
    engine = make_engine(own_served_demo.db_url)
    scope = scope_for(engine, "mentor")
    task = _first(my_tasks(engine, scope), TaskKind.MENTOR)
    with engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(MentorContact))

    open_signed_in(page, own_served_demo, "mentor")
    expect(page.get_by_role("heading", name="Mine opgaver", exact=True)).to_be_visible()
    row = page.locator('[class*="st-key-task_"]', has_text=task.case_code)
    row.filter(has_text="Mentorkontakt").first.get_by_role("link", name="Registrér kontakt").click()
    page.wait_for_url(f"**/mentorkontakt?forlob={task.enrolment_id}")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Mentorkontakt", exact=True)).to_be_visible()
    # Streamlit's date picker speaks Danish (views/components/chrome.py), buttons included.
    page.get_by_role("button", name="Vælg dato").first.click()
    calendar = page.locator('[data-testid="stDateInputCalendar"]')
    expect(calendar.get_by_role("button", name="Forrige måned")).to_be_visible()
    assert "Choose" not in calendar.inner_text() and "Use arrow" not in calendar.inner_text()
    page.keyboard.press("Escape")
    # The keyboard user's first stop, Streamlit's skip link, too.
    expect(page.get_by_test_id("stSkipToContent")).to_have_text("Gå til sidens indhold")
    # Screen-reader names too: the help icons, the heading links, Streamlit's buttons.
    expect(page.locator('[aria-label^="Hjælp til "]').first).to_be_attached()
    expect(english_aria(page)).to_have_count(0)
    page.get_by_label("Note").fill("Samtale om fremmøde og næste skridt")
    page.get_by_role("button", name="Registrér kontakt").click()
    wait_idle(page)
    expect(page.get_by_text("er registreret").first).to_be_visible()
    # The saved contact read-only with Ret and Slet, not a refilled form.
    expect(page.get_by_role("button", name="Slet")).to_be_visible()
    expect(page.get_by_role("button", name="Registrér kontakt")).to_have_count(0)
    assert exceptions_on_page(page) == 0
    screenshot(page, "mentorkontakt-registreret")

    with engine.connect() as conn:
        after = conn.scalar(select(func.count()).select_from(MentorContact))
        latest = conn.execute(
            select(MentorContact.note, MentorContact.logged_by_id)
            .order_by(MentorContact.id.desc())
            .limit(1)
        ).one()
    assert after == before + 1
    assert latest == ("Samtale om fremmøde og næste skridt", scope.user_id)
    engine.dispose()


def test_unknown_address_gets_a_danish_page(served_demo, page):
    open_signed_in(page, served_demo, "sagsbehandler", "findes-ikke")
    expect(page.get_by_role("heading", name="Siden findes ikke", exact=True)).to_be_visible()
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Page not found" not in text and "You have requested" not in text
    assert page.url.endswith("/findes-ikke")
    screenshot(page, "ukendt-adresse")
    # Nested addresses (Streamlit has none; it showed a blank window) get it too.
    for nested in ("findes/ikke", "a/b/c"):
        open_path(page, served_demo.url, nested)
        heading = page.get_by_role("heading", name="Siden findes ikke", exact=True)
        expect(heading).to_be_visible()
        assert page.url.endswith("/" + nested.replace("/", "-"))
        assert "Page not found" not in page.locator('[data-testid="stApp"]').inner_text()


def _open_sidebar(page, sidebar) -> None:
    """Open the sidebar as a person does, again if it was still closing (from the last
    page change) when the button was clicked: that click was lost on a busy machine."""
    for _ in range(5):
        if sidebar.get_attribute("data-collapsed") == "true":
            page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_timeout(400)
        if sidebar.get_attribute("data-collapsed") == "false":
            return
    expect(sidebar).to_have_attribute("data-collapsed", "false")


def test_sidebar_closes_after_a_page_change_on_a_narrow_window(served_demo, browser):
    """Under 768 px the open sidebar lies over the page; after a menu link it closes (a
    phone's 390 px and a narrow desktop window, whose browser is no phone to Streamlit).
    A context of its own: Streamlit remembers a closed sidebar in the browser's storage,
    which would close it for the tests that share the suite's context."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page = context.new_page()
    try:
        open_signed_in(page, served_demo, "sagsbehandler")
        sidebar = page.locator('[data-testid="stSidebar"]')
        for width, target in ((390, "evaluering"), (720, "plan")):
            page.set_viewport_size({"width": width, "height": 850})
            _open_sidebar(page, sidebar)
            page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]').click()
            page.wait_for_url(f"**/{target}*")
            expect(sidebar).to_have_attribute("data-collapsed", "true")
    finally:
        context.close()
