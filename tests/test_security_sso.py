"""Issue 13, items 1 and 2 below the browser: single sign-on opens the same server-side
session as a password sign-in (so sign-out, "Log alle enheder ud" and deactivation end
it), only for a user the database knows, only once per ID token and only from a fresh
one; a password change ends the user's other sessions. On SQLite and PostgreSQL.
The whole flow against a real provider in Chromium: tests/test_sso_browser.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from db.engine import make_engine, write_session
from db.models import AuditLog, User, UserSession
from lib.commands.kit import ValidationError
from lib.commands.users import change_own_password, set_active, set_sign_on_identity
from lib.domain.access import AccessDenied
from lib.security.sessions import create_session, resolve_session, revoke_sessions_for
from lib.security.sign_in import SignedInUser, hash_password, load_user
from lib.security.sso import FRESH_FOR, UNKNOWN_USER, sso_sign_in

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
ISSUER = "http://127.0.0.1:9400"
PASSWORD_HASH = hash_password("en god lang kode")  # once: bcrypt takes a quarter second


@pytest.fixture
def engine(any_db_url):
    engine = make_engine(any_db_url)
    with write_session(engine, "test") as s:
        for username, role, email in (
            ("anne", "admin", None),
            ("lone", "leder", "lone@kommune.dk"),
            ("sara", "sagsbehandler", "sara@kommune.dk"),
        ):
            s.add(
                User(
                    username=username,
                    display_name=username.title(),
                    password_hash=PASSWORD_HASH,
                    role=role,
                    email=email,
                )
            )
    yield engine
    engine.dispose()


def claims(sub: str, email: str, at: dt.datetime = NOW, nonce: str = "n-1", **more) -> dict:
    return {
        "iss": ISSUER,
        "sub": sub,
        "aud": "forlobsmonitor",
        "iat": int(at.timestamp()),
        "exp": int(at.timestamp()) + 3600,
        "nonce": nonce,
        "email": email,
        "email_verified": True,
        "is_logged_in": True,
        **more,
    }


def _scope(engine, username: str):
    user = load_user(engine, username)
    assert user is not None
    return user.scope


def _audit(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditLog).where(AuditLog.action == action)).all()
        return [json.loads(r.after or "{}") | {"_who": r.username} for r in rows]


def test_a_known_email_opens_a_session_with_the_databases_role(engine):
    result = sso_sign_in(
        engine, claims("x-1", "Lone@Kommune.dk", role="admin"), "10.0.0.1", now=NOW
    )
    assert result.error is None and result.user is not None and result.token
    assert (result.user.username, result.user.role) == ("lone", "leder")  # not the claim's
    assert resolve_session(engine, result.token, NOW) == result.user
    assert {"_who": "lone", "klient": "10.0.0.1", "metode": "oidc"} in _audit(engine, "sign_in")


def test_the_same_id_token_opens_one_session_only(engine):
    token = claims("x-1", "lone@kommune.dk")
    first = sso_sign_in(engine, token, now=NOW)
    assert first.user is not None
    again = sso_sign_in(engine, token, now=NOW + dt.timedelta(seconds=5))
    assert (again.user, again.token, again.error) == (None, None, None)
    # Signed out everywhere: the identity cookie's token cannot reopen the app...
    assert first.user is not None
    revoke_sessions_for(engine, first.user.id, actor="lone", now=NOW)
    assert resolve_session(engine, first.token, NOW) is None
    assert sso_sign_in(engine, token, now=NOW + dt.timedelta(seconds=10)).user is None
    # ...a new sign-in at the provider (a new nonce) can.
    fresh = claims("x-1", "lone@kommune.dk", NOW + dt.timedelta(seconds=20), nonce="n-2")
    assert sso_sign_in(engine, fresh, now=NOW + dt.timedelta(seconds=21)).user is not None


def test_an_old_id_token_opens_nothing(engine):
    old = claims("x-1", "lone@kommune.dk", NOW - FRESH_FOR - dt.timedelta(seconds=1))
    assert sso_sign_in(engine, old, now=NOW) == sso_sign_in(engine, {}, now=NOW)
    assert sso_sign_in(engine, old, now=NOW).user is None
    with engine.connect() as conn:
        assert conn.scalar(select(UserSession.id)) is None


@pytest.mark.parametrize(
    "token",
    [
        claims("x-9", "fremmed@andet.dk"),
        claims("x-9", "lone@kommune.dk", email_verified=False),
        claims("x-9", ""),
    ],
    ids=["unknown e-mail", "unverified e-mail", "no e-mail"],
)
def test_a_person_the_database_does_not_know_is_refused_and_audited(engine, token):
    result = sso_sign_in(engine, token, now=NOW)
    assert (result.user, result.token, result.error) == (None, None, UNKNOWN_USER)
    (failed,) = _audit(engine, "sign_in_failed")
    assert failed["metode"] == "oidc" and failed["sub"] == "x-9"
    with engine.connect() as conn:
        assert conn.scalar(select(UserSession.id)) is None


def test_an_inactive_user_is_refused_and_deactivation_ends_an_sso_session(engine):
    opened = sso_sign_in(engine, claims("x-2", "sara@kommune.dk"), now=NOW)
    assert opened.user is not None
    sara_id = opened.user.id
    set_active(engine, _scope(engine, "anne"), sara_id, False)
    assert resolve_session(engine, opened.token, NOW) is None
    later = claims("x-2", "sara@kommune.dk", NOW, nonce="n-3")
    assert sso_sign_in(engine, later, now=NOW).error == UNKNOWN_USER


def test_the_subject_wins_over_the_email(engine):
    admin = _scope(engine, "anne")
    lone_id = _scope(engine, "lone").user_id
    set_sign_on_identity(engine, admin, lone_id, "lone@kommune.dk", "sub-lone")
    # Lone's subject with another address: still Lone.
    moved = sso_sign_in(engine, claims("sub-lone", "lone.ny@kommune.dk"), now=NOW)
    assert moved.user is not None and moved.user.username == "lone"
    # Lone's address with another subject: no one (her account is bound to her subject).
    other = sso_sign_in(engine, claims("sub-other", "lone@kommune.dk", nonce="n-4"), now=NOW)
    assert other.error == UNKNOWN_USER


def test_sign_on_identity_field_messages(engine):
    admin = _scope(engine, "anne")
    sara_id = _scope(engine, "sara").user_id
    with pytest.raises(ValidationError) as refused:
        set_sign_on_identity(engine, admin, sara_id, "ikke en adresse", "s" * 256)
    assert set(refused.value.errors) == {"email", "subject"}
    with pytest.raises(ValidationError) as refused:
        set_sign_on_identity(engine, admin, sara_id, "LONE@kommune.dk")
    assert "anden bruger" in refused.value.errors["email"]
    with pytest.raises(AccessDenied):
        set_sign_on_identity(engine, _scope(engine, "lone"), sara_id, "")  # not an admin
    set_sign_on_identity(engine, admin, sara_id, "")  # removed: Sara no longer matches
    assert sso_sign_in(engine, claims("x-5", "sara@kommune.dk"), now=NOW).error == UNKNOWN_USER


def test_a_password_change_ends_the_users_other_sessions_and_keeps_this_one(engine):
    sara: SignedInUser | None = load_user(engine, "sara")
    assert sara is not None
    here = create_session(engine, sara, "denne browser")
    elsewhere = create_session(engine, sara, "en anden computer")
    by_sso = sso_sign_in(engine, claims("x-6", "sara@kommune.dk", dt.datetime.now(dt.UTC)))
    assert by_sso.token is not None
    lone = load_user(engine, "lone")
    assert lone is not None
    lone_session = create_session(engine, lone, "Lones browser")

    ended = change_own_password(
        engine, sara.scope, "et nyt langt kodeord", "et nyt langt kodeord", keep_token=here
    )
    assert ended == 2
    assert resolve_session(engine, here) == sara
    assert resolve_session(engine, elsewhere) is None
    assert resolve_session(engine, by_sso.token) is None
    assert resolve_session(engine, lone_session) is not None  # nobody else's
    revoked = [e for e in _audit(engine, "sessions_revoked") if e["_who"] == "sara"]
    assert revoked == [{"_who": "sara", "beholdt": True, "grund": "ny adgangskode", "sessioner": 2}]
