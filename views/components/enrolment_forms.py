"""Forløb's sections: the list of open courses, the enrolment form (the job centre's) and
the forms that change one course: start a referral, extend (the job centre's) and end
with an outcome and the enterprise's final summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.enrolments import (
    EnrolmentInput,
    end_enrolment,
    enrol,
    extend_enrolment,
    start_enrolment,
)
from lib.commands.kit import TEXT_LIMITS
from lib.domain.access import Scope
from lib.domain.enums import JOB_CENTRE_ROLES, EnrolmentStatus
from lib.domain.format import fmt_date
from lib.domain.text import inert, plain
from lib.queries.catalogue import catalogue
from lib.queries.courses import (
    EnrolmentRow,
    agreements_for_enrolment,
    caseworkers,
    count_enrolments,
    my_enrolments,
    participants_for,
)
from views.components.forms import (
    choice_field,
    date_field,
    field_error,
    form_key,
    opened_version,
    run_save,
    submit_form,
    text_area_field,
)
from views.components.layout import empty_state, table
from views.components.runtime import cached_query, get_engine
from views.texts import entry as texts

# The courses one can still change: in referral (visitation) or active.
OPEN_STATUSES = (EnrolmentStatus.REFERRAL, EnrolmentStatus.ACTIVE)


# The first courses on the screen; the files have them all (45,000 at national size).
OPEN_COURSES_SHOWN = 500


def open_courses(scope: Scope) -> None:
    """The user's courses in referral or active, or a friendly empty state."""
    rows = cached_query(my_enrolments, scope, OPEN_STATUSES, "", OPEN_COURSES_SHOWN)
    if not rows:
        empty_state(texts.NO_OPEN_COURSES)
        return
    count = cached_query(count_enrolments, scope, OPEN_STATUSES)
    engine = get_engine()  # the files are made on another thread, without the session
    table(
        _courses_frame(rows),
        count=count,
        every=(lambda: _courses_frame(my_enrolments(engine, scope, OPEN_STATUSES)))
        if count > len(rows)
        else None,
    )


def _courses_frame(rows: list[EnrolmentRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Sagskode": [r.case_code for r in rows],
            "Initialer": [r.initials for r in rows],
            "Aftale": [r.agreement for r in rows],
            "Status": [EnrolmentStatus(r.status).label for r in rows],
            "Start": [fmt_date(r.start_date) for r in rows],
            "Længde": [f"{r.planned_weeks} uger" for r in rows],
            "Planlagt slut": [fmt_date(r.planned_end) for r in rows],
            "Sagsbehandler": [r.caseworker for r in rows],
        }
    )


# --------------------------------------------------------------------------- enrol


def enrol_form(scope: Scope, engine: Engine) -> None:
    """Indskriv: a new participant (pseudonymous case code) or a known one, on an agreement."""
    form = "enrol"
    kind = st.radio(
        "Deltager",
        ["new", "existing"],
        format_func={"new": "Ny deltager", "existing": "Eksisterende deltager"}.get,
        horizontal=True,
        key="enrol_kind",
    )
    values = submit_form(form, "Indskriv", lambda: _enrol_fields(scope, form, kind))
    if values is not None:
        data = EnrolmentInput(**values)
        label = inert(data.case_code) or "Deltageren"
        run_save(
            form,
            lambda: enrol(engine, scope, data),
            f"{label} er indskrevet ({EnrolmentStatus(data.status).label.lower()}).",
        )


def _enrol_fields(scope: Scope, form: str, kind: str) -> dict[str, Any]:
    """The enrolment form's fields: EnrolmentInput's values."""
    agreements = {a.agreement_id: a for a in cached_query(agreements_for_enrolment, scope)}
    values: dict[str, Any] = {
        "agreement_id": st.selectbox(
            "Samarbejdsaftale",
            list(agreements),
            format_func=lambda i: plain(
                f"{agreements[i].agreement} – {agreements[i].free} ledige af {agreements[i].slots}"
            ),
            key=form_key(form, "agreement_id"),
        )
    }
    field_error(form, "agreement_id")
    if kind == "existing":
        known = cached_query(participants_for, scope)
        values["participant_id"] = choice_field(
            form, "participant_id", "Deltager", known, "Vælg deltager"
        )
    else:
        values |= _new_participant_fields(scope, form)
    c5, c6, c7 = st.columns(3)
    with c5:
        values["status"] = st.radio(
            "Status",
            list(OPEN_STATUSES),
            format_func=EnrolmentStatus.label_of,
            horizontal=True,
            key=form_key(form, "status"),
        )
        field_error(form, "status")
    with c6:
        values["start_date"] = date_field(form, "start_date", "Startdato", dt.date.today())
    with c7:
        values["planned_weeks"] = st.radio(
            "Længde",
            [13, 52],
            format_func=lambda w: f"{w} uger",
            horizontal=True,
            key=form_key(form, "planned_weeks"),
        )
        field_error(form, "planned_weeks")
    return values


def _new_participant_fields(scope: Scope, form: str) -> dict[str, Any]:
    cat = cached_query(catalogue)
    workers = cached_query(caseworkers, scope)
    values: dict[str, Any] = {}
    c1, c2 = st.columns(2)
    with c1:
        values["case_code"] = st.text_input(
            "Sagskode (pseudonym)", key=form_key(form, "case_code"), help=texts.CASE_CODE_HELP
        )
        field_error(form, "case_code")
    with c2:
        values["initials"] = st.text_input("Initialer", key=form_key(form, "initials"))
        field_error(form, "initials")
    c3, c4 = st.columns(2)
    with c3:
        values["target_group_id"] = choice_field(
            form,
            "target_group_id",
            "Målgruppe",
            cat.choosable("target_group", cat.target_groups),
            "Vælg målgruppe",
        )
    with c4:
        values["caseworker_id"] = choice_field(
            form,
            "caseworker_id",
            "Sagsbehandler",
            workers,
            "Vælg sagsbehandler",
            index=list(workers).index(scope.user_id) if scope.user_id in workers else None,
        )
    return values


# --------------------------------------------------------------------------- change one


def change_course(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    """The actions on one course: start (a referral) or extend (an active course), both
    the job centre's, and end."""
    job_centre = scope.role in JOB_CENTRE_ROLES
    actions: dict[str, str] = {}
    if job_centre and row.status == EnrolmentStatus.REFERRAL:
        actions["start"] = "Start forløb"
    elif job_centre:
        actions["extend"] = "Forlæng"
    actions["end"] = "Afslut"
    action = st.segmented_control(
        "Handling",
        list(actions),
        format_func=actions.get,
        default=next(iter(actions)) if job_centre else "end",
        key=f"forlob_action_{row.id}",
    )
    if action == "start":
        _start_form(scope, engine, row)
    elif action == "extend":
        _extend_form(scope, engine, row)
    elif action == "end":
        _end_form(scope, engine, row)


def _course_form(
    row: EnrolmentRow,
    action: str,
    submit: str,
    fields: Callable[[str], dict[str, Any]],
    save: Callable[[dict[str, Any], int], object],
    success: Callable[[dict[str, Any]], str],
    caption: str | None = None,
) -> None:
    """One action's form on a course. The course's version when the form was opened
    guards the save, so a change made meanwhile by someone else is not overwritten."""
    form = f"{action}_{row.id}"
    version = opened_version(form, row.version)
    values = submit_form(form, submit, lambda: fields(form), caption)
    if values is not None:
        run_save(form, lambda: save(values, version), success(values))


def _start_form(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    _course_form(
        row,
        "start",
        "Start forløbet",
        lambda form: {
            "start_date": date_field(
                form, "start_date", "Startdato", dt.date.today(), "start_date", "status"
            )
        },
        lambda v, version: start_enrolment(engine, scope, row.id, v["start_date"], version),
        lambda v: f"Forløbet for {inert(row.case_code)} er startet.",
    )


def _extend_form(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    _course_form(
        row,
        "extend",
        "Forlæng",
        lambda form: {
            "new_end_date": date_field(
                form,
                "new_end_date",
                "Ny slutdato",
                row.planned_end + dt.timedelta(weeks=13),
                "new_end_date",
                "status",
            ),
            "reason": text_area_field(form, "reason", "Begrundelse", height=80),
        },
        lambda v, version: extend_enrolment(
            engine, scope, row.id, v["new_end_date"], v["reason"], version
        ),
        lambda v: (
            f"Forløbet for {inert(row.case_code)} er forlænget til {fmt_date(v['new_end_date'])}."
        ),
        caption=texts.current_planned_end(row.planned_end),
    )


def _end_form(scope: Scope, engine: Engine, row: EnrolmentRow) -> None:
    cat = cached_query(catalogue)
    _course_form(
        row,
        "end",
        "Afslut forløbet",
        lambda form: {
            "end_date": date_field(
                form, "end_date", "Slutdato", dt.date.today(), "end_date", "status"
            ),
            "outcome_type_id": choice_field(
                form,
                "outcome_type_id",
                "Resultat efter forløbet",
                cat.choosable("outcome_type", cat.outcome_types),
                "Vælg resultat",
            ),
            "final_summary": text_area_field(
                form,
                "final_summary",
                "Opsamlende beskrivelse (virksomheden)",
                help=f"Højst {TEXT_LIMITS['final_summary']} tegn.",
            ),
        },
        lambda v, version: end_enrolment(
            engine,
            scope,
            row.id,
            v["end_date"],
            v["outcome_type_id"],
            v["final_summary"],
            version,
        ),
        lambda v: f"Forløbet for {inert(row.case_code)} er afsluttet.",
    )
