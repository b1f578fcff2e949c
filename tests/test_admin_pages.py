"""A new job centre's first day under AppTest, on a fresh non-demo database (SQLite and
PostgreSQL): create-admin, sign in, create an enterprise, an agreement and a caseworker on
the administration pages; the caseworker signs in with the one-time password, must choose
a password, and enrols a participant. Plus the administration pages' refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.engine import make_engine
from db.models import Agreement, AgreementSlotPeriod, Enrolment, Enterprise, TargetGroup, User
from lib.commands.users import ensure_admin
from tests.conftest import ROOT, page_errors

ADMIN_PASSWORD = "sommerfugl i maven 42"
COOKIE_KEY = "test-cookie-key-of-at-least-32-bytes-0123456789"
START = dt.date.today() - dt.timedelta(days=30)


@pytest.fixture
def fresh(any_db_url, monkeypatch):
    """A migrated database with no demo data and one admin made as create-admin does."""
    monkeypatch.setenv("DATABASE_URL", any_db_url)
    monkeypatch.setenv("FORLOB_COOKIE_KEY", COOKIE_KEY)
    engine = make_engine(any_db_url)
    ensure_admin(engine, "anne", "Anne Admin", ADMIN_PASSWORD, reset=False)
    yield engine
    engine.dispose()


def by_label(widgets, label):
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget labelled {label!r}: {[w.label for w in widgets]}"
    return found[0]


def click(at, label: str):
    by_label(at.button, label).click()
    return at.run()


def signed_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    by_label(at.text_input, "Brugernavn").input(username)
    by_label(at.text_input, "Adgangskode").input(password)
    return click(at, "Log ind")


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py")
    return at.run()


def successes(at) -> str:
    return " ".join(str(s.value) for s in at.success)


def only_id(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(model.id)).scalar_one()


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def test_first_day_from_create_admin_to_an_enrolled_participant(fresh):
    engine = fresh
    at = signed_in("anne", ADMIN_PASSWORD)
    assert not page_errors(at)

    at = open_page(at, "aftaler")
    by_label(at.text_input, "Navn").input("Café Ringparken")
    by_label(at.text_input, "CVR-nummer (valgfrit)").input("1234")
    at = click(at, "Opret virksomhed")
    assert any("8 cifre" in str(e.value) for e in at.error)
    by_label(at.text_input, "CVR-nummer (valgfrit)").input("12345678")
    at = click(at, "Opret virksomhed")
    assert "Café Ringparken er gemt" in successes(at), page_errors(at)

    by_label(at.text_input, "Aftalens navn").input("Café-aftalen")
    at.selectbox(key="agreement_new__0__enterprise_id").select(only_id(engine, Enterprise))
    by_label(at.number_input, "Pladser").set_value(6)
    by_label(at.date_input, "Startdato").set_value(START)
    by_label(at.multiselect, "Målgrupper").select(1)
    at = click(at, "Opret aftale")
    assert "Café-aftalen er oprettet" in successes(at), page_errors(at)
    with engine.connect() as conn:
        agreement = conn.execute(select(Agreement.slots, Agreement.start_date)).one()
        assert tuple(agreement) == (6, START)
        assert conn.scalar(select(AgreementSlotPeriod.slots)) == 6

    at = open_page(at, "brugere")
    by_label(at.text_input, "Brugernavn").input("Sara")
    by_label(at.text_input, "Navn").input("Sara Sagsbehandler")
    at = click(at, "Opret bruger")
    assert "sara er oprettet" in successes(at), page_errors(at)
    one_time = at.code[0].value
    assert len(one_time) == 16

    # Single sign-on: the admin records the e-mail the provider vouches for.
    with engine.connect() as conn:
        sara_id = conn.scalar(select(User.id).where(User.username == "sara"))
    at.selectbox(key="admin_user_pick").select(sara_id).run()
    by_label(at.text_input, "E-mail hos login-tjenesten").input("ikke-en-adresse")
    at = click(at, "Gem single sign-on")
    assert any("gyldig e-mailadresse" in str(e.value) for e in at.error)
    by_label(at.text_input, "E-mail hos login-tjenesten").input("Sara@Kommune.dk")
    at = click(at, "Gem single sign-on")
    assert "Single sign-on for sara er gemt" in successes(at), page_errors(at)
    with engine.connect() as conn:
        assert conn.scalar(select(User.email).where(User.id == sara_id)) == "sara@kommune.dk"

    # The caseworker: the one-time password opens only the forced change.
    at = signed_in("sara", one_time)
    assert by_label(at.text_input, "Ny adgangskode")
    assert not [b for b in at.button if b.label == "Log ud"]
    by_label(at.text_input, "Ny adgangskode").input("sara")
    at = click(at, "Gem adgangskode")
    assert any("mindst 12 tegn" in str(e.value) for e in at.error)
    by_label(at.text_input, "Ny adgangskode").input("mit eget gode kodeord")
    by_label(at.text_input, "Gentag adgangskoden").input("mit eget gode kodeord")
    at = click(at, "Gem adgangskode")
    assert not page_errors(at), page_errors(at)

    at = open_page(at, "forlob")
    by_label(at.selectbox, "Samarbejdsaftale").select(only_id(engine, Agreement))
    by_label(at.text_input, "Sagskode (pseudonym)").input("JC-0001")
    by_label(at.text_input, "Initialer").input("ab")
    by_label(at.selectbox, "Målgruppe").select(1)
    by_label(at.radio, "Status").set_value("active")
    at = click(at, "Indskriv")
    assert "indskrevet" in successes(at), page_errors(at)
    assert count(engine, Enrolment) == 1


def test_agreement_slots_history_and_no_delete_with_courses(fresh):
    engine = fresh
    at = signed_in("anne", ADMIN_PASSWORD)
    at = open_page(at, "aftaler")
    by_label(at.text_input, "Navn").input("Motalavej")
    at = click(at, "Opret virksomhed")
    by_label(at.text_input, "Aftalens navn").input("Motalavej-aftalen")
    at.selectbox(key="agreement_new__0__enterprise_id").select(only_id(engine, Enterprise))
    by_label(at.number_input, "Pladser").set_value(10)
    by_label(at.date_input, "Startdato").set_value(START)
    at = click(at, "Opret aftale")
    assert "oprettet" in successes(at), page_errors(at)
    by_label(at.number_input, "Nyt antal pladser").set_value(8)
    by_label(at.date_input, "Gælder fra").set_value(dt.date.today())
    at = click(at, "Gem pladser")
    assert "Pladserne på Motalavej-aftalen er ændret" in successes(at), page_errors(at)
    with engine.connect() as conn:
        periods = conn.execute(
            select(AgreementSlotPeriod.valid_from, AgreementSlotPeriod.slots).order_by(
                AgreementSlotPeriod.valid_from
            )
        ).all()
        assert [tuple(p) for p in periods] == [(START, 10), (dt.date.today(), 8)]
        assert conn.scalar(select(Agreement.slots)) == 8
        assert conn.scalar(select(func.count()).select_from(Enterprise)) == 1
    # Without courses the agreement may be deleted (made by mistake).
    at = click(at, "Slet aftalen")
    assert "er slettet" in successes(at), page_errors(at)
    assert count(engine, Agreement) == 0


def test_catalogue_entry_in_use_is_retired_not_deleted(fresh):
    engine = fresh
    at = signed_in("anne", ADMIN_PASSWORD)
    at = open_page(at, "kataloger")
    assert not page_errors(at)
    label_inputs = [t for t in at.text_input if t.label == "Betegnelse"]
    label_inputs[0].input("Nyt forsøg")  # the first tab's "Ny værdi"
    at = by_label(at.button, "Tilføj").click().run()
    assert "Værdien er tilføjet" in successes(at), page_errors(at)
    with engine.connect() as conn:
        assert conn.scalar(select(TargetGroup.id).where(TargetGroup.label == "Nyt forsøg"))


def test_retired_entry_keeps_its_label_but_is_not_offered(fresh):
    from lib.commands.catalogues import EntryInput, update_entry
    from lib.queries.catalogue import catalogue
    from lib.security.sign_in import load_user

    engine = fresh
    anne = load_user(engine, "anne")
    assert anne is not None
    label = catalogue(engine).target_groups[4]
    update_entry(
        engine, anne.scope, "target_group", 4, EntryInput(label, retired=True), label, False
    )
    cat = catalogue(engine)
    assert cat.target_groups[4] == label  # history still shows it
    assert 4 not in cat.choosable("target_group", cat.target_groups)
    assert 4 in cat.choosable("target_group", cat.target_groups, keep=[4])
    # A second admin's form, opened before the change, is refused as stale.
    from lib.commands.kit import StaleEdit

    with pytest.raises(StaleEdit):
        update_entry(engine, anne.scope, "target_group", 4, EntryInput("Nyt navn"), label, False)
