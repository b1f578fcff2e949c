"""A new job centre's first day in Chromium, on a fresh non-demo database served by
`streamlit run`: create-admin on the command line, the admin signs in and creates an
enterprise, an agreement and a caseworker; the caseworker signs in with the one-time
password, must choose a password, and enrols a participant."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from db.engine import make_engine
from db.models import Enrolment
from tests.browser import (
    RUN_TIMEOUT_MS,
    english_aria,
    exceptions_on_page,
    open_path,
    open_signed_in,
    screenshot,
    sign_in,
    wait_idle,
)
from tests.conftest import ROOT, ServedApp

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = "sommerfugl i maven 42"
COOKIE_KEY = "browser-test-cookie-key-of-at-least-32-bytes-0123"


@pytest.fixture
def fresh_app(sqlite_url, tmp_path, monkeypatch):
    env = {**os.environ, "DATABASE_URL": sqlite_url, "FORLOB_ADMIN_PASSWORD": ADMIN_PASSWORD}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "db.cli",
            "create-admin",
            "--username",
            "anne",
            "--name",
            "Anne Admin",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("FORLOB_COOKIE_KEY", COOKIE_KEY)
    app = ServedApp(sqlite_url, tmp_path / "streamlit.log")
    yield app, sqlite_url
    app.stop()


def form(page: Page, submit: str):
    return page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name=submit, exact=True)
    )


def choose(scope, page: Page, label: str, option: str) -> None:
    # A rerun that lands while the list is open closes it: wait for a quiet page first,
    # and open the list again if a rerun closed it before the option could be clicked.
    for attempt in range(3):
        wait_idle(page)
        scope.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
        try:
            page.get_by_role("option", name=option).first.click(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def submit_and_expect(page: Page, button: str, text: str) -> None:
    # As a person would: not while the page is still running (a click then was lost).
    wait_idle(page)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_text(text).first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


def test_first_day_in_the_browser(fresh_app, page: Page):
    app, url = fresh_app
    open_path(page, app.url)
    sign_in(page, "anne", ADMIN_PASSWORD)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()

    open_path(page, app.url, "aftaler")
    enterprise = form(page, "Opret virksomhed")
    enterprise.get_by_label("Navn", exact=True).fill("Café Ringparken")
    enterprise.get_by_label("CVR-nummer (valgfrit)").fill("12345678")
    submit_and_expect(page, "Opret virksomhed", "Virksomheden Café Ringparken er gemt.")

    agreement = form(page, "Opret aftale")
    agreement.get_by_label("Aftalens navn").fill("Café-aftalen")
    choose(agreement, page, "Virksomhed", "Café Ringparken")
    agreement.get_by_label("Pladser").fill("6")
    start = dt.date.today() - dt.timedelta(days=30)
    # The date field is three segments (day, month, year) that advance as one types.
    agreement.get_by_role("spinbutton", name="dag, Startdato").click()
    page.keyboard.type(start.strftime("%d%m%Y"))
    submit_and_expect(page, "Opret aftale", "Aftalen Café-aftalen er oprettet.")

    open_path(page, app.url, "brugere")
    page.get_by_text("Opret bruger", exact=True).first.click()
    user = form(page, "Opret bruger")
    user.get_by_role("textbox", name="Brugernavn").fill("sara")
    user.get_by_label("Navn", exact=True).fill("Sara Sagsbehandler")
    submit_and_expect(page, "Opret bruger", "Brugeren sara er oprettet.")
    one_time = page.get_by_test_id("stCode").locator("code").inner_text().strip()
    assert len(one_time) == 16
    screenshot(page, "admin_brugere_engangskode")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("button", name="Log ind")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)

    page.get_by_label("Brugernavn").fill("sara")
    page.get_by_label("Adgangskode", exact=True).fill(one_time)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("textbox", name="Ny adgangskode")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)  # the sign-in's cookie run: a click during a run is lost
    screenshot(page, "admin_skift_adgangskode")
    # Streamlit's screen-reader names read Danish before the menu is there too.
    expect(page.get_by_role("button", name="Hjælp til Ny adgangskode")).to_have_count(1)
    expect(english_aria(page)).to_have_count(0)
    page.get_by_role("textbox", name="Ny adgangskode").fill("mit eget gode kodeord")
    page.get_by_label("Gentag adgangskoden").fill("mit eget gode kodeord")
    page.get_by_role("button", name="Gem adgangskode").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)

    link = page.locator('[data-testid="stSidebarNav"] a[href$="/forlob"]')
    link.click()
    page.wait_for_url("**/forlob")
    wait_idle(page)
    page.get_by_text("Indskriv en deltager", exact=True).first.click()
    enrol = form(page, "Indskriv")
    enrol.get_by_role("textbox", name="Sagskode (pseudonym)").fill("JC-0001")
    enrol.get_by_label("Initialer").fill("AB")
    choose(enrol, page, "Målgruppe", "Ressourceforløb")
    submit_and_expect(page, "Indskriv", "er indskrevet")
    assert exceptions_on_page(page) == 0
    screenshot(page, "admin_sagsbehandler_indskrevet")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(Enrolment.__table__.select()).all()
    engine.dispose()


def test_import_in_the_browser(fresh_app, page: Page, tmp_path):
    from tests.import_workbooks import known_figures, workbook

    app, url = fresh_app
    good = tmp_path / "aftaler og forløb.xlsx"
    good.write_bytes(workbook(known_figures(dt.date.today())))
    figures = known_figures(dt.date.today())
    figures["Forløb"][2][0] = "010190-1234"
    bad = tmp_path / "med fejl.xlsx"
    bad.write_bytes(workbook(figures))

    open_signed_in(page, app, "anne", "import")
    expect(page.get_by_role("button", name="Hent skabelon")).to_be_visible()

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    expect(page.get_by_text("Ret dem, og indlæs filen igen").first).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    expect(page.get_by_test_id("stDataFrame").nth(1)).to_be_visible()
    wait_idle(page)
    assert page.get_by_role("button", name="Importér").count() == 0
    expect(page.get_by_role("button", name="Hent kontrolrapporten (.xlsx)")).to_be_visible()
    screenshot(page, "import_fejl")

    delete = page.get_by_test_id("stFileChipDeleteBtn")
    (delete.get_by_role("button") if delete.get_by_role("button").count() else delete).first.click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(good))
    accept = page.get_by_text("Jeg har læst advarslerne og vil importere alligevel")
    expect(accept).to_be_visible(timeout=RUN_TIMEOUT_MS)  # two new enterprises
    wait_idle(page)
    screenshot(page, "import_kontrol")
    accept.click()
    wait_idle(page)
    submit_and_expect(page, "Importér", "Importeret fra aftaler og forløb.xlsx")
    assert exceptions_on_page(page) == 0

    open_path(page, app.url, "overblik")
    expect(page.get_by_text("4 af 6 i brug").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_text("2 af 10 i brug").first).to_be_visible()
    screenshot(page, "import_overblik")
