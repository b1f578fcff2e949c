"""Kvalitet (seed 2): 1. work agreements, 2. hours toward ordinary employment, 3. mentor
follow-up, and a small form to record a course's work agreement and mentor contacts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import quality_entry
from lib.format import fmt_date, fmt_number, fmt_pct
from lib.quality import (
    FREQUENCY_LABELS,
    MENTOR_TYPE_LABELS,
    STV_LABEL,
    STV_MIDPOINT_WRITTEN,
    WORK_AGREEMENT_ELEMENTS,
    agreements_in_scope,
    element_shares,
    hours_summary,
    mentor_compliance,
    participant_hours,
    participant_hours_table,
    started_enrolments,
    work_agreement_rows,
    work_agreement_summary,
    written_share,
)
from lib.quality_charts import (
    element_chart,
    element_time_chart,
    monthly_share_chart,
    participant_hours_chart,
)
from views.common import (
    cached_query,
    empty_state,
    query_param_ints,
    set_query_params,
)
from views.entry_ui import (
    date_input,
    entry_page,
    field_error,
    form_key,
    form_notices,
    opened_version,
    run_save,
)
from views.filters import agreement_names
from views.quality_ui import mentor_compliance_section

scope, engine = entry_page(
    "Kvalitet",
    lambda scope: (
        "Kvaliteten i forløbene (STV-evalueringen): arbejdsaftaler, timer mod "
        "ordinær beskæftigelse og mentoropfølgning."
        + (" Kun dine egne deltagere." if scope.role == "sagsbehandler" else "")
    ),
    roles=("admin", "leder", "sagsbehandler"),
)

agreements = cached_query(agreements_in_scope, scope)
if not agreements:
    empty_state(
        "Der er endnu ingen forløb at vise kvaliteten af.",
        "Når en deltager er i gang på en samarbejdsaftale, vises arbejdsaftaler, timer og "
        "mentoropfølgning her.",
    )
    st.stop()

wanted = [i for i in query_param_ints("aftale") if i in agreements]
if "kvalitet_aftaler" not in st.session_state:
    st.session_state["kvalitet_aftaler"] = wanted
chosen = st.multiselect(
    "Samarbejdsaftaler",
    list(agreements),
    key="kvalitet_aftaler",
    format_func=agreements.get,
    placeholder="Alle samarbejdsaftaler",
    help="Tom = alle aftaler, du har adgang til. Valget gemmes i adressen.",
)
set_query_params(aftale=sorted(chosen) or None)
ids = tuple(sorted(chosen))
# All agreements in scope, in the dashboards' order: each keeps its colour when filtered.
colour_order = agreement_names(scope)

tab1, tab2, tab3, tab4 = st.tabs(
    ["1. Arbejdsaftaler", "2. Timer mod ordinær beskæftigelse", "3. Mentoropfølgning", "Registrér"]
)

# =========================================================================== 1. work agreements
with tab1:
    st.subheader("Arbejdsaftaler")
    summary = cached_query(work_agreement_summary, scope, ids)
    total = summary.total
    if total.enrolments == 0:
        empty_state(
            "Ingen forløb er startet endnu.",
            "Arbejdsaftalen laves, når forløbet starter; derefter vises den her.",
        )
    else:
        cols = st.columns(len(summary.by_agreement) + 1)
        for col, (name, counts) in zip(
            cols,
            [*((n, c) for _, n, c in summary.by_agreement), ("Alle viste forløb", total)],
            strict=True,
        ):
            col.metric(
                name,
                fmt_pct(written_share(counts)),
                help="Andel af startede forløb (aktive og afsluttede) med en skriftlig "
                f"arbejdsaftale. n = {counts.enrolments} forløb, heraf {counts.written} med "
                f"aftale. {STV_LABEL}: {fmt_pct(STV_MIDPOINT_WRITTEN, 0)}.",
                border=True,
            )
            col.caption(f"med skriftlig arbejdsaftale · {counts.written} af {counts.enrolments}")
        st.caption(f"Til sammenligning: {STV_LABEL} fandt {fmt_pct(STV_MIDPOINT_WRITTEN, 0)}.")

        if total.written == 0:
            empty_state("Ingen af forløbene har en skriftlig arbejdsaftale endnu.")
        else:
            st.markdown(
                "**Hvilke elementer indeholder aftalerne?**",
                help="Andel af de skriftlige arbejdsaftaler, der indeholder elementet. "
                "n = antal skriftlige aftaler i aftalen (står ved hver søjle). Gråt felt: "
                f"{STV_LABEL} – 83–91 % for de første fem elementer, 63 % for delmål og "
                "progression; for ordinære løntimer giver evalueringen intet tal.",
            )
            st.altair_chart(
                element_chart(summary.by_agreement, colour_order),
                theme=None,
                width="stretch",
            )
            st.caption(f"Gråt felt: {STV_LABEL} til sammenligning – ikke jobcentrets egne tal.")
            st.markdown(
                "**Over tid – efter kvartalet, forløbet startede**",
                help="Samme andele, opdelt efter det kvartal, forløbet startede. n i "
                "kolonneoverskriften = antal skriftlige aftaler; 'Skriftlig arbejdsaftale' er "
                "andelen af alle startede forløb i kvartalet.",
            )
            if len(summary.by_quarter) < 2:
                st.caption("Der er kun forløb fra ét kvartal endnu – udviklingen vises senere.")
            st.altair_chart(element_time_chart(summary.by_quarter), theme=None, width="stretch")
            shares = element_shares(total)
            st.caption(
                "Alle viste aftaler: "
                + " · ".join(
                    f"{e.label} {fmt_pct(e.share, 0)} ({e.count} af {e.n})" for e in shares
                )
            )
        rows = cached_query(work_agreement_rows, scope, ids)
        table = pd.DataFrame(
            [
                {
                    "Deltager": f"{r.case_code} ({r.initials})",
                    "Samarbejdsaftale": r.agreement,
                    "Underskrevet": fmt_date(r.signed_on, "Ingen aftale"),
                    **{label: r.elements[key] for key, label in WORK_AGREEMENT_ELEMENTS},
                    "Elementer": f"{r.element_count} af 7" if r.signed_on else "–",
                }
                for r in rows
            ]
        )
        with st.expander(f"Arbejdsaftalen pr. forløb ({len(rows)})"):
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                column_config={
                    label: st.column_config.CheckboxColumn(label, width="small")
                    for _, label in WORK_AGREEMENT_ELEMENTS
                },
            )

# =========================================================================== 2. hours
with tab2:
    st.subheader("Timer mod ordinær beskæftigelse")
    hours = cached_query(hours_summary, scope, ids)
    if hours.total.weeks == 0:
        empty_state(
            "Der er ikke registreret timer endnu.",
            "Når planlagte og fremmødte timer registreres pr. uge (siden Timer), vises "
            "fremmøde, sygefravær og ordinære løntimer her.",
        )
    else:
        groups = [*hours.by_agreement]
        if len(groups) > 1:
            groups.append((None, "Alle viste forløb", hours.total))
        for agreement_id, name, t in groups:
            trend = hours.ordinary_trend(agreement_id)
            st.markdown(f"**{name}**")
            c1, c2, c3, c4 = st.columns(4)
            c1.metric(
                "Fremmøde",
                fmt_pct(t.attendance_rate),
                help="Fremmødte timer ÷ planlagte timer. "
                f"n = {fmt_number(t.planned)} planlagte timer i {t.weeks} uger, "
                f"{t.participants} deltagere.",
            )
            c2.metric(
                "Sygefravær",
                fmt_pct(t.illness_share),
                help="Timer med sygefravær ÷ planlagte timer. "
                f"n = {fmt_number(t.planned)} planlagte timer.",
            )
            c3.metric(
                "Med ordinære løntimer",
                fmt_pct(t.with_ordinary_share),
                help="Deltagere med mindst én ordinær løntime i perioden ÷ deltagere med "
                f"registrerede timer. n = {t.participants} deltagere. Ordinære løntimer i alt: "
                f"{fmt_number(t.ordinary, 1)} ({fmt_pct(t.ordinary_share_of_hours)} af de "
                "fremmødte timer).",
            )
            c3.caption(f"{t.with_ordinary} af {t.participants} deltagere")
            c4.metric(
                "Udvikling, ordinære timer",
                trend.direction.capitalize(),
                None
                if not trend.change_pp
                else f"{'-' if trend.change_pp < 0 else '+'}{fmt_number(abs(trend.change_pp), 1)} "
                "%-point",
                help="Andel deltagere med ordinære løntimer de seneste 3 måneder mod de 3 "
                "måneder før (deltagere talt pr. måned, samlet). "
                f"Seneste: {fmt_pct(trend.recent)} (n = {trend.recent_n}); før: "
                f"{fmt_pct(trend.earlier)} (n = {trend.earlier_n}).",
            )
        attendance = {
            name: [
                (m, t.attendance_rate, f"{fmt_number(t.planned)} planlagte timer")
                for m, t in hours.monthly(aid)
            ]
            for aid, name, _ in hours.by_agreement
        }
        ordinary = {
            name: [
                (m, t.with_ordinary_share, f"{t.with_ordinary} af {t.participants} deltagere")
                for m, t in hours.monthly(aid)
            ]
            for aid, name, _ in hours.by_agreement
        }
        left, right = st.columns(2)
        with left:
            st.markdown(
                "**Fremmøde pr. måned**",
                help="Fremmødte ÷ planlagte timer i ugerne, der begynder i måneden.",
            )
            st.altair_chart(
                monthly_share_chart(attendance, "Fremmøde", colour_order),
                theme=None,
                width="stretch",
            )
        with right:
            st.markdown(
                "**Andel med ordinære løntimer pr. måned**",
                help="Deltagere med ordinære løntimer i måneden ÷ deltagere med registrerede "
                "timer i måneden. n i værktøjstippet.",
            )
            st.altair_chart(
                monthly_share_chart(ordinary, "Med ordinære løntimer", colour_order),
                theme=None,
                width="stretch",
            )

        per_participant = cached_query(participant_hours_table, scope, ids)
        table = pd.DataFrame(
            [
                {
                    "Deltager": f"{r.case_code} ({r.initials})",
                    "Samarbejdsaftale": r.agreement,
                    "Uger": r.totals.weeks,
                    "Planlagt": r.totals.planned,
                    "Fremmødt": r.totals.attended,
                    "Fremmøde": fmt_pct(r.totals.attendance_rate),
                    "Sygefravær": fmt_pct(r.totals.illness_share),
                    "Ordinære løntimer": r.totals.ordinary,
                    "Fra": fmt_date(r.first_week),
                    "Til": fmt_date(r.last_week),
                }
                for r in per_participant
            ]
        )
        with st.expander(f"Timer pr. deltager ({len(per_participant)})"):
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                column_config={
                    c: st.column_config.NumberColumn(c, format="%.1f")
                    for c in ("Planlagt", "Fremmødt", "Ordinære løntimer")
                },
            )

        st.markdown("**Én deltagers uger**")
        by_id = {r.enrolment_id: r for r in per_participant}
        picked = st.selectbox(
            "Deltager",
            list(by_id),
            format_func=lambda i: (
                f"{by_id[i].case_code} ({by_id[i].initials}) – {by_id[i].agreement}"
            ),
            key="kvalitet_timer_deltager",
            help="Kun deltagere, du har adgang til, og som har registrerede timer.",
        )
        if picked is not None:
            ph = cached_query(participant_hours, scope, picked)
            st.altair_chart(participant_hours_chart(ph.weeks), theme=None, width="stretch")
            su = ph.step_up
            if len(ph.weeks) == 1:
                st.caption("Kun én uge registreret endnu.")
            elif su.change is None:
                st.caption(
                    f"{len(ph.weeks)} uger registreret – for få til at sammenligne de første "
                    "og de seneste 4 uger."
                )
            else:
                st.caption(
                    f"Optrapning: {fmt_number(su.first_planned, 1)} planlagte timer om ugen de "
                    f"første 4 uger → {fmt_number(su.latest_planned, 1)} de seneste 4 uger "
                    f"({'+' if su.change >= 0 else '−'}{fmt_number(abs(su.change), 1)} timer)."
                )
            recent = ph.recent(8)
            if ph.attendance_sub_goals:
                st.info(
                    "**Dokumentation for delmålene** "
                    + " og ".join(f"'{g}'" for g in ph.attendance_sub_goals)
                    + f": fremmøde {fmt_pct(recent.attendance_rate)} og sygefravær "
                    f"{fmt_pct(recent.illness_share)} de seneste {recent.weeks} uger "
                    f"({fmt_number(recent.attended, 1)} af {fmt_number(recent.planned, 1)} "
                    "planlagte timer). Vises ved scorerne på evalueringen.",
                    icon=":material/fact_check:",
                )
            else:
                st.caption(
                    f"Seneste {recent.weeks} uger: fremmøde {fmt_pct(recent.attendance_rate)}, "
                    f"sygefravær {fmt_pct(recent.illness_share)}."
                )

# =========================================================================== 3. mentors
with tab3:
    mentor_compliance_section(scope, {"agreement_ids": ids})

# =========================================================================== entry
with tab4:
    st.subheader("Registrér arbejdsaftale og mentorkontakt")
    choices = cached_query(started_enrolments, scope, ids)
    if not choices:
        empty_state("Ingen startede forløb at registrere på.")
        st.stop()
    by_choice = {c.id: c for c in choices}
    enrolment_id = st.selectbox(
        "Forløb",
        list(by_choice),
        format_func=lambda i: by_choice[i].label,
        key="kvalitet_forlob",
        help="Kun forløb, du har adgang til.",
    )
    wa_rows = {r.enrolment_id: r for r in cached_query(work_agreement_rows, scope, ids)}
    current = wa_rows.get(enrolment_id)

    form = f"arbejdsaftale_{enrolment_id}"
    st.markdown("**Arbejdsaftale**")
    form_notices(form)
    if current is not None and current.signed_on is not None:
        version = opened_version(form, current.version)
        st.caption(f"Aftalen er registreret (underskrevet {fmt_date(current.signed_on)}).")
    else:
        version = None
        st.caption("Forløbet har ingen registreret arbejdsaftale endnu.")
    with st.form(form_key(form, "form")):
        signed_on = date_input(
            "Underskrevet",
            form_key(form, "signed_on"),
            current.signed_on if current and current.signed_on else dt.date.today(),
        )
        field_error(form, "signed_on")
        st.caption("Aftalen indeholder:")
        values = {}
        cols = st.columns(2)
        for i, (key, label) in enumerate(WORK_AGREEMENT_ELEMENTS):
            values[key] = cols[i % 2].checkbox(
                label,
                value=bool(current and current.elements.get(key)),
                key=form_key(form, key),
            )
        notes = st.text_area(
            "Bemærkning", value=current.notes if current else "", key=form_key(form, "notes")
        )
        field_error(form, "notes")
        submitted = st.form_submit_button("Gem arbejdsaftale", type="primary")
    if submitted:
        run_save(
            form,
            lambda: quality_entry.save_work_agreement(
                engine, scope, enrolment_id, signed_on, values, notes, version
            ),
            "Arbejdsaftalen er gemt.",
        )

    st.divider()
    st.markdown("**Mentor og kontakter**")
    mentors = [
        r
        for r in cached_query(mentor_compliance, scope, ids).rows
        if r.enrolment_id == enrolment_id
    ]
    if mentors:
        contact_form = f"mentorkontakt_{enrolment_id}"
        form_notices(contact_form)
        by_mentor = {m.assignment_id: m for m in mentors}
        with st.form(form_key(contact_form, "form")):
            assignment = st.selectbox(
                "Mentor",
                list(by_mentor),
                format_func=lambda i: (
                    f"{MENTOR_TYPE_LABELS[by_mentor[i].mentor_type]}"
                    f"{' – ' + by_mentor[i].mentor_name if by_mentor[i].mentor_name else ''} "
                    f"({FREQUENCY_LABELS.get(by_mentor[i].frequency_days, '').lower()}, "
                    f"seneste kontakt {fmt_date(by_mentor[i].last_contact, 'ingen')})"
                ),
                key=form_key(contact_form, "assignment"),
            )
            contact_on = date_input(
                "Kontaktdato", form_key(contact_form, "contact_on"), dt.date.today()
            )
            field_error(contact_form, "contact_on")
            note = st.text_input("Note", key=form_key(contact_form, "note"), max_chars=2000)
            field_error(contact_form, "note")
            add_contact = st.form_submit_button("Registrér kontakt", type="primary")
        if add_contact:
            run_save(
                contact_form,
                lambda: quality_entry.log_mentor_contact(
                    engine, scope, assignment, contact_on, note
                ),
                f"Mentorkontakten {fmt_date(contact_on)} er registreret.",
            )
    else:
        st.caption("Forløbet har ingen mentor endnu.")

    mentor_form = f"mentor_{enrolment_id}"
    with st.expander("Tilknyt en mentor", expanded=not mentors):
        form_notices(mentor_form)
        with st.form(form_key(mentor_form, "form")):
            mentor_type = st.selectbox(
                "Mentortype",
                list(MENTOR_TYPE_LABELS),
                format_func=MENTOR_TYPE_LABELS.get,
                key=form_key(mentor_form, "type"),
            )
            mentor_name = st.text_input(
                "Mentorens navn", key=form_key(mentor_form, "name"), max_chars=200
            )
            frequency = st.radio(
                "Aftalt opfølgning",
                list(FREQUENCY_LABELS),
                index=1,
                format_func=FREQUENCY_LABELS.get,
                horizontal=True,
                key=form_key(mentor_form, "frequency"),
                help="Ofte hver uge i starten, derefter hver 14. dag eller hver 3. uge.",
            )
            field_error(mentor_form, "frequency_days", "mentor_type", "mentor_name")
            start = date_input("Start", form_key(mentor_form, "start"), dt.date.today())
            field_error(mentor_form, "start_date")
            add = st.form_submit_button("Tilknyt mentor")
        if add:
            run_save(
                mentor_form,
                lambda: quality_entry.add_mentor(
                    engine, scope, enrolment_id, mentor_type, mentor_name, frequency, start
                ),
                f"{MENTOR_TYPE_LABELS[mentor_type]} er tilknyttet forløbet.",
            )
