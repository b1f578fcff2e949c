"""Single sign-on in Chromium against a real OpenID Connect provider on 127.0.0.1
(tests/oidc_provider.py): the button, the provider's form, back in the app as the
database's user with that user's role, a server-side session like a password sign-in's,
and sign-out that ends both. A person the database does not know is refused."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from db.engine import make_engine
from db.models import AuditLog, User, UserSession
from lib.security.sso import UNKNOWN_USER
from tests.browser import RUN_TIMEOUT_MS, nav_titles, open_path, screenshot, wait_idle
from tests.conftest import ServedApp
from tests.oidc_provider import auth_secrets, person, running_provider

# Authlib and the provider warn about their own deprecated modules; not this project's.
# One worker for the module (pytest -n with --dist loadgroup): the provider and app start once.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.xdist_group("sso_browser"),
]

LEADER_EMAIL = "Lone.Leder@kommune.example"


@pytest.fixture(scope="module")
def sso_app(demo_template, tmp_path_factory):
    """The demo app with [auth] in its secrets, and the provider it trusts."""
    directory = tmp_path_factory.mktemp("sso")
    shutil.copy(demo_template, directory / "demo.db")
    url = f"sqlite:///{directory / 'demo.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.username == "leder").values(email=LEADER_EMAIL))
    users = (
        person("sub-lone", LEADER_EMAIL.upper(), "Lone L."),
        person("sub-fremmed", "fremmed@andet.example", "Fremmed"),
    )
    with running_provider(*users) as provider:
        secrets = directory / "secrets.toml"
        secrets.write_text(auth_secrets(provider, "sso-cookie-secret-0123456789abcdef0123"))
        app = ServedApp(url, directory / "streamlit.log", ("--secrets.files", str(secrets)))
        try:
            yield app, engine
        finally:
            app.stop()
            engine.dispose()


def _through_provider(page: Page, base_url: str, subject: str) -> None:
    """Sign-in page -> the SSO button -> the provider's form -> choose the account."""
    # Nothing leaves the machine: the provider's page links a stylesheet on a CDN.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    open_path(page, base_url)
    page.get_by_role("button", name="Log ind med single sign-on").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=RUN_TIMEOUT_MS)
    page.get_by_role("button", name=subject, exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(base_url)}/"), timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


def test_sso_signs_in_the_matched_user_with_their_role_and_signs_out_of_both(sso_app, page):
    app, engine = sso_app
    _through_provider(page, app.url, "sub-lone")
    expect(page.get_by_role("button", name="Log ud", exact=True)).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Lone Leder")  # the database's
    titles = nav_titles(page)
    assert "Fidelitet" in titles and "Brugere" not in titles  # the manager's pages
    screenshot(page, "sso-logget-ind")
    identity = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    assert identity and identity[0]["httpOnly"]
    with engine.connect() as conn:
        (session,) = conn.execute(
            select(UserSession.oidc_marker, UserSession.revoked_at)
            .join(User, User.id == UserSession.user_id)
            .where(User.username == "leder", UserSession.oidc_marker.is_not(None))
        ).all()
        assert session.revoked_at is None
        actions = conn.scalars(
            select(AuditLog.after).where(AuditLog.username == "leder", AuditLog.action == "sign_in")
        ).all()
    assert any('"metode": "oidc"' in (a or "") for a in actions)

    page.get_by_role("button", name="Log ud", exact=True).click()
    # st.logout: Streamlit clears its identity cookie and sends the browser to the
    # provider's end-session page.
    page.wait_for_url(re.compile(r"/oauth2/end_session"), timeout=RUN_TIMEOUT_MS)
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    with engine.connect() as conn:
        revoked = conn.scalar(
            select(UserSession.revoked_at).where(UserSession.oidc_marker == session.oidc_marker)
        )
    assert revoked is not None
    open_path(page, app.url, "overblik")  # back in the app: signed out
    expect(page.get_by_role("button", name="Log ind", exact=True)).to_be_visible()
    assert page.get_by_role("button", name="Log ud", exact=True).count() == 0


def test_sso_refuses_a_person_the_database_does_not_know(sso_app, page):
    app, _ = sso_app
    _through_provider(page, app.url, "sub-fremmed")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(UNKNOWN_USER)
    assert page.get_by_role("button", name="Log ud", exact=True).count() == 0
    assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    screenshot(page, "sso-afvist")
