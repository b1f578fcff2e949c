"""Download buttons, usable by any page, and the one place tables leave the app:

    from views.components.downloads import chart_downloads, table_downloads
    chart_downloads(chart, "Belægning", key="occ", lines=["Periode …", "n = 14", "Kilde …"])
    table_downloads(df, "Belægning", key="occ_tbl")       # "Hent Excel" + "Hent CSV"

Every table of the page kit (views.components.layout.table) gets both buttons. Excel
carries a title row, the period and filters used, and each column's definition; CSV is
semicolon-separated UTF-8 with BOM; in both, a text that begins like a formula is written
as text (lib.documents.exports). Streamlit's own table toolbar download, which writes
cells raw, is hidden by the page kit. Pass tables that went through
lib/domain/suppression.py when they may leave the building. Renders are cached per chart
spec, so a rerun does not render again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.documents.exports import (
    MIME,
    captioned,
    chart_spec,
    export_filename,
    spec_png,
    spec_svg,
    table_csv,
    table_xlsx,
)
from lib.domain.format import fmt_date


def _render(spec_json: str, kind: str) -> Callable[[], bytes]:
    """The image, made when its button is clicked: rendering a PNG and an SVG of every
    chart on every cold run of the page took a tenth of Præsentation's time."""
    return lambda: spec_png(spec_json) if kind == "png" else spec_svg(spec_json)


def _spec_json(chart: alt.TopLevelMixin) -> str:
    return json.dumps(chart_spec(chart), sort_keys=True, default=str)


def _render_chart(
    chart: alt.TopLevelMixin | Callable[[], alt.TopLevelMixin],
    what: str,
    lines: list[str],
    kind: str,
) -> Callable[[], bytes]:
    """The captioned chart's image, made when its button is clicked; a chart given as a
    function is built then too."""

    def made() -> bytes:
        built = chart if isinstance(chart, alt.TopLevelMixin) else chart()
        return _render(_spec_json(captioned(built, what, lines)), kind)()  # type: ignore[arg-type]

    return made


def file_download(
    column: DeltaGenerator,
    label: str,
    data: bytes | str | Callable[[], bytes | str],
    file_name: str,
    kind: str,
    *,
    key: str,
    icon: str = ":material/download:",
    width: str = "stretch",
) -> None:
    """One download button for a file of `kind` (a key of MIME). A click does not rerun
    the page: the file is ready, and a rerun would only redraw everything. `data` may be a
    function: then the file is made only when the button is clicked (Streamlit calls it
    on another thread, so it must not read session state)."""
    column.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=MIME[kind],
        key=key,
        icon=icon,
        on_click="ignore",
        width=width,
    )


def chart_downloads(
    chart: alt.TopLevelMixin | Callable[[], alt.TopLevelMixin],
    what: str,
    *,
    key: str,
    lines: list[str] | None = None,
) -> None:
    """Two buttons: the chart as PNG and as SVG, in the presentation theme, with its
    title and `lines` (period, n, source) inside the image. `chart` may be a function
    that builds it: then it is built only when a button is clicked (a page that draws the
    chart from a cached spec does not build it on every run)."""
    row = st.container(horizontal=True, gap="small")
    for kind in ("png", "svg"):
        file_download(
            row,
            f"Hent {kind.upper()}",
            _render_chart(chart, what, lines or [], kind),
            export_filename(what, kind),
            kind,
            key=f"{key}_{kind}",
            width="content",
        )


def filter_context() -> list[str]:
    """The dashboards' filter as words for an export's header: period and the chosen
    agreements, target groups and sub-goals (or 'alle')."""
    from lib.queries.filters import filter_options
    from views.components.runtime import cached_query, current_user

    state = st.session_state
    lines = []
    period = state.get("flt_period")
    if isinstance(period, tuple | list) and len(period) == 2:
        lines.append(f"Periode: {fmt_date(period[0])} – {fmt_date(period[1])}")
    user = current_user()
    if user is None:
        return lines
    options = cached_query(filter_options, user.scope)
    for label, key, names in (
        ("Samarbejdsaftale", "flt_agreements", options.agreements),
        ("Målgruppe", "flt_groups", options.target_groups),
        ("Delmål", "flt_goals", options.sub_goals),
    ):
        if key in state:
            chosen = [names.get(i, str(i)) for i in state.get(key) or []]
            lines.append(f"{label}: {', '.join(chosen) if chosen else 'alle'}")
    lines.append(f"Hentet {fmt_date(pd.Timestamp.today().date())}")
    return lines


def table_key(what: str, frame: pd.DataFrame) -> str:
    # The content too: two tables with the same columns on one page get their own keys.
    # Hashed by pandas, not written out as CSV first (57,000 rows: 0.04 s, not 0.10 s).
    digest = hashlib.sha1(f"{what}|{list(frame.columns)}|{len(frame)}".encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return f"dl_{digest.hexdigest()[:12]}"


def table_downloads(
    df: pd.DataFrame,
    what: str,
    *,
    key: str | None = None,
    notes: list[str] | None = None,
    percent_columns: tuple[str, ...] = (),
    definitions: Mapping[str, str] | None = None,
    context: list[str] | None = None,
    every: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """Two buttons under a table: "Hent Excel" (title, period, filters, column
    definitions, Danish number formats) and "Hent CSV" (semicolon, UTF-8 with BOM); a
    text that begins like a formula is text in both. `every`: when `df` holds only the
    first rows, a function giving all of them, called when a file is asked for."""
    key = key or table_key(what, df)
    rows = every or (lambda: df)
    context = filter_context() if context is None else context
    # A row of buttons as wide as their labels: columns would squeeze them to "H" under a
    # table in a narrow column (Progression's side by side tables).
    row = st.container(horizontal=True, gap="small")

    # Made when clicked, not on every rerun of the page for every table on it.
    def workbook() -> bytes:
        frame = rows()
        columns = {c: t for c, t in (definitions or {}).items() if c in frame.columns}
        return table_xlsx(
            frame,
            what[:31],
            title=what,
            notes=notes,
            percent_columns=percent_columns,
            context=context,
            definitions=columns,
        )

    file_download(
        row,
        "Hent Excel",
        workbook,
        export_filename(what, "xlsx"),
        "xlsx",
        key=f"{key}_xlsx",
        icon=":material/table:",
        width="content",
    )
    file_download(
        row,
        "Hent CSV",
        lambda: table_csv(rows()),
        export_filename(what, "csv"),
        "csv",
        key=f"{key}_csv",
        width="content",
    )
