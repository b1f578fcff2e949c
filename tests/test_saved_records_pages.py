"""After saving, every entry form (plan, meeting, deliverable, pause, certificate, mentor
contact) shows the saved record read-only with Ret and Slet (views/components/
saved_record.py), not a refilled form. Under AppTest on the demo data: Slet is offered to
the author within a day only (the rule reads the record's create row in the audit log, so
the test changes that row to play "another user" and "a day later"); a delete refused by
lib shows its Danish message; a delete by the author removes the row and is audited; Ret
opens the form prefilled and saves a correction of the same row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update

from db.models import (
    AuditLog,
    Certificate,
    Deliverable,
    FollowUpMeeting,
    MentorContact,
    Pause,
    Plan,
)
from lib.queries.course_records import deliverables_due
from lib.queries.courses import my_enrolments
from tests.conftest import page_errors, scope_for
from views.components.course_records import RECORD_TAB_KEY

TODAY = dt.date.today()


def _by_label(widgets, label):
    return next(w for w in widgets if w.label == label)


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _newest(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.max(model.id)))


def _course(engine, username="sagsbehandler"):
    return my_enrolments(engine, scope_for(engine, username))[0]


def _forlob(tab: str):
    """Forløb on the first course, with the records tab `tab` open (only it runs)."""

    def open_course(app_for, engine):
        row = _course(engine)
        at = app_for("sagsbehandler")
        at.session_state[RECORD_TAB_KEY] = tab
        at.switch_page("views/forlob.py")
        at.run()
        at.selectbox(key="forlob_change").set_value(row.id)
        return at.run(), row

    return open_course


def _meeting(at, engine, row):
    _by_label(at.date_input, "Mødedato").set_value(TODAY + dt.timedelta(days=7))
    return _by_label(at.button, "Planlæg møde").click().run()


def _deliverable(at, engine, row):
    due = deliverables_due(engine, scope_for(engine, "sagsbehandler"), row.id)
    _by_label(at.selectbox, "Leverance").set_value(
        next(n for n, d in enumerate(due) if d.received_on is None)
    )
    _by_label(at.radio, "Har sagsbehandleren modtaget den?").set_value(True)
    _by_label(at.date_input, "Modtaget den").set_value(TODAY)
    return _by_label(at.button, "Gem leverance").click().run()


def _pause(at, engine, row):
    _by_label(at.radio, "Pause på grund af").set_value("illness")
    start = max(row.start_date, TODAY - dt.timedelta(days=3))
    _by_label(at.date_input, "Første dag").set_value(start)
    _by_label(at.date_input, "Sidste dag").set_value(start)
    return _by_label(at.button, "Gem pause").click().run()


def _certificate(at, engine, row):
    _by_label(at.selectbox, "Bevis").set_value(3)
    return _by_label(at.button, "Gem bevis").click().run()


@dataclass
class Case:
    model: type
    key: str  # the saved-record key prefix before the course/mentor id
    what: str
    open: Callable
    save: Callable
    submit: str  # the new form's button, gone while the record is shown
    fix_field: tuple[str, str]  # (widget kind, label) prefilled in Ret


def _plan_open(app_for, engine):
    at = app_for("sagsbehandler")
    at.switch_page("views/plan.py")
    return at.run(), None


def _plan_save(at, engine, row):
    _by_label(at.radio, "Er planen lavet sammen med deltageren?").set_value(True)
    return _by_label(at.button, "Gem revision").click().run()


def _mentor_open(app_for, engine):
    at = app_for("mentor")
    at.switch_page("views/mentorkontakt.py")
    return at.run(), None


def _mentor_save(at, engine, row):
    _by_label(at.text_input, "Note").input("Samtale om fremmøde")
    return _by_label(at.button, "Registrér kontakt").click().run()


CASES = {
    "plan": Case(Plan, "plan_saved", "planen", _plan_open, _plan_save, "Gem revision",
                 ("radio", "Er planen lavet sammen med deltageren?")),
    "meeting": Case(FollowUpMeeting, "meeting_saved", "mødet", _forlob("Møder"), _meeting,
                    "Planlæg møde", ("date_input", "Mødedato")),
    "deliverable": Case(Deliverable, "deliverable_saved", "leverancen", _forlob("Leverancer"),
                        _deliverable,
                        "Gem leverance", ("radio", "Har sagsbehandleren modtaget den?")),
    "pause": Case(Pause, "pause_saved", "pausen", _forlob("Pauser"), _pause, "Gem pause",
                  ("radio", "Pause på grund af")),
    "certificate": Case(Certificate, "certificate_saved", "beviset", _forlob("Beviser"),
                        _certificate,
                        "Gem bevis", ("selectbox", "Bevis")),
    "mentor contact": Case(MentorContact, "mentorkontakt_saved", "kontakten", _mentor_open,
                           _mentor_save, "Registrér kontakt", ("text_input", "Note")),
}  # fmt: skip


def _set_create_row(engine, model, record_id: int, **values) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(AuditLog)
            .where(
                AuditLog.table_name == model.__tablename__,
                AuditLog.record_id == str(record_id),
                AuditLog.action == "create",
            )
            .values(**values)
        )


def _button(at, suffix: str):
    found = [b for b in at.button if (b.key or "").endswith(suffix)]
    assert len(found) == 1, [b.key for b in at.button]
    return found[0]


@pytest.mark.parametrize("name", list(CASES))
def test_saved_record_is_read_only_with_ret_and_slet(app_for, demo_engine, name):
    case = CASES[name]
    at, row = case.open(app_for, demo_engine)
    assert not page_errors(at), page_errors(at)
    before = _count(demo_engine, case.model)
    at = case.save(at, demo_engine, row)
    assert not page_errors(at), page_errors(at)
    rid = _newest(demo_engine, case.model)
    assert _count(demo_engine, case.model) == before + 1
    # Read-only: Ret, Slet and "new", and no refilled form inviting a second entry.
    assert not [b for b in at.button if b.label == case.submit]
    assert {"Ret", "Slet"} <= {b.label for b in at.button}
    assert any(m.value.startswith("**Gemt ") for m in at.markdown)

    # Ret opens the form prefilled; cancelling goes back to the record.
    at = _button(at, "_fix").click().run()
    kind, label = case.fix_field
    assert _by_label(getattr(at, kind), label).value not in (None, "")
    at = _by_label(at.button, "Annullér rettelsen").click().run()

    # Saved by someone else: no Slet, and the reason in Danish.
    with demo_engine.connect() as conn:
        saved_at, author = conn.execute(
            select(AuditLog.at, AuditLog.username).where(
                AuditLog.table_name == case.model.__tablename__,
                AuditLog.record_id == str(rid),
                AuditLog.action == "create",
            )
        ).one()
    _set_create_row(demo_engine, case.model, rid, username="leder")
    at.run()
    assert "Slet" not in {b.label for b in at.button}
    assert any(f"den, der gemte {case.what}" in c.value for c in at.caption)
    _set_create_row(demo_engine, case.model, rid, username=author)

    # Slet, then a day passes before "Ja": lib refuses with its Danish message.
    at.run()
    at = _button(at, "_delete").click().run()
    _set_create_row(demo_engine, case.model, rid, at=saved_at - dt.timedelta(hours=25))
    at = _by_label(at.button, f"Ja, slet {case.what}").click().run()
    assert any("inden for et døgn" in str(e.value) for e in at.error), [e.value for e in at.error]
    assert _count(demo_engine, case.model, case.model.id == rid) == 1

    # The author within the day: deleted, audited, and the new-record form is back.
    _set_create_row(demo_engine, case.model, rid, at=saved_at)
    at.run()
    at = _button(at, "_delete").click().run()
    at = _by_label(at.button, f"Ja, slet {case.what}").click().run()
    assert not page_errors(at), page_errors(at)
    assert any("er slettet" in str(s.value) for s in at.success)
    assert _count(demo_engine, case.model, case.model.id == rid) == 0
    assert (
        _count(
            demo_engine,
            AuditLog,
            AuditLog.table_name == case.model.__tablename__,
            AuditLog.record_id == str(rid),
            AuditLog.action == "delete",
        )
        == 1
    )
    assert [b for b in at.button if b.label == case.submit]
