"""Aftaler: enterprises and agreements — lists, create and edit forms, the slots with
their dated history, and deleting an agreement made by mistake (only without courses)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.agreements import (
    AgreementInput,
    EnterpriseInput,
    change_slots,
    create_agreement,
    delete_agreement,
    save_enterprise,
    update_agreement,
)
from lib.domain.access import Scope
from lib.domain.enums import ReviewCadence
from lib.domain.format import fmt_date
from lib.queries.admin import AgreementRow, EnterpriseRow, agreements, enterprises
from lib.queries.catalogue import catalogue
from views.components.forms import (
    choice_field,
    date_field,
    field_error,
    form_key,
    form_notices,
    opened_version,
    run_save,
    submit_form,
)
from views.components.layout import empty_state, table
from views.texts import admin as texts

# --------------------------------------------------------------------------- enterprises


def enterprise_section(scope: Scope, engine: Engine) -> list[EnterpriseRow]:
    rows = enterprises(engine)
    if rows:
        table(
            pd.DataFrame(
                {
                    "Virksomhed": [r.name for r in rows],
                    "CVR": [r.cvr or "" for r in rows],
                    "Kontaktpersoner": [r.contact_persons for r in rows],
                    "Aftaler": [r.agreements for r in rows],
                }
            ),
        )
    else:
        empty_state(texts.NO_ENTERPRISES)
    with st.expander("Ny virksomhed", icon=":material/add_business:", expanded=not rows):
        _enterprise_form(scope, engine, None)
    if rows:
        with st.expander("Ret en virksomhed", icon=":material/edit:"):
            by_id = {r.id: r for r in rows}
            chosen = st.selectbox(
                "Virksomhed", list(by_id), format_func=lambda i: by_id[i].name, key="ent_pick"
            )
            _enterprise_form(scope, engine, by_id[chosen])
    return rows


def _enterprise_form(scope: Scope, engine: Engine, row: EnterpriseRow | None) -> None:
    form = f"enterprise_{row.id if row else 'new'}"
    version = opened_version(form, row.version) if row else None

    def fields() -> EnterpriseInput:
        name = st.text_input("Navn", value=row.name if row else "", key=form_key(form, "name"))
        field_error(form, "name")
        cvr = st.text_input(
            "CVR-nummer (valgfrit)", value=(row.cvr or "") if row else "", key=form_key(form, "cvr")
        )
        field_error(form, "cvr")
        contacts = st.text_area(
            "Kontaktpersoner",
            value=row.contact_persons if row else "",
            key=form_key(form, "contact_persons"),
            help="Navn, rolle og telefon/e-mail; én pr. linje.",
        )
        field_error(form, "contact_persons")
        return EnterpriseInput(name, cvr, contacts, row.address if row else "")

    data = submit_form(form, "Gem virksomhed" if row else "Opret virksomhed", fields)
    if data is not None:
        run_save(
            form,
            lambda: save_enterprise(engine, scope, data, row.id if row else None, version),
            f"Virksomheden {data.name.strip()} er gemt.",
        )


# --------------------------------------------------------------------------- agreements


def agreement_table(engine: Engine) -> list[AgreementRow]:
    rows = agreements(engine)
    if not rows:
        empty_state(texts.NO_AGREEMENTS)
        return rows
    groups = catalogue(engine).target_groups
    table(
        pd.DataFrame(
            {
                "Aftale": [r.name for r in rows],
                "Virksomhed": [r.enterprise for r in rows],
                "Pladser": [r.slots for r in rows],
                "Start": [fmt_date(r.start_date) for r in rows],
                "Slut": [fmt_date(r.end_date, "") for r in rows],
                "Forløb": [r.courses for r in rows],
                "Evaluering hver": [f"{r.evaluation_interval_months} mdr." for r in rows],
                "Revision": [ReviewCadence.label_of(r.review_cadence) for r in rows],
                "Målgrupper": [
                    ", ".join(groups.get(g, "") for g in r.target_group_ids) for r in rows
                ],
            }
        ),
    )
    return rows


def _agreement_fields(
    engine: Engine, form: str, companies: dict[int, str], row: AgreementRow | None
) -> Callable[[], dict[str, Any]]:
    groups = catalogue(engine).target_groups

    def fields() -> dict[str, Any]:
        v: dict[str, Any] = {}
        c1, c2 = st.columns(2)
        with c1:
            v["name"] = st.text_input(
                "Aftalens navn", value=row.name if row else "", key=form_key(form, "name")
            )
            field_error(form, "name")
        with c2:
            ids = list(companies)
            v["enterprise_id"] = choice_field(
                form,
                "enterprise_id",
                "Virksomhed",
                companies,
                "Vælg virksomhed",
                index=ids.index(row.enterprise_id) if row and row.enterprise_id in ids else None,
            )
        c3, c4, c5 = st.columns(3)
        if row is None:
            with c3:
                v["slots"] = st.number_input(
                    "Pladser", 1, 500, value=None, step=1, key=form_key(form, "slots")
                )
                field_error(form, "slots")
        with c4:
            v["start_date"] = date_field(
                form, "start_date", "Startdato", row.start_date if row else None
            )
        with c5:
            v["end_date"] = date_field(
                form, "end_date", "Slutdato (tom: løber stadig)", row.end_date if row else None
            )
        c6, c7 = st.columns(2)
        with c6:
            v["evaluation_interval_months"] = st.number_input(
                "Evalueringsinterval (måneder)",
                1,
                12,
                value=row.evaluation_interval_months if row else 2,
                key=form_key(form, "interval"),
            )
            field_error(form, "evaluation_interval_months")
        with c7:
            cadences = list(ReviewCadence.labels())
            v["review_cadence"] = st.radio(
                "Revision",
                cadences,
                index=cadences.index(row.review_cadence) if row else 0,
                format_func=ReviewCadence.labels().get,
                horizontal=True,
                key=form_key(form, "cadence"),
            )
        v["target_group_ids"] = st.multiselect(
            "Målgrupper",
            list(groups),
            default=list(row.target_group_ids) if row else [],
            format_func=groups.get,
            key=form_key(form, "groups"),
        )
        field_error(form, "target_group_ids")
        c8, c9 = st.columns(2)
        v["jobcentre_contact"] = c8.text_input(
            "Kontaktperson i jobcentret",
            value=row.jobcentre_contact if row else "",
            key=form_key(form, "jc_contact"),
        )
        v["enterprise_contact"] = c9.text_input(
            "Kontaktperson i virksomheden",
            value=row.enterprise_contact if row else "",
            key=form_key(form, "ent_contact"),
        )
        return v

    return fields


def new_agreement_form(scope: Scope, engine: Engine, companies: dict[int, str]) -> None:
    form = "agreement_new"
    values = submit_form(form, "Opret aftale", _agreement_fields(engine, form, companies, None))
    if values is not None:
        run_save(
            form,
            lambda: create_agreement(engine, scope, AgreementInput(**values)),
            f"Aftalen {values['name'].strip()} er oprettet.",
        )


def change_agreement(
    scope: Scope, engine: Engine, rows: list[AgreementRow], companies: dict[int, str]
) -> None:
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        "Aftale", list(by_id), format_func=lambda i: by_id[i].name, key="agreement_pick"
    )
    row = by_id[chosen]
    details, slots, remove = st.tabs(["Oplysninger", "Pladser", "Slet"])
    with details:
        form = f"agreement_{row.id}"
        version = opened_version(form, row.version)
        values = submit_form(form, "Gem aftale", _agreement_fields(engine, form, companies, row))
        if values is not None:
            data = AgreementInput(slots=row.slots, **values)
            run_save(
                form,
                lambda: update_agreement(engine, scope, row.id, data, version),
                f"Aftalen {data.name.strip()} er gemt.",
            )
    with slots:
        _slots_form(scope, engine, row)
    with remove:
        _delete_form(scope, engine, row)


def _slots_form(scope: Scope, engine: Engine, row: AgreementRow) -> None:
    periods = row.slot_periods or ((row.start_date, row.slots),)
    table(
        pd.DataFrame(
            {
                "Gælder fra": [fmt_date(d) for d, _ in periods],
                "Pladser": [n for _, n in periods],
            }
        ),
    )
    form = f"agreement_slots_{row.id}"
    version = opened_version(form, row.version)

    def fields() -> tuple[int | None, dt.date | None]:
        slots = st.number_input(
            "Nyt antal pladser", 1, 500, value=row.slots, key=form_key(form, "slots")
        )
        field_error(form, "slots")
        valid_from = date_field(form, "valid_from", "Gælder fra", dt.date.today())
        return slots, valid_from

    chosen = submit_form(form, "Gem pladser", fields, caption=texts.SLOTS_CAPTION)
    if chosen is not None:
        run_save(
            form,
            lambda: change_slots(engine, scope, row.id, *chosen, version),
            f"Pladserne på {row.name} er ændret.",
        )


def _delete_form(scope: Scope, engine: Engine, row: AgreementRow) -> None:
    form = f"agreement_delete_{row.id}"
    form_notices(form)
    if row.courses:
        st.info(texts.cannot_delete(row.courses), icon=":material/info:")
        return
    st.caption(texts.DELETE_CAPTION)
    if st.button("Slet aftalen", key=f"{form}_go", icon=":material/delete:"):
        run_save(
            form,
            lambda: delete_agreement(engine, scope, row.id, row.version),
            f"Aftalen {row.name} er slettet.",
        )
