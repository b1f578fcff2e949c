"""One simulated person at the protocol level, as a Streamlit browser tab talks to the
server: what bench/load.py runs 50 of, where 50 Chromium tabs do not fit on the machine.

What the browser does, read from Streamlit 1.67's frontend and server (static/js/index.*.js,
web/server/starlette/starlette_websocket.py) and checked against one real Chromium
session's websocket frames:

- It opens the page's address (nginx answers with its route cookie `fm_route`), asks
  /_stcore/health and /_stcore/host-config (which sets `_streamlit_xsrf`), and opens
  /_stcore/stream with those cookies, its Origin and the subprotocols
  ["streamlit", <xsrf token>].
- Every run is a BackMsg `rerun_script` (a ClientState): the first names the page by its
  address (`page_name`), later ones by the page's script hash from the server's
  Navigation message; they carry the widgets' values, the hashes of the cacheable messages
  the tab already holds (the server sends a reference instead) and the tab's context
  (time zone, locale, and the address it shows: at a menu click, the page it leaves).
- The run ends with the ForwardMsg `script_finished`; FINISHED_EARLY_FOR_RERUN means
  another run follows at once (st.switch_page, st.rerun, a component's value).
- Signing in is the real form: the two text inputs' values and the form's submit button
  (trigger) in one rerun; the app's cookie component then draws itself with the signed
  session cookie in its arguments; the browser's component stores the cookie and reports
  "done" (its value true) in another rerun. This client does the same: it keeps the
  cookie and sends the component's value.
- A fragment with run_every (Overblik, Opfølgning: live figures) sends an AutoRerun
  message; the tab reruns that fragment every interval while it shows the page.

Not simulated: the static files (a browser has them cached after the first visit), the
cookie component's iframe, and the tab's drawing. Page time here is request to
script_finished: the server's part and the transfer, not the browser's drawing.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

ERROR_TEXT = "Siden kunne ikke vises på grund af en fejl"  # views/components/errors.py
SIDEBAR = 1  # delta_path[0]: 0 main, 1 sidebar
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "rerun",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment_ok",
}
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) bench.load (simulated Streamlit tab)"


class PageError(Exception):
    """The page answered, but not with what a person should see."""


@dataclass
class Run:
    """What one run sent back."""

    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    page_hashes: set[str] = field(default_factory=set)
    elements: int = 0
    bytes: int = 0


@dataclass
class StreamUser:
    base: str  # http://127.0.0.1:8500
    username: str
    password: str = "demo"
    timezone: str = "Europe/Copenhagen"
    locale: str = "da-DK"
    ws: ClientConnection | None = None
    http: httpx.AsyncClient | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # url path -> script hash
    menu: set[str] = field(default_factory=set)  # the url paths the menu shows
    signed_in_as: str = ""  # the sidebar's "**name**  \nrole"
    url_path: str = ""
    query: str = ""  # what the page put in its address (page_info_changed)
    cached: set[str] = field(default_factory=set)
    sidebar_inputs: dict[str, str] = field(default_factory=dict)  # widget id -> value
    form: dict[str, str] = field(default_factory=dict)  # label -> widget id
    cookie_component: tuple[str, str] | None = None  # (widget id, cookie value)
    fragments: dict[str, float] = field(default_factory=dict)  # fragment id -> interval

    # ------------------------------------------------------------------ connection

    async def open(self, url_path: str) -> None:
        """Open the page's address as a browser does, then the websocket."""
        self.url_path = url_path
        self.http = httpx.AsyncClient(
            base_url=self.base, headers={"User-Agent": USER_AGENT}, timeout=60
        )
        r = await self.http.get(f"/{url_path}", headers={"Accept": "text/html"})
        r.raise_for_status()
        for path in ("/_stcore/health", "/_stcore/host-config"):
            r = await self.http.get(path, headers={"Referer": f"{self.base}/{url_path}"})
            r.raise_for_status()
        self.cookies.update({c.name: c.value for c in self.http.cookies.jar})
        host = urlsplit(self.base).netloc
        xsrf = self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        self.ws = await connect(
            f"ws://{host}/_stcore/stream",
            additional_headers={
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Origin": self.base,
            },
            user_agent_header=USER_AGENT,
            subprotocols=[Subprotocol("streamlit"), Subprotocol(xsrf)],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.http is not None:
            await self.http.aclose()

    # ------------------------------------------------------------------ one run

    def _client_state(self, msg: BackMsg, url_path: str) -> None:
        state = msg.rerun_script
        state.context_info.timezone = self.timezone
        state.context_info.timezone_offset = -60  # JavaScript's sign: UTC+1 is -60
        state.context_info.locale = self.locale
        state.query_string = self.query
        state.context_info.url = f"{self.base}/{url_path}"
        state.context_info.is_embedded = False
        state.context_info.color_scheme = "light"
        state.cached_message_hashes.extend(sorted(self.cached))

    def _sidebar_states(self, msg: BackMsg) -> None:
        for wid, value in self.sidebar_inputs.items():
            w = msg.rerun_script.widget_states.widgets.add()
            w.id = wid
            w.string_value = value

    async def _send_and_wait(self, msg: BackMsg, deadline: float, fragment: bool = False) -> Run:
        """Send one rerun and read until its run (and any run it triggers) has finished."""
        assert self.ws is not None
        run = Run()
        started = time.monotonic()
        await self.ws.send(msg.SerializeToString())
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            data = await _recv(self.ws, left)
            run.bytes += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if fwd.metadata.cacheable and fwd.hash:
                self.cached.add(fwd.hash)
            if kind == "delta":
                self._delta(fwd, run)
            elif kind == "navigation":
                pages = fwd.navigation.app_pages
                self.pages = {(p.url_pathname or ""): p.page_script_hash for p in pages}
                self.menu = {p.url_pathname for p in pages if not p.is_hidden}
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "auto_rerun":
                self.fragments[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "page_not_found":
                run.errors.append(f"page_not_found {fwd.page_not_found.page_name!r}")
            elif kind == "script_finished":
                status = FINISHED.get(fwd.script_finished, str(fwd.script_finished))
                if status == "compile_error":
                    run.errors.append("compile_error")
                if status in ("ok", "compile_error") or (fragment and status == "fragment_ok"):
                    run.seconds = time.monotonic() - started
                    return run

    def _delta(self, fwd: ForwardMsg, run: Run) -> None:
        delta = fwd.delta
        if fwd.metadata.active_script_hash:
            run.page_hashes.add(fwd.metadata.active_script_hash)
        if delta.WhichOneof("type") != "new_element":
            return
        run.elements += 1
        el = delta.new_element
        which = el.WhichOneof("type")
        path = list(fwd.metadata.delta_path)
        if which == "exception":
            run.errors.append(f"exception {el.exception.type}: {el.exception.message[:200]}")
        elif which == "alert" and ERROR_TEXT in el.alert.body:
            run.errors.append(f"error page: {el.alert.body[:160]}")
        elif which == "text_input":
            if path[:1] == [SIDEBAR]:
                self.sidebar_inputs.setdefault(el.text_input.id, el.text_input.default)
            self.form[el.text_input.label] = el.text_input.id
        elif which == "markdown" and path[:1] == [SIDEBAR] and el.markdown.body.startswith("**"):
            self.signed_in_as = el.markdown.body
        elif which == "button" and el.button.is_form_submitter:
            self.form[el.button.label] = el.button.id
        elif which == "component_instance":
            args = json.loads(el.component_instance.json_args or "{}")
            if args.get("method") == "set" and args.get("value"):
                self.cookie_component = (el.component_instance.id, args["value"])
                self.cookies[args["cookie"]] = args["value"]

    # ------------------------------------------------------------------ what a person does

    async def first_run(self, deadline: float) -> Run:
        """The tab's first run: the page by its address (the sign-in form when signed out)."""
        msg = BackMsg()
        msg.rerun_script.page_name = self.url_path
        self._client_state(msg, self.url_path)
        msg.rerun_script.widget_states.SetInParent()
        return await self._send_and_wait(msg, deadline)

    async def sign_in(self, deadline: float) -> Run:
        """Fill in the form and press "Log ind"; then report the cookie as set, as the
        browser's cookie component does. Returns the two runs as one."""
        for label in ("Brugernavn", "Adgangskode", "Log ind"):
            if label not in self.form:
                raise PageError(f"no {label!r} on the sign-in page")
        msg = BackMsg()
        values = {"Brugernavn": self.username, "Adgangskode": self.password}
        for label, value in values.items():
            w = msg.rerun_script.widget_states.widgets.add()
            w.id = self.form[label]
            w.string_value = value
        w = msg.rerun_script.widget_states.widgets.add()
        w.id = self.form["Log ind"]
        w.trigger_value = True
        msg.rerun_script.page_script_hash = self.pages.get(self.url_path, "")
        self._client_state(msg, self.url_path)
        started = time.monotonic()
        run = await self._send_and_wait(msg, deadline)
        if self.cookie_component is None:
            raise PageError("signed in without a session cookie (wrong password?)")
        msg = BackMsg()
        self._sidebar_states(msg)
        w = msg.rerun_script.widget_states.widgets.add()
        w.id = self.cookie_component[0]
        w.json_value = "true"
        msg.rerun_script.page_script_hash = self.pages.get(self.url_path, "")
        self._client_state(msg, self.url_path)
        done = await self._send_and_wait(msg, deadline)
        run.errors += done.errors
        run.seconds = time.monotonic() - started
        return run

    async def open_page(self, url_path: str, deadline: float) -> Run:
        """A click on the page in the menu: a rerun with the page's script hash."""
        if url_path not in self.menu:
            raise PageError(f"{url_path!r} is not in this user's menu")
        target = self.pages[url_path]
        self.query = ""  # a new page starts without the last one's query
        self.fragments = {}
        msg = BackMsg()
        self._sidebar_states(msg)
        msg.rerun_script.page_script_hash = target
        # The frontend sends the address it shows at the click: the page it leaves.
        self._client_state(msg, self.url_path)
        self.url_path = url_path
        run = await self._send_and_wait(msg, deadline)
        if target not in run.page_hashes:
            run.errors.append(f"{url_path}: the page's script sent nothing")
        return run

    async def rerun_fragment(self, fragment_id: str, deadline: float) -> Run:
        """The tab's timer for a fragment with run_every."""
        msg = BackMsg()
        self._sidebar_states(msg)
        msg.rerun_script.page_script_hash = self.pages.get(self.url_path, "")
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.is_auto_rerun = True
        self._client_state(msg, self.url_path)
        return await self._send_and_wait(msg, deadline, fragment=True)


async def _recv(ws: ClientConnection, timeout: float) -> bytes:
    data = await asyncio.wait_for(ws.recv(), timeout)
    if isinstance(data, str):
        raise PageError("text frame from the server")
    return data
