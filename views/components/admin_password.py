"""The forced password change after a one-time password: shown by app.py instead of the
pages until the user has chosen their own password."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from lib.commands.users import change_own_password
from lib.security.passwords import PASSWORD_RULES
from lib.security.sign_in import SignedInUser
from views.components.forms import field_error, form_key, run_save, submit_form
from views.texts import admin as texts

FORM = "forced_password"


def forced_password_change(engine: Engine, user: SignedInUser) -> None:
    _, middle, _ = st.columns([1, 1.4, 1])
    with middle:
        st.title(texts.FORCED_CHANGE_TITLE)
        st.caption(texts.FORCED_CHANGE_INTRO)

        def fields() -> tuple[str, str]:
            password = st.text_input(
                "Ny adgangskode",
                type="password",
                key=form_key(FORM, "password"),
                help=PASSWORD_RULES,
                autocomplete="new-password",
            )
            field_error(FORM, "password")
            repeated = st.text_input(
                "Gentag adgangskoden",
                type="password",
                key=form_key(FORM, "repeated"),
                autocomplete="new-password",
            )
            field_error(FORM, "repeated")
            return password, repeated

        chosen = submit_form(FORM, "Gem adgangskode", fields, caption=PASSWORD_RULES)
        if chosen is not None:
            run_save(
                FORM,
                # This browser's session stays; every other one of the user ends.
                lambda: change_own_password(
                    engine, user.scope, *chosen, keep_token=st.session_state.get("session_token")
                ),
                "Din adgangskode er gemt.",
            )
