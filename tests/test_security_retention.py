"""Issue 13, item 9: retention anonymises participants whose courses ended long ago and
prunes the logs; the dashboards' figures are the same afterwards. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from db.engine import make_engine
from db.models import AccessLog, AuditLog, Enrolment, Evaluation, Participant
from db.retention import run_retention
from lib.domain.period import Filters, default_period
from lib.queries.compliance import compliance
from lib.queries.occupancy import monthly_occupancy, occupancy_by_agreement
from lib.queries.outcomes import outcome_counts
from lib.queries.progression import parameter_changes
from tests.conftest import ROOT, scope_for


def _plain(value):
    if isinstance(value, pd.DataFrame):
        return value.to_dict("records")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _figures(engine) -> dict:
    scope = scope_for(engine, "leder")
    start, end = default_period()
    year = Filters(start=start, end=end)
    return {
        "occupancy": _plain(occupancy_by_agreement(engine, scope)),
        "monthly": _plain(monthly_occupancy(engine, scope)),
        "compliance": _plain(compliance(engine, scope, year)),
        "changes": _plain(parameter_changes(engine, scope, year)),
        "outcomes": _plain(outcome_counts(engine, scope, year)),
    }


@pytest.fixture
def engine(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _ended_participants(engine) -> int:
    with engine.connect() as conn:
        still = select(Enrolment.participant_id).where(Enrolment.end_date.is_(None))
        return conn.scalar(
            select(func.count(func.distinct(Enrolment.participant_id))).where(
                Enrolment.participant_id.not_in(still)
            )
        )


def test_anonymising_keeps_every_dashboard_figure(engine):
    before = _figures(engine)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(AccessLog),
            [
                {
                    "at": now - dt.timedelta(days=365 * 4),
                    "username": "x",
                    "page": "p",
                    "participant_id": 1,
                },
                {"at": now, "username": "y", "page": "p", "participant_id": 1},
            ],
        )
    dry = run_retention(engine, apply=False, years=0)
    assert len(dry.participants) == _ended_participants(engine) > 0
    assert dry.access_rows_pruned == 1
    assert _figures(engine) == before  # a dry run changes nothing
    with engine.connect() as conn:
        assert not conn.scalar(
            select(func.count()).where(Participant.case_code.startswith("anon-"))
        )

    done = run_retention(engine, apply=True, years=0)
    assert done.participants == dry.participants
    with engine.connect() as conn:
        codes = conn.execute(
            select(Participant.case_code, Participant.initials).where(
                Participant.id.in_(done.participants)
            )
        ).all()
        assert all(c.startswith("anon-") and i == "XX" for c, i in codes)
        notes = conn.scalars(
            select(Evaluation.notes)
            .join(Enrolment, Enrolment.id == Evaluation.enrolment_id)
            .where(Enrolment.participant_id.in_(done.participants))
        ).all()
        assert notes and set(notes) == {""}
        assert conn.scalars(select(AccessLog.username)).all() == ["y"]
        run = conn.execute(select(AuditLog).where(AuditLog.action == "retention")).one()
        assert '"anonymiseret": ' in run.after
    assert _figures(engine) == before
    # Once is enough: a second run finds nobody new.
    assert run_retention(engine, apply=True, years=0).participants == []


def test_retention_keeps_recent_courses(engine):
    assert run_retention(engine, apply=False).participants == []  # demo: all within 5 years


def test_retention_command_dry_run(any_demo_url):
    proc = subprocess.run(
        [sys.executable, "-m", "db.cli", "retention", "--dry-run", "--years", "0"],
        cwd=ROOT,
        env={"DATABASE_URL": any_demo_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Prøvekørsel" in proc.stdout and "Deltagere der anonymiseres:" in proc.stdout
