"""The served app: `streamlit run serve.py` (make run, deploy/serve_prod.py and the
browser tests) serves the Streamlit script app.py through st.App, with one rule in front.

Streamlit has no nested page addresses: for /a/b it serves its page with the scripts
addressed relative to /a/, gets its own page back for each, and the browser shows a blank
window (under nginx the same). So when a browser opens an address of more than one part
and Streamlit answers with its page (what it sends for an address it does not know), the
browser is sent to the one-part address instead (/a/b -> /a-b), where app.py shows its
Danish "Siden findes ikke" page (or the page, if that is one: /mine/opgaver). Streamlit's
own routes (auth/login answers with a redirect, component/... with its own page) are passed
on untouched."""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Streamlit's routes that may answer a browser with a page of their own below an address:
# custom components (the sign-in's cookie component), its API, media and static files.
SERVES_HTML = frozenset({"component", "_stcore", "media", "static", "app"})


def flat_address(path: str) -> str | None:
    """The one-part address for a nested address; None for one that is not nested or lies
    under one of Streamlit's routes that serve pages of their own."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0] in SERVES_HTML:
        return None
    return "/" + "-".join(parts)


def _wants_page(scope: Scope) -> bool:
    """A browser opening an address (not a script asking the server for data)."""
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return scope["method"] in ("GET", "HEAD") and b"text/html" in accept


def _is_streamlit_page(message: Message) -> bool:
    headers = dict(message.get("headers", []))
    return message["status"] == 200 and headers.get(b"content-type", b"").startswith(b"text/html")


class NestedAddress:
    """ASGI middleware: Streamlit's page for a nested address becomes a redirect to the
    flat one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = (
            flat_address(scope["path"]) if scope["type"] == "http" and _wants_page(scope) else None
        )
        if target is None:
            await self.app(scope, receive, send)
            return
        redirected = False

        async def answer(message: Message) -> None:
            nonlocal redirected
            if message["type"] == "http.response.start" and _is_streamlit_page(message):
                redirected = True
                location = scope.get("root_path", "") + target
                headers = {"Cache-Control": "no-cache"}
                await RedirectResponse(location, status_code=302, headers=headers)(
                    scope, receive, send
                )
            elif not redirected:  # the page's own body is dropped after a redirect
                await send(message)

        await self.app(scope, receive, answer)


app = st.App("app.py", middleware=[Middleware(NestedAddress)])
