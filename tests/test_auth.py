"""Sign-in: bcrypt against the users table, a Danish message for a wrong password, a
back-off recorded in the database after five failures, and no silent 72-byte failure.
(Sessions, back-off details and the demo's limits: tests/test_security_sessions.py.)"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import select

from db.engine import make_engine, write_session
from db.models import Enterprise, SignInThrottle, User
from lib.security.config import DEMO_COOKIE_KEY, ConfigError, cookie_key
from lib.security.sign_in import (
    BACKOFF_BASE,
    MAX_FAILURES,
    PASSWORD_TOO_LONG,
    WRONG_CREDENTIALS,
    hash_password,
    load_user,
    sign_in,
)
from tests.conftest import ROOT

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(sqlite_engine):
    with write_session(sqlite_engine, "test") as s:
        s.add(
            User(
                username="sara",
                display_name="Sara S",
                password_hash=hash_password("hemmelig"),
                role="sagsbehandler",
            )
        )
        ent = Enterprise(name="Café")
        s.add(ent)
        s.flush()
        s.add(
            User(
                username="mads",
                display_name="Mads M",
                password_hash=hash_password("x"),
                role="virksomhed",
                enterprise_id=ent.id,
            )
        )
    return sqlite_engine


def test_right_password_signs_in_with_role_and_scope(engine):
    result = sign_in(engine, "sara", "hemmelig", NOW)
    assert result.error is None
    assert (result.user.username, result.user.role) == ("sara", "sagsbehandler")
    assert result.user.scope.role == "sagsbehandler"


def test_wrong_password_and_unknown_user_get_the_same_danish_message(engine):
    wrong = sign_in(engine, "sara", "forkert", NOW)
    unknown = sign_in(engine, "ingen", "forkert", NOW)
    assert wrong.user is None and wrong.error.startswith(WRONG_CREDENTIALS)
    assert unknown.error == WRONG_CREDENTIALS


def test_five_failures_block_the_user_in_the_database(engine):
    for _ in range(MAX_FAILURES - 1):
        assert sign_in(engine, "sara", "forkert", NOW).error == WRONG_CREDENTIALS
    blocked = sign_in(engine, "sara", "forkert", NOW)
    assert "For mange forkerte forsøg" in blocked.error
    # The block is in the database: another process (a fresh engine) sees it, and even
    # the right password is refused until it runs out.
    other = make_engine(str(engine.url))
    refused = sign_in(other, "sara", "hemmelig", NOW + dt.timedelta(seconds=30))
    assert "Prøv igen om 30 sekunder" in refused.error
    with other.connect() as conn:
        until = conn.scalar(
            select(SignInThrottle.blocked_until).where(SignInThrottle.key == "user:sara")
        )
    assert until is not None
    later = NOW + BACKOFF_BASE + dt.timedelta(seconds=1)
    assert sign_in(other, "sara", "hemmelig", later).user is not None
    other.dispose()


def test_a_successful_sign_in_resets_the_failure_count(engine):
    for _ in range(MAX_FAILURES - 1):
        sign_in(engine, "sara", "forkert", NOW)
    assert sign_in(engine, "sara", "hemmelig", NOW).user is not None
    for _ in range(MAX_FAILURES - 1):
        assert sign_in(engine, "sara", "forkert", NOW).error == WRONG_CREDENTIALS


def test_password_over_72_bytes_is_refused_with_a_message(engine):
    long = "æ" * 37  # 74 bytes in UTF-8, only 37 characters
    assert sign_in(engine, "sara", long, NOW).error == PASSWORD_TOO_LONG
    with pytest.raises(ValueError, match="72 bytes"):
        hash_password(long)


def test_empty_fields_get_a_message(engine):
    assert sign_in(engine, "", "", NOW).error == "Skriv både brugernavn og adgangskode."


def test_deactivated_user_is_out_even_with_a_valid_cookie(engine):
    assert load_user(engine, "mads") is not None
    with write_session(engine, "admin") as s:
        s.scalars(select(User).where(User.username == "mads")).one().is_active = False
    assert load_user(engine, "mads") is None


def test_cookie_key_rules(monkeypatch):
    monkeypatch.delenv("FORLOB_COOKIE_KEY", raising=False)
    demo_file = f"sqlite:///{ROOT / 'data' / 'forlobsmonitor.db'}"
    assert cookie_key(None, demo=True, url=demo_file) == DEMO_COOKIE_KEY
    with pytest.raises(ConfigError, match="FORLOB_COOKIE_KEY"):
        cookie_key(None, demo=False)
    with pytest.raises(ConfigError, match="standardnøglen eller for kort"):
        cookie_key(DEMO_COOKIE_KEY, demo=False)
    with pytest.raises(ConfigError):
        cookie_key("kort", demo=False)
    strong = "k" * 40
    assert cookie_key(strong, demo=False) == strong
    monkeypatch.setenv("FORLOB_COOKIE_KEY", "e" * 48)
    assert cookie_key(None, demo=False) == "e" * 48


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql+psycopg://postgres@127.0.0.1:1/nope", "kan ikke nås"),
        ("dette er ikke en url", "DATABASE_URL kan ikke læses"),
        ("mongodb://localhost/x", "understøttes ikke"),
    ],
)
def test_bad_database_url_stops_with_one_sentence(url, expected):
    proc = subprocess.run(
        [sys.executable, "-m", "db.cli", "check"],
        cwd=ROOT,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1
