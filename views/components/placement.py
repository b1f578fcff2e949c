"""Forløb's placement type: show it, and let the job centre set or change it for the
chosen course (praktik, løntilskud, småjob, fleksjob, ordinær ansættelse med støtte)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from lib.commands.placement import set_placement_type
from lib.domain.access import Scope
from lib.domain.enums import JOB_CENTRE_ROLES, PlacementType
from lib.domain.text import inert
from lib.queries.courses import EnrolmentRow, placement_type_of
from views.components import forms
from views.components.runtime import cached_query

HELP = "Hvordan deltageren er i virksomheden. Bruges som filter på oversigterne."


def placement_form(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    current = cached_query(placement_type_of, scope, row.id)
    if scope.role not in JOB_CENTRE_ROLES:
        st.caption(f"Forløbstype: {PlacementType.label_of(current, 'ikke registreret')}")
        return
    form = f"forlobstype_{row.id}"
    # The course's version as drawn: the other forms on Forløb bump it when they save.
    version = row.version
    options = PlacementType.labels()
    index = list(options).index(current) if current in options else None

    def fields() -> tuple[str | None]:
        return (
            forms.choice_field(form, "placement_type", "Forløbstype", options, "Vælg type", index),
        )

    values = forms.submit_form(form, "Gem forløbstype", fields, HELP)
    if values is not None:
        (chosen,) = values
        forms.run_save(
            form,
            lambda: set_placement_type(engine, scope, row.id, chosen, version),
            f"Forløbstypen for {inert(row.case_code)} er gemt.",
        )
