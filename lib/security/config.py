"""Settings from the environment, secrets and the app_setting table."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy.engine import make_url

DEMO_COOKIE_KEY = "forlobsmonitor-demo-cookie-key-not-for-production-use"


MIN_COOKIE_KEY_BYTES = 32


COOKIE_NAME = "forlobsmonitor_session"


# The cookie only carries a session id; the session itself ends on the server (sign-out,
# idle, absolute limit). The cookie's own expiry matches the absolute limit.
SESSION_ABSOLUTE = dt.timedelta(hours=12)


DEFAULT_IDLE_MINUTES = 30


# The folder the built-in demo cookie key is tied to: `make run`'s SQLite file lives here.
DEMO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class ConfigError(RuntimeError):
    """Start-up configuration is not safe; the message says what to do, in Danish."""


def session_idle() -> dt.timedelta:
    """Sign out after this long without a run: FORLOB_SESSION_IDLE_MINUTES, default 30."""
    raw = os.environ.get("FORLOB_SESSION_IDLE_MINUTES", "")
    try:
        minutes = int(raw) if raw else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return dt.timedelta(minutes=min(max(minutes, 1), 12 * 60))


DEFAULT_BCRYPT_ROUNDS = 12


def bcrypt_rounds() -> int:
    """bcrypt's cost factor for new hashes: FORLOB_BCRYPT_ROUNDS, default 12 (bcrypt's own
    default, ~0.25 s a check). The test suite sets 4 so its hundreds of sign-ins are fast;
    a hash keeps its own factor, so a check always costs what its hash was made with."""
    raw = os.environ.get("FORLOB_BCRYPT_ROUNDS", "")
    try:
        rounds = int(raw) if raw else DEFAULT_BCRYPT_ROUNDS
    except ValueError:
        rounds = DEFAULT_BCRYPT_ROUNDS
    return min(max(rounds, 4), 16)


def is_demo_sqlite_file(url: str | None) -> bool:
    """A SQLite file under data/ (where `make run` keeps the demo), nothing else."""
    if not url:
        return False
    try:
        parsed = make_url(url)
    except Exception:
        return False
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return False
    if parsed.database == ":memory:":
        return False
    path = Path(parsed.database).resolve()
    return path.is_relative_to(DEMO_DATA_DIR.resolve())


def cookie_key(secret_value: str | None, demo: bool, url: str | None = None) -> str:
    """The key that signs the session cookie: FORLOB_COOKIE_KEY or secrets `cookie_key`.

    The built-in key is in the repository, so it is accepted only for a demo database in a
    SQLite file under data/: a PostgreSQL database or a file elsewhere needs a real key,
    even when it says it is a demo. Outside that, a missing, default or short key stops
    the app."""
    key = os.environ.get("FORLOB_COOKIE_KEY") or secret_value or ""
    if not key and demo and is_demo_sqlite_file(url):
        return DEMO_COOKIE_KEY
    if not key:
        raise ConfigError(
            "Der er ingen nøgle til login-cookien: sæt FORLOB_COOKIE_KEY eller cookie_key i "
            ".streamlit/secrets.toml (mindst 32 tilfældige tegn)."
        )
    if key == DEMO_COOKIE_KEY and demo and is_demo_sqlite_file(url):
        return key
    if key == DEMO_COOKIE_KEY or len(key.encode()) < MIN_COOKIE_KEY_BYTES:
        raise ConfigError(
            "Nøglen til login-cookien er standardnøglen eller for kort: brug mindst 32 "
            "tilfældige tegn i FORLOB_COOKIE_KEY eller cookie_key."
        )
    return key
