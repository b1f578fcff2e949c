"""Forløbsmonitor: sign-in, navigation by role and the shared layout.

Sign-in is resolved before st.navigation on every run, and st.navigation only ever gets
the pages of the signed-in role: a page that is not passed cannot be opened by its URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.util import calc_hash

from db.engine import DatabaseUnavailable, check_connection
from lib.domain.enums import JOB_CENTRE_ROLES, MANAGER_ROLES, Role
from lib.queries.settings import is_demo
from lib.security.config import COOKIE_EXPIRY_DAYS, COOKIE_NAME, ConfigError, cookie_key
from lib.security.passwords import password_change_required
from lib.security.sign_in import authenticator_credentials, load_user, sign_in
from views.components.admin_password import forced_password_change
from views.components.participant_search import participant_search
from views.components.runtime import get_engine
from views.texts import course as course_texts

MANAGERS = MANAGER_ROLES
STAFF = JOB_CENTRE_ROLES
EVERYONE = tuple(Role)


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    url_path: str
    icon: str
    roles: tuple[str, ...]
    section: str


OWN_CASELOAD = (Role.CASEWORKER, Role.ENTERPRISE)

PAGES = [
    # First for caseworkers and enterprise staff: their start page after sign-in.
    PageSpec(
        "views/mine_opgaver.py",
        "Mine opgaver",
        "mine-opgaver",
        ":material/task_alt:",
        OWN_CASELOAD,
        "Mit arbejde",
    ),
    PageSpec(
        "views/overblik.py", "Overblik", "overblik", ":material/dashboard:", EVERYONE, "Overblik"
    ),
    PageSpec(
        "views/opfolgning.py",
        "Opfølgning",
        "opfolgning",
        ":material/event_available:",
        EVERYONE,
        "Overblik",
    ),
    PageSpec(
        "views/progression.py",
        "Progression",
        "progression",
        ":material/trending_up:",
        EVERYONE,
        "Overblik",
    ),
    PageSpec(
        "views/resultater.py", "Resultater", "resultater", ":material/flag:", EVERYONE, "Overblik"
    ),
    PageSpec("views/forlob.py", "Forløb", "forlob", ":material/group:", EVERYONE, "Registrering"),
    PageSpec(
        "views/forlobsside.py",
        "Forløbsside",
        "forlobsside",
        ":material/timeline:",
        EVERYONE,
        "Registrering",
    ),
    PageSpec("views/plan.py", "Plan", "plan", ":material/assignment:", EVERYONE, "Registrering"),
    PageSpec(
        "views/evaluering.py",
        "Evaluering",
        "evaluering",
        ":material/checklist:",
        EVERYONE,
        "Registrering",
    ),
    PageSpec("views/timer.py", "Timer", "timer", ":material/schedule:", EVERYONE, "Registrering"),
    PageSpec(
        "views/mentorkontakt.py",
        "Mentorkontakt",
        "mentorkontakt",
        ":material/support_agent:",
        EVERYONE,
        "Registrering",
    ),
    PageSpec(
        "views/mine_resultater.py",
        "Mine resultater",
        "mine-resultater",
        ":material/insights:",
        (Role.CASEWORKER, Role.MANAGER),
        "Overblik",
    ),
    PageSpec("views/kvalitet.py", "Kvalitet", "kvalitet", ":material/verified:", STAFF, "Kvalitet"),
    PageSpec(
        "views/fidelitet.py",
        "Fidelitet",
        "fidelitet",
        ":material/fact_check:",
        MANAGERS,
        "Kvalitet",
    ),
    PageSpec(
        "views/praesentation.py",
        "Præsentation",
        "praesentation",
        ":material/slideshow:",
        MANAGERS,
        "Udvalg",
    ),
    PageSpec(
        "views/evalueringsrapport.py",
        "Evalueringsrapport",
        "evalueringsrapport",
        ":material/description:",
        MANAGERS,
        "Udvalg",
    ),
    PageSpec(
        "views/brugere.py",
        "Brugere",
        "brugere",
        ":material/group:",
        (Role.ADMIN,),
        "Administration",
    ),
    PageSpec(
        "views/aftaler.py",
        "Aftaler",
        "aftaler",
        ":material/handshake:",
        (Role.ADMIN,),
        "Administration",
    ),
    PageSpec(
        "views/kataloger.py",
        "Kataloger",
        "kataloger",
        ":material/list_alt:",
        (Role.ADMIN,),
        "Administration",
    ),
    PageSpec(
        "views/importer.py",
        "Import",
        "import",
        ":material/upload_file:",
        MANAGERS,
        "Administration",
    ),
    PageSpec(
        "views/revisionslog.py",
        "Revisionslog",
        "revisionslog",
        ":material/history:",
        (Role.ADMIN,),
        "Administration",
    ),
]


def pages_for(role: str, unknown: str | None = None) -> dict[str, list[st.Page]]:
    """The role's pages by section. Addresses of pages the role lacks lead to a hidden
    Danish refusal instead of the page: its script is never passed, so it never runs.
    `unknown`: an address that is no page at all gets a hidden Danish 'not found' page
    (instead of Streamlit's English "Page not found" dialog)."""
    sections: dict[str, list[st.Page]] = {}
    refused = []
    for spec in PAGES:
        if role in spec.roles:
            page = st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path)
            sections.setdefault(spec.section, []).append(page)
        else:
            refused.append(
                st.Page(
                    no_access_page, title=spec.title, url_path=spec.url_path, visibility="hidden"
                )
            )
    if sections:
        first = next(iter(sections))
        # Streamlit serves the default page at "/" only; a hidden start page takes that
        # place so every real page keeps its own address (/overblik works as a link).
        start = st.Page(
            start_page, title="Start", url_path="start", default=True, visibility="hidden"
        )
        if unknown:
            refused.append(
                st.Page(
                    not_found_page, title="Siden findes ikke", url_path=unknown,
                    visibility="hidden",
                )
            )  # fmt: skip
        sections[first] = [start, *sections[first], *refused]
    return sections


KNOWN_ADDRESSES = {"", "start", "log-ind", *(spec.url_path for spec in PAGES)}


def unknown_address() -> str | None:
    """The address asked for, if it is no page of the app (a mistyped or old link).
    Streamlit resolves the page after st.navigation; this reads its request first. A first
    run asks by name; later runs (after the cookie sign-in) by the hash of the page that
    was served for that name, which is the hash of its address."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    wanted_hash = ctx.pages_manager.intended_page_script_hash
    remembered = st.session_state.get("unknown_address")
    if wanted_hash:
        return remembered if remembered and wanted_hash == calc_hash(remembered) else None
    name = (ctx.pages_manager.intended_page_name or "").strip("/")
    if name in KNOWN_ADDRESSES or not name or "/" in name:
        return None
    st.session_state["unknown_address"] = name
    return name


def not_found_page() -> None:
    st.title(course_texts.NOT_FOUND_TITLE)
    st.info(course_texts.NOT_FOUND_TEXT, icon=":material/travel_explore:")
    st.page_link(landing_page_path(), label="Til forsiden", icon=":material/home:")


def landing_page_path() -> str:
    user = st.session_state.get("user")
    first = next((s for s in PAGES if user and user.role in s.roles), PAGES[0])
    return first.path


def start_page() -> None:
    """The landing page after sign-in: the role's first page (Mine opgaver for caseworkers
    and enterprise staff, Overblik for managers and admins)."""
    user = st.session_state.get("user")
    if user is not None:
        st.switch_page(landing_page_path())


def signed_out_pages(unknown: str | None = None) -> list[st.Page]:
    pages = [st.Page(sign_in_page, title="Log ind", url_path="log-ind", default=True)]
    addresses = [spec.url_path for spec in PAGES] + ([unknown] if unknown else [])
    pages += [st.Page(sign_in_page, title="Log ind", url_path=path) for path in addresses]
    return pages


def no_access_page() -> None:
    st.title("Ingen adgang")
    st.error(
        "Du har ikke adgang til denne side med din rolle. Vælg en side i menuen til venstre.",
        icon=":material/block:",
    )


# --------------------------------------------------------------------------- sign-in


def _on_sign_in() -> None:
    """Form callback: runs before the script, so the same run already draws the pages."""
    engine = get_engine()
    result = sign_in(
        engine,
        st.session_state.get("sign_in_username", ""),
        st.session_state.get("sign_in_password", ""),
    )
    if result.error:
        st.session_state["sign_in_error"] = result.error
        return
    user = result.user
    st.session_state.update(
        user=user,
        authentication_status=True,
        username=user.username,
        name=user.display_name,
        roles=[user.role],
        logout=False,
        set_cookie_pending=True,
        sign_in_error=None,
        sign_in_password="",
    )


def _on_sign_out(authenticator: stauth.Authenticate) -> None:
    authenticator.authentication_controller.logout()
    st.session_state["user"] = None
    st.session_state["delete_cookie_pending"] = True


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
            st.form_submit_button("Log ind", type="primary", on_click=_on_sign_in, width="stretch")
        if st.session_state.get("sign_in_error"):
            st.error(st.session_state["sign_in_error"], icon=":material/lock:")
        if demo:
            st.info(
                "Demodata: log ind som **leder**, **sagsbehandler**, **mentor** eller **admin** "
                "med adgangskoden **demo**."
            )


def persist_session_cookie(authenticator: stauth.Authenticate, user, key: str) -> None:
    """Set the signed session cookie after a sign-in, the way streamlit-authenticator
    reads it back. The browser component that sets it can be dropped by a rerun (the
    start page switches away at once), so it is drawn on every run, with the same
    arguments, until it reports that the cookie is set."""
    pending = st.session_state.get("set_cookie_pending")
    if not pending:
        return
    if pending is True:
        expires = dt.datetime.now() + dt.timedelta(days=COOKIE_EXPIRY_DAYS)
        token = jwt.encode(
            {"username": user.username, "exp_date": expires.timestamp()}, key, algorithm="HS256"
        )
        pending = {"token": token, "expires": expires.isoformat()}
        st.session_state["set_cookie_pending"] = pending
    component = authenticator.cookie_controller.cookie_model.cookie_manager.cookie_manager
    done = component(
        method="set",
        cookie=COOKIE_NAME,
        value=pending["token"],
        options={"path": "/", "expires": pending["expires"], "sameSite": "strict"},
        key=f"set_session_cookie_{hashlib.sha256(pending['token'].encode()).hexdigest()[:12]}",
        default=False,
    )
    if done:
        del st.session_state["set_cookie_pending"]


def resolve_user(engine, authenticator: stauth.Authenticate):
    """The signed-in user for this run: from the session, else from the session cookie.
    Re-read from the database so a deactivated user is signed out at once."""
    if not st.session_state.get("authentication_status"):
        try:
            authenticator.login(location="unrendered")
        except stauth.LoginError:
            return None
    if not st.session_state.get("authentication_status"):
        return None
    user = load_user(engine, st.session_state.get("username"))
    if user is None:
        authenticator.authentication_controller.logout()
    st.session_state["user"] = user
    return user


# --------------------------------------------------------------------------- layout


def demo_banner() -> None:
    st.markdown(
        '<div class="fm-demo" role="status">Demodata – ikke rigtige borgere</div>',
        unsafe_allow_html=True,
    )


# Streamlit's table and chart toolbars speak English ("Download as CSV", "Search",
# "Fullscreen"); the pages have Danish download buttons of their own, so the toolbars go.
STYLE = """
<style>
[data-testid="stElementToolbar"] {display: none !important}
.fm-demo {background:#FFF4D6;border:1px solid #E69F00;color:#5A3E00;padding:.25rem .75rem;
  border-radius:.4rem;font-size:.85rem;display:inline-block;margin-bottom:.5rem}
</style>
"""


def stop_with(message: str) -> None:
    st.error(message, icon=":material/error:")
    st.stop()


def main() -> None:
    st.set_page_config(
        page_title="Forløbsmonitor", page_icon=":material/monitoring:", layout="wide"
    )
    st.markdown(STYLE, unsafe_allow_html=True)
    try:
        engine = get_engine()
        check_connection(engine)
        demo = is_demo(engine)
        key = cookie_key(st.secrets.get("cookie_key") if _has_secrets() else None, demo)
    except (DatabaseUnavailable, ConfigError) as exc:
        stop_with(str(exc))
    st.session_state["demo_mode"] = demo
    if demo:
        demo_banner()

    authenticator = stauth.Authenticate(
        authenticator_credentials(engine),
        COOKIE_NAME,
        key,
        COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=0,  # a sleep here breaks deep links; lock-out is in the database
    )
    if st.session_state.pop("delete_cookie_pending", False):
        authenticator.cookie_controller.delete_cookie()

    user = resolve_user(engine, authenticator)
    unknown = unknown_address()
    if user is None:
        # Every page address shows the sign-in form and keeps its URL, so a copied deep
        # link opens that page right after sign-in. No page script runs.
        st.navigation(signed_out_pages(unknown), position="hidden").run()
        return

    if password_change_required(engine, user.id):
        # A one-time password opens nothing but the form to choose one's own.
        st.navigation(
            [st.Page(lambda: forced_password_change(engine, user), url_path="skift-adgangskode")],
            position="hidden",
        ).run()
        return

    # expanded: every page shows in the menu, none behind Streamlit's English "View more".
    navigation = st.navigation(pages_for(user.role, unknown), expanded=True)

    persist_session_cookie(authenticator, user, key)
    with st.sidebar:
        st.markdown(f"**{user.display_name}**  \n{Role.label_of(user.role, user.role)}")
        st.button(
            "Log ud",
            key="sign_out_button",
            on_click=_on_sign_out,
            args=(authenticator,),
            icon=":material/logout:",
        )
        participant_search(user.scope)
    navigation.run()


def _has_secrets() -> bool:
    try:
        return "cookie_key" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


if __name__ == "__main__":  # Streamlit runs this file as __main__; tests import PAGES
    main()
