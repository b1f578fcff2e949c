"""Kataloger: one tab per catalogue. Each entry shows how often it is used; an entry in
use is renamed or retired, an unused one may be deleted. The score scale's labels and the
small-count threshold have a form each."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.catalogues import (
    THRESHOLD_RANGE,
    EntryInput,
    add_entry,
    delete_unused_entry,
    set_score_label,
    set_threshold,
    update_entry,
)
from lib.domain.access import Scope
from lib.domain.enums import OutcomeCategory
from lib.queries.admin import CatalogueEntry, catalogue_entries
from lib.queries.catalogue import catalogue
from lib.queries.settings import suppression_threshold
from views.components.forms import (
    field_error,
    form_key,
    form_notices,
    run_save,
    submit_form,
)
from views.components.layout import empty_state, table
from views.texts import admin as texts

KINDS = {
    "target_group": "Målgrupper",
    "sub_goal": "Delmål",
    "sub_element": "Delelementer",
    "outcome_type": "Resultattyper",
}


def catalogue_tab(scope: Scope, engine: Engine, kind: str) -> None:
    entries = catalogue_entries(engine, kind)
    parameter_id = None
    if kind == "sub_element":
        parameters = catalogue(engine).parameters
        parameter_id = st.selectbox(
            "Parameter", list(parameters), format_func=parameters.get, key="cat_parameter"
        )
        entries = [e for e in entries if e.parameter_id == parameter_id]
    _entry_table(kind, entries)
    with st.expander("Ny værdi", icon=":material/add:"):
        _entry_form(scope, engine, kind, None, parameter_id)
    if entries:
        with st.expander("Omdøb, tag ud af brug eller slet", icon=":material/edit:"):
            by_id = {e.id: e for e in entries}
            chosen = st.selectbox(
                "Værdi", list(by_id), format_func=lambda i: by_id[i].label, key=f"cat_pick_{kind}"
            )
            _entry_form(scope, engine, kind, by_id[chosen], parameter_id)


def _entry_table(kind: str, entries: list[CatalogueEntry]) -> None:
    if not entries:
        empty_state("Kataloget er tomt.")
        return
    frame: dict[str, list[Any]] = {
        "Betegnelse": [e.label for e in entries],
        "I brug": [e.uses for e in entries],
        "Udgået": ["ja" if e.retired else "" for e in entries],
    }
    if kind == "outcome_type":
        frame["Kategori"] = [OutcomeCategory.label_of(e.category) for e in entries]
    table(
        pd.DataFrame(frame),
        column_config={"Udgået": st.column_config.TextColumn(help=texts.RETIRED_HELP)},
    )


def _entry_form(
    scope: Scope, engine: Engine, kind: str, entry: CatalogueEntry | None, parameter_id
) -> None:
    form = f"cat_{kind}_{entry.id if entry else 'new'}"

    def fields() -> EntryInput:
        label = st.text_input(
            "Betegnelse", value=entry.label if entry else "", key=form_key(form, "label")
        )
        field_error(form, "label", "parameter_id")
        category = None
        if kind == "outcome_type":
            options = list(OutcomeCategory.labels())
            category = st.selectbox(
                "Kategori",
                options,
                index=options.index(entry.category) if entry and entry.category else None,
                format_func=OutcomeCategory.labels().get,
                placeholder="Vælg kategori",
                key=form_key(form, "category"),
            )
            field_error(form, "category")
        retired = (
            st.checkbox(
                "Udgået (vises ikke i nye registreringer)",
                value=entry.retired,
                key=form_key(form, "retired"),
            )
            if entry
            else False
        )
        return EntryInput(label, retired, category, parameter_id)

    data = submit_form(form, "Gem" if entry else "Tilføj", fields)
    if data is not None:
        if entry is None:
            run_save(form, lambda: add_entry(engine, scope, kind, data), "Værdien er tilføjet.")
        else:
            run_save(
                form,
                lambda: update_entry(
                    engine, scope, kind, entry.id, data, entry.label, entry.retired
                ),
                "Værdien er gemt.",
            )
    if entry is not None and entry.uses == 0:
        delete = f"{form}_delete"
        form_notices(delete)
        if st.button("Slet (ikke i brug)", key=f"{delete}_go", icon=":material/delete:"):
            run_save(
                delete,
                lambda: delete_unused_entry(engine, scope, kind, entry.id, entry.uses),
                "Værdien er slettet.",
            )


def scale_tab(scope: Scope, engine: Engine) -> None:
    levels = catalogue(engine).score_levels
    table(
        pd.DataFrame({"Trin": list(levels), "Betegnelse": list(levels.values())}),
    )
    value = st.selectbox(
        "Trin", list(levels), format_func=lambda v: f"{v} – {levels[v]}", key="scale_pick"
    )
    form = f"scale_{value}"

    def fields() -> tuple[str, str]:
        label = st.text_input("Betegnelse", value=levels[value], key=form_key(form, "label"))
        field_error(form, "label")
        description = st.text_area("Beskrivelse", key=form_key(form, "description"))
        field_error(form, "description")
        return label, description

    chosen = submit_form(form, "Gem trin", fields)
    if chosen is not None:
        run_save(
            form,
            lambda: set_score_label(engine, scope, value, *chosen, levels[value]),
            f"Trin {value} er gemt.",
        )


def threshold_tab(scope: Scope, engine: Engine) -> None:
    current = suppression_threshold(engine)
    form = "threshold"

    def fields() -> int:
        lo, hi = THRESHOLD_RANGE
        chosen = st.number_input(
            "Mindste antal i udvalgsmateriale",
            lo,
            hi,
            value=current,
            key=form_key(form, "threshold"),
            help=texts.THRESHOLD_HELP,
        )
        field_error(form, "threshold")
        return int(chosen)

    chosen = submit_form(form, "Gem grænse", fields, caption=texts.THRESHOLD_HELP)
    if chosen is not None:
        run_save(
            form,
            lambda: set_threshold(engine, scope, chosen, current),
            f"Grænsen er nu {chosen}.",
        )
