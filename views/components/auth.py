"""Sign-in, sign-out and the session cookie, as app.py uses them on every run.

The cookie holds only a signed random session token (lib.security.sessions); whether it
still opens anything is decided in the database on every run. It is read on the server
from the request that opened the page (st.context.cookies) and written by the
extra-streamlit-components cookie component, because Streamlit has no server response to
set it on: it is therefore not HttpOnly (README, "Security model").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

import streamlit as st
from extra_streamlit_components.CookieManager import _component_func as _cookie_component
from sqlalchemy import Engine

from lib.security.config import COOKIE_NAME, SESSION_ABSOLUTE
from lib.security.sessions import (
    cookie_value,
    create_session,
    resolve_session,
    revoke_session,
    revoke_sessions_for,
    token_from_cookie,
)
from lib.security.sign_in import SignedInUser, sign_in
from lib.security.sso import sso_sign_in, token_marker
from views.components.runtime import get_engine


def _request_text(read) -> str | None:
    """A value from the request that opened the page; None where there is none (AppTest
    hands out stand-ins that are not strings)."""
    try:
        value = read()
    except Exception:
        return None
    return value if isinstance(value, str) else None


def client_address() -> str | None:
    return _request_text(lambda: st.context.ip_address)


def _user_agent() -> str:
    return _request_text(lambda: st.context.headers.get("User-Agent")) or ""


def _served_over_https() -> bool:
    return (_request_text(lambda: st.context.url) or "").startswith("https://")


def _cookie_from_request() -> str | None:
    return _request_text(lambda: st.context.cookies.get(COOKIE_NAME))


# What `st.login` needs in secrets.toml's [auth] section (the "default" provider).
SSO_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def sso_configured() -> bool:
    """Whether single sign-on (OpenID Connect) is set up in .streamlit/secrets.toml."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all
        return False
    return isinstance(auth, Mapping) and all(auth.get(k) for k in SSO_KEYS)


def _sso_claims() -> dict | None:
    """The ID token's claims from Streamlit's identity cookie, if the person came back
    from the provider (or still holds the cookie)."""
    if not sso_configured():
        return None
    try:
        return st.user.to_dict() if st.user.is_logged_in else None
    except Exception:
        return None


def _sign_in_from_sso(engine: Engine) -> tuple[SignedInUser | None, str | None]:
    """A session from a fresh ID token, once per token (lib.security.sso)."""
    claims = _sso_claims()
    if claims is None:
        return None, None
    marker = token_marker(claims)
    if st.session_state.get("sso_tried") == marker:
        return None, None
    st.session_state["sso_tried"] = marker
    result = sso_sign_in(engine, claims, client=client_address(), user_agent=_user_agent())
    if result.error:
        st.session_state["sign_in_error"] = result.error
    if result.user is None or result.token is None:
        return None, None
    st.session_state.update(
        cookie_pending={"method": "set", "token": result.token}, sign_in_error=None
    )
    return result.user, result.token


def _forget_session() -> None:
    for key in ("user", "session_token"):
        st.session_state[key] = None


def on_sign_in() -> None:
    """Form callback: runs before the script, so the same run already draws the pages."""
    engine = get_engine()
    result = sign_in(
        engine,
        st.session_state.get("sign_in_username", ""),
        st.session_state.get("sign_in_password", ""),
        client=client_address(),
    )
    st.session_state["sign_in_password"] = ""
    if result.error or result.user is None:
        st.session_state["sign_in_error"] = result.error
        return
    token = create_session(engine, result.user, _user_agent())
    st.session_state.update(
        user=result.user,
        session_token=token,
        cookie_pending={"method": "set", "token": token},
        sign_in_error=None,
    )


def on_sign_out(everywhere: bool = False) -> None:
    """End this session (or every session of the user) on the server, then ask the
    browser to forget the cookie. The server side is what counts: a copy of the cookie
    is refused from this moment, whether or not the browser deletes it."""
    engine = get_engine()
    user: SignedInUser | None = st.session_state.get("user")
    if everywhere and user is not None:
        revoke_sessions_for(engine, user.id, actor=user.username)
    revoke_session(engine, st.session_state.get("session_token"))
    _forget_session()
    st.session_state["cookie_pending"] = {"method": "delete"}
    if _sso_claims() is not None:
        # Streamlit's identity cookie goes too (finish_sso_sign_out), and the provider
        # is asked to end its session, once the browser has forgotten ours.
        st.session_state["sso_sign_out"] = True


def finish_sso_sign_out() -> None:
    """After a single sign-on user's sign-out: st.logout clears Streamlit's HttpOnly
    identity cookie on the server's response and sends the browser to the provider's
    end-session page (when it has one)."""
    if st.session_state.get("sso_sign_out") and not st.session_state.get("cookie_pending"):
        del st.session_state["sso_sign_out"]
        st.logout()


def resolve_user(engine: Engine, key: str) -> SignedInUser | None:
    """The signed-in user for this run: this browser session's token, else the one in the
    cookie the page was opened with; checked against the session table every run."""
    token = st.session_state.get("session_token")
    if token is None:
        token = token_from_cookie(_cookie_from_request(), key)
    user = resolve_session(engine, token)
    if user is None:
        user, token = _sign_in_from_sso(engine)
    if user is None:
        _forget_session()
        return None
    st.session_state["session_token"] = token
    st.session_state["user"] = user
    return user


def sync_cookie(key: str) -> None:
    """Set or delete the cookie after a sign-in or sign-out. The browser component that
    does it can be dropped by a rerun (the start page switches away at once), so it is
    drawn on every run, with the same arguments, until it reports that it is done."""
    pending = st.session_state.get("cookie_pending")
    if not pending:
        return
    if pending["method"] == "set":
        if "expires" not in pending:
            expires = dt.datetime.now(dt.UTC) + SESSION_ABSOLUTE
            pending = {**pending, "expires": expires.isoformat()}
            st.session_state["cookie_pending"] = pending
        value = cookie_value(pending["token"], key)
        options = {"path": "/", "expires": pending["expires"], "sameSite": "strict"}
        if _served_over_https():
            options["secure"] = True
        done = _cookie_component(
            method="set",
            cookie=COOKIE_NAME,
            value=value,
            options=options,
            key=f"set_session_cookie_{hashlib.sha256(value.encode()).hexdigest()[:12]}",
            default=False,
        )
    else:
        done = _cookie_component(
            method="delete", cookie=COOKIE_NAME, key="delete_session_cookie", default=False
        )
    if done:
        del st.session_state["cookie_pending"]


def sign_in_page() -> None:
    demo = st.session_state.get("demo_mode", False)
    _, middle, _ = st.columns([1, 1.4, 1])
    with middle:
        st.title("Forløbsmonitor")
        st.caption("Opfølgning på samarbejdsaftaler med socialøkonomiske virksomheder")
        with st.form("sign_in_form"):
            st.subheader("Log ind")
            st.text_input(
                "Brugernavn", key="sign_in_username", max_chars=80, autocomplete="username"
            )
            st.text_input(
                "Adgangskode",
                key="sign_in_password",
                type="password",
                autocomplete="current-password",
            )
            st.form_submit_button("Log ind", type="primary", on_click=on_sign_in, width="stretch")
        if sso_configured() and st.button(
            "Log ind med single sign-on",
            key="sso_sign_in_button",
            icon=":material/key:",
            width="stretch",
            help="Log ind med din konto hos kommunens login-tjeneste (OpenID Connect).",
        ):
            st.login()
        if st.session_state.get("sign_in_error"):
            st.error(st.session_state["sign_in_error"], icon=":material/lock:")
        if demo:
            st.info(
                "Demodata: log ind som **leder**, **sagsbehandler**, **mentor** eller **admin** "
                "med adgangskoden **demo**."
            )


def sign_out_buttons() -> None:
    """In the sidebar: sign out here, or on every device (e.g. after a lost laptop)."""
    st.button("Log ud", key="sign_out_button", on_click=on_sign_out, icon=":material/logout:")
    st.button(
        "Log alle enheder ud",
        key="sign_out_everywhere_button",
        on_click=on_sign_out,
        kwargs={"everywhere": True},
        icon=":material/devices:",
        type="tertiary",
        help="Afslutter alle dine sessioner, også på andre computere og telefoner.",
    )
