"""What every page needs before it draws: the engine, the signed-in user, the role check,
and the process-wide cache for reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine

from db.engine import database_url, make_engine
from lib.domain.access import Scope
from lib.queries.settings import data_version
from lib.security.sign_in import SignedInUser

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """One engine (and connection pool) per database per process."""
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
def _cached(
    _engine: Engine,
    _query: Callable[..., Any],
    query: str,
    database: str,
    version: int,
    args: tuple,
    kwargs: tuple,
) -> Any:
    # _engine and _query are not hashed; `query` names the function and `database` the
    # engine's database, so the key differs wherever the result can.
    return _query(_engine, *args, **dict(kwargs))


def cached_query(query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`query(engine, *args, **kwargs)` through the process-wide cache.

    The key holds the query's name, the database, the data version (so any save refreshes
    every page on its next run) and all arguments, which must include the user's Scope for
    anything scoped: st.cache_data is shared by all users of the process."""
    return _cached(
        get_engine(),
        query,
        f"{query.__module__}.{query.__qualname__}",
        database_url(),
        current_data_version(),
        args,
        tuple(sorted(kwargs.items())),
    )
