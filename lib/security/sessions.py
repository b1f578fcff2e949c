"""Server-side sessions: the cookie holds a signed random token, the database decides.

A session is a row in `user_session` (keyed by the token's SHA-256). It is valid while it
is not revoked, not past its absolute end (12 hours after sign-in) and not idle longer than
the idle limit, and while its user is active. Sign-out, a password change, deactivation
and "Log alle enheder ud" revoke rows, so a copied cookie stops working at once.

No Streamlit here; app.py reads and writes the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import Connection, Engine, insert, select, update

from db.models import User, UserSession
from lib.security.config import SESSION_ABSOLUTE, session_idle
from lib.security.sign_in import SignedInUser, audit_event, now_utc, write_connection

TOKEN_BYTES = 32  # 256 bits
# last_seen_at is written at most this often, so a page's reruns do not each write.
TOUCH_EVERY = dt.timedelta(seconds=60)
MAX_USER_AGENT = 300


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def session_id_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signature(token: str, key: str) -> str:
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()


def cookie_value(token: str, key: str) -> str:
    """What the cookie holds: the token and its HMAC, nothing about the user."""
    return f"{token}.{_signature(token, key)}"


def token_from_cookie(value: str | None, key: str) -> str | None:
    """The token if the cookie's signature is right, else None (a forged or old cookie)."""
    if not value or value.count(".") != 1 or len(value) > 200:
        return None
    token, signature = value.split(".")
    if not hmac.compare_digest(signature, _signature(token, key)):
        return None
    return token


def create_session(
    engine: Engine, user: SignedInUser, user_agent: str = "", now: dt.datetime | None = None
) -> str:
    """A new session for a user who has just signed in; returns the token for the cookie."""
    now = now or now_utc()
    with write_connection(engine) as conn:
        return insert_session(conn, user.id, user_agent, now)


def insert_session(
    conn: Connection,
    user_id: int,
    user_agent: str,
    now: dt.datetime,
    oidc_marker: str | None = None,
) -> str:
    """The session row, in the caller's transaction (single sign-on writes its audit
    event in the same one); returns the token for the cookie."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    conn.execute(
        insert(UserSession).values(
            id=session_id_of(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE,
            revoked_at=None,
            user_agent=(user_agent or "")[:MAX_USER_AGENT],
            oidc_marker=oidc_marker,
        )
    )
    return token


def resolve_session(
    engine: Engine, token: str | None, now: dt.datetime | None = None
) -> SignedInUser | None:
    """The active user behind a live session, or None. Touches last_seen_at (at most once
    a minute); an idle or expired session is revoked on the way, so it stays dead."""
    if not token:
        return None
    now = now or now_utc()
    sid = session_id_of(token)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                UserSession.revoked_at,
                UserSession.expires_at,
                UserSession.last_seen_at,
                User.id,
                User.username,
                User.display_name,
                User.role,
                User.enterprise_id,
                User.is_active,
            )
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.id == sid)
        ).first()
    if row is None or row.revoked_at is not None:
        return None
    expired = _aware(row.expires_at) <= now
    idle = now - _aware(row.last_seen_at) > session_idle()
    if expired or idle or not row.is_active:
        revoke_session(engine, token, now, reason="expired" if expired or idle else "inactive")
        return None
    if now - _aware(row.last_seen_at) >= TOUCH_EVERY:
        with write_connection(engine) as conn:
            conn.execute(update(UserSession).where(UserSession.id == sid).values(last_seen_at=now))
    return SignedInUser(row.id, row.username, row.display_name, row.role, row.enterprise_id)


def revoke_session(
    engine: Engine, token: str | None, now: dt.datetime | None = None, reason: str = "sign_out"
) -> bool:
    """End one session (sign-out). Returns whether a live session was ended."""
    if not token:
        return False
    now = now or now_utc()
    sid = session_id_of(token)
    with write_connection(engine) as conn:
        user = conn.execute(
            select(User.id, User.username)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.id == sid, UserSession.revoked_at.is_(None))
        ).first()
        if user is None:
            return False
        conn.execute(update(UserSession).where(UserSession.id == sid).values(revoked_at=now))
        action = "sign_out" if reason == "sign_out" else "session_end"
        audit_event(conn, user.username, action, user.id, {"grund": reason})
    return True


def revoke_sessions_for(
    engine: Engine, user_id: int, actor: str = "system", now: dt.datetime | None = None
) -> int:
    """End every live session of a user: "Log alle enheder ud", a password change or
    reset, deactivation. Call it in the same breath as those changes. Returns how many."""
    now = now or now_utc()
    with write_connection(engine) as conn:
        ended = conn.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        audit_event(conn, actor, "sessions_revoked", user_id, {"sessioner": ended})
    return ended or 0


def live_sessions(engine: Engine, user_id: int, now: dt.datetime | None = None) -> int:
    """How many sessions of the user are live now (for an admin's user list)."""
    now = now or now_utc()
    with engine.connect() as conn:
        rows = conn.execute(
            select(UserSession.expires_at, UserSession.last_seen_at).where(
                UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
            )
        ).all()
    idle = session_idle()
    return sum(
        1 for r in rows if _aware(r.expires_at) > now and now - _aware(r.last_seen_at) <= idle
    )


def set_password(
    engine: Engine, user_id: int, new_password: str, actor: str, now: dt.datetime | None = None
) -> int:
    """A password change or an admin's reset: the new bcrypt hash, and every session of
    the user ended in the same transaction (a thief's copy of a cookie dies with the old
    password). Returns how many sessions were ended. Raises ValueError (Danish) for a
    password over 72 bytes."""
    from db.engine import write_session
    from lib.security.sign_in import hash_password

    hashed = hash_password(new_password)
    now = now or now_utc()
    with write_session(engine, actor) as session:
        user = session.get(User, user_id)
        if user is None:
            raise ValueError("Brugeren findes ikke.")
        user.password_hash = hashed
        conn = session.connection()
        ended = conn.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        audit_event(
            conn,
            actor,
            "sessions_revoked",
            user_id,
            {"sessioner": ended, "grund": "ny adgangskode"},
        )
    return ended or 0
