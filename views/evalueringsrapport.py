"""Evalueringsrapport: the eight questions per agreement with the numbers the data gives,
a text field beside each for staff's assessment (saved per agreement and period), and
downloads as Word and PowerPoint. Suppression applies to every number shown here."""

import datetime as dt

import streamlit as st

from lib.chart_style import fit_width
from lib.exports import MIME, presentation_chart
from lib.occupancy import occupancy_by_agreement
from lib.presentation import presentation_charts, report_charts, to_document_charts
from lib.report import (
    COMMON_SECTIONS,
    Period,
    StaleText,
    build_docx,
    build_pptx,
    build_report,
    cell_text,
    default_period,
    load_texts,
    report_filename,
    save_text,
)
from lib.settings import suppression_threshold
from views.common import (
    cached_query,
    current_user,
    empty_state,
    get_engine,
    page_header,
    require_scope,
)

scope = require_scope("admin", "leder")
engine = get_engine()
user = current_user()

page_header(
    "Evalueringsrapport",
    "Evaluering af samarbejdsaftalerne til Beskæftigelses- og Integrationsudvalget: de otte "
    "spørgsmål med tal fra Forløbsmonitor og medarbejdernes vurdering.",
)

agreements = cached_query(occupancy_by_agreement, scope)
if not agreements:
    empty_state("Der er endnu ingen samarbejdsaftaler at evaluere.")
    st.stop()
names = {a.agreement_id: a.agreement for a in agreements}
# Each agreement keeps its dashboard colour (its place in the full list) when only some
# are chosen, on screen and in Word and PowerPoint alike.
positions = {agreement_id: i for i, agreement_id in enumerate(sorted(names))}
default = default_period()

left, right = st.columns([1, 2])
period_value = left.date_input(
    "Periode", value=(default.start, default.end), format="DD.MM.YYYY", key="rap_period"
)
chosen = right.multiselect(
    "Samarbejdsaftaler", list(names), default=list(names), format_func=names.get, key="rap_agr"
)
if not (isinstance(period_value, tuple | list) and len(period_value) == 2):
    st.info("Vælg både start- og slutdato for perioden.")
    st.stop()
if not chosen:
    empty_state("Vælg mindst én samarbejdsaftale.")
    st.stop()

period = Period(*period_value)
threshold = suppression_threshold(engine)
report = cached_query(
    build_report, scope, period, tuple(sorted(chosen)), threshold=threshold, today=dt.date.today()
)
versions = load_texts(engine, period, sorted(chosen))
# The charts the Word file embeds, shown where the document puts them.
charts = report_charts(report, positions)
period_key = f"{period.start.isoformat()}_{period.end.isoformat()}"


def _text_key(agreement_id, section) -> str:
    return f"rt_{agreement_id or 0}_{section}_{period_key}"


def _opened_key(agreement_id, section) -> str:
    return f"rtv_{agreement_id or 0}_{section}_{period_key}"


def text_field(agreement_id, section: str, label: str) -> None:
    """A text area whose opened version is remembered, so a save can refuse a stale edit."""
    body, version = versions.get((agreement_id, section), ("", None))
    key = _text_key(agreement_id, section)
    if key not in st.session_state:
        st.session_state[key] = body
        st.session_state[_opened_key(agreement_id, section)] = (version, body)
    st.text_area(label, key=key, height=110)


def save_sections(sections: list[tuple[int | None, str]]) -> None:
    saved, errors = 0, []
    for agreement_id, section in sections:
        key = _text_key(agreement_id, section)
        body = st.session_state.get(key, "")
        opened, opened_body = st.session_state.get(_opened_key(agreement_id, section), (None, ""))
        if body == opened_body:
            continue  # not edited here: nothing to save, and no false stale warning
        try:
            new_version = save_text(
                engine,
                user.username,
                agreement_id=agreement_id,
                period=period,
                section=section,
                body=body,
                expected_version=opened,
                user_id=user.id,
            )
            st.session_state[_opened_key(agreement_id, section)] = (new_version, body)
            saved += 1
        except StaleText as exc:
            errors.append(str(exc))
    for message in dict.fromkeys(errors):
        st.error(message, icon=":material/sync_problem:")
    if saved:
        st.toast(f"Gemt ({saved} afsnit).", icon=":material/check:")
    elif not errors:
        st.toast("Ingen ændringer at gemme.")


def show_table(table) -> None:
    # The Word table's cell text, so page and document read alike ("–" where withheld).
    frame = table.frame.map(cell_text)
    st.markdown(f"**{table.title}**")
    st.dataframe(frame, hide_index=True, width="content")
    st.caption(" ".join([table.definition, *table.notes]))


def show_charts(agreement_id: int | None, question: str | None) -> None:
    for chart in charts:
        if chart.agreement_id == agreement_id and chart.question == question:
            st.markdown(f"**{chart.title}**")
            st.altair_chart(fit_width(presentation_chart(chart.chart)), theme=None, width="stretch")
            st.caption(chart.subtitle)


st.subheader("Introduktion")
with st.form("rap_intro"):
    text_field(None, "intro", "Introduktion (vises efter tallene om aftalerne)")
    if st.form_submit_button("Gem introduktion", icon=":material/save:"):
        save_sections([(None, "intro")])
show_charts(None, None)

for agreement in report.agreements:
    st.header(f"Status i {agreement.name}")
    st.caption(
        f"{agreement.enterprise} · {agreement.slots} pladser · målgrupper: "
        + (", ".join(agreement.target_groups) or "–")
    )
    with st.form(f"rap_agreement_{agreement.agreement_id}"):
        for q in agreement.questions:
            st.subheader(q.title)
            for line in q.summary:
                st.markdown(line.replace("<", "&lt;"))
            for table in q.tables:
                show_table(table)
            show_charts(agreement.agreement_id, q.key)
            text_field(agreement.agreement_id, q.key, f"Vurdering: {q.title}")
        if st.form_submit_button(
            f"Gem vurderinger for {agreement.name}", icon=":material/save:", type="primary"
        ):
            save_sections([(agreement.agreement_id, q.key) for q in agreement.questions])

st.header("Status og udvikling")
with st.form("rap_status"):
    text_field(None, "what_works", COMMON_SECTIONS["what_works"])
    text_field(None, "development_points", COMMON_SECTIONS["development_points"])
    if st.form_submit_button("Gem status", icon=":material/save:"):
        save_sections([(None, "what_works"), (None, "development_points")])

st.header("Hent rapporten")
st.caption(
    "Word-dokumentet følger evalueringens opbygning med tal, tabeller og diagrammer; "
    "PowerPoint har ét diagram pr. dias. Gem dine vurderinger, før du henter."
)
doc_key = f"rap_docs_{period_key}_{'_'.join(map(str, sorted(chosen)))}"
if st.button("Lav Word og PowerPoint", icon=":material/description:", key="rap_make"):
    with st.spinner("Laver dokumenterne …"):
        fresh = build_report(
            engine, scope, period, sorted(chosen), threshold=threshold, today=dt.date.today()
        )
        docx = build_docx(fresh, to_document_charts(report_charts(fresh, positions)))
        pptx = build_pptx(
            fresh, to_document_charts(presentation_charts(fresh, positions=positions))
        )
    st.session_state[doc_key] = (docx, pptx)
if doc_key in st.session_state:
    docx, pptx = st.session_state[doc_key]
    c1, c2 = st.columns(2)
    c1.download_button(
        "Hent Word (.docx)",
        data=docx,
        file_name=report_filename("docx", period),
        mime=MIME["docx"],
        icon=":material/download:",
        on_click="ignore",
        key="rap_dl_docx",
    )
    c2.download_button(
        "Hent PowerPoint (.pptx)",
        data=pptx,
        file_name=report_filename("pptx", period),
        mime=MIME["pptx"],
        icon=":material/download:",
        on_click="ignore",
        key="rap_dl_pptx",
    )
