"""Issue 13's fuzz test: the forms' write functions driven with generated text, dates and
numbers. Each call either saves, and the row reads back equal to what was given (after
the write path's one normalisation, clean_text), or raises ValidationError with a Danish
message per field and changes no row. Never a database error. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditLog, MentorAssignment, MentorContact, SurveyRound, WeeklyHours
from lib.commands.fidelity import create_round
from lib.commands.hours import HoursInput, save_hours
from lib.commands.kit import ValidationError
from lib.commands.quality import log_mentor_contact
from lib.domain.text import clean_text
from lib.queries.courses import hours, my_enrolments
from tests.conftest import scope_for

TODAY = dt.date.today()
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2200
) | st.sampled_from(
    ["", "\x00", "a\x0bb", "x" * 4001, "![p](http://x.io/i.png)", "=HYPERLINK(1)", "R" * 300]
)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)) | st.none()
numbers = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**12), max_value=10**12).map(float)
    | st.none()
)


@pytest.fixture
def demo_db(any_demo_url):
    engine = make_engine(any_demo_url)
    yield engine
    engine.dispose()


def _rows(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditLog)) or 0


def _refused_cleanly(engine, exc: ValidationError, before: int) -> None:
    assert exc.errors and all(isinstance(m, str) and m for m in exc.errors.values())
    assert _rows(engine) == before  # no row changed (every change writes an audit row)


@FUZZ
@given(name=texts, held_on=dates)
def test_fuzz_create_round(demo_db, name, held_on):
    scope = scope_for(demo_db, "leder")
    before = _rows(demo_db)
    try:
        rid = create_round(demo_db, scope, name, "midpoint", held_on)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    with demo_db.connect() as conn:
        row = conn.execute(select(SurveyRound).where(SurveyRound.id == rid)).one()
    assert row.name == clean_text(name.strip()) and row.held_on == held_on


@FUZZ
@given(note=texts, contact_on=dates)
def test_fuzz_log_mentor_contact(demo_db, note, contact_on):
    scope = scope_for(demo_db, "leder")
    with demo_db.connect() as conn:
        assignment_id = conn.scalar(select(func.min(MentorAssignment.id)))
    before = _rows(demo_db)
    try:
        cid = log_mentor_contact(demo_db, scope, assignment_id, contact_on, note)
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    with demo_db.connect() as conn:
        row = conn.execute(select(MentorContact).where(MentorContact.id == cid)).one()
    assert row.note == clean_text(note) and row.contact_on == contact_on


@FUZZ
@given(planned=numbers, attended=numbers, illness=numbers, ordinary=numbers)
def test_fuzz_save_hours(demo_db, planned, attended, illness, ordinary):
    scope = scope_for(demo_db, "sagsbehandler")
    row = my_enrolments(demo_db, scope)[0]
    week = hours(demo_db, scope, row.id, weeks=1)[0]
    before = _rows(demo_db)
    given_values = (planned, attended, illness, ordinary)
    try:
        save_hours(
            demo_db,
            scope,
            row.id,
            [HoursInput(week.week_start, *given_values, version=week.version)],
        )
    except ValidationError as exc:
        _refused_cleanly(demo_db, exc, before)
        return
    with demo_db.connect() as conn:
        saved = conn.execute(
            select(
                WeeklyHours.planned_hours,
                WeeklyHours.attended_hours,
                WeeklyHours.illness_hours,
                WeeklyHours.ordinary_paid_hours,
            ).where(WeeklyHours.enrolment_id == row.id, WeeklyHours.week_start == week.week_start)
        ).one_or_none()
    if saved is None:  # a week of only zeros is not a registration: nothing stored
        assert given_values == (0, 0, 0, 0)
        return
    for value, stored in zip(given_values, saved, strict=True):
        assert value is not None and math.isfinite(value) and 0 <= value <= 80
        assert stored == pytest.approx(value)
