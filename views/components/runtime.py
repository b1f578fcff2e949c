"""What every page needs before it draws: the engine, the signed-in user, the role check,
and the process-wide cache for reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from db.engine import database_url, make_engine
from lib.domain.access import Scope
from lib.queries.settings import data_version
from lib.security.sign_in import SignedInUser

T = TypeVar("T")


# Saves made by this process: a save in the middle of a run makes the rest of that run
# read the data version again (see current_data_version). Counted where saves are made,
# in write_session's ORM Session (db.engine: the one write path, whose audit rows are what
# the data version counts). A read transaction that commits (read_snapshot, a Core
# connection) is no save: counted as one, it made every committee page read the data
# version a second time in its run.
_commits = [0]


@event.listens_for(Session, "after_commit")
def _note_commit(_session: Session) -> None:
    _commits[0] += 1


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
    """Passed to cached queries: any save anywhere gives the next run fresh numbers.

    Read once per script run (or fragment run), not once per cached query: a page with
    twenty cached queries would otherwise send twenty identical statements. The run's
    context gets a new `cursors` dict at the start of every run; holding it in the memo
    keeps its identity from being reused by a later run's dict. A commit by this process
    since the memo was taken (a form saved in this run) reads it again."""
    ctx = get_script_run_ctx()
    memo = getattr(ctx, "_fm_data_version", None) if ctx is not None else None
    if memo is not None and memo[0] is ctx.cursors and memo[1] == _commits[0]:  # type: ignore[union-attr]
        return memo[2]
    version = data_version(get_engine())
    if ctx is not None:
        ctx._fm_data_version = (ctx.cursors, _commits[0], version)  # type: ignore[attr-defined]
    return version


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
