"""Password rules, one-time passwords and the forced change at first sign-in.

A user an admin creates (or whose password an admin resets) gets a one-time password and
must choose their own at the next sign-in. The rules are few and explained to the user:
at least 12 characters, not the username, and at most 72 bytes, because bcrypt (which
stores the password) reads no further; æ, ø and å take two bytes each.

No Streamlit here; the form is views/components/admin_password.py.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select

from db.models import User
from lib.security.sign_in import MAX_PASSWORD_BYTES, hash_password

MIN_PASSWORD_CHARS = 12

PASSWORD_RULES = (
    f"Mindst {MIN_PASSWORD_CHARS} tegn, ikke dit brugernavn. Højst {MAX_PASSWORD_BYTES} bytes: "
    "adgangskoden gemmes med bcrypt, som ikke læser længere end det (æ, ø og å fylder 2 bytes "
    "hver). En sætning på nogle ord er let at huske og svær at gætte."
)

# No 0/O, 1/l/I: a one-time password is read aloud or copied by hand.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def password_problem(username: str, password: str) -> str | None:
    """The Danish reason a new password is refused, or None if it may be used."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"Adgangskoden skal have mindst {MIN_PASSWORD_CHARS} tegn (har {len(password)})."
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return (
            f"Adgangskoden fylder {len(password.encode())} bytes; højst {MAX_PASSWORD_BYTES} bytes "
            "(bcrypts grænse – æ, ø og å fylder 2 bytes hver)."
        )
    if password.strip().casefold() == username.strip().casefold():
        return "Adgangskoden må ikke være dit brugernavn."
    if username.strip() and username.strip().casefold() in password.casefold():
        return "Adgangskoden må ikke indeholde dit brugernavn."
    return None


def one_time_password(length: int = 16) -> str:
    """A random password for a new user or a reset; shown once to the admin."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_password_hash(username: str, password: str) -> str:
    """The bcrypt hash of a password that passes the rules (ValueError with the reason)."""
    problem = password_problem(username, password)
    if problem:
        raise ValueError(problem)
    return hash_password(password)


def password_change_required(engine: Engine, user_id: int) -> bool:
    """Whether the signed-in user still has a one-time password (read on every run, so a
    reset by an admin takes effect at the user's next click)."""
    with engine.connect() as conn:
        return bool(
            conn.scalar(select(User.must_change_password).where(User.id == user_id)) or False
        )
