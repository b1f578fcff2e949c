"""Shared page plumbing: the engine, the signed-in user, role checks, the demo banner,
empty states and filters kept in the URL. Pages stay thin by calling these."""

from __future__ import annotations

import datetime as dt
import importlib

import streamlit as st
from sqlalchemy import Engine

from db.engine import make_engine
from lib.auth import SignedInUser
from lib.scope import Scope
from lib.settings import data_version


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    from db.engine import database_url

    return _engine_for(database_url())


def current_user() -> SignedInUser | None:
    return st.session_state.get("user")


def require_role(*roles: str) -> SignedInUser:
    """Defence in depth: a page checks the role itself, even though st.navigation only
    offers it to the right roles."""
    user = current_user()
    if user is None or (roles and user.role not in roles):
        st.error("Du har ikke adgang til denne side.")
        st.stop()
    return user


def require_scope(*roles: str) -> Scope:
    return require_role(*roles).scope


def current_data_version() -> int:
    """Passed to cached queries: any save anywhere gives the next run fresh numbers."""
    return data_version(get_engine())


@st.cache_data(ttl=300, show_spinner=False, max_entries=1000)
def _cached_call(qualname: str, url: str, version: int, args: tuple, kwargs: tuple):
    module_name, _, func_name = qualname.rpartition(".")
    fn = getattr(importlib.import_module(module_name), func_name)
    return fn(_engine_for(url), *args, **dict(kwargs))


def cached_query(fn, *args, **kwargs):
    """Call a lib query `fn(engine, *args, **kwargs)` through the process-wide cache.

    The key holds the database, the data version (so any save refreshes every page on
    its next run) and all arguments, which must include the user's Scope for anything
    scoped: st.cache_data is shared by all users of the process."""
    from db.engine import database_url

    return _cached_call(
        f"{fn.__module__}.{fn.__qualname__}",
        database_url(),
        current_data_version(),
        args,
        tuple(sorted(kwargs.items())),
    )


def empty_state(message: str, hint: str | None = None) -> None:
    st.info(message + (f"\n\n{hint}" if hint else ""), icon=":material/inbox:")


def page_header(title: str, caption: str | None = None) -> None:
    st.title(title)
    if caption:
        st.caption(caption)


# --------------------------------------------------------------------------- URL filters


def query_param_int(name: str) -> int | None:
    raw = st.query_params.get(name)
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def query_param_ints(name: str) -> list[int]:
    out = []
    for raw in st.query_params.get_all(name):
        for part in str(raw).split(","):
            if part.strip().isdigit():
                out.append(int(part))
    return out


def query_param_date(name: str) -> dt.date | None:
    raw = st.query_params.get(name)
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def set_query_params(**values) -> None:
    """Write filters to the URL so a copied link opens the same view; None removes one."""
    for key, value in values.items():
        if value is None or value == [] or value == "":
            if key in st.query_params:
                del st.query_params[key]
        elif isinstance(value, list | tuple):
            st.query_params[key] = ",".join(str(v) for v in value)
        elif isinstance(value, dt.date):
            st.query_params[key] = value.isoformat()
        else:
            st.query_params[key] = str(value)
