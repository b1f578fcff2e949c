"""First administrator from the command line, user administration and the forced password
change, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from db.cli import main as cli_main
from db.engine import make_engine
from db.models import AuditLog, User
from lib.commands.kit import ValidationError
from lib.commands.users import (
    NewUser,
    change_own_password,
    create_user,
    reset_password,
    set_active,
    unlock,
)
from lib.domain.access import AccessDenied
from lib.queries.admin import users
from lib.security.passwords import password_change_required, password_problem
from lib.security.sign_in import load_user, sign_in
from tests.conftest import ROOT

ADMIN_PASSWORD = "sommerfugl i maven 42"


def create_admin_process(url: str, *extra: str, password: str | None = ADMIN_PASSWORD):
    """The command as a person runs it, in its own process."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("FORLOB_ADMIN_PASSWORD", None)
    if password is not None:
        env["FORLOB_ADMIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "db.cli", "create-admin", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def create_admin(url: str, *extra: str, password: str | None = ADMIN_PASSWORD) -> Done:
    """The same command in this process (a process start costs seconds on this machine)."""
    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "FORLOB_ADMIN_PASSWORD")}
    os.environ["DATABASE_URL"] = url
    os.environ.pop("FORLOB_ADMIN_PASSWORD", None)
    if password is not None:
        os.environ["FORLOB_ADMIN_PASSWORD"] = password
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(["create-admin", *extra])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Done(code, out.getvalue(), err.getvalue())


@pytest.fixture
def admin_db(any_db_url):
    done = create_admin(any_db_url, "--username", "Anne", "--name", "Anne Admin")
    assert done.returncode == 0, done.stderr
    assert ADMIN_PASSWORD not in done.stdout + done.stderr
    engine = make_engine(any_db_url)
    yield any_db_url, engine
    engine.dispose()


def admin_scope(engine):
    user = load_user(engine, "anne")
    assert user is not None
    return user.scope


def test_create_admin_signs_in_and_is_audited(admin_db):
    _, engine = admin_db
    result = sign_in(engine, "anne", ADMIN_PASSWORD)
    assert result.user is not None and result.user.role == "admin"
    assert not password_change_required(engine, result.user.id)
    with engine.connect() as conn:
        actors = conn.scalars(
            select(AuditLog.username).where(AuditLog.table_name == "app_user")
        ).all()
    assert "kommandolinje:create-admin" in actors


def test_create_admin_refuses_a_second_time_and_resets_with_reset(admin_db):
    url, engine = admin_db
    again = create_admin(url, "--username", "anne", "--name", "Anne Admin")
    assert again.returncode == 3 and "--reset" in again.stderr
    new_password = "vinter over byen 2027"
    reset = create_admin(
        url, "--username", "anne", "--name", "Anne Admin", "--reset", password=new_password
    )
    assert reset.returncode == 0, reset.stderr
    assert sign_in(engine, "anne", ADMIN_PASSWORD).user is None
    assert sign_in(engine, "anne", new_password).user is not None


def test_create_admin_as_a_process_never_prints_the_password(sqlite_url):
    done = create_admin_process(sqlite_url, "--username", "anne", "--name", "Anne Admin")
    assert done.returncode == 0, done.stderr
    assert "anne" in done.stdout and ADMIN_PASSWORD not in done.stdout + done.stderr


def test_create_admin_refuses_a_weak_or_missing_password(sqlite_url):
    weak = create_admin(sqlite_url, "--username", "anne", "--name", "A", password="anne")
    assert weak.returncode == 3 and "mindst 12 tegn" in weak.stderr
    missing = create_admin(sqlite_url, "--username", "anne", "--name", "A", password=None)
    assert missing.returncode == 3 and "FORLOB_ADMIN_PASSWORD" in missing.stderr
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.scalar(select(User.id)) is None
    engine.dispose()


def test_create_admin_refuses_on_a_demo_database(demo_url):
    done = create_admin(demo_url, "--username", "rigtig", "--name", "Rigtig Admin")
    assert done.returncode == 3 and "demodatabase" in done.stderr
    engine = make_engine(demo_url)
    assert load_user(engine, "rigtig") is None
    engine.dispose()


def test_password_rules():
    assert password_problem("anne", "kort") is not None
    assert "brugernavn" in (password_problem("annekathrine", "annekathrine") or "")
    assert "brugernavn" in (password_problem("anne", "hej anne hej hej") or "")
    assert "72 bytes" in (password_problem("anne", "æ" * 40) or "")
    assert password_problem("anne", "en god lang sætning") is None


def test_new_user_gets_a_one_time_password_and_must_change_it(admin_db):
    _, engine = admin_db
    user_id, one_time = create_user(
        engine, admin_scope(engine), NewUser("Sara", "Sara Sagsbehandler", "sagsbehandler")
    )
    signed_in = sign_in(engine, "sara", one_time).user
    assert signed_in is not None and signed_in.id == user_id
    assert password_change_required(engine, user_id)
    with pytest.raises(ValidationError) as refused:
        change_own_password(engine, signed_in.scope, "sara1234567890", "sara1234567890")
    assert "brugernavn" in refused.value.errors["password"]
    with pytest.raises(ValidationError) as refused:
        change_own_password(engine, signed_in.scope, "en god lang kode", "en anden lang kode")
    assert "repeated" in refused.value.errors
    change_own_password(engine, signed_in.scope, "en god lang kode", "en god lang kode")
    assert not password_change_required(engine, user_id)
    assert sign_in(engine, "sara", one_time).user is None
    assert sign_in(engine, "sara", "en god lang kode").user is not None


def test_create_user_field_messages(admin_db):
    _, engine = admin_db
    scope = admin_scope(engine)
    with pytest.raises(ValidationError) as refused:
        create_user(engine, scope, NewUser("anne", "", "virksomhed", None))
    assert set(refused.value.errors) == {"username", "display_name", "enterprise_id"}
    with pytest.raises(ValidationError) as refused:
        create_user(engine, scope, NewUser("æ b", "X", "boss"))
    assert set(refused.value.errors) == {"username", "role"}


def test_only_an_admin_manages_users(admin_db):
    _, engine = admin_db
    create_user(engine, admin_scope(engine), NewUser("leo", "Leo Leder", "leder"))
    leader = load_user(engine, "leo")
    assert leader is not None
    with pytest.raises(AccessDenied):
        create_user(engine, leader.scope, NewUser("x1", "X", "leder"))


def test_deactivated_user_cannot_sign_in_and_is_signed_out(admin_db):
    _, engine = admin_db
    scope = admin_scope(engine)
    user_id, one_time = create_user(engine, scope, NewUser("sara", "Sara", "sagsbehandler"))
    set_active(engine, scope, user_id, False)
    assert sign_in(engine, "sara", one_time).user is None
    assert load_user(engine, "sara") is None  # an open session ends at the next click
    with pytest.raises(ValidationError):  # a second admin's stale click is refused
        set_active(engine, scope, user_id, False)
    set_active(engine, scope, user_id, True)
    assert sign_in(engine, "sara", one_time).user is not None


def test_no_self_deactivation_and_never_without_an_active_admin(admin_db):
    _, engine = admin_db
    anne = admin_scope(engine)
    with pytest.raises(ValidationError) as refused:
        set_active(engine, anne, anne.user_id, False)
    assert "dig selv" in refused.value.errors["_form"]
    bo_id, _ = create_user(engine, anne, NewUser("bo", "Bo Admin", "admin"))
    bo = load_user(engine, "bo")
    assert bo is not None
    set_active(engine, bo.scope, anne.user_id, False)  # two active admins: allowed
    # Anne's session from before her deactivation tries to remove Bo, the last one.
    with pytest.raises(ValidationError) as refused:
        set_active(engine, anne, bo_id, False)
    assert "sidste aktive administrator" in refused.value.errors["_form"]
    assert load_user(engine, "bo") is not None


def test_reset_password_and_unlock(admin_db):
    _, engine = admin_db
    scope = admin_scope(engine)
    user_id, first = create_user(engine, scope, NewUser("sara", "Sara", "sagsbehandler"))
    for _ in range(5):
        sign_in(engine, "sara", "forkert kode hele tiden")
    assert "For mange forkerte forsøg" in (sign_in(engine, "sara", first).error or "")
    # Brugere shows the back-off the sign-in keeps, and unlocking lifts it.
    row = next(r for r in users(engine) if r.id == user_id)
    assert row.locked_until is not None and row.failed_sign_ins >= 5
    unlock(engine, scope, user_id)
    assert next(r for r in users(engine) if r.id == user_id).locked_until is None
    assert sign_in(engine, "sara", first).user is not None
    with pytest.raises(ValidationError):
        unlock(engine, scope, user_id)
    second = reset_password(engine, scope, user_id)
    assert sign_in(engine, "sara", first).user is None
    assert sign_in(engine, "sara", second).user is not None
    assert password_change_required(engine, user_id)
    with engine.connect() as conn:
        hashes = conn.scalars(select(AuditLog.after).where(AuditLog.table_name == "app_user")).all()
    assert all(first not in (h or "") and second not in (h or "") for h in hashes)
