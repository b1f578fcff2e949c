"""Single sign-on with OpenID Connect: from the provider's ID token claims (Streamlit's
`st.user` after `st.login`) to a server-side session, exactly as a password sign-in ends.

The provider only says who the person is. Whether they may come in, and with which role,
is the database's answer: an active `app_user` whose `oidc_subject` is the token's
subject, or (while no subject is recorded for them) whose `email` is the token's verified
e-mail. The session row and the "sign_in" audit event are written in one transaction,
so sign-out, "Log alle enheder ud", deactivation, a password change and the idle and
absolute limits end a single sign-on session as they end any other.

Streamlit keeps the claims in its own identity cookie for 30 days. So that the cookie
cannot reopen the app after the session has ended, a session is opened only from an ID
token issued moments ago (FRESH_FOR), and only once per token: `user_session.oidc_marker`
is unique. After that the person signs in with the provider again.

No Streamlit here; views/components/auth.py passes `st.user`'s claims in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.exc import IntegrityError

from db.models import User, UserSession
from lib.security.sessions import insert_session
from lib.security.sign_in import SignedInUser, audit_event, now_utc, write_connection

# An ID token older than this does not open a session: the round trip from the provider
# back to the app takes seconds; an older token is one kept in the identity cookie.
FRESH_FOR = dt.timedelta(minutes=5)
CLOCK_SKEW = dt.timedelta(seconds=60)

UNKNOWN_USER = (
    "Din konto hos single sign-on giver ikke adgang til Forløbsmonitor. Kontakt en "
    "administrator, hvis du skal have adgang."
)
INCOMPLETE_TOKEN = "Single sign-on svarede ufuldstændigt. Prøv at logge ind igen."


@dataclass(frozen=True)
class SsoResult:
    """`user` and `token` when a session was opened; `error` (Danish) when refused;
    all None when the claims cannot open a session any more (an old or used token)."""

    user: SignedInUser | None = None
    token: str | None = None
    error: str | None = None


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def _issued_at(claims: Mapping[str, Any]) -> dt.datetime | None:
    value = claims.get("iat")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def token_marker(claims: Mapping[str, Any]) -> str:
    """What makes one ID token one: issuer, subject, nonce and issue time, hashed."""
    parts = (_claim(claims, "iss"), _claim(claims, "sub"), _claim(claims, "nonce"))
    raw = "\x1f".join((*parts, str(claims.get("iat"))))
    return hashlib.sha256(raw.encode()).hexdigest()


def can_open_session(claims: Mapping[str, Any], now: dt.datetime | None = None) -> bool:
    """Whether these claims come from an ID token fresh enough to open a session."""
    now = now or now_utc()
    issued = _issued_at(claims)
    return issued is not None and now - FRESH_FOR <= issued <= now + CLOCK_SKEW


def sso_sign_in(
    engine: Engine,
    claims: Mapping[str, Any],
    client: str | None = None,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> SsoResult:
    """Open a session for the person the ID token names, if the database knows them."""
    now = now or now_utc()
    if not can_open_session(claims, now):
        return SsoResult()
    subject = _claim(claims, "sub")
    email = _claim(claims, "email").lower()
    if claims.get("email_verified") is False:
        email = ""  # an address the provider does not vouch for matches no one
    if not subject or not _claim(claims, "iss"):
        return SsoResult(error=INCOMPLETE_TOKEN)
    marker = token_marker(claims)
    details = {"klient": client or "ukendt", "metode": "oidc"}
    try:
        with write_connection(engine) as conn:
            used = conn.execute(
                select(UserSession.id).where(UserSession.oidc_marker == marker)
            ).first()
            if used is not None:
                return SsoResult()
            matches = [User.oidc_subject == subject]
            if email:
                matches.append((func.lower(User.email) == email) & User.oidc_subject.is_(None))
            rows = conn.execute(
                select(
                    User.id,
                    User.username,
                    User.display_name,
                    User.role,
                    User.enterprise_id,
                    User.is_active,
                    User.oidc_subject,
                ).where(or_(*matches))
            ).all()
            # The subject wins over the e-mail; two candidates by e-mail is no match.
            by_subject = [r for r in rows if r.oidc_subject == subject]
            row = by_subject[0] if by_subject else (rows[0] if len(rows) == 1 else None)
            if row is None or not row.is_active:
                refused = {**details, "sub": subject[:80], "email": email[:120]}
                audit_event(
                    conn, email or subject, "sign_in_failed", row.id if row else None, refused
                )
                return SsoResult(error=UNKNOWN_USER)
            token = insert_session(conn, row.id, user_agent, now, oidc_marker=marker)
            audit_event(conn, row.username, "sign_in", row.id, details)
    except IntegrityError:  # the same token, at the same moment, in another tab
        return SsoResult()
    user = SignedInUser(row.id, row.username, row.display_name, row.role, row.enterprise_id)
    return SsoResult(user=user, token=token)
