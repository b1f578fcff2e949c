"""Settings from the environment, secrets and the app_setting table."""

from __future__ import annotations

import os

DEMO_COOKIE_KEY = "forlobsmonitor-demo-cookie-key-not-for-production-use"


MIN_COOKIE_KEY_BYTES = 32


COOKIE_NAME = "forlobsmonitor_session"


COOKIE_EXPIRY_DAYS = 0.5  # a working day: the cookie outlives sign-out until it expires


class ConfigError(RuntimeError):
    """Start-up configuration is not safe; the message says what to do, in Danish."""


def cookie_key(secret_value: str | None, demo: bool) -> str:
    """The key that signs the session cookie: FORLOB_COOKIE_KEY or secrets `cookie_key`.
    Outside demo mode a missing, default or short key stops the app."""
    key = os.environ.get("FORLOB_COOKIE_KEY") or secret_value or ""
    if demo:
        return key or DEMO_COOKIE_KEY
    if not key:
        raise ConfigError(
            "Der er ingen nøgle til login-cookien: sæt FORLOB_COOKIE_KEY eller cookie_key i "
            ".streamlit/secrets.toml (mindst 32 tilfældige tegn)."
        )
    if key == DEMO_COOKIE_KEY or len(key.encode()) < MIN_COOKIE_KEY_BYTES:
        raise ConfigError(
            "Nøglen til login-cookien er standardnøglen eller for kort: brug mindst 32 "
            "tilfældige tegn i FORLOB_COOKIE_KEY eller cookie_key."
        )
    return key
