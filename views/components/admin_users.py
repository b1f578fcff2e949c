"""Brugere: the user list, the create form and the actions on one user (deactivate or
reactivate, reset password, unlock). A one-time password is shown once, right after it
was made, and never again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.users import (
    USERNAME_RULE,
    NewUser,
    create_user,
    reset_password,
    set_active,
    set_sign_on_identity,
    unlock,
)
from lib.domain.access import Scope
from lib.domain.enums import Role
from lib.queries.admin import UserRow, enterprises, users
from views.components.forms import (
    choice_field,
    field_error,
    form_key,
    form_notices,
    run_save,
    submit_form,
)
from views.components.layout import empty_state, table
from views.texts import admin as texts

ONE_TIME_KEY = "admin_one_time_password"


def _state(row: UserRow, now: dt.datetime) -> str:
    locked = row.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=dt.UTC)
    if not row.is_active:
        return "Deaktiveret"
    if locked is not None and locked > now:
        return "Låst"
    if row.must_change_password:
        return "Aktiv – skal vælge adgangskode"
    return "Aktiv"


def user_table(engine: Engine) -> list[UserRow]:
    rows = users(engine)
    if not rows:
        empty_state(texts.NO_USERS)
        return rows
    now = dt.datetime.now(dt.UTC)
    frame = pd.DataFrame(
        {
            "Brugernavn": [r.username for r in rows],
            "Navn": [r.display_name for r in rows],
            "Rolle": [Role.label_of(r.role, r.role) for r in rows],
            "Virksomhed": [r.enterprise or "" for r in rows],
            "Status": [_state(r, now) for r in rows],
            "Single sign-on": [r.email or ("subject-id" if r.oidc_subject else "") for r in rows],
        }
    )
    table(frame)
    return rows


def keep_one_time_password(username: str, password: str) -> None:
    st.session_state[ONE_TIME_KEY] = (username, password)


def show_one_time_password() -> None:
    """The one-time password of the last create or reset, once."""
    made = st.session_state.pop(ONE_TIME_KEY, None)
    if made:
        username, password = made
        st.warning(f"Engangsadgangskode til **{username}**:", icon=":material/key:")
        st.code(password, language=None)
        st.caption(texts.ONE_TIME_SHOWN_ONCE)


def create_user_form(scope: Scope, engine: Engine) -> None:
    form = "admin_create_user"
    companies = {e.id: e.name for e in enterprises(engine)}

    def fields() -> dict[str, Any]:
        values: dict[str, Any] = {}
        c1, c2 = st.columns(2)
        with c1:
            values["username"] = st.text_input(
                "Brugernavn", key=form_key(form, "username"), help=USERNAME_RULE
            )
            field_error(form, "username")
        with c2:
            values["display_name"] = st.text_input("Navn", key=form_key(form, "display_name"))
            field_error(form, "display_name")
        c3, c4 = st.columns(2)
        with c3:
            values["role"] = st.selectbox(
                "Rolle",
                list(Role.labels()),
                index=list(Role.labels()).index(Role.CASEWORKER),
                format_func=Role.labels().get,
                key=form_key(form, "role"),
                help=texts.ROLE_HELP,
            )
            field_error(form, "role")
        with c4:
            values["enterprise_id"] = choice_field(
                form,
                "enterprise_id",
                "Virksomhed (kun for rollen Virksomhed)",
                companies,
                "Vælg virksomhed",
            )
        return values

    values = submit_form(form, "Opret bruger", fields)
    if values is not None:

        def save() -> None:
            _, password = create_user(engine, scope, NewUser(**values))
            keep_one_time_password(values["username"].strip().lower(), password)

        run_save(form, save, f"Brugeren {values['username'].strip().lower()} er oprettet.")


def user_actions(scope: Scope, engine: Engine, rows: list[UserRow]) -> None:
    """Pick a user, then one action. Each action is one audited transaction."""
    if not rows:
        return
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        "Bruger",
        list(by_id),
        format_func=lambda i: f"{by_id[i].username} – {by_id[i].display_name}",
        key="admin_user_pick",
    )
    row = by_id[chosen]
    form = f"admin_user_{row.id}"
    form_notices(form)
    c1, c2, c3 = st.columns(3)
    if row.is_active:
        if c1.button("Deaktivér", key=f"{form}_off", icon=":material/person_off:"):
            run_save(
                form,
                lambda: set_active(engine, scope, row.id, False),
                f"{row.username} er deaktiveret.",
            )
    elif c1.button("Genaktivér", key=f"{form}_on", icon=":material/person_check:"):
        run_save(
            form, lambda: set_active(engine, scope, row.id, True), f"{row.username} er aktiv igen."
        )
    if c2.button("Nulstil adgangskode", key=f"{form}_reset", icon=":material/key:"):

        def save_reset() -> None:
            keep_one_time_password(row.username, reset_password(engine, scope, row.id))

        run_save(form, save_reset, f"{row.username} har fået en ny engangsadgangskode.")
    if c3.button("Lås op", key=f"{form}_unlock", icon=":material/lock_open:"):
        run_save(form, lambda: unlock(engine, scope, row.id), f"{row.username} er låst op.")
    sign_on_identity_form(scope, engine, row)


def sign_on_identity_form(scope: Scope, engine: Engine, row: UserRow) -> None:
    """Who the user is at the single sign-on provider (only used when it is set up)."""
    form = f"admin_sso_{row.id}"
    with st.expander("Single sign-on", icon=":material/key:"):

        def fields() -> dict[str, str]:
            email = st.text_input(
                "E-mail hos login-tjenesten",
                value=row.email or "",
                key=form_key(form, "email"),
                max_chars=254,
                help=texts.SSO_EMAIL_HELP,
            )
            field_error(form, "email")
            subject = st.text_input(
                "Subject-id (valgfrit)",
                value=row.oidc_subject or "",
                key=form_key(form, "subject"),
                max_chars=255,
                help=texts.SSO_SUBJECT_HELP,
            )
            field_error(form, "subject")
            return {"email": email, "subject": subject}

        values = submit_form(form, "Gem single sign-on", fields, caption=texts.SSO_CAPTION)
        if values is not None:
            run_save(
                form,
                lambda: set_sign_on_identity(engine, scope, row.id, **values),
                f"Single sign-on for {row.username} er gemt.",
            )
