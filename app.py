"""Forløbsmonitor: sign-in, navigation by role and the shared layout.

Sign-in is resolved before st.navigation on every run, and st.navigation only ever gets
the pages of the signed-in role: a page that is not passed cannot be opened by its URL.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.util import calc_hash

from db.engine import DatabaseUnavailable, check_connection, database_url
from lib.domain.enums import JOB_CENTRE_ROLES, MANAGER_ROLES, Role
from lib.domain.text import inert
from lib.queries.settings import is_demo
from lib.security.config import ConfigError, cookie_key
from lib.security.passwords import password_change_required
from lib.security.sign_in import retire_demo_users
from views.components.admin_password import forced_password_change
from views.components.auth import (
    finish_sso_sign_out,
    resolve_user,
    sign_in_page,
    sign_out_buttons,
    sync_cookie,
)
from views.components.chrome import danish_chrome
from views.components.errors import error_boundary
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
    PageSpec(
        "views/adgangslog.py",
        "Adgangslog",
        "adgangslog",
        ":material/visibility:",
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


def run_without_menu(pages: list[st.Page]) -> None:
    """Pages before the menu (the sign-in form, the forced password change): no sidebar,
    so the translation of Streamlit's own English is installed from the page itself."""
    st.navigation(pages, position="hidden").run()
    danish_chrome()


def stop_with(message: str) -> None:
    st.error(message, icon=":material/error:")
    danish_chrome()  # the skip link reads Danish on this page too
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
        key = cookie_key(
            st.secrets.get("cookie_key") if _has_secrets() else None, demo, database_url()
        )
    except (DatabaseUnavailable, ConfigError) as exc:
        stop_with(str(exc))
    st.session_state["demo_mode"] = demo
    if demo:
        demo_banner()
    else:
        _retire_demo_users_once(database_url())

    user = resolve_user(engine, key)
    sync_cookie(key)
    finish_sso_sign_out()
    unknown = unknown_address()
    if user is None:
        # Every page address shows the sign-in form and keeps its URL, so a copied deep
        # link opens that page right after sign-in. No page script runs.
        run_without_menu(signed_out_pages(unknown))
        return

    if password_change_required(engine, user.id):
        # A one-time password opens nothing but the form to choose one's own.
        run_without_menu(
            [st.Page(lambda: forced_password_change(engine, user), url_path="skift-adgangskode")]
        )
        return

    # expanded: every page shows in the menu, none behind Streamlit's English "View more".
    navigation = st.navigation(pages_for(user.role, unknown), expanded=True)

    with st.sidebar:
        st.markdown(f"**{inert(user.display_name)}**  \n{Role.label_of(user.role, user.role)}")
        sign_out_buttons()
        participant_search(user.scope)
        danish_chrome()  # Streamlit's own English: status widget, date picker
    navigation.run()


@st.cache_resource(show_spinner=False)
def _retire_demo_users_once(url: str) -> list[str]:
    """Once per process and database: outside demo mode the demo's users cannot sign in."""
    return retire_demo_users(get_engine())


def _has_secrets() -> bool:
    try:
        return "cookie_key" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def run_app() -> None:
    """Every page, the sign-in and the start-up checks inside one error boundary."""
    with error_boundary():
        main()


if __name__ == "__main__":  # Streamlit runs this file as __main__; tests import PAGES
    run_app()
