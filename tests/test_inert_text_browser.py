"""Issue 13, item 5 in Chromium: markdown and HTML typed into free-text and code fields
are shown as text on every page. Every participant's case code, every note, summary,
goal, name and label a user or an import can set is filled with a payload pointing at
evil.invalid; each page is opened as the admin (and Mine opgaver as a caseworker), and
the rendered DOM is searched for an <img>, <a>, <script> or <iframe> that came from one,
and the browser's requests for a fetch of one."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import text

from app import PAGES
from db.engine import make_engine
from tests.browser import ARTIFACTS, open_from_menu, open_signed_in, screenshot
from tests.conftest import ServedApp

# One worker for both walks (pytest -n with --dist loadgroup): the poisoned app is started once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("inert_text")]

EVIL = "evil.invalid"
# Each free-text column with a payload (markdown image and link, raw HTML, an autolink).
LONG_PAYLOAD = (
    f"![p](http://{EVIL}/md.png) [klik](http://{EVIL}/md-link) "
    f'<img src="http://{EVIL}/html.png"> <a href="http://{EVIL}/html-link">a</a> '
    f'<script src="http://{EVIL}/s.js"></script> http://{EVIL}/auto **fed** :red[rød]'
)
FREE_TEXT = {
    "evaluation": ["notes"],
    "enrolment": ["final_summary"],
    "plan": ["long_term_goal", "took_part"],
    "plan_sub_goal": ["rationale", "focus"],
    "extension": ["reason"],
    "outcome": ["note"],
    "work_agreement": ["notes"],
    "mentor_contact": ["note"],
    "report_text": ["body"],
    "agreement": ["description", "jobcentre_contact", "enterprise_contact"],
}
# Short, unique columns: a payload that fits, made unique by the row id.
SHORT = {
    ("participant", "case_code"): "![p](http://" + EVIL + "/c{id}.png)",
    ("mentor_assignment", "mentor_name"): "[m{id}](http://" + EVIL + "/m)",
    ("survey_round", "name"): "[r{id}](http://" + EVIL + "/r)",
    ("certificate", "name"): "![c{id}](http://" + EVIL + "/cert.png)",
    ("enterprise", "name"): "[e{id}](http://" + EVIL + "/e) <b>x</b>",
    ("agreement", "name"): "![a{id}](http://" + EVIL + "/a.png)",
    ("app_user", "display_name"): "[u{id}](http://" + EVIL + "/u)",
    ("pause", "reason"): "[p{id}](http://" + EVIL + "/p)",
}


def _poison(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table, columns in FREE_TEXT.items():
            for column in columns:
                conn.execute(text(f"UPDATE {table} SET {column} = :v"), {"v": LONG_PAYLOAD})
        for (table, column), template in SHORT.items():
            ids = conn.execute(text(f"SELECT id FROM {table}")).scalars().all()
            for row_id in ids:
                conn.execute(
                    text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                    {"v": template.format(id=row_id), "id": row_id},
                )
        conn.execute(text("UPDATE participant SET initials = '*_<i>'"))
    engine.dispose()


@pytest.fixture(scope="module")
def poisoned_app(demo_template, tmp_path_factory):
    directory = tmp_path_factory.mktemp("poisoned")
    target = directory / "demo.db"
    shutil.copy(demo_template, target)
    _poison(f"sqlite:///{target}")
    app = ServedApp(f"sqlite:///{target}", directory / "streamlit.log")
    yield app
    app.stop()


FIND_LIVE = r"""(evil) => {
    const found = [];
    for (const el of document.querySelectorAll('img, a, script, iframe, video, audio, source')) {
        const ref = el.getAttribute('src') || el.getAttribute('href') || '';
        if (ref.includes(evil)) found.push(el.tagName + ' ' + ref);
    }
    for (const el of document.querySelectorAll('b, i, strong, em')) {
        if (['x', 'fed'].includes(el.textContent)) found.push(el.tagName + ' ' + el.textContent);
    }
    // Escaped text shows as typed: a backslash before punctuation means double escaping.
    const main = document.querySelector('[data-testid="stAppViewContainer"]');
    const shown = (main ? main.innerText : '').match(/\\[!\[\]()*_.#:<>-]/g);
    if (shown) found.push('visible escape ' + shown.slice(0, 3).join(' '));
    return found;
}"""


def _walk(username: str, role: str) -> list[str]:
    """The pages the walk as this user opens: the admin every page the admin reaches; a
    caseworker the pages the admin lacks (Mine opgaver). The pages they share draw the
    same code for both, narrowed to the caseworker's own participants (and enterprise
    staff see a subset of the admin's pages)."""
    admin_pages = {spec.url_path for spec in PAGES if "admin" in spec.roles}
    return [
        spec.url_path
        for spec in PAGES
        if role in spec.roles and (role == "admin" or spec.url_path not in admin_pages)
    ]


@pytest.mark.parametrize("username, role", [("admin", "admin"), ("sagsbehandler", "sagsbehandler")])
def test_no_payload_becomes_an_element_on_any_page(poisoned_app, page, username, role):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if EVIL in r.url else None)
    open_signed_in(page, poisoned_app, username)
    problems: dict[str, list[str]] = {}
    # From the menu, as a person moves between pages: no page load per page, so the walk
    # costs the server one run per page and Chromium no new start of the app.
    walk = _walk(username, role)
    assert walk, "every role the test names has pages of its own to walk"
    for url_path in walk:
        open_from_menu(page, url_path)
        live = page.evaluate(FIND_LIVE, EVIL)
        if live:
            problems[url_path] = live
            screenshot(page, f"inert-{username}-{url_path}", always=True)
    if problems:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"inert-{username}.json").write_text(json.dumps(problems, indent=1))
    assert not problems, problems
    assert not requests, requests
