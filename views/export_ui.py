"""Shared download buttons for committee exports, usable by any page.

    from views.export_ui import chart_downloads, table_downloads
    chart_downloads(chart, "Belægning", key="occ")        # PNG + SVG
    table_downloads(df, "Belægning", key="occ_tbl")       # xlsx + CSV

Pass tables that went through lib/suppression.py when they may leave the building.
Renders are cached per chart spec, so a rerun does not render again.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from lib.exports import MIME, chart_spec, export_filename, spec_png, spec_svg, table_csv, table_xlsx


@st.cache_data(show_spinner=False, max_entries=200)
def _render(spec_json: str, kind: str) -> bytes:
    return spec_png(spec_json) if kind == "png" else spec_svg(spec_json)


def _spec_json(chart: alt.TopLevelMixin) -> str:
    return json.dumps(chart_spec(chart), sort_keys=True, default=str)


def chart_downloads(chart: alt.TopLevelMixin, what: str, *, key: str) -> None:
    """Two buttons: the chart as PNG and as SVG, in the presentation theme."""
    spec = _spec_json(chart)
    left, right = st.columns(2)
    for col, kind in ((left, "png"), (right, "svg")):
        col.download_button(
            f"Hent {kind.upper()}",
            data=_render(spec, kind),
            file_name=export_filename(what, kind),
            mime=MIME[kind],
            key=f"{key}_{kind}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
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
    left.download_button(
        "Hent Excel",
        data=table_xlsx(df, what[:31], title=what, notes=notes, percent_columns=percent_columns),
        file_name=export_filename(what, "xlsx"),
        mime=MIME["xlsx"],
        key=f"{key}_xlsx",
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
    )
    right.download_button(
        "Hent CSV",
        data=table_csv(df),
        file_name=export_filename(what, "csv"),
        mime=MIME["csv"],
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
