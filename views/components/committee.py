"""The committee pages' pieces: the agreement and period choice and the report both pages
build on; Præsentation's slides, one chart per screen; Evalueringsrapport's assessment
texts beside the figures (saved per agreement and period, a stale edit refused) and its
Word and PowerPoint downloads.

Aggregates only, suppression applied (lib/documents/report.py): never a participant code,
initials or free text about a participant.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import streamlit as st
from sqlalchemy import Engine
from streamlit.delta_generator import DeltaGenerator

from lib.charts.style import fit_width
from lib.commands.report_texts import StaleText, save_text
from lib.documents.exports import presentation_chart
from lib.documents.powerpoint import build_pptx
from lib.documents.presentation import (
    PresentationChart,
    presentation_charts,
    report_charts,
    to_document_charts,
)
from lib.documents.report import AgreementReport, Report, ReportTable, build_report
from lib.documents.word import build_docx, cell_text, report_filename
from lib.domain.access import Scope
from lib.domain.format import fmt_date
from lib.domain.period import Period, default_review_period
from lib.domain.text import inert, plain
from lib.queries.occupancy import AgreementOccupancy
from lib.queries.report_texts import load_texts
from lib.queries.settings import suppression_threshold
from lib.security.sign_in import SignedInUser
from views.components.downloads import chart_downloads, file_download
from views.components.forms import DATE_FORMAT
from views.components.runtime import cached_query
from views.texts import committee as texts

SLIDE_STYLE = """
<style>
.fm-slide-title {font-size:2.4rem;font-weight:700;color:#000;line-height:1.2;margin:.2rem 0 .6rem}
.fm-slide-sub {font-size:1.35rem;color:#111;margin:.4rem 0}
.fm-slide-source {font-size:1.1rem;color:#333}
.fm-slide-count {font-size:1.1rem;color:#333;text-align:center;padding-top:.5rem}
</style>
"""

# A report text: (agreement id, or None for a report-wide section, section key).
Section = tuple[int | None, str]

# --------------------------------------------------------------------------- choice


def period_key(period: Period) -> str:
    """The period in widget and session keys: texts and documents belong to one period."""
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


def agreement_choice(agreements: list[AgreementOccupancy]) -> tuple[dict[int, str], dict[int, int]]:
    """The agreements' names by id, and each one's place in the full list: an agreement
    keeps its dashboard colour when only some are chosen, on screen and in Word and
    PowerPoint alike."""
    names = {a.agreement_id: a.agreement for a in agreements}
    positions = {agreement_id: i for i, agreement_id in enumerate(sorted(names))}
    return names, positions


def all_by_default(container: DeltaGenerator, label: str, options: dict, key: str) -> list:
    """A multiselect of `options` (value -> label) that starts with all of them chosen."""
    return container.multiselect(
        label,
        list(options),
        default=list(options),
        format_func=lambda o: plain(options.get(o)),
        key=key,
    )


def period_input(container: DeltaGenerator, key: str):
    """The review period, by default the six months up to today. Returns what the widget
    holds: a single date while the user is still choosing the end."""
    default = default_review_period()
    return container.date_input(
        "Periode", value=(default.start, default.end), format=DATE_FORMAT, key=key
    )


def complete_period(value) -> Period:
    """The chosen period; the page stops with a hint until both dates are chosen."""
    if not (isinstance(value, tuple | list) and len(value) == 2):
        st.info(texts.CHOOSE_BOTH_DATES)
        st.stop()
    return Period(*value)


def committee_report(
    engine: Engine, scope: Scope, period: Period, chosen: Sequence[int]
) -> tuple[Report, int]:
    """The report's figures for the chosen agreements and period, with the suppression
    threshold they were withheld under."""
    threshold = suppression_threshold(engine)
    report = cached_query(
        build_report,
        scope,
        period,
        tuple(sorted(chosen)),
        threshold=threshold,
        today=dt.date.today(),
    )
    return report, threshold


# --------------------------------------------------------------------------- Præsentation


def _slide_line(css_class: str, text: str) -> None:
    # Inside an HTML block Markdown is not read, so HTML escaping is what keeps a name
    # (an agreement's, in a title) text.
    st.markdown(f'<div class="{css_class}">{html.escape(text)}</div>', unsafe_allow_html=True)


def slide_show(charts: list[PresentationChart], threshold: int) -> None:
    """The current chart as a slide (title, chart, subtitle, source) with Forrige/Næste;
    the position is kept in the session."""
    index = min(st.session_state.get("praes_index", 0), len(charts) - 1)

    def step(delta: int) -> None:
        st.session_state["praes_index"] = max(0, min(len(charts) - 1, index + delta))

    current = charts[index]
    _slide_line("fm-slide-title", current.title)
    # fit-x: stretch the width only. Streamlit's default for a layered chart ("fit") squeezes
    # axis, legend and title into the given height, so the bars got a few pixels.
    if current.has_data:
        chart = fit_width(presentation_chart(current.chart))
        st.altair_chart(chart, theme=None, width="stretch")
    else:
        _slide_line("fm-slide-sub", texts.SLIDE_WITHOUT_FIGURES)
    _slide_line("fm-slide-sub", current.subtitle)
    source = texts.SLIDE_SOURCE.format(
        source=current.source, threshold=threshold, printed=fmt_date(dt.date.today())
    )
    _slide_line("fm-slide-source", source)

    prev_col, count_col, next_col = st.columns([1, 2, 1])
    prev_col.button(
        "Forrige", icon=":material/arrow_back:", disabled=index == 0, on_click=step,
        args=(-1,), width="stretch", key="praes_prev",
    )  # fmt: skip
    with count_col:
        _slide_line("fm-slide-count", f"Diagram {index + 1} af {len(charts)}")
    next_col.button(
        "Næste", icon=":material/arrow_forward:", icon_position="right",
        disabled=index >= len(charts) - 1, on_click=step, args=(1,), width="stretch",
        key="praes_next", type="primary",
    )  # fmt: skip
    if current.has_data:
        with st.expander("Hent diagrammet"):
            chart_downloads(current.chart, current.title, key=f"praes_dl_{current.key}")


# --------------------------------------------------------------------------- Evalueringsrapport


class ReportTexts:
    """Staff's assessment texts for one period: text areas that remember the version they
    opened, so a save refuses to overwrite a colleague's newer text."""

    def __init__(
        self, engine: Engine, user: SignedInUser, period: Period, chosen: Sequence[int]
    ) -> None:
        self.engine = engine
        self.user = user
        self.period = period
        self.versions = load_texts(engine, period, sorted(chosen))
        self.period_key = period_key(period)

    def _key(self, prefix: str, section: Section) -> str:
        agreement_id, name = section
        return f"{prefix}_{agreement_id or 0}_{name}_{self.period_key}"

    def text_key(self, section: Section) -> str:
        return self._key("rt", section)

    def opened_key(self, section: Section) -> str:
        return self._key("rtv", section)

    def field(self, section: Section, label: str) -> None:
        """A text area starting from the saved text; the opened version is remembered."""
        body, version = self.versions.get(section, ("", None))
        key = self.text_key(section)
        if key not in st.session_state:
            st.session_state[key] = body
            st.session_state[self.opened_key(section)] = (version, body)
        st.text_area(label, key=key, height=110)

    def save(self, sections: list[Section]) -> None:
        """Save the edited sections; each refused stale edit is shown once."""
        saved, errors = 0, []
        for section in sections:
            body = st.session_state.get(self.text_key(section), "")
            opened, opened_body = st.session_state.get(self.opened_key(section), (None, ""))
            if body == opened_body:
                continue  # not edited here: nothing to save, and no false stale warning
            agreement_id, name = section
            try:
                new_version = save_text(
                    self.engine,
                    self.user.username,
                    agreement_id=agreement_id,
                    period=self.period,
                    section=name,
                    body=body,
                    expected_version=opened,
                    user_id=self.user.id,
                )
            except StaleText as exc:
                errors.append(str(exc))
            else:
                st.session_state[self.opened_key(section)] = (new_version, body)
                saved += 1
        for message in dict.fromkeys(errors):
            st.error(message, icon=":material/sync_problem:")
        if saved:
            st.toast(f"Gemt ({saved} afsnit).", icon=":material/check:")
        elif not errors:
            st.toast("Ingen ændringer at gemme.")

    def form(self, form: str, fields: list[tuple[Section, str]], submit: str) -> None:
        """Report-wide text areas in one form with one save button."""
        with st.form(form):
            for section, label in fields:
                self.field(section, label)
            if st.form_submit_button(submit, icon=":material/save:"):
                self.save([section for section, _ in fields])


def report_table(table: ReportTable) -> None:
    # The Word table's cell text, so page and document read alike ("–" where withheld).
    frame = table.frame.map(cell_text)
    st.markdown(f"**{inert(table.title)}**")
    st.dataframe(frame, hide_index=True, width="content")
    st.caption(inert(" ".join([table.definition, *table.notes])))


def report_charts_at(
    charts: list[PresentationChart], agreement_id: int | None, question: str | None
) -> None:
    """The charts the Word file puts at this place: the introduction or a question."""
    for chart in charts:
        if chart.agreement_id == agreement_id and chart.question == question:
            st.markdown(f"**{inert(chart.title)}**")
            st.altair_chart(fit_width(presentation_chart(chart.chart)), theme=None, width="stretch")
            st.caption(inert(chart.subtitle))


def agreement_assessment(
    agreement: AgreementReport, sheet: ReportTexts, charts: list[PresentationChart]
) -> None:
    """One agreement: each question's figures, tables and charts with staff's assessment
    beside them, saved together."""
    st.header(f"Status i {inert(agreement.name)}")
    st.caption(
        f"{inert(agreement.enterprise)} · {agreement.slots} pladser · målgrupper: "
        + (inert(", ".join(agreement.target_groups)) or "–")
    )
    with st.form(f"rap_agreement_{agreement.agreement_id}"):
        for q in agreement.questions:
            st.subheader(q.title)
            for line in q.summary:
                st.markdown(inert(line))
            for table in q.tables:
                report_table(table)
            report_charts_at(charts, agreement.agreement_id, q.key)
            sheet.field((agreement.agreement_id, q.key), f"Vurdering: {q.title}")
        if st.form_submit_button(
            f"Gem vurderinger for {inert(agreement.name)}", icon=":material/save:", type="primary"
        ):
            sheet.save([(agreement.agreement_id, q.key) for q in agreement.questions])


def report_downloads(
    engine: Engine,
    scope: Scope,
    period: Period,
    chosen: Sequence[int],
    positions: dict[int, int],
    threshold: int,
) -> None:
    """Word and PowerPoint, made on request from fresh figures and the saved texts."""
    st.header("Hent rapporten")
    st.caption(texts.DOWNLOADS_CAPTION)
    doc_key = f"rap_docs_{period_key(period)}_{'_'.join(map(str, sorted(chosen)))}"
    if st.button("Lav Word og PowerPoint", icon=":material/description:", key="rap_make"):
        with st.spinner("Laver dokumenterne …"):
            fresh = build_report(
                engine, scope, period, sorted(chosen), threshold=threshold, today=dt.date.today()
            )
            docx = build_docx(fresh, to_document_charts(report_charts(fresh, positions)))
            slides = presentation_charts(fresh, positions=positions)
            pptx = build_pptx(fresh, to_document_charts(slides))
        st.session_state[doc_key] = (docx, pptx)
    if doc_key not in st.session_state:
        return
    docx, pptx = st.session_state[doc_key]
    word, powerpoint = st.columns(2)
    for column, label, data, kind in (
        (word, "Hent Word (.docx)", docx, "docx"),
        (powerpoint, "Hent PowerPoint (.pptx)", pptx, "pptx"),
    ):
        file_download(
            column,
            label,
            data,
            report_filename(kind, period),
            kind,
            key=f"rap_dl_{kind}",
            width="content",
        )
