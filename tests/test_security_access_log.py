"""Issue 13, item 8: every course page records who saw which participant (written by a
background thread, so the page does not wait); the admin's Adgangslog searches by user,
participant and period; a course page shows who has looked. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import AccessLog, Participant
from lib.security.access_log import (
    AccessFilter,
    access_entries,
    flush,
    record_access,
    viewers_of,
)
from tests.conftest import page_errors

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _participants(engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return conn.execute(
            select(Participant.id, Participant.case_code).order_by(Participant.id)
        ).all()


def test_recorded_accesses_are_searchable_by_user_participant_and_period(engine):
    (p1, code1), (p2, _code2) = _participants(engine)[:2]
    assert record_access(engine, 1, "leder", "progression", [p1, p2, p1], NOW) == 2
    record_access(engine, 2, "sagsbehandler", "evaluering", [p1], NOW + dt.timedelta(days=3))
    flush()
    everything = access_entries(engine, AccessFilter())
    assert [(e.username, e.participant_id) for e in everything][0] == ("sagsbehandler", p1)
    assert len(everything) == 3
    by_user = access_entries(engine, AccessFilter(username="leder"))
    assert {e.participant_id for e in by_user} == {p1, p2}
    by_code = access_entries(engine, AccessFilter(case_code=code1))
    assert {(e.username, e.page) for e in by_code} == {
        ("leder", "progression"),
        ("sagsbehandler", "evaluering"),
    }
    in_period = access_entries(engine, AccessFilter(start=NOW.date(), end=NOW.date()))
    assert {e.username for e in in_period} == {"leder"}
    viewers = viewers_of(engine, p1)
    assert [(v.username, v.views) for v in viewers] == [("sagsbehandler", 1), ("leder", 1)]


def test_a_course_page_records_the_participant_and_shows_who_looked(app_for, demo_url):
    at = app_for("sagsbehandler")
    at.switch_page("views/evaluering.py").run()
    assert not page_errors(at), page_errors(at)
    flush()
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(select(AccessLog.username, AccessLog.participant_id)).all()
    engine.dispose()
    assert len(rows) == 1 and rows[0].username == "sagsbehandler"
    assert any(e.label == "Hvem har set deltageren" for e in at.expander)
    at.run()  # a rerun of the same look is not a new entry
    flush()
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        assert len(conn.execute(select(AccessLog.id)).all()) == 1
    engine.dispose()


def test_the_admin_searches_the_access_log(app_for, demo_url):
    at = app_for("sagsbehandler")
    at.switch_page("views/plan.py").run()
    flush()
    admin = app_for("admin", demo_url)
    admin.switch_page("views/adgangslog.py").run()
    assert not page_errors(admin), page_errors(admin)
    assert any("1 opslag" in c.value for c in admin.caption)
    admin.selectbox(key="access_user").set_value("sagsbehandler").run()
    assert any("1 opslag" in c.value for c in admin.caption)
    admin.text_input(key="access_case").input("findes-ikke").run()
    assert any("Ingen opslag" in i.value for i in admin.info)
