"""The schema holds its own rules: constraints refuse bad rows on SQLite and PostgreSQL,
every write is one transaction, and every change lands in the audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import make_engine, write_session
from db.models import (
    Agreement,
    AuditLog,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    Parameter,
    Participant,
    TargetGroup,
    User,
)

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def engine(any_db_url):
    engine = make_engine(any_db_url)
    yield engine
    engine.dispose()


def _base_rows(engine) -> dict:
    """One enterprise, agreement, caseworker, participant and active enrolment."""
    with write_session(engine, "test") as s:
        tg = s.scalars(select(TargetGroup).order_by(TargetGroup.id)).first()
        ent = Enterprise(name="Testvirksomhed")
        agr = Agreement(enterprise=ent, name="Aftale T", slots=3, start_date=TODAY)
        cw = User(username="cw", display_name="CW", password_hash="x", role="sagsbehandler")
        p = Participant(case_code="T-1", initials="AB", target_group_id=tg.id, caseworker=cw)
        e = Enrolment(participant=p, agreement=agr, status="active", start_date=TODAY)
        s.add_all([ent, agr, cw, p, e])
        s.flush()
        return {"agreement": agr.id, "enrolment": e.id, "participant": p.id}


def _insert(engine, obj) -> None:
    with write_session(engine, "test") as s:
        s.add(obj)


def test_catalogues_are_data_in_every_database(engine):
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Parameter)) == 4
        assert conn.scalar(select(func.count()).select_from(TargetGroup)) == 4


@pytest.mark.parametrize(
    "bad",
    [
        lambda ids: Agreement(enterprise_id=1, name="Nul pladser", slots=0, start_date=TODAY),
        lambda ids: Agreement(
            enterprise_id=1,
            name="Baglæns",
            slots=2,
            start_date=TODAY,
            end_date=TODAY - dt.timedelta(days=1),
        ),
        lambda ids: Agreement(
            enterprise_id=1, name="Kadence", slots=2, start_date=TODAY, review_cadence="weekly"
        ),
        lambda ids: Enrolment(
            participant_id=ids["participant"],
            agreement_id=ids["agreement"],
            start_date=TODAY,
            planned_weeks=20,
        ),
        lambda ids: Enrolment(
            participant_id=ids["participant"],
            agreement_id=ids["agreement"],
            start_date=TODAY,
            end_date=TODAY - dt.timedelta(days=3),
        ),
        lambda ids: Enrolment(
            participant_id=ids["participant"],
            agreement_id=ids["agreement"],
            start_date=TODAY,
            status="ended",
        ),
        lambda ids: User(username="v", display_name="V", password_hash="x", role="virksomhed"),
        lambda ids: User(username="x", display_name="X", password_hash="x", role="superuser"),
    ],
    ids=[
        "zero-slots",
        "agreement-ends-before-start",
        "unknown-cadence",
        "course-length-not-13-or-52",
        "course-ends-before-start",
        "ended-without-end-date",
        "enterprise-staff-without-enterprise",
        "unknown-role",
    ],
)
def test_constraints_refuse_bad_rows(engine, bad):
    ids = _base_rows(engine)
    with pytest.raises(IntegrityError):
        _insert(engine, bad(ids))


def test_score_outside_the_scale_is_refused(engine):
    ids = _base_rows(engine)
    with write_session(engine, "test") as s:
        param = s.scalars(select(Parameter)).first().id
    for score, ok in [(1, True), (5, True), (0, False), (6, False)]:
        ev = Evaluation(enrolment_id=ids["enrolment"], evaluated_on=TODAY)
        ev.scores.append(EvaluationScore(parameter_id=param, score=score))
        if ok:
            _insert(engine, ev)
        else:
            with pytest.raises(IntegrityError):
                _insert(engine, ev)


def test_failed_write_leaves_nothing_half_saved(engine):
    ids = _base_rows(engine)
    with engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(Evaluation))
        audit_before = conn.scalar(select(func.count()).select_from(AuditLog))
    with pytest.raises(IntegrityError), write_session(engine, "test") as s:
        s.add(Evaluation(enrolment_id=ids["enrolment"], evaluated_on=TODAY))
        s.flush()  # the evaluation and its audit row are written ...
        ev = Evaluation(enrolment_id=ids["enrolment"], evaluated_on=TODAY)
        ev.scores.append(EvaluationScore(parameter_id=1, score=9))  # ... then this fails
        s.add(ev)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Evaluation)) == before
        assert conn.scalar(select(func.count()).select_from(AuditLog)) == audit_before


def test_every_change_is_audited_with_before_and_after(engine):
    ids = _base_rows(engine)
    with write_session(engine, "sara") as s:
        ev = Evaluation(enrolment_id=ids["enrolment"], evaluated_on=TODAY, notes="Første")
        s.add(ev)
    with write_session(engine, "lone") as s:
        s.get(Evaluation, ev.id).notes = "Rettet"
    with write_session(engine, "admin") as s:
        s.delete(s.get(Evaluation, ev.id))
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.username, AuditLog.action, AuditLog.before, AuditLog.after)
            .where(AuditLog.table_name == "evaluation", AuditLog.record_id == str(ev.id))
            .order_by(AuditLog.id)
        ).all()
    assert [(r.username, r.action) for r in rows] == [
        ("sara", "create"),
        ("lone", "update"),
        ("admin", "delete"),
    ]
    assert json.loads(rows[0].after)["notes"] == "Første"
    assert json.loads(rows[1].before)["notes"] == "Første"
    assert json.loads(rows[1].after)["notes"] == "Rettet"
    assert json.loads(rows[2].before)["notes"] == "Rettet" and rows[2].after is None


def test_password_hashes_never_reach_the_audit_log(engine):
    _base_rows(engine)
    with engine.connect() as conn:
        after = conn.scalar(select(AuditLog.after).where(AuditLog.table_name == "app_user"))
    assert json.loads(after)["password_hash"] == "***"


def test_stale_edit_is_refused(engine):
    ids = _base_rows(engine)
    with write_session(engine, "a") as s:
        ev = Evaluation(enrolment_id=ids["enrolment"], evaluated_on=TODAY, notes="v1")
        s.add(ev)
    # Two people open version 1; the first saves, the second's save must be refused.
    with Session(engine, expire_on_commit=False) as reader:
        opened_by_b = reader.get(Evaluation, ev.id)
    with write_session(engine, "a") as s:
        s.get(Evaluation, ev.id).notes = "a's edit"
    with pytest.raises(StaleDataError), write_session(engine, "b") as s:
        stale = s.merge(opened_by_b, load=False)
        stale.notes = "b's edit"
    with engine.connect() as conn:
        assert conn.scalar(select(Evaluation.notes).where(Evaluation.id == ev.id)) == "a's edit"


def test_postgresql_sessions_get_the_dashboards_settings(pg_url):
    """The app's sessions skip JIT (db.engine.PG_SESSION_OPTIONS), options given in
    DATABASE_URL are kept beside it, and a read that asks for it sorts in memory for its
    own transaction only (lib.queries.filters.sort_in_memory)."""
    from sqlalchemy import text

    from db.engine import make_engine
    from lib.queries.filters import sort_in_memory

    for url, path in (
        (pg_url, "public"),
        (f"{pg_url}?options=-csearch_path%3Dpg_catalog", "pg_catalog"),
    ):
        engine = make_engine(url)
        with engine.connect() as conn:
            jit, search_path = (
                conn.scalar(text(f"SHOW {name}")) for name in ("jit", "search_path")
            )
            default = conn.scalar(text("SHOW work_mem"))
            sort_in_memory(conn)
            raised = conn.scalar(text("SHOW work_mem"))
        with engine.connect() as conn:
            after = conn.scalar(text("SHOW work_mem"))
        engine.dispose()
        assert jit == "off"
        assert path in search_path
        assert (raised, after) == ("64MB", default) and default != "64MB"
