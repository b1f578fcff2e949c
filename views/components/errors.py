"""One error boundary around every page: the person sees a Danish sentence and an incident
number, the server log gets the number, the exception's type, where it happened and (for a
database error) the SQL without its parameter values. Never a traceback in the browser
(client.showErrorDetails = "none" in .streamlit/config.toml catches what gets past)."""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import StatementError
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

log = logging.getLogger("forlobsmonitor.errors")

ERROR_MESSAGE = (
    "Siden kunne ikke vises på grund af en fejl hos os. Prøv igen om lidt, eller vælg en "
    "anden side. Fejlen er logget med nummeret **{incident}**: nævn det, hvis du kontakter "
    "support."
)


def new_incident_id() -> str:
    return secrets.token_hex(4).upper()


def log_incident(incident: str, exc: BaseException, page: str) -> None:
    """What a developer needs, without what a citizen's data could be in: no exception
    message (it can quote a value), no SQL parameters, no local variables."""
    where = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)[-8:]))
    sql = ""
    if isinstance(exc, StatementError) and exc.statement:
        sql = f"\nSQL (uden parametre): {' '.join(exc.statement.split())[:2000]}"
    cause = type(exc.orig).__name__ if isinstance(exc, StatementError) and exc.orig else ""
    log.error(
        "Fejl %s på siden %s: %s%s%s\n%s",
        incident,
        page,
        type(exc).__name__,
        f" ({cause})" if cause else "",
        sql,
        where,
    )


def _page_name() -> str:
    try:
        url = st.context.url
    except Exception:
        return "?"
    return url.split("?", 1)[0].rsplit("/", 1)[-1] if isinstance(url, str) else "?"


@contextmanager
def error_boundary() -> Iterator[None]:
    """Run a page inside; Streamlit's own stop/rerun signals pass through."""
    try:
        yield
    except ScriptControlException:
        raise
    except Exception as exc:
        incident = new_incident_id()
        log_incident(incident, exc, _page_name())
        st.error(ERROR_MESSAGE.format(incident=incident), icon=":material/error:")
