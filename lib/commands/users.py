"""User administration (admin only): create a user with a one-time password, deactivate
and reactivate, reset a password, unlock; a user's own forced password change; and the
first administrator from the command line (db/cli.py create-admin).

An admin can neither deactivate themselves nor leave the centre without an active admin.
Rules for every command: lib/commands/kit.py. No Streamlit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import Enterprise, SignInThrottle, User, UserSession
from lib.commands.kit import ValidationError
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import Role
from lib.security.passwords import new_password_hash, one_time_password, password_problem
from lib.security.sessions import now_utc, session_id_of
from lib.security.sign_in import audit_event, user_throttle_key

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")

USERNAME_RULE = (
    "Brugernavnet skal være 2–80 tegn: små bogstaver a–z, tal, punktum, bindestreg eller "
    "understreg, og begynde med et bogstav eller tal."
)

CLI_ACTOR = "kommandolinje:create-admin"


def require_admin(scope: Scope) -> None:
    if scope.role != Role.ADMIN:
        raise AccessDenied("Kun en administrator kan ændre brugere.")


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: str
    enterprise_id: int | None = None


def _check_identity(s: Session, errors: dict[str, str], username: str, display_name: str) -> None:
    if not USERNAME.match(username):
        errors["username"] = USERNAME_RULE
    elif s.scalar(select(User.id).where(func.lower(User.username) == username)):
        errors["username"] = "Brugernavnet findes allerede. Vælg et andet."
    if not display_name:
        errors["display_name"] = "Skriv brugerens navn."
    elif len(display_name) > 200:
        errors["display_name"] = "Navnet er for langt: højst 200 tegn."


def create_user(engine: Engine, scope: Scope, data: NewUser) -> tuple[int, str]:
    """A new active user with a one-time password, which they must change at their first
    sign-in. Returns the user's id and the one-time password (shown once, never stored)."""
    require_admin(scope)
    username = data.username.strip().lower()
    display_name = data.display_name.strip()
    with write_session(engine, scope.username) as s:
        errors: dict[str, str] = {}
        _check_identity(s, errors, username, display_name)
        if data.role not in Role.labels():
            errors["role"] = "Vælg en rolle."
        enterprise_id = data.enterprise_id if data.role == Role.ENTERPRISE else None
        if data.role == Role.ENTERPRISE and (
            enterprise_id is None or s.get(Enterprise, enterprise_id) is None
        ):
            errors["enterprise_id"] = "Vælg den virksomhed, brugeren arbejder i."
        if errors:
            raise ValidationError(errors)
        password = one_time_password()
        user = User(
            username=username,
            display_name=display_name,
            role=data.role,
            enterprise_id=enterprise_id,
            password_hash=new_password_hash(username, password),
            is_active=True,
            must_change_password=True,
        )
        s.add(user)
        s.flush()
        return user.id, password


def _target(s: Session, user_id: int) -> User:
    user = s.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one_or_none()
    if user is None:
        raise ValidationError({"_form": "Brugeren findes ikke."})
    return user


def _active_admins(s: Session) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.is_active.is_(True))
        )
        or 0
    )


def set_active(engine: Engine, scope: Scope, user_id: int, active: bool) -> None:
    """Deactivate (the user can no longer sign in, and open sessions end) or reactivate.
    Refused for oneself and for the last active admin; refused as stale when another admin
    already did it."""
    require_admin(scope)
    with write_session(engine, scope.username) as s:
        user = _target(s, user_id)
        if user.is_active == active:
            state = "aktiv" if active else "deaktiveret"
            raise ValidationError(
                {"_form": f"{user.username} er allerede {state} (ændret af en anden?)."}
            )
        if not active:
            if user.id == scope.user_id:
                raise ValidationError({"_form": "Du kan ikke deaktivere dig selv."})
            if user.role == Role.ADMIN and _active_admins(s) <= 1:
                raise ValidationError(
                    {"_form": "Det er den sidste aktive administrator og kan ikke deaktiveres."}
                )
        user.is_active = active
        if not active:
            end_sessions_of(s, user.id)


def reset_password(engine: Engine, scope: Scope, user_id: int) -> str:
    """A new one-time password (returned, shown once); the lock is lifted and open
    sessions end, so only the new password works."""
    require_admin(scope)
    with write_session(engine, scope.username) as s:
        user = _target(s, user_id)
        password = one_time_password()
        user.password_hash = new_password_hash(user.username, password)
        user.must_change_password = True
        user.failed_sign_ins = 0
        user.locked_until = None
        end_sessions_of(s, user.id)
        return password


def unlock(engine: Engine, scope: Scope, user_id: int) -> None:
    """Lift a lock-out after too many failed sign-ins."""
    require_admin(scope)
    with write_session(engine, scope.username) as s:
        user = _target(s, user_id)
        # The back-off per username lives in sign_in_throttle (lib.security.sign_in); the
        # client address's count stays, so an unlock does not reset an attacker's.
        throttle = s.get(SignInThrottle, user_throttle_key(user.username))
        if throttle is None or not throttle.failures:
            raise ValidationError({"_form": f"{user.username} er ikke låst."})
        s.delete(throttle)


def change_own_password(
    engine: Engine, scope: Scope, password: str, repeated: str, keep_token: str | None = None
) -> int:
    """The signed-in user chooses a password (after a one-time password). Every other
    session of the user ends in the same transaction (a copied cookie, a forgotten
    browser); the one holding `keep_token` (this browser's) stays. Returns how many
    sessions were ended."""
    with write_session(engine, scope.username) as s:
        user = _target(s, scope.user_id)
        errors: dict[str, str] = {}
        problem = password_problem(user.username, password)
        if problem:
            errors["password"] = problem
        elif password != repeated:
            errors["repeated"] = "De to adgangskoder er ikke ens."
        if errors:
            raise ValidationError(errors)
        user.password_hash = new_password_hash(user.username, password)
        user.must_change_password = False
        keep = session_id_of(keep_token) if keep_token else None
        ended = end_sessions_of(s, user.id, keep=keep)
        audit_event(
            s.connection(),
            scope.username,
            "sessions_revoked",
            user.id,
            {"sessioner": ended, "grund": "ny adgangskode", "beholdt": keep is not None},
        )
        return ended


def ensure_admin(
    engine: Engine, username: str, display_name: str, password: str, reset: bool
) -> str:
    """create-admin: a new active admin, or with `reset` an existing user made an active
    admin with this password. Returns "created" or "reset"; ValidationError if refused."""
    username = username.strip().lower()
    display_name = display_name.strip()
    with write_session(engine, CLI_ACTOR) as s:
        existing = s.scalar(select(User).where(func.lower(User.username) == username))
        errors: dict[str, str] = {}
        problem = password_problem(username, password)
        if problem:
            errors["password"] = problem
        if existing is not None and not reset:
            errors["username"] = (
                f"Brugeren {username} findes allerede. Brug --reset for at give den en ny "
                "adgangskode og gøre den til aktiv administrator."
            )
        if existing is None:
            _check_identity(s, errors, username, display_name)
        if errors:
            raise ValidationError(errors)
        if existing is None:
            s.add(
                User(
                    username=username,
                    display_name=display_name,
                    role=Role.ADMIN,
                    password_hash=new_password_hash(username, password),
                    is_active=True,
                )
            )
            return "created"
        existing.role = Role.ADMIN
        existing.enterprise_id = None
        existing.is_active = True
        existing.display_name = display_name or existing.display_name
        existing.password_hash = new_password_hash(username, password)
        existing.must_change_password = False
        existing.failed_sign_ins = 0
        existing.locked_until = None
        end_sessions_of(s, existing.id)
        return "reset"


def end_sessions_of(session: Session, user_id: int, keep: str | None = None) -> int:
    """The one place where deactivating a user or changing or resetting a password ends
    the user's open sessions, in the same transaction as the change: a copied cookie
    dies with it. `keep`: the id of a session to leave open (the user's own, when they
    change their password themselves). Returns how many were ended."""
    live = (UserSession.user_id == user_id) & UserSession.revoked_at.is_(None)
    if keep is not None:
        live = live & (UserSession.id != keep)
    result = session.execute(update(UserSession).where(live).values(revoked_at=now_utc()))
    return int(getattr(result, "rowcount", 0) or 0)


EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def set_sign_on_identity(
    engine: Engine, scope: Scope, user_id: int, email: str, subject: str = ""
) -> None:
    """Who this user is at the single sign-on provider: the e-mail address it vouches for
    and, optionally, its subject identifier (which wins over the e-mail). Empty fields
    remove them. The user's open sessions end, as the identity that opened them changed."""
    require_admin(scope)
    email = email.strip().lower()
    subject = subject.strip()
    with write_session(engine, scope.username) as s:
        user = _target(s, user_id)
        errors: dict[str, str] = {}
        if email and (len(email) > 254 or not EMAIL.match(email)):
            errors["email"] = "Skriv en gyldig e-mailadresse, fx navn@kommune.dk."
        elif email and s.scalar(
            select(User.username).where(func.lower(User.email) == email, User.id != user_id)
        ):
            errors["email"] = "E-mailadressen hører allerede til en anden bruger."
        if len(subject) > 255:
            errors["subject"] = "Subject-id er for langt: højst 255 tegn."
        elif subject and s.scalar(
            select(User.username).where(User.oidc_subject == subject, User.id != user_id)
        ):
            errors["subject"] = "Subject-id hører allerede til en anden bruger."
        if errors:
            raise ValidationError(errors)
        if (user.email or None, user.oidc_subject or None) == (email or None, subject or None):
            raise ValidationError({"_form": "Intet at gemme: det er de samme oplysninger."})
        user.email = email or None
        user.oidc_subject = subject or None
        end_sessions_of(s, user.id)
