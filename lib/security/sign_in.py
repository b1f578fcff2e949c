"""Sign-in against the users table: bcrypt, lock-out after repeated failures, and the
credentials dict streamlit-authenticator needs for its session cookie.

No Streamlit here; app.py draws the form and calls `sign_in`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import bcrypt
from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import User
from lib.domain.access import Scope

MAX_PASSWORD_BYTES = 72  # bcrypt ignores (or with bcrypt 5 refuses) anything longer


MAX_FAILURES = 5


LOCKOUT = dt.timedelta(minutes=5)


WRONG_CREDENTIALS = "Forkert brugernavn eller adgangskode."


PASSWORD_TOO_LONG = "Adgangskoden er for lang: højst 72 bytes (bcrypts grænse)."


MISSING_FIELDS = "Skriv både brugernavn og adgangskode."


@dataclass(frozen=True)
class SignedInUser:
    id: int
    username: str
    display_name: str
    role: str
    enterprise_id: int | None

    @property
    def scope(self) -> Scope:
        return Scope(self.id, self.username, self.role, self.enterprise_id)


@dataclass(frozen=True)
class SignInResult:
    user: SignedInUser | None
    error: str | None = None


def hash_password(password: str) -> str:
    raw = password.encode()
    if len(raw) > MAX_PASSWORD_BYTES:
        raise ValueError(PASSWORD_TOO_LONG)
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode()


def _as_user(row: User) -> SignedInUser:
    return SignedInUser(row.id, row.username, row.display_name, row.role, row.enterprise_id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; they were written as UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def lockout_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    return (
        f"For mange forkerte forsøg. Brugeren er låst i {minutes} "
        f"{'minut' if minutes == 1 else 'minutter'} endnu."
    )


def sign_in(
    engine: Engine, username: str, password: str, now: dt.datetime | None = None
) -> SignInResult:
    """Check a username and password. Failures are counted in the database; after
    MAX_FAILURES the user is locked for LOCKOUT, whatever process they try next."""
    now = now or _now()
    username = (username or "").strip()
    if not username or not password:
        return SignInResult(None, MISSING_FIELDS)
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return SignInResult(None, PASSWORD_TOO_LONG)
    with write_session(engine, actor=f"log-ind:{username}"[:80]) as session:
        user = session.scalars(
            select(User).where(User.username == username, User.is_active.is_(True))
        ).one_or_none()
        if user is None:
            # Same message as a wrong password: don't reveal which usernames exist.
            return SignInResult(None, WRONG_CREDENTIALS)
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            return SignInResult(None, lockout_message(locked_until, now))
        if bcrypt.checkpw(password.encode(), user.password_hash.encode()):
            if user.failed_sign_ins or user.locked_until:
                user.failed_sign_ins = 0
                user.locked_until = None
            return SignInResult(_as_user(user))
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= MAX_FAILURES:
            user.failed_sign_ins = 0
            user.locked_until = now + LOCKOUT
            return SignInResult(None, lockout_message(user.locked_until, now))
        left = MAX_FAILURES - user.failed_sign_ins
        return SignInResult(
            None, f"{WRONG_CREDENTIALS} {left} {'forsøg' if left == 1 else 'forsøg'} tilbage."
        )


def load_user(engine: Engine, username: str | None) -> SignedInUser | None:
    """The active user behind a session cookie, re-read from the database on every run,
    so a deactivated user is out at once even with a valid cookie."""
    if not username:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(User.id, User.username, User.display_name, User.role, User.enterprise_id).where(
                User.username == username, User.is_active.is_(True)
            )
        ).first()
    return SignedInUser(*row) if row else None


def authenticator_credentials(engine: Engine) -> dict:
    """The credentials dict for streamlit-authenticator (used only to validate its cookie)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(User.username, User.display_name, User.password_hash, User.role).where(
                User.is_active.is_(True)
            )
        ).all()
    return {
        "usernames": {
            r.username: {
                "name": r.display_name,
                "password": r.password_hash,
                "roles": [r.role],
                "email": f"{r.username}@forlobsmonitor.invalid",
            }
            for r in rows
        }
    }
