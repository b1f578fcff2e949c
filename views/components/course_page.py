"""Forløbsside's sections: which course (from ?forlob=<id>, ?kode=<case code> or a
search), its key facts, the timeline, plans and evaluations, hours, mentors and the end
with its outcome (correctable by the job centre, audited)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.commands.outcomes import correct_outcome
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import JOB_CENTRE_ROLES, EnrolmentStatus, GoalProgress
from lib.domain.format import fmt_date, fmt_number, fmt_pct, fmt_yes_no
from lib.domain.text import inert
from lib.queries.catalogue import catalogue
from lib.queries.course_timeline import CourseTimeline, course_timeline, find_courses
from views.components import forms
from views.components.layout import empty_state, kpi, table
from views.components.runtime import cached_query
from views.components.url import query_param_int
from views.texts import course as texts

COURSE_PAGE = "views/forlobsside.py"


LINK_COLUMN = "Forløbsside"
LINK_HELP = "Åbner deltagerens forløbsside (i en ny fane)."


def course_address(case_code: str) -> str:
    """The Forløbsside of a participant's latest course in scope, as a relative address
    (a sibling of every page's own), for link columns in tables."""
    return f"forlobsside?kode={quote(case_code)}"


def course_page_link(enrolment_id: int) -> None:
    """'Åbn forløbsside' for one course, in this tab."""
    st.page_link(COURSE_PAGE, label="Åbn forløbsside", icon=":material/timeline:",
                 query_params={"forlob": str(enrolment_id)})  # fmt: skip


def chosen_course(scope: Scope) -> int | None:
    """The course to show: ?forlob=<id>, else ?kode=<case code> (the participant's latest
    course in scope), else one picked from the search on the page."""
    wanted = query_param_int("forlob")
    if wanted is not None:
        return wanted
    code = (st.query_params.get("kode") or "").strip()
    if code:
        found = [
            f
            for f in cached_query(find_courses, scope, code)
            if f.case_code.lower() == code.lower()
        ]
        if found:
            return max(found, key=lambda f: f.start_date).enrolment_id
    return None


def search_on_page(scope: Scope) -> None:
    """A search by case code or initials; each hit links to its Forløbsside."""
    text = st.text_input(
        "Søg forløb", key="course_page_search", help=texts.SEARCH_HELP, max_chars=40,
        placeholder="Sagskode eller initialer",
    )  # fmt: skip
    if text.strip():
        search_results(scope, text)
    else:
        empty_state(texts.PICK_A_COURSE)


def search_results(scope: Scope, text: str) -> None:
    hits = cached_query(find_courses, scope, text)
    if not hits:
        st.caption(texts.SEARCH_NOTHING)
    for hit in hits:
        st.page_link(COURSE_PAGE, label=inert(hit.label),
                     query_params={"forlob": str(hit.enrolment_id)},
                     icon=":material/person:")  # fmt: skip


def load(scope: Scope, enrolment_id: int) -> CourseTimeline | None:
    try:
        return cached_query(course_timeline, scope, enrolment_id)
    except AccessDenied:
        st.error(texts.NO_ACCESS, icon=":material/block:")
        return None


def key_facts(tl: CourseTimeline) -> None:
    c = tl.course
    st.subheader(f"{inert(c.case_code)} ({inert(c.initials)})")
    st.caption(
        f"{inert(c.agreement)} · {inert(c.enterprise)} · "
        f"sagsbehandler {inert(c.caseworker)} · forløbstype: {tl.placement_label}"
    )
    end_label = "Slut" if c.end_date else "Planlagt slut"
    facts = {
        "Status": EnrolmentStatus.label_of(c.status),
        "Visiteret": fmt_date(tl.referred_on),
        "Start": f"{fmt_date(c.start_date)} ({c.planned_weeks} uger)",
        end_label: fmt_date(c.end_date or c.planned_end),
    }
    for column, (label, value) in zip(st.columns(4), facts.items(), strict=True):
        with column.container(border=True):
            st.caption(label)
            st.markdown(f"**{inert(value)}**")


def timeline(tl: CourseTimeline) -> None:
    st.subheader("Tidslinje")
    if not tl.events:
        empty_state(texts.NO_EVENTS)
        return
    _table(
        pd.DataFrame(
            {
                "Dato": [fmt_date(e.day) for e in tl.events],
                "Hændelse": [e.what for e in tl.events],
                "Detaljer": [e.detail for e in tl.events],
            }
        )
    )


def plans_and_evaluations(tl: CourseTimeline) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(f"Planer ({len(tl.plans)})")
        if not tl.plans:
            st.caption("Ingen plan endnu.")
        for p in tl.plans:
            title = "Baseline" if p.version_no == 1 else f"Version {p.version_no}"
            with st.expander(f"{title} · {fmt_date(p.created_on)}"):
                made = fmt_yes_no(p.made_with_participant)
                st.markdown(f"Lavet sammen med deltageren: {made}")
                if p.long_term_goal:
                    st.markdown(f"Langsigtet mål: {inert(p.long_term_goal)}")
                for g in p.sub_goals:
                    st.markdown(f"{g.priority}. {inert(g.label)}")
    with right:
        st.subheader(f"Evalueringer ({len(tl.evaluations)})")
        if not tl.evaluations:
            st.caption("Ingen evaluering endnu.")
        else:
            _table(
                pd.DataFrame(
                    {
                        "Dato": [fmt_date(e.evaluated_on) for e in tl.evaluations],
                        "Mod målet": [GoalProgress.label_of(e.goal_progress) for e in tl.evaluations],
                        "Møde holdt": [fmt_yes_no(e.meeting_held) for e in tl.evaluations],
                        "Sagsbehandler deltog": [
                            fmt_yes_no(e.caseworker_present) for e in tl.evaluations
                        ],
                    }
                )
            )  # fmt: skip


def hours_summary(tl: CourseTimeline) -> None:
    st.subheader("Timer")
    h = tl.hours
    if not h.weeks:
        st.caption(texts.NO_HOURS)
        return
    cols = st.columns(4)
    kpi(cols[0], "Uger registreret", fmt_number(h.weeks), None, "Uger med registrerede timer.")
    kpi(
        cols[1],
        "Fremmøde",
        fmt_pct(h.attendance_rate),
        f"{fmt_number(h.attended, 1)} af {fmt_number(h.planned, 1)} timer",
        "Fremmødte timer ÷ planlagte timer.",
    )
    kpi(
        cols[2],
        "Sygefravær",
        fmt_pct(h.illness_share),
        f"{fmt_number(h.illness, 1)} timer",
        "Sygefraværstimer ÷ planlagte timer.",
    )
    kpi(cols[3], "Ordinære løntimer", fmt_number(h.ordinary, 1), None, "Timer med ordinær løn i alt.")  # fmt: skip


def mentors(tl: CourseTimeline) -> None:
    st.subheader("Mentorer og kontakter")
    if not tl.mentors:
        st.caption(texts.NO_MENTORS)
        return
    for m in tl.mentors:
        ended = f", stoppet {fmt_date(m.end_date)}" if m.end_date else ""
        st.markdown(f"**{inert(m.label)}** – fra {fmt_date(m.start_date)}{ended}")
        st.caption(
            f"Hyppighed: {m.frequency_text}. Til tiden: {m.on_time} af {m.due} intervaller. "
            f"Næste kontakt: {fmt_date(m.next_due)}. {texts.MENTOR_DEFINITION}"
        )
        if m.contacts:
            _table(
                pd.DataFrame(
                    {
                        "Dato": [fmt_date(d) for d, _, _ in m.contacts],
                        "Note": [note for _, note, _ in m.contacts],
                        "Registreret af": [who or "–" for _, _, who in m.contacts],
                    }
                )
            )
        else:
            st.caption(texts.NO_CONTACTS)


def ending(scope: Scope, engine: Engine, tl: CourseTimeline) -> None:
    st.subheader("Afslutning")
    c = tl.course
    if c.end_date is None:
        st.caption(f"Forløbet er ikke afsluttet. Planlagt slut: {fmt_date(c.planned_end)}.")
        return
    st.markdown(f"Afsluttet {fmt_date(c.end_date)} · resultat: **{tl.outcome or '–'}**")
    st.markdown("**Virksomhedens opsamlende beskrivelse**")
    if tl.final_summary:
        st.markdown(inert(tl.final_summary))
    else:
        st.caption(texts.NO_SUMMARY)
    if scope.role in JOB_CENTRE_ROLES:
        with st.expander("Ret resultatet", icon=":material/edit:"):
            _correct_outcome_form(scope, engine, tl)


def _correct_outcome_form(scope: Scope, engine: Engine, tl: CourseTimeline) -> None:
    c = tl.course
    form = f"ret_resultat_{c.id}"
    version = forms.opened_version(form, c.version)
    outcomes = cached_query(catalogue).outcome_types

    def fields() -> dict:
        return {
            "outcome_type_id": forms.choice_field(form, "outcome_type_id", "Rigtigt resultat",
                                                  outcomes, "Vælg resultat"),
            "outcome_on": forms.date_field(form, "outcome_on", "Dato for resultatet",
                                           tl.outcome_on or c.end_date or dt.date.today()),
            "reason": forms.text_area_field(form, "reason", "Hvorfor rettes resultatet?"),
        }  # fmt: skip

    values = forms.submit_form(form, "Ret resultatet", fields, texts.CORRECT_OUTCOME_HELP)
    if values is not None:
        forms.run_save(
            form,
            lambda: correct_outcome(engine, scope, c.id, values["outcome_type_id"],
                                    values["outcome_on"], values["reason"], version),
            f"Resultatet for {inert(c.case_code)} er rettet.",
        )  # fmt: skip


def _table(frame: pd.DataFrame, max_rows: int = 25) -> None:
    """The whole list up to `max_rows` rows without an inner scroll, then scrolling."""
    height = 38 + 35 * min(len(frame), max_rows)
    table(frame, height=height)
