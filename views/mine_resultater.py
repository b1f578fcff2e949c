"""Mine resultater (seed 2, minimum requirement 2): a caseworker's own participants'
progression, outcomes and compliance against the job centre as a whole; a manager sees the
same per caseworker."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.format import fmt_date, fmt_number, fmt_pct, fmt_signed
from lib.my_results import Figures, MyResults, my_results
from lib.quality import MENTOR_GRACE_DAYS
from lib.quality_charts import compare_bars
from views.common import cached_query, empty_state, page_header, require_scope

scope = require_scope("admin", "leder", "sagsbehandler")
results: MyResults = cached_query(my_results, scope)

DEFINITIONS = {
    "plan": "Basisplanen lavet til tiden: senest 1 uge inde i et 13-ugers forløb, 4 uger inde "
    "i et 52-ugers forløb. n = startede forløb, hvor planen er forfalden (eller lavet).",
    "evaluation": "Aktive forløb, hvor næste evaluering ikke er overskredet (aftalens interval, "
    "typisk 2 måneder, efter sidste evaluering eller planen). n = aktive forløb.",
    "meeting": "Opfølgningsmøder holdt ÷ planlagte møder med dato til og med i dag.",
    "mentor": "Opfølgningsintervaller, der overholdt den aftalte mentorfrekvens (+ "
    f"{MENTOR_GRACE_DAYS} dages slør). n = intervaller.",
    "outcome": "Afsluttede forløb med resultat ordinært job, løntilskud, fleksjob, småjob "
    "eller uddannelse ÷ afsluttede forløb med et registreret resultat.",
    "progression": "Gennemsnitlig ændring i score (1–5) fra basisplanen til seneste evaluering, "
    "pr. parameter. n = forløb med både basis- og evalueringsscore.",
}

MEASURES = (
    ("Plan til tiden", "plan", lambda f: (f.plan_share, f.plans_on_time, f.plans_due)),
    (
        "Evaluering ikke overskredet",
        "evaluation",
        lambda f: (f.evaluation_share, f.evaluations_current, f.evaluations_active),
    ),
    (
        "Opfølgningsmøder holdt",
        "meeting",
        lambda f: (f.meeting_share, f.meetings_held, f.meetings_planned),
    ),
    ("Mentoropfølgning overholdt", "mentor", lambda f: (f.mentor_share, f.mentor_on_time, f.mentor_due)),
    (
        "Job eller uddannelse efter forløb",
        "outcome",
        lambda f: (f.job_or_education_share, f.job_or_education, f.ended_with_outcome),
    ),
)  # fmt: skip


def share_text(value, part, whole) -> str:
    return f"{fmt_pct(value)} ({part} af {whole})" if whole else "–"


def detail(own: Figures, centre: Figures, own_label: str, group_label: str) -> None:
    """One caseworker against the whole centre: metrics, compliance, progression, outcomes."""
    if own.courses == 0 and own.ended_with_outcome == 0:
        empty_state(
            f"{own_label} har ingen startede forløb endnu.",
            "Når en deltager er i gang, vises progression, resultater og opfølgning her "
            "sammen med hele jobcentrets tal.",
        )
        return
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Forløb",
        f"{own.courses}",
        help=f"Startede forløb (aktive og afsluttede). {own.active} er aktive. "
        f"Hele jobcentret: {centre.courses}.",
        border=True,
    )
    c2.metric(
        "Job eller uddannelse",
        share_text(own.job_or_education_share, own.job_or_education, own.ended_with_outcome),
        help=f"{DEFINITIONS['outcome']} Hele jobcentret: "
        f"{share_text(centre.job_or_education_share, centre.job_or_education, centre.ended_with_outcome)}.",
        border=True,
    )
    own_change, centre_change = own.mean_change, centre.mean_change
    c3.metric(
        "Progression",
        "–" if own_change is None else f"{fmt_signed(own_change, 2)} point",
        None
        if own_change is None or centre_change is None
        else f"{'-' if own_change < centre_change else '+'}"
        f"{fmt_number(abs(own_change - centre_change), 2)} mod hele jobcentret",
        help=f"{DEFINITIONS['progression']} Gennemsnit over alle parametre. Hele jobcentret: "
        f"{'–' if centre_change is None else fmt_signed(centre_change, 2)} point. "
        f"n = {sum(p.n for p in own.progression.values())} parameterscorer.",
        border=True,
    )
    if own.courses and own.courses < 5:
        st.caption(f"Bemærk: tallene bygger på {own.courses} forløb – små tal svinger meget.")

    st.subheader("Opfølgning", help=" ".join(DEFINITIONS[k] for _, k, _ in MEASURES))
    rows = []
    for label, _key, get in MEASURES:
        for who, figures in ((group_label, own), ("Hele jobcentret", centre)):
            value, part, whole = get(figures)
            rows.append({"Mål": label, "Gruppe": who, "Værdi": value,
                         "Tekst": share_text(value, part, whole)})  # fmt: skip
    st.altair_chart(compare_bars(rows, "Andel"), theme=None, width="stretch")
    st.caption("I parentes: antal af n. Definitionerne står i hjælpen (?) ved overskriften.")

    st.subheader("Progression pr. parameter", help=DEFINITIONS["progression"])
    prog_rows = []
    for code, label in results.parameters:
        for who, figures in ((group_label, own), ("Hele jobcentret", centre)):
            p = figures.progression.get(code)
            if p is None or not p.n:
                continue
            prog_rows.append({"Mål": label, "Gruppe": who, "Værdi": p.mean_change,
                              "Tekst": f"{fmt_signed(p.mean_change, 2)} (n = {p.n})"})  # fmt: skip
    if prog_rows:
        st.altair_chart(
            compare_bars(prog_rows, "Ændring i score", domain=None, percent=False),
            theme=None,
            width="stretch",
        )
        table = pd.DataFrame(
            [
                {
                    "Parameter": label,
                    f"{group_label}: ændring": fmt_signed(own.progression[code].mean_change, 2)
                    if code in own.progression
                    else "–",
                    f"{group_label}: forbedret": share_text(
                        own.progression[code].improved_share,
                        own.progression[code].improved,
                        own.progression[code].n,
                    )
                    if code in own.progression
                    else "–",
                    "Jobcentret: ændring": fmt_signed(centre.progression[code].mean_change, 2)
                    if code in centre.progression
                    else "–",
                    "Jobcentret: forbedret": share_text(
                        centre.progression[code].improved_share,
                        centre.progression[code].improved,
                        centre.progression[code].n,
                    )
                    if code in centre.progression
                    else "–",
                }
                for code, label in results.parameters
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        empty_state("Ingen forløb har både en basisplan og en evaluering endnu.")

    st.subheader("Resultater efter forløb", help=DEFINITIONS["outcome"])
    if centre.ended_with_outcome == 0:
        empty_state("Ingen forløb er afsluttet med et resultat endnu.")
    else:
        types = sorted(set(own.outcome_types) | set(centre.outcome_types))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Resultat": t,
                        group_label: own.outcome_types.get(t, 0),
                        f"{group_label}: andel": fmt_pct(
                            own.outcome_types.get(t, 0) / own.ended_with_outcome
                            if own.ended_with_outcome
                            else None
                        ),
                        "Hele jobcentret": centre.outcome_types.get(t, 0),
                        "Jobcentret: andel": fmt_pct(
                            centre.outcome_types.get(t, 0) / centre.ended_with_outcome
                        ),
                    }
                    for t in types
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            f"n = {own.ended_with_outcome} af dine afsluttede forløb og "
            f"{centre.ended_with_outcome} i hele jobcentret."
        )


if scope.role == "sagsbehandler":
    page_header(
        "Mine resultater",
        "Resultatet af dit arbejde: dine deltageres progression, resultater og opfølgning – "
        f"ved siden af hele jobcentret. Opgjort {fmt_date(results.as_of)}.",
    )
    detail(results.own, results.centre, "Du", "Mine deltagere")
else:
    page_header(
        "Mine resultater",
        "Resultater pr. sagsbehandler: hver sagsbehandlers deltagere: progression, resultater og opfølgning ved siden af "
        f"hele jobcentret. Opgjort {fmt_date(results.as_of)}.",
    )
    people = [f for f in results.per_caseworker if f.key is not None or f.courses]
    if not people:
        empty_state("Der er ingen sagsbehandlere med forløb endnu.")
        st.stop()
    overview = pd.DataFrame(
        [
            {
                "Sagsbehandler": f.label,
                "Forløb": f.courses,
                "Aktive": f.active,
                **{label: share_text(*get(f)) for label, _, get in MEASURES},
                "Progression (point)": "–"
                if f.mean_change is None
                else fmt_signed(f.mean_change, 2),
            }
            for f in [*people, results.centre]
        ]
    )
    st.dataframe(overview, hide_index=True, width="stretch")
    st.caption(
        "Sidste række er hele jobcentret. I parentes: antal af n. "
        + " ".join(f"{label}: {DEFINITIONS[key]}" for label, key, _ in MEASURES)
    )
    by_label = {f.label: f for f in people}
    chosen = st.selectbox(
        "Se detaljer for",
        list(by_label),
        key="mine_resultater_sagsbehandler",
        help="Samme visning, som sagsbehandleren selv ser.",
    )
    if chosen:
        st.divider()
        st.header(chosen)
        detail(by_label[chosen], results.centre, chosen, f"{chosen}s deltagere")
