"""Enterprises and agreements through lib.commands.agreements on SQLite and PostgreSQL:
a change of slots keeps the occupancy before it right, an agreement with courses is
ended, never deleted, and a stale edit is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import make_engine
from lib.commands.agreements import (
    AgreementInput,
    EnterpriseInput,
    change_slots,
    create_agreement,
    delete_agreement,
    save_enterprise,
    update_agreement,
)
from lib.commands.enrolments import EnrolmentInput, enrol
from lib.commands.kit import StaleEdit, ValidationError
from lib.commands.users import NewUser, create_user, ensure_admin
from lib.queries.admin import agreements
from lib.queries.occupancy import monthly_occupancy, occupancy_on, slot_days
from lib.security.sign_in import load_user

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=120)
CHANGE = TODAY - dt.timedelta(days=30)


@pytest.fixture
def world(any_db_url):
    engine = make_engine(any_db_url)
    ensure_admin(engine, "anne", "Anne Admin", "sommerfugl i maven 42", reset=False)
    anne = load_user(engine, "anne")
    assert anne is not None
    create_user(engine, anne.scope, NewUser("sara", "Sara", "sagsbehandler"))
    sara = load_user(engine, "sara")
    assert sara is not None
    enterprise_id = save_enterprise(engine, anne.scope, EnterpriseInput("Café", "12345678"))
    agreement_id = create_agreement(
        engine, anne.scope, AgreementInput("Café-aftalen", enterprise_id, 4, START)
    )
    yield engine, anne.scope, sara, agreement_id
    engine.dispose()


def test_slot_change_keeps_past_occupancy(world):
    engine, admin, sara, agreement_id = world
    for n in range(3):
        enrol(
            engine,
            sara.scope,
            EnrolmentInput(
                agreement_id,
                "active",
                START + dt.timedelta(days=1),
                13,
                case_code=f"K-{n}",
                initials="AB",
                target_group_id=1,
                caseworker_id=sara.id,
            ),
        )
    version = agreements(engine)[0].version
    change_slots(engine, admin, agreement_id, 8, CHANGE, version)
    before = occupancy_on(engine, admin, CHANGE - dt.timedelta(days=1), today=TODAY)[0]
    after = occupancy_on(engine, admin, CHANGE + dt.timedelta(days=1), today=TODAY)[0]
    assert (before.slots, before.in_use) == (4, 3)
    assert (after.slots, after.in_use) == (8, 3)
    assert occupancy_on(engine, admin, TODAY, today=TODAY)[0].slots == 8
    months = {m.month: m for m in monthly_occupancy(engine, admin, TODAY, months=6)}
    change_month = dt.date(CHANGE.year, CHANGE.month, 1)
    month_end = min(
        (
            dt.date(CHANGE.year + CHANGE.month // 12, CHANGE.month % 12 + 1, 1)
            - dt.timedelta(days=1)
        ),
        TODAY,
    )
    expected = 4 * (CHANGE - change_month).days + 8 * ((month_end - CHANGE).days + 1)
    assert months[change_month].slot_days == expected


def test_slot_days_by_period():
    day = dt.date(2026, 3, 1)
    periods = [(dt.date(2026, 1, 1), 4), (dt.date(2026, 3, 11), 8)]
    assert slot_days(periods, 8, day, dt.date(2026, 3, 31)) == 4 * 10 + 8 * 21
    assert slot_days([], 5, day, dt.date(2026, 3, 31)) == 5 * 31
    assert slot_days(periods, 8, day, dt.date(2026, 2, 1)) == 0


def test_slot_change_refusals(world):
    engine, admin, _, agreement_id = world
    version = agreements(engine)[0].version
    with pytest.raises(ValidationError) as refused:
        change_slots(engine, admin, agreement_id, 0, START - dt.timedelta(days=1), version)
    assert set(refused.value.errors) == {"slots", "valid_from"}
    with pytest.raises(ValidationError) as refused:
        change_slots(engine, admin, agreement_id, 5, TODAY + dt.timedelta(days=1), version)
    assert "fremtiden" in refused.value.errors["valid_from"]


def test_agreement_with_courses_is_ended_not_deleted(world):
    engine, admin, sara, agreement_id = world
    enrol(
        engine,
        sara.scope,
        EnrolmentInput(
            agreement_id,
            "referral",
            TODAY,
            13,
            case_code="K-9",
            initials="AB",
            target_group_id=1,
            caseworker_id=sara.id,
        ),
    )
    row = agreements(engine)[0]
    with pytest.raises(ValidationError) as refused:
        delete_agreement(engine, admin, agreement_id, row.version)
    assert "kan ikke slettes" in refused.value.errors["_form"]
    ended = AgreementInput(row.name, row.enterprise_id, row.slots, row.start_date, TODAY)
    update_agreement(engine, admin, agreement_id, ended, row.version)
    assert agreements(engine)[0].end_date == TODAY
    # The form opened before that save is refused as stale, with the newer values.
    with pytest.raises(StaleEdit) as stale:
        update_agreement(engine, admin, agreement_id, ended, row.version)
    assert stale.value.current["Slut"] != "–"


def test_enterprise_and_agreement_field_messages(world):
    engine, admin, _, _ = world
    with pytest.raises(ValidationError) as refused:
        save_enterprise(engine, admin, EnterpriseInput("café", "123"))
    assert set(refused.value.errors) == {"name", "cvr"}
    with pytest.raises(ValidationError) as refused:
        create_agreement(
            engine,
            admin,
            AgreementInput("café-aftalen", None, 0, START, START - dt.timedelta(days=1), 13),
        )
    assert set(refused.value.errors) == {
        "name",
        "enterprise_id",
        "slots",
        "end_date",
        "evaluation_interval_months",
    }
