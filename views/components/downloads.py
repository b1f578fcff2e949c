"""Download buttons for committee exports, usable by any page.

    from views.components.downloads import chart_downloads, table_downloads
    chart_downloads(chart, "Belægning", key="occ")        # PNG + SVG
    table_downloads(df, "Belægning", key="occ_tbl")       # xlsx + CSV

Pass tables that went through lib/domain/suppression.py when they may leave the building.
Renders are cached per chart spec, so a rerun does not render again.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.documents.exports import (
    MIME,
    chart_spec,
    export_filename,
    spec_png,
    spec_svg,
    table_csv,
    table_xlsx,
)


@st.cache_data(show_spinner=False, max_entries=200)
def _render(spec_json: str, kind: str) -> bytes:
    return spec_png(spec_json) if kind == "png" else spec_svg(spec_json)


def _spec_json(chart: alt.TopLevelMixin) -> str:
    return json.dumps(chart_spec(chart), sort_keys=True, default=str)


def file_download(
    column: DeltaGenerator,
    label: str,
    data: bytes | str,
    file_name: str,
    kind: str,
    *,
    key: str,
    icon: str = ":material/download:",
    width: str = "stretch",
) -> None:
    """One download button for a file of `kind` (a key of MIME). A click does not rerun
    the page: the file is ready, and a rerun would only redraw everything."""
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


def chart_downloads(chart: alt.TopLevelMixin, what: str, *, key: str) -> None:
    """Two buttons: the chart as PNG and as SVG, in the presentation theme."""
    spec = _spec_json(chart)
    for column, kind in zip(st.columns(2), ("png", "svg"), strict=True):
        file_download(
            column,
            f"Hent {kind.upper()}",
            _render(spec, kind),
            export_filename(what, kind),
            kind,
            key=f"{key}_{kind}",
        )


def table_downloads(
    df: pd.DataFrame,
    what: str,
    *,
    key: str,
    notes: list[str] | None = None,
    percent_columns: tuple[str, ...] = (),
) -> None:
    """Two buttons: the table as Excel (real numbers and dates) and as CSV."""
    left, right = st.columns(2)
    workbook = table_xlsx(df, what[:31], title=what, notes=notes, percent_columns=percent_columns)
    file_download(
        left,
        "Hent Excel",
        workbook,
        export_filename(what, "xlsx"),
        "xlsx",
        key=f"{key}_xlsx",
        icon=":material/table:",
    )
    file_download(
        right, "Hent CSV", table_csv(df), export_filename(what, "csv"), "csv", key=f"{key}_csv"
    )
