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
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import streamlit as st
import streamlit.components.v1 as components
from sqlalchemy import Engine
from streamlit.delta_generator import DeltaGenerator

from lib.charts.style import TopLevelChart, fit_width
from lib.commands.kit import ValidationError
from lib.commands.report_texts import TEXT_LIMIT, StaleText, save_header, save_text
from lib.documents.bundle import build_documents
from lib.documents.exports import presentation_chart, warm_up_renderer
from lib.documents.presentation import BUILDERS, CHART_KINDS, chart_content
from lib.documents.report import (
    SOURCE,
    AgreementReport,
    Report,
    ReportHeaderFields,
    ReportTable,
    build_report,
)
from lib.documents.word import cell_text, report_filename
from lib.domain.access import Scope
from lib.domain.format import fmt_date
from lib.domain.period import Period, default_review_period
from lib.domain.questions import MAX_AGREEMENTS_PER_REPORT
from lib.domain.suppression import effective_threshold
from lib.domain.text import inert, plain
from lib.queries.occupancy import AgreementOccupancy
from lib.queries.report_texts import load_header, load_texts
from lib.queries.settings import suppression_threshold
from lib.security.sign_in import SignedInUser
from views.components.dashboard import vega_lite_spec
from views.components.downloads import chart_downloads, file_download, table_downloads
from views.components.forms import DATE_FORMAT
from views.components.layout import table as kit_table
from views.components.runtime import cached_query
from views.texts import committee as texts

SLIDE_STYLE = """
<style>
.fm-slide-title {font-size:2.4rem;font-weight:700;color:#000;line-height:1.2;margin:.2rem 0 .6rem}
.fm-slide-sub {font-size:1.35rem;color:#111;margin:.4rem 0}
.fm-slide-source {font-size:1.1rem;color:#333}
.fm-slide-count {font-size:1.1rem;color:#333;text-align:center;padding-top:.5rem}
/* Forrige / counter / Næste stay in one place at the bottom of the screen. */
.st-key-praes_nav {position:fixed;bottom:0;left:0;right:0;z-index:999;background:#fff;
  padding:.5rem 2rem;border-top:1px solid #ddd}
.st-key-praes_slide {padding-bottom:5rem}
</style>
"""

# Presenting: the slide fills the screen; no sidebar, no app header, no demo banner, no
# settings. "Afslut præsentation" (or Escape) brings them back.
PRESENTING_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], .fm-demo, .st-key-praes_settings
{display:none !important}
[data-testid="stMainBlockContainer"] {padding-top:1rem;max-width:100%}
.st-key-praes_exit {position:fixed;top:.5rem;right:1rem;z-index:1000}
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


def agreements_to_cover(container: DeltaGenerator, options: dict[int, str], key: str) -> list[int]:
    """The agreements a report or a presentation covers: all of them by default when there
    are at most MAX_AGREEMENTS_PER_REPORT, else none until the user chooses, up to that
    many. Asked before anything is made: 500 agreements took 6 s before the page showed,
    for a report no committee could read."""
    few = len(options) <= MAX_AGREEMENTS_PER_REPORT
    return container.multiselect(
        "Samarbejdsaftaler",
        list(options),
        default=list(options) if few else [],
        max_selections=MAX_AGREEMENTS_PER_REPORT,
        format_func=lambda o: plain(options.get(o)),
        placeholder="Vælg aftaler",
        help=texts.most_agreements(MAX_AGREEMENTS_PER_REPORT),
        key=key,
    )


def choose_hint(options: dict[int, str], chosen: list[int], hint: str) -> str:
    """The page's text while something is not chosen: `hint`, or, while no agreement is
    chosen out of more than a report covers, how many to choose and why."""
    if not chosen and len(options) > MAX_AGREEMENTS_PER_REPORT:
        return texts.choose_agreements(len(options), MAX_AGREEMENTS_PER_REPORT)
    return hint


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


def report_header(engine: Engine, period: Period) -> ReportHeaderFields:
    fields, _version = load_header(engine, period)
    return ReportHeaderFields(**fields) if fields else ReportHeaderFields()  # type: ignore[arg-type]


def committee_report(
    engine: Engine,
    scope: Scope,
    period: Period,
    chosen: Sequence[int],
    loaded: tuple[ReportHeaderFields, int] | None = None,
) -> tuple[Report, int]:
    """The report's figures for the chosen agreements and period, with the suppression
    threshold they were withheld under: the admin's setting, 0 only for a closed item.
    `loaded`: the header and the setting as header_form read them in this run (not read
    twice)."""
    header, setting = loaded or (report_header(engine, period), suppression_threshold(engine))
    threshold = effective_threshold(setting, header.closed)
    report = cached_query(
        build_report,
        scope,
        period,
        tuple(sorted(chosen)),
        threshold=threshold,
        today=dt.date.today(),
        header=header,
    )
    return report, threshold


def header_form(
    engine: Engine, user: SignedInUser, period: Period
) -> tuple[ReportHeaderFields, int]:
    """The memo header (udvalg, mødedato, sagsnummer, forfatter, lukket punkt), saved
    per report (period); a header saved by someone else meanwhile is refused. Returns the
    saved header and the suppression setting, for committee_report."""
    fields, version = load_header(engine, period)
    h = ReportHeaderFields(**fields) if fields else ReportHeaderFields()  # type: ignore[arg-type]
    setting = suppression_threshold(engine)
    with st.form(f"rap_header_{period_key(period)}"):
        left, right = st.columns(2)
        committee = left.text_input("Udvalg", h.committee, max_chars=120)
        meeting = right.date_input("Mødedato", h.meeting_date, format=DATE_FORMAT)
        case_number = left.text_input("Sagsnummer", h.case_number, max_chars=60)
        author = right.text_input("Forfatter", h.author, max_chars=120)
        closed = st.checkbox(texts.CLOSED_LABEL, h.closed, help=texts.closed_help(setting))
        if st.form_submit_button("Gem rapportens hoved", icon=":material/save:"):
            try:
                save_header(
                    engine,
                    user.username,
                    period=period,
                    committee=committee,
                    meeting_date=meeting if isinstance(meeting, dt.date) else None,
                    case_number=case_number,
                    author=author,
                    closed=closed,
                    expected_version=version,
                    user_id=user.id,
                )
            except (StaleText, ValidationError) as exc:
                st.error(str(exc), icon=":material/sync_problem:")
            else:
                st.toast("Rapportens hoved er gemt.", icon=":material/check:")
                st.rerun()
    return h, setting


# --------------------------------------------------------------------------- the charts


@dataclass(frozen=True)
class ShownChart:
    """A committee chart as the pages show it: a PresentationChart's texts and the
    Vega-Lite spec st.altair_chart would send for it. Building the Altair charts (63-69 %)
    and converting them for st.altair_chart (17-21 %) were about 85 % of a rerun of each
    committee page at size M (py-spy), so the spec is made once per content of the report
    (_shown_chart) and `build` makes the Altair chart again only for a download."""

    key: str
    kind: str
    title: str
    subtitle: str
    spec: dict
    question: str | None = None
    agreement_id: int | None = None
    has_data: bool = True
    build: Callable[[], TopLevelChart] | None = field(default=None, compare=False, repr=False)

    @property
    def source(self) -> str:
        return SOURCE


def _built(kind: str, report: Report, positions: dict[int, int]) -> TopLevelChart:
    return BUILDERS[kind](report, report.agreements, positions).chart


@st.cache_data(show_spinner=False, max_entries=64)
def _shown_chart(
    content: str, kind: str, positions: tuple[tuple[int, int], ...], _report: Report
) -> ShownChart:
    # `content` (lib.documents.presentation.chart_content) stands for all of the report
    # the chart is drawn from; `_report` itself is not hashed.
    chart = BUILDERS[kind](_report, _report.agreements, dict(positions))
    # fit-x: stretch the width only. Streamlit's default for a layered chart ("fit")
    # squeezes axis, legend and title into the given height.
    return ShownChart(
        chart.key,
        chart.kind,
        chart.title,
        chart.subtitle,
        vega_lite_spec(fit_width(presentation_chart(chart.chart))),
        chart.question,
        chart.agreement_id,
        chart.has_data,
    )


def committee_charts(
    report: Report, kinds: Sequence[str] | None, positions: dict[int, int]
) -> list[ShownChart]:
    """lib.documents.presentation.presentation_charts as the pages show them: the chosen
    kinds (None: all) in CHART_KINDS order, each made once per content of the report."""
    if not report.agreements:
        return []
    content = chart_content(report)
    placed = tuple(sorted(positions.items()))
    return [
        replace(
            _shown_chart(content, kind, placed, report),
            build=partial(_built, kind, report, positions),
        )
        for kind in CHART_KINDS
        if not kinds or kind in kinds
    ]


def committee_report_charts(report: Report, positions: dict[int, int]) -> list[ShownChart]:
    """lib.documents.presentation.report_charts as the page shows them: the charts with
    figures, in the report's overview section (as the Word file puts them)."""
    return [
        replace(c, question=None, agreement_id=None)
        for c in committee_charts(report, None, positions)
        if c.has_data
    ]


def draw_chart(chart: ShownChart) -> None:
    st.vega_lite_chart(spec=chart.spec, theme=None, width="stretch")


# --------------------------------------------------------------------------- Præsentation


def _slide_line(css_class: str, text: str) -> None:
    # Inside an HTML block Markdown is not read, so HTML escaping is what keeps a name
    # (an agreement's, in a title) text.
    st.markdown(f'<div class="{css_class}">{html.escape(text)}</div>', unsafe_allow_html=True)


def presenting() -> bool:
    return bool(st.session_state.get("praes_on"))


def presentation_controls() -> None:
    """'Start præsentation' or, while presenting, the style that hides everything but the
    slide and an 'Afslut præsentation' button."""
    if presenting():
        st.markdown(PRESENTING_STYLE, unsafe_allow_html=True)
        st.button(
            "Afslut præsentation",
            icon=":material/close_fullscreen:",
            key="praes_exit",
            on_click=lambda: st.session_state.update(praes_on=False),
        )
    else:
        st.button(
            "Start præsentation",
            icon=":material/slideshow:",
            type="primary",
            key="praes_start",
            on_click=lambda: st.session_state.update(praes_on=True),
        )


def slide_show(charts: list[ShownChart], threshold: int, period: Period) -> None:
    """The current chart as a slide (title, chart, subtitle, period and source) with
    Forrige/Næste fixed at the bottom, a slide counter, and the keys →/←/PageDown/PageUp
    (a presenter's clicker sends PageDown/PageUp). A chart whose figures are all
    withheld gets no slide. The position is kept in the session."""
    charts = [c for c in charts if c.has_data]
    if not charts:
        st.info(texts.SLIDE_WITHOUT_FIGURES)
        return
    index = min(st.session_state.get("praes_index", 0), len(charts) - 1)

    def step(delta: int) -> None:
        st.session_state["praes_index"] = max(0, min(len(charts) - 1, index + delta))

    current = charts[index]
    with st.container(key="praes_slide"):
        _slide_line("fm-slide-title", html.escape(current.title))
        draw_chart(current)
        _slide_line("fm-slide-sub", html.escape(current.subtitle))
        source = texts.SLIDE_SOURCE.format(
            period=period.label,
            source=current.source,
            threshold=threshold,
            printed=fmt_date(dt.date.today()),
        )
        _slide_line("fm-slide-source", source)
        if not presenting() and current.build is not None:
            with st.expander("Hent diagrammet"):
                chart_downloads(
                    current.build,
                    current.title,
                    key=f"praes_dl_{current.key}",
                    lines=[current.subtitle, f"Periode {period.label}. {current.source}."],
                )

    with st.container(key="praes_nav"):
        prev_col, count_col, next_col = st.columns([1, 2, 1])
        prev_col.button(
            "Forrige", icon=":material/arrow_back:", disabled=index == 0, on_click=step,
            args=(-1,), width="stretch", key="praes_prev",
        )  # fmt: skip
        with count_col:
            _slide_line("fm-slide-count", f"Dias {index + 1} af {len(charts)}")
        next_col.button(
            "Næste", icon=":material/arrow_forward:", icon_position="right",
            disabled=index >= len(charts) - 1, on_click=step, args=(1,), width="stretch",
            key="praes_next", type="primary",
        )  # fmt: skip
    slide_keys(
        {"arrowright": "praes_next", "pagedown": "praes_next", "arrowleft": "praes_prev",
         "pageup": "praes_prev", "escape": "praes_exit"}
    )  # fmt: skip


# The listener is made and added by a function of the page's own window
# (window.parent.Function), not by the frame that brings it: Streamlit replaces that frame
# when the layout changes (Start præsentation), and Chromium stops calling a listener
# made or added by a removed frame. A clicker sends PageDown/PageUp. Keys typed in a field
# are left alone.
SLIDE_KEYS = """<script>
(function () {
  const page = window.parent;
  page.__fmSlideKeys = page.JSON.parse(%s);
  new page.Function(`
    if (window.__fmSlideKeysListener) return;
    window.__fmSlideKeysListener = function (e) {
      const key = (window.__fmSlideKeys || {})[e.key.toLowerCase()];
      if (!key || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return;
      const t = e.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
      const button = document.querySelector(".st-key-" + key + " button");
      if (!button || button.disabled) return;
      e.preventDefault();
      button.click();
    };
    document.addEventListener("keydown", window.__fmSlideKeysListener);
  `)();
})();
</script>"""


def slide_keys(keys: dict[str, str]) -> None:
    """Keyboard keys (lower-case KeyboardEvent.key) that click the button with a widget key."""
    # The map is parsed in the page's window too, not kept as an object of the frame.
    components.html(SLIDE_KEYS % json.dumps(json.dumps(keys)), height=0, width=0)


# --------------------------------------------------------------------------- Evalueringsrapport

# In the browser, for the report's text forms: a draft of each text area is kept in the
# browser's localStorage every 30 s and when the field is left, and put back (marked
# as not saved) if the page is opened again before it was saved; leaving the page or
# choosing another page in the menu with unsaved text asks first. A form's save button
# clears its drafts. Texts stay in this browser only: nothing unsaved reaches the server.
DRAFT_GUARD = """
<script>
(function () {
  const win = window.parent, doc = win.document;
  const warning = "Du har tekst, der ikke er gemt. Vil du forlade siden alligevel?";
  // Each run of the page hands the tab's one guard the period and the saved texts; the
  // guard works while this frame is on the page (not on the pages the menu leads to).
  win.__forlobDraft = {scope: "forlob-draft:" + %(scope)s + ":", saved: %(saved)s,
                       frame: window.frameElement};
  const state = () => win.__forlobDraft;
  const active = () => !!(state().frame && state().frame.isConnected);
  win.__forlobDirty = win.__forlobDirty || new Set();
  const dirty = win.__forlobDirty;
  const guarded = (el) => el instanceof win.HTMLTextAreaElement && !!el.closest('[data-testid="stForm"]');
  const areas = () => Array.from(doc.querySelectorAll('[data-testid="stForm"] textarea'));
  // The widget's key (Streamlit's st-key-… class): labels repeat from agreement to agreement.
  const widgetKey = (a) => {
    const box = a.closest('[class*="st-key-"]');
    const m = box && box.className.match(/(?:^|\\s)st-key-(\\S+)/);
    return m ? m[1] : (a.getAttribute("aria-label") || a.id);
  };
  const keyOf = (a) => state().scope + widgetKey(a);
  // What the field holds on the server; typed text differing from it is a draft, also
  // when it was typed before this script arrived (on a slow machine).
  const base = (a) => Object.prototype.hasOwnProperty.call(state().saved, widgetKey(a))
    ? state().saved[widgetKey(a)] : a.dataset.forlobBase;
  const changed = (a) => dirty.has(keyOf(a)) || (base(a) !== undefined && a.value !== base(a));
  const save = () => areas().forEach((a) => {
    if (changed(a)) { dirty.add(keyOf(a)); win.localStorage.setItem(keyOf(a), a.value); }
  });
  const put = (a, value) => {
    const setter = Object.getOwnPropertyDescriptor(win.HTMLTextAreaElement.prototype, "value").set;
    setter.call(a, value);
    a.dispatchEvent(new Event("input", { bubbles: true }));
  };
  // Streamlit may draw a field again (a new element) after this script ran: every text
  // area is taken in when it appears, not only those present now.
  const attach = (a) => {
    if (a.dataset.forlobGuard === state().scope) return;
    a.dataset.forlobGuard = state().scope;
    if (a.dataset.forlobBase === undefined) a.dataset.forlobBase = a.value;
    const draft = win.localStorage.getItem(keyOf(a));
    if (draft === null || draft === a.value) return;
    put(a, draft);
    dirty.add(keyOf(a));
    a.title = "Kladde gendannet: husk at gemme.";
    // A rerun right after the page opens can redraw the field with the server's value
    // (on a busy server, many seconds later); put the draft back for 30 s unless the
    // person has started typing.
    let typed = false, tries = 0;
    a.addEventListener("keydown", () => { typed = true; }, { once: true });
    const keep = win.setInterval(() => {
      if (typed || ++tries > 60) { win.clearInterval(keep); return; }
      if (a.isConnected && a.value !== draft) put(a, draft);
    }, 500);
  };
  const takeIn = () => { if (active()) areas().forEach(attach); };
  takeIn();
  if (win.__forlobGuard) return;
  win.__forlobGuard = true;
  new win.MutationObserver(takeIn).observe(doc.body, { childList: true, subtree: true });
  doc.addEventListener("input", (e) => {
    if (active() && guarded(e.target)) dirty.add(keyOf(e.target));
  }, true);
  doc.addEventListener("focusout", (e) => {
    if (active() && guarded(e.target)) save();
  }, true);
  win.setInterval(() => { if (active()) save(); }, 30000);
  win.addEventListener("beforeunload", (e) => {
    if (!active()) return;
    save();
    if (dirty.size) { e.preventDefault(); e.returnValue = warning; }
  });
  doc.addEventListener("click", (e) => {
    if (!active()) return;
    const submit = e.target.closest('[data-testid="stBaseButton-secondaryFormSubmit"],' +
      '[data-testid="stBaseButton-primaryFormSubmit"]');
    if (submit) {
      const form = submit.closest('[data-testid="stForm"]');
      form.querySelectorAll("textarea").forEach((a) => {
        dirty.delete(keyOf(a));
        win.localStorage.removeItem(keyOf(a));
        state().saved[widgetKey(a)] = a.value;  // what is saved now is the field's text
        a.dataset.forlobBase = a.value;
      });
      return;
    }
    const link = e.target.closest('[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]');
    if (link && dirty.size && !win.confirm(warning)) {
      e.preventDefault(); e.stopPropagation();
    }
  }, true);
})();
</script>
"""


def unsaved_text_guard(period: Period, sheet: ReportTexts) -> None:
    """Drafts in the browser and a warning before leaving unsaved text (DRAFT_GUARD)."""
    saved = json.dumps(sheet.saved_by_widget()).replace("</", "<\\/")
    components.html(
        DRAFT_GUARD % {"scope": json.dumps(period_key(period)), "saved": saved}, height=0
    )


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
        self.drawn: list[Section] = []

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
        st.text_area(label, key=key, height=110, max_chars=TEXT_LIMIT)
        self.drawn.append(section)

    def saved_by_widget(self) -> dict[str, str]:
        """Each drawn field's saved text by the name the browser sees (the st-key- class)."""
        return {
            re.sub(r"[^a-zA-Z0-9_-]", "-", self.text_key(section)): st.session_state[
                self.opened_key(section)
            ][1]
            for section in self.drawn
        }

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
            except (StaleText, ValidationError) as exc:
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
    """A report table as published (already suppressed). Drawn inside the agreement's
    form, where Streamlit allows no download button: agreement_table_downloads puts its
    "Hent Excel" and "Hent CSV" right under the form."""
    st.markdown(f"**{inert(table.title)}**")
    kit_table(_published(table), width="content", downloads=False)
    st.caption(inert(table.definition))


def _published(table: ReportTable):
    # The Word table's cell text, so page and document read alike ("–" where withheld).
    return table.frame.map(cell_text)


def agreement_table_downloads(agreement: AgreementReport) -> None:
    """Excel and CSV of each of the agreement's report tables (the suppressed figures the
    page and the Word file show), titled with the agreement and the table."""
    tables = [t for q in agreement.questions for t in q.tables]
    if not tables:
        return
    with st.expander(f"Hent tabellerne for {inert(agreement.name)} (Excel/CSV)"):
        for i, t in enumerate(tables):
            st.markdown(f"**{inert(t.title)}**")
            table_downloads(
                _published(t),
                f"{agreement.name} – {t.title}",
                key=f"rap_tbl_{agreement.agreement_id}_{i}",
                definitions={c: t.definition for c in t.frame.columns[1:]},
            )


def numbers_note(report: Report) -> None:
    """The 'Om tallene' box: the suppression rule said once for the whole report."""
    st.info("**Om tallene**\n\n" + "\n\n".join(inert(note) for note in report.notes))


def report_charts_at(
    charts: list[ShownChart], agreement_id: int | None, question: str | None
) -> None:
    """The charts the Word file puts at this place: the introduction or a question."""
    for chart in charts:
        if chart.agreement_id == agreement_id and chart.question == question:
            st.markdown(f"**{inert(chart.title)}**")
            draw_chart(chart)
            st.caption(inert(chart.subtitle))


# More agreements than this in a report: their assessments are written one agreement at a
# time (a picker) instead of all on one page: at 40 agreements the page drew 320 text
# fields and 40 forms, 3 s a run, more than a person can work through in one view.
ASSESS_ALL_UP_TO = 8


def agreements_to_assess(agreements: list[AgreementReport]) -> list[AgreementReport]:
    """The agreements whose questions the page shows: all of a few, or the one picked."""
    if len(agreements) <= ASSESS_ALL_UP_TO:
        return agreements
    by_id = {a.agreement_id: a for a in agreements}
    picked = st.selectbox(
        texts.ASSESS_ONE_LABEL,
        list(by_id),
        format_func=lambda i: plain(by_id[i].name),
        key="rap_vurder",
        help=texts.assess_one_help(len(agreements), ASSESS_ALL_UP_TO),
    )
    return [by_id[picked]]


def agreement_assessment(
    agreement: AgreementReport, sheet: ReportTexts, charts: list[ShownChart]
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
    agreement_table_downloads(agreement)


def report_downloads(
    engine: Engine,
    scope: Scope,
    period: Period,
    chosen: Sequence[int],
    positions: dict[int, int],
    threshold: int,
) -> None:
    """Word and PowerPoint, made on request from fresh figures and the saved texts; the
    charts are rendered once for both."""
    st.header("Hent rapporten")
    st.caption(texts.DOWNLOADS_CAPTION)
    warm_up_renderer()  # the charts' renderer starts while the user reads the page
    doc_key = f"rap_docs_{period_key(period)}_{'_'.join(map(str, sorted(chosen)))}"
    if st.button("Lav Word og PowerPoint", icon=":material/description:", key="rap_make"):
        with st.spinner("Laver dokumenterne …"):
            docx, pptx = build_documents(
                engine, scope, period, chosen, positions, threshold, report_header(engine, period)
            )
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
