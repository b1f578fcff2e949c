"""The served app: `streamlit run serve.py` (make run, deploy/serve_prod.py and the
browser tests) serves the Streamlit script app.py through st.App, with one rule in front.

Streamlit has no nested page addresses: for /a/b it serves its page with the scripts
addressed relative to /a/, gets its own page back for each, and the browser shows a blank
window (under nginx the same). So an address of more than one part that is none of
Streamlit's own routes is redirected to a one-part address (/a/b -> /a-b), where app.py
shows its Danish "Siden findes ikke" page, or the page, if that is one (/mine/opgaver)."""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# First parts of the addresses Streamlit itself serves below them (its API, media, custom
# components, static files and the app's own static folder).
STREAMLIT_ROUTES = frozenset({"_stcore", "media", "component", "static", "app"})


def flat_address(path: str) -> str | None:
    """The one-part address for a nested page address; None for one that is not. Any
    part naming a Streamlit route keeps the address: the browser looks for the server
    below the page's address too (/xyz/_stcore/health) and must get Streamlit's answer."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or STREAMLIT_ROUTES.intersection(parts):
        return None
    return "/" + "-".join(parts)


class NestedAddress:
    """ASGI middleware: a browser asking for a nested address is sent to its flat one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and _wants_page(scope):
            target = flat_address(scope["path"])
            if target is not None:
                response = RedirectResponse(
                    scope.get("root_path", "") + target,
                    status_code=302,
                    headers={"Cache-Control": "no-cache"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _wants_page(scope: Scope) -> bool:
    """A browser opening an address (not a script asking the server for data)."""
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return b"text/html" in accept


app = st.App("app.py", middleware=[Middleware(NestedAddress)])
