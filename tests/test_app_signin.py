"""The real app under AppTest: the Danish sign-in form, each role's pages and no other,
the demo banner, sign-out, and the first page's occupancy figures."""

from __future__ import annotations

import pytest

from app import PAGES
from tests.conftest import make_app_test, occupancy_as_shown, page_errors

DEMO_ROLES = {
    "admin": "admin",
    "leder": "leder",
    "sagsbehandler": "sagsbehandler",
    "mentor": "virksomhed",
}


def _fill_sign_in(at, username: str, password: str):
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()  # the form's only button: Log ind
    return at.run()


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [str(m.label) for m in at.metric]
    parts += (
        [str(m.value) for m in at.metric]
        + [str(m.delta) for m in at.metric]
        + [t.value for t in at.title]
        + [c.value for c in at.caption]
    )
    parts += [str(e.value) for e in at.error] + [str(i.value) for i in at.info]
    return "\n".join(parts)


def test_anonymous_visitor_gets_the_danish_sign_in_form(demo_url, monkeypatch):
    at = make_app_test(demo_url, monkeypatch)
    at.run()
    labels = [t.label for t in at.text_input]
    assert labels == ["Brugernavn", "Adgangskode"]
    assert at.button[0].label == "Log ind"
    assert "Demodata" in _texts(at)
    assert not page_errors(at)
    # No page of the app can be reached before signing in (the browser test types a few
    # of their addresses: tests/test_signin_browser.py).
    for spec in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(spec.path)


@pytest.mark.parametrize("username", list(DEMO_ROLES))
def test_each_demo_user_signs_in_through_the_form(username, demo_url, monkeypatch):
    at = make_app_test(demo_url, monkeypatch)
    at.run()
    _fill_sign_in(at, username, "demo")
    user = at.session_state["user"]
    assert user.username == username and user.role == DEMO_ROLES[username]
    assert not page_errors(at)
    assert "Log ud" in [b.label for b in at.button]


def test_wrong_password_gets_a_danish_message(demo_url, monkeypatch):
    at = make_app_test(demo_url, monkeypatch)
    at.run()
    _fill_sign_in(at, "leder", "forkert")
    assert any("Forkert brugernavn eller adgangskode" in str(e.value) for e in at.error)
    # Still signed out, with the form to try again.
    assert "user" not in at.session_state or at.session_state["user"] is None
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    assert [b.label for b in at.button] == ["Log ind"]


def test_sign_out_returns_to_the_form(app_for):
    at = app_for("leder")
    at.button(key="sign_out_button").click()
    at.run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    with pytest.raises(ValueError):
        at.switch_page("views/overblik.py")


def test_manager_sees_occupancy_of_both_demo_agreements(app_for, demo_engine):
    at = app_for("leder")
    text = _texts(at)
    shown = occupancy_as_shown(demo_engine)
    assert len(shown) == 2
    for in_use, share in shown:
        assert in_use in text and share in text
    assert not page_errors(at)


@pytest.mark.parametrize("username", list(DEMO_ROLES))
def test_each_role_opens_its_pages_and_no_others(username, app_for):
    """Signed in once, as a person moving through the menu: every page of the role runs
    without an error; every other page cannot be switched to at all."""
    at = app_for(username)
    role = DEMO_ROLES[username]
    errors: dict[str, list] = {}
    for spec in PAGES:
        if role not in spec.roles:
            with pytest.raises(ValueError):
                at.switch_page(spec.path)
            continue
        at.switch_page(spec.path)
        at.run()
        if page_errors(at):
            errors[spec.path] = page_errors(at)
    assert not errors, errors
    assert sum(role in spec.roles for spec in PAGES) > 1


def test_empty_database_shows_a_friendly_first_page(sqlite_url, monkeypatch):
    # A database with the schema but no agreements, and one manager to sign in.
    from db.engine import make_engine, write_session
    from db.models import User
    from lib.security.sign_in import hash_password

    with write_session(make_engine(sqlite_url), "test") as s:
        s.add(
            User(
                username="ny",
                display_name="Ny Leder",
                password_hash=hash_password("pw"),
                role="leder",
            )
        )
    monkeypatch.setenv("FORLOB_COOKIE_KEY", "t" * 40)
    at = make_app_test(sqlite_url, monkeypatch, "ny")
    at.run()
    assert not at.exception
    assert any("ingen samarbejdsaftaler" in str(i.value) for i in at.info)
    assert "Demodata" not in _texts(at)


def test_outside_demo_mode_a_missing_cookie_key_stops_the_app(sqlite_url, monkeypatch):
    monkeypatch.delenv("FORLOB_COOKIE_KEY", raising=False)
    at = make_app_test(sqlite_url, monkeypatch)
    at.run()
    assert any("nøgle til login-cookien" in str(e.value) for e in at.error)
    assert not at.text_input  # no sign-in form


def test_the_single_sign_on_button_shows_only_when_auth_is_configured(demo_url, monkeypatch):
    sso = "Log ind med single sign-on"
    at = make_app_test(demo_url, monkeypatch)
    at.run()
    assert sso not in [b.label for b in at.button]  # the password form alone, the default
    at = make_app_test(demo_url, monkeypatch)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "c" * 40,
        "client_id": "forlobsmonitor",
        "client_secret": "s" * 20,
        "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
    }
    at.run()
    assert [b.label for b in at.button][:2] == ["Log ind", sso]
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    assert not page_errors(at)
