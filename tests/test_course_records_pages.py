"""Forløb's record forms under AppTest on the demo data: a caseworker plans and records a
meeting, registers a deliverable, a pause and a certificate; every refusal shows its
Danish message at the field and nothing is saved; no Ja/Nej is pre-answered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from db.models import Certificate, Deliverable, FollowUpMeeting, Pause
from lib.queries.course_records import deliverables_due
from lib.queries.courses import my_enrolments
from tests.conftest import page_errors, scope_for
from views.components.course_records import RECORD_TAB_KEY

TODAY = dt.date.today()


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _errors(at) -> list[str]:
    return [str(e.value) for e in at.error]


def _by_label(widgets, label, n: int = 0):
    return [w for w in widgets if w.label == label][n]


def _submit(at, label: str):
    _by_label(at.button, label).click()
    return at.run()


def _course_page(app_for, demo_engine, username: str = "sagsbehandler", tab: str = "Møder"):
    """Forløb on the user's first course, with the records tab `tab` open (only it runs)."""
    row = my_enrolments(demo_engine, scope_for(demo_engine, username))[0]
    at = app_for(username)
    at.session_state[RECORD_TAB_KEY] = tab
    at.switch_page("views/forlob.py")
    at.run()
    at.selectbox(key="forlob_change").set_value(row.id)
    at.run()
    assert not page_errors(at), page_errors(at)
    return at, row


def test_meeting_is_planned_and_recorded_with_messages_at_the_fields(app_for, demo_engine):
    at, row = _course_page(app_for, demo_engine)
    before = _count(demo_engine, FollowUpMeeting)
    at = _submit(at, "Planlæg møde")
    assert "Vælg en dato." in _errors(at)
    assert _count(demo_engine, FollowUpMeeting) == before
    _by_label(at.date_input, "Mødedato").set_value(TODAY + dt.timedelta(days=7))
    at = _submit(at, "Planlæg møde")
    assert any("er planlagt" in str(s.value) for s in at.success)
    assert _count(demo_engine, FollowUpMeeting) == before + 1
    # The planned meeting is shown read-only; "Nyt møde" opens the forms again.
    assert not [b for b in at.button if b.label == "Planlæg møde"]
    at = _submit(at, "Nyt møde")
    # Record it: nothing pre-answered; held needs Ja/Nej on the caseworker.
    state = _by_label(at.radio, "Hvad skete der?")
    assert state.value is None
    assert _by_label(at.radio, "Deltog sagsbehandleren?").value is None
    at = _submit(at, "Gem mødet")
    assert "Vælg om mødet blev afholdt eller aflyst." in _errors(at)
    _by_label(at.radio, "Hvad skete der?").set_value("held")
    _by_label(at.date_input, "Afholdt den").set_value(TODAY)
    at = _submit(at, "Gem mødet")
    assert any("Svar Ja eller Nej" in e for e in _errors(at))
    _by_label(at.radio, "Deltog sagsbehandleren?").set_value(True)
    at = _submit(at, "Gem mødet")
    assert not page_errors(at), page_errors(at)
    assert any("registreret" in str(s.value) for s in at.success)
    with demo_engine.connect() as conn:
        held = conn.execute(
            select(FollowUpMeeting.held, FollowUpMeeting.caseworker_present)
            .order_by(FollowUpMeeting.id.desc())
            .limit(1)
        ).one()
    assert tuple(held) == (True, True)


def test_deliverable_received_without_a_date_is_refused(app_for, demo_engine):
    at, row = _course_page(app_for, demo_engine, tab="Leverancer")
    kinds = _by_label(at.selectbox, "Leverance")
    assert kinds.value is None and kinds.options
    assert all("frist" in o for o in kinds.options)  # each shows its due date
    assert _by_label(at.radio, "Har sagsbehandleren modtaget den?").value is None
    before = _count(demo_engine, Deliverable, Deliverable.received_on.is_not(None))
    due = deliverables_due(demo_engine, scope_for(demo_engine, "sagsbehandler"), row.id)
    kinds.set_value(next(n for n, d in enumerate(due) if d.received_on is None))
    _by_label(at.radio, "Har sagsbehandleren modtaget den?").set_value(True)
    at = _submit(at, "Gem leverance")
    assert any("gættes ikke" in e for e in _errors(at))
    assert _count(demo_engine, Deliverable, Deliverable.received_on.is_not(None)) == before
    _by_label(at.date_input, "Modtaget den").set_value(TODAY)
    at = _submit(at, "Gem leverance")
    assert not page_errors(at), page_errors(at)
    assert _count(demo_engine, Deliverable, Deliverable.received_on.is_not(None)) == before + 1


def test_pause_and_certificate_forms(app_for, demo_engine):
    at, row = _course_page(app_for, demo_engine, tab="Pauser")
    assert "Gem bevis" not in [b.label for b in at.button]  # only the open tab runs
    before = _count(demo_engine, Pause)
    at = _submit(at, "Gem pause")
    errors = _errors(at)
    assert "Vælg sygdom eller andet." in errors
    assert "Vælg pausens første dag." in errors
    assert _count(demo_engine, Pause) == before
    _by_label(at.radio, "Pause på grund af").set_value("other")
    start = max(row.start_date, TODAY - dt.timedelta(days=5))
    _by_label(at.date_input, "Første dag").set_value(start)
    _by_label(at.date_input, "Sidste dag").set_value(start + dt.timedelta(days=2))
    at = _submit(at, "Gem pause")
    assert "Skriv hvorfor forløbet holder pause." in _errors(at)
    _by_label(at.text_input, "Begrundelse").input("Ferie med familien")
    at = _submit(at, "Gem pause")
    assert not page_errors(at), page_errors(at)
    assert _count(demo_engine, Pause) == before + 1
    # The pause shows on the course's registration page.
    pauses = next(df.value for df in at.dataframe if "Begrundelse" in df.value.columns)
    assert "Ferie med familien" in pauses["Begrundelse"].tolist()

    at.session_state[RECORD_TAB_KEY] = "Beviser"  # as a click on the tab does
    at.run()
    n = _count(demo_engine, Certificate)
    _by_label(at.date_input, "Opnået den").set_value(TODAY + dt.timedelta(days=2))
    at = _submit(at, "Gem bevis")
    errors = _errors(at)
    assert "Vælg beviset fra listen." in errors
    assert any("fremtiden" in e for e in errors)
    assert _count(demo_engine, Certificate) == n
    _by_label(at.selectbox, "Bevis").set_value(3)
    _by_label(at.date_input, "Opnået den").set_value(TODAY)
    at = _submit(at, "Gem bevis")
    assert not page_errors(at), page_errors(at)
    assert _count(demo_engine, Certificate) == n + 1
    shown = next(df.value for df in at.dataframe if "Bevis" in df.value.columns)
    assert "Truckcertifikat" in shown["Bevis"].tolist()
