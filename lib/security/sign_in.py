"""Sign-in against the users table: bcrypt, back-off after repeated failures, and the
audit trail of sign-ins.

What an attacker learns from a failed attempt is the same whether the username exists or
not: the same message, one bcrypt check either way (a dummy hash for an unknown user), the
same writes. Failures are counted per username (known or not) and per client address,
with exponential back-off, in the database so every app process sees them.

No Streamlit here; app.py draws the form and calls `sign_in`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import bcrypt
from sqlalchemy import Connection, Engine, delete, insert, select, update

from db.models import AuditLog, SignInThrottle, User, UserSession
from lib.domain.access import Scope
from lib.domain.text import clean_text
from lib.queries.settings import is_demo
from lib.security.config import bcrypt_rounds

MAX_PASSWORD_BYTES = 72  # bcrypt ignores (or with bcrypt 5 refuses) anything longer


# Failures allowed before back-off starts, per username and per client address. A client
# gets more, as a job centre's staff may share one address.
USER_FREE_FAILURES = 5
CLIENT_FREE_FAILURES = 10
BACKOFF_BASE = dt.timedelta(minutes=1)  # the first block; doubled with every further failure
USER_MAX_BLOCK = dt.timedelta(minutes=15)  # short, so a stranger cannot lock a user out long
CLIENT_MAX_BLOCK = dt.timedelta(hours=1)
FORGET_AFTER = dt.timedelta(hours=1)  # a count starts over after an hour without failures

# Kept for callers that name the first block's length.
MAX_FAILURES = USER_FREE_FAILURES


WRONG_CREDENTIALS = "Forkert brugernavn eller adgangskode."


PASSWORD_TOO_LONG = "Adgangskoden er for lang: højst 72 bytes (bcrypts grænse)."


MISSING_FIELDS = "Skriv både brugernavn og adgangskode."


DEMO_PASSWORD = "demo"  # publicly known: refused outside demo mode


DEMO_USERNAMES = ("admin", "leder", "sagsbehandler", "jobkonsulent", "mentor", "mentor1")


# Compared against when the username is unknown, so an unknown name costs one bcrypt check
# like a known one. Same cost factor as real hashes (lib.security.config.bcrypt_rounds).
_DUMMY_HASH = bcrypt.hashpw(b"no such user", bcrypt.gensalt(bcrypt_rounds())).decode()


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
    return bcrypt.hashpw(raw, bcrypt.gensalt(bcrypt_rounds())).decode()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; they were written as UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def write_connection(engine: Engine):
    """A transaction that writes: on SQLite it takes the write lock at BEGIN, so a read
    followed by a write waits its turn instead of failing (see db.engine)."""
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_write=True)
    return engine.begin()


def wait_text(remaining: dt.timedelta) -> str:
    """'45 sekunder', '1 minut', '5 minutter': rounded up, never more than is left."""
    seconds = max(1, math.ceil(remaining.total_seconds()))
    if seconds < 60:
        return f"{seconds} {'sekund' if seconds == 1 else 'sekunder'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} {'minut' if minutes == 1 else 'minutter'}"


def blocked_message(remaining: dt.timedelta) -> str:
    return f"For mange forkerte forsøg. Prøv igen om {wait_text(remaining)}."


def audit_event(
    conn: Connection, actor: str, action: str, user_id: int | None, details: dict
) -> None:
    """One row in audit_log for a security event (sign-in, failure, sign-out, revocation)."""
    conn.execute(
        insert(AuditLog).values(
            username=(actor or "?")[:80],
            action=action[:20],
            table_name="app_user",
            record_id="" if user_id is None else str(user_id),
            before=None,
            after=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )


# --------------------------------------------------------------------------- back-off


def user_throttle_key(username: str) -> str:
    """The back-off row of a username (known or not)."""
    return f"user:{username.lower()[:150]}"


def _throttle_keys(username: str, client: str | None) -> list[tuple[str, int, dt.timedelta]]:
    keys = [(user_throttle_key(username), USER_FREE_FAILURES, USER_MAX_BLOCK)]
    if client:
        keys.append((f"client:{client[:150]}", CLIENT_FREE_FAILURES, CLIENT_MAX_BLOCK))
    return keys


def _blocked_for(conn: Connection, keys: list[str], now: dt.datetime) -> dt.timedelta | None:
    rows = conn.execute(
        select(SignInThrottle.blocked_until).where(SignInThrottle.key.in_(keys))
    ).all()
    ends = [_aware(r.blocked_until) for r in rows if r.blocked_until is not None]
    latest = max((e for e in ends if e is not None and e > now), default=None)
    return None if latest is None else latest - now


def backoff(failures: int, free: int, cap: dt.timedelta) -> dt.timedelta | None:
    """The block after the `failures`-th failure: none while within `free`, then one
    BACKOFF_BASE, doubling with each further failure, at most `cap`."""
    if failures < free:
        return None
    return min(BACKOFF_BASE * 2 ** min(failures - free, 20), cap)


def _record_failure(
    conn: Connection, keys: list[tuple[str, int, dt.timedelta]], now: dt.datetime
) -> dt.timedelta | None:
    """Count a failure under each key; return the longest block it starts (if any)."""
    longest = None
    for key, free, cap in keys:
        row = conn.execute(
            select(SignInThrottle.failures, SignInThrottle.last_failure_at)
            .where(SignInThrottle.key == key)
            .with_for_update()
        ).first()
        recent = row is not None and now - (_aware(row.last_failure_at) or now) < FORGET_AFTER
        failures = (row.failures if recent and row else 0) + 1
        block = backoff(failures, free, cap)
        values = {
            "failures": failures,
            "last_failure_at": now,
            "blocked_until": now + block if block else None,
        }
        if row is None:
            conn.execute(insert(SignInThrottle).values(key=key, **values))
        else:
            conn.execute(update(SignInThrottle).where(SignInThrottle.key == key).values(**values))
        if block and (longest is None or block > longest):
            longest = block
    return longest


# --------------------------------------------------------------------------- sign-in


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    now: dt.datetime | None = None,
    client: str | None = None,
) -> SignInResult:
    """Check a username and password from `client` (an address, or None when unknown).

    Refused with one message whether the user is unknown, inactive or the password wrong;
    refused while the username or the client is blocked; the password `demo` is refused
    outside demo mode (and the demo user holding it is retired)."""
    now = now or now_utc()
    username = clean_text(username or "").strip()
    if not username or not password:
        return SignInResult(None, MISSING_FIELDS)
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return SignInResult(None, PASSWORD_TOO_LONG)
    keys = _throttle_keys(username, client)
    demo = is_demo(engine)
    details = {"klient": client or "ukendt"}
    with write_connection(engine) as conn:
        blocked = _blocked_for(conn, [k for k, _, _ in keys], now)
        if blocked is not None:
            audit_event(conn, username, "sign_in_blocked", None, details)
            return SignInResult(None, blocked_message(blocked))
        row = conn.execute(
            select(
                User.id,
                User.username,
                User.display_name,
                User.role,
                User.enterprise_id,
                User.password_hash,
            ).where(User.username == username, User.is_active.is_(True))
        ).first()
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            matches = bcrypt.checkpw(password.encode(), stored.encode())
        except ValueError:  # a hash that is not bcrypt (a disabled account)
            matches = False
        demo_password_outside_demo = not demo and password == DEMO_PASSWORD
        if row is not None and matches and not demo_password_outside_demo:
            conn.execute(
                delete(SignInThrottle).where(SignInThrottle.key == keys[0][0])
            )  # the client's count stays: one good account must not reset it
            audit_event(conn, row.username, "sign_in", row.id, details)
            return SignInResult(
                SignedInUser(row.id, row.username, row.display_name, row.role, row.enterprise_id)
            )
        if row is not None and matches and row.username in DEMO_USERNAMES:
            _retire(conn, row.id, "demo-bruger uden for demotilstand")
        block = _record_failure(conn, keys, now)
        audit_event(conn, username, "sign_in_failed", row.id if row else None, details)
    if block is not None:
        return SignInResult(None, blocked_message(block))
    return SignInResult(None, WRONG_CREDENTIALS)


UNUSABLE_HASH = "!disabled"  # not a bcrypt hash: no password matches it


def _retire(conn: Connection, user_id: int, why: str) -> None:
    conn.execute(
        update(User).where(User.id == user_id).values(is_active=False, password_hash=UNUSABLE_HASH)
    )
    conn.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now_utc())
    )
    audit_event(conn, "system", "user_retired", user_id, {"grund": why})


def retire_demo_users(engine: Engine) -> list[str]:
    """Outside demo mode, the demo's users (a demo username whose password is `demo`) can
    no longer sign in: deactivated, password hash made unusable, sessions ended. Returns
    the usernames retired. A real user who happens to be called `admin` keeps working."""
    if is_demo(engine):
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            select(User.id, User.username, User.password_hash).where(
                User.username.in_(DEMO_USERNAMES), User.is_active.is_(True)
            )
        ).all()
    retired = []
    for row in rows:
        try:
            is_demo_user = bcrypt.checkpw(DEMO_PASSWORD.encode(), row.password_hash.encode())
        except ValueError:
            is_demo_user = False
        if is_demo_user:
            with write_connection(engine) as conn:
                _retire(conn, row.id, "demo-bruger uden for demotilstand")
            retired.append(row.username)
    return retired


def load_user(engine: Engine, username: str | None) -> SignedInUser | None:
    """The active user with this username (tests and tools; the app resolves a session)."""
    if not username:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(User.id, User.username, User.display_name, User.role, User.enterprise_id).where(
                User.username == username, User.is_active.is_(True)
            )
        ).first()
    return SignedInUser(*row) if row else None
