"""Exports for committee material: charts as PNG/SVG, tables as Excel and CSV.

Charts are rendered on the server with vl-convert, in the Danish locale and the
presentation theme, applied to each chart with `chart.configure(...)` (never
`alt.theme.enable`, which is process-global) and rendered with no theme on top.
Tables keep real numbers and dates in Excel, with Danish headers and formats.
Suppression is the caller's job: pass tables that went through lib.domain.suppression.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import math
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import vl_convert as vlc
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lib.charts.style import DANISH_LOCALE, OKABE_ITO, TopLevelChart

# The same kind of chart as was given; reading and replacing `config` needs the concrete
# chart classes (TopLevelMixin alone has no `config` or `copy`).
ThemedChart = TypeVar("ThemedChart", bound=TopLevelChart)

# High contrast and large type: readable on a meeting-room projector and on paper.
PRESENTATION_CONFIG: dict[str, Any] = {
    "locale": DANISH_LOCALE,
    "background": "#FFFFFF",
    "font": "DejaVu Sans, Arial, sans-serif",
    "padding": 16,
    "title": {
        "fontSize": 26,
        "color": "#000000",
        "anchor": "start",
        "subtitleFontSize": 18,
        "subtitleColor": "#222222",
        "offset": 14,
    },
    "axis": {
        "labelFontSize": 18,
        "titleFontSize": 19,
        "labelColor": "#000000",
        "titleColor": "#000000",
        "domainColor": "#000000",
        "tickColor": "#000000",
        "gridColor": "#CCCCCC",
        "labelLimit": 360,
    },
    "legend": {
        "labelFontSize": 18,
        "titleFontSize": 18,
        "labelColor": "#000000",
        "titleColor": "#000000",
        "symbolSize": 220,
        "labelLimit": 360,
    },
    "header": {"labelFontSize": 18, "titleFontSize": 19},
    "text": {"fontSize": 18, "color": "#000000"},
    "range": {"category": OKABE_ITO},
    "view": {"stroke": None},
}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def presentation_chart(chart: ThemedChart) -> ThemedChart:
    """The chart with the Danish locale and the presentation theme, per chart. Existing
    config is kept where the theme does not override it (configure() replaces config)."""
    existing = chart.config.to_dict() if chart.config is not alt.Undefined else {}
    themed = chart.copy(deep=False)
    themed.config = alt.Undefined
    return themed.configure(**_merge(existing, PRESENTATION_CONFIG))


def chart_spec(chart: TopLevelChart) -> dict[str, Any]:
    """The Vega-Lite spec, with data inlined (vl-convert runs without a data server)."""
    with alt.data_transformers.disable_max_rows():
        # No schema validation here: the builders are tested, and validating a large chart
        # took longer than rendering it.
        return presentation_chart(chart).to_dict(validate=False)


def chart_png(chart: TopLevelChart, scale: float = 2.0) -> bytes:
    """PNG bytes. scale=2 gives crisp images in Word and on a projector; a large chart
    gets less (see MAX_PIXELS)."""
    return spec_png(json.dumps(chart_spec(chart)), scale)


def charts_png(charts: Sequence[TopLevelChart], scale: float = 2.0) -> list[bytes]:
    """PNG bytes of each chart, as chart_png: each chart is laid out once (vl-convert's one
    JavaScript engine, in turn) and rasterised in a thread while the next is laid out."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(svg_png, vlc.vegalite_to_svg(json.dumps(chart_spec(c))), scale)
            for c in charts
        ]
        return [f.result() for f in futures]


def captioned(chart: TopLevelChart, title: str, lines: list[str]) -> TopLevelChart:
    """The chart with its title and lines (period, n, source) inside the image, so a PNG
    or SVG passed on still says what it shows."""
    return chart.properties(title=alt.TitleParams(title, subtitle=lines, anchor="start"))


def chart_svg(chart: TopLevelChart) -> bytes:
    return spec_svg(json.dumps(chart_spec(chart)))


_warmed = threading.Event()


def warm_up_renderer() -> threading.Thread | None:
    """Start vl-convert's engine in the background, once per process: its first
    conversion takes about half a second (the JavaScript runtime starting, holding the
    GIL), which a page that offers chart downloads or the committee documents would
    otherwise add to the first click. Later conversions wait for it rather than start a
    second one. Returns the thread when this call started it."""
    if _warmed.is_set():
        return None
    _warmed.set()
    spec = '{"data":{"values":[{"x":1}]},"mark":"bar","encoding":{"x":{"field":"x","type":"quantitative"}}}'
    thread = threading.Thread(target=vlc.vegalite_to_png, args=(spec,), daemon=True)
    thread.start()
    return thread


# A chart's PNG never has more pixels than this, or a longer side, however many rows or
# agreements it shows: the scale is lowered to fit. At size M (40 agreements) a chart's
# height grew with its rows to a 271-megapixel image, which PIL refused to open when the
# PowerPoint was built (DecompressionBombError; issue 15). 4 megapixels is a 16:9 slide at
# 2,650 x 1,500 px: crisp on a projector and in Word.
MAX_PIXELS = 4_000_000
MAX_SIDE = 4_000

_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def bounded_scale(width: float, height: float, scale: float) -> float:
    """The scale to render a width x height (px) chart at: `scale`, or less so that the
    image stays within MAX_PIXELS and MAX_SIDE."""
    if width <= 0 or height <= 0:
        return scale
    return min(scale, math.sqrt(MAX_PIXELS / (width * height)), MAX_SIDE / max(width, height))


def svg_png(svg: str, scale: float = 2.0) -> bytes:
    """PNG from vl-convert's SVG of a chart, at `scale` within the pixel bound."""
    found = _SVG_SIZE.search(svg)
    width, height = (float(found[1]), float(found[2])) if found else (0.0, 0.0)
    return vlc.svg_to_png(svg, scale=bounded_scale(width, height, scale))


def spec_png(spec_json: str, scale: float = 2.0) -> bytes:
    """PNG from a themed spec (chart_spec) as JSON: cacheable by its text. Laid out once
    (SVG), then rasterised at a scale that keeps it within MAX_PIXELS."""
    return svg_png(vlc.vegalite_to_svg(spec_json), scale)


def spec_svg(spec_json: str) -> bytes:
    return vlc.vegalite_to_svg(spec_json).encode("utf-8")


# A cell text that a spreadsheet would run as a formula (=, +, -, @, and tab/CR that
# some programs strip before them): CSV injection. Written as text, never as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: object) -> object:
    """A CSV cell that Excel opens as text: a formula-like string gets a leading "'"."""
    return "'" + value if is_formula_like(value) else value  # type: ignore[operator]


HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")


HEADER_FONT = Font(bold=True, color="FFFFFF")


THIN = Side(style="thin", color="BFBFBF")


HEADER_ROW = 4  # row 1 title, row 2 notes, row 3 empty


def _excel_value(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return value.item()
    return value


def table_xlsx(
    df: pd.DataFrame,
    sheet: str = "Data",
    *,
    title: str | None = None,
    notes: list[str] | None = None,
    percent_columns: tuple[str, ...] = (),
    decimals: dict[str, int] | None = None,
    context: list[str] | None = None,
    definitions: Mapping[str, str] | None = None,
) -> bytes:
    """An .xlsx with real numbers and dates: a bold header row, widths that fit, frozen
    header, Danish date format. Percent columns hold shares 0..1 shown as '83,3 %'
    (Excel shows the separators of the reader's locale). The title (row 1) and the notes
    (row 2) go above the table, whose header is always row HEADER_ROW, so a sheet read on
    its own still says what it is and reads back with `read_xlsx_table`. `context` (the
    period and the filters used) goes in row 3; `definitions` (column -> definition) in a
    second sheet "Definitioner". Every text that begins like a formula is written as
    text, never as a formula."""
    decimals = decimals or {}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    _put_text(ws.cell(row=1, column=1), title or sheet)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    if context:
        _put_text(ws.cell(row=2, column=1), " · ".join(context))
    if notes:
        _put_text(ws.cell(row=3, column=1), " ".join(notes))
        ws.cell(row=3, column=1).font = Font(italic=True, color="444444")
    row = header_row = HEADER_ROW
    for c, name in enumerate(df.columns, start=1):
        cell = ws.cell(row=row, column=c)
        _put_text(cell, str(name))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for record in df.itertuples(index=False):
        row += 1
        for c, (name, value) in enumerate(zip(df.columns, record, strict=True), start=1):
            cell = ws.cell(row=row, column=c)
            value = _excel_value(value)
            if isinstance(value, str):
                _put_text(cell, value)
            else:
                cell.value = value
            cell.border = Border(bottom=THIN)
            v = cell.value
            if isinstance(v, dt.datetime):
                cell.number_format = "d. mmm yyyy hh:mm"
            elif isinstance(v, dt.date):
                cell.number_format = "d. mmm yyyy"
            elif name in percent_columns and isinstance(v, int | float):
                cell.number_format = "0.0 %"
            elif isinstance(v, float):
                cell.number_format = "#,##0." + "0" * decimals.get(name, 1)
            elif isinstance(v, int) and not isinstance(v, bool):
                cell.number_format = "#,##0"
            elif isinstance(v, str) and v.startswith("<"):
                cell.alignment = Alignment(horizontal="right")
    for c, name in enumerate(df.columns, start=1):
        longest = max([len(str(name))] + [len(str(v)) for v in df.iloc[:, c - 1].tolist()])
        ws.column_dimensions[get_column_letter(c)].width = min(max(10, longest + 2), 60)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if definitions:
        defs = wb.create_sheet("Definitioner")
        for c, name in enumerate(("Kolonne", "Definition"), start=1):
            cell = defs.cell(row=1, column=c, value=name)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        for r, (name, text) in enumerate(definitions.items(), start=2):
            _put_text(defs.cell(row=r, column=1), str(name))
            _put_text(defs.cell(row=r, column=2), str(text))
        defs.column_dimensions["A"].width = 30
        defs.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _put_text(cell: Any, value: str) -> None:
    """A string cell that stays a string: openpyxl makes any '=…' a formula, so the
    type is set back to text and Excel shows it with a quote prefix (not run)."""
    cell.value = value
    if value.startswith("="):
        cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True


def read_xlsx_table(data: bytes) -> pd.DataFrame:
    """Read a table written by table_xlsx back (for tests and re-imports)."""
    return pd.read_excel(io.BytesIO(data), skiprows=HEADER_ROW - 1)


def table_csv(df: pd.DataFrame) -> bytes:
    """CSV as Danish Excel opens it: semicolon-separated, decimal comma, UTF-8 with BOM,
    dates as ISO (2026-11-22) so any tool reads them."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_safe)
    out.columns = [str(csv_safe(str(c))) for c in out.columns]
    return out.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


_TRANSLIT = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"}


def slug(text: str) -> str:
    """'Belægning pr. aftale' -> 'belaegning_pr_aftale'."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "eksport"


def export_filename(what: str, extension: str, day: dt.date | None = None) -> str:
    """File names that say what and when: belaegning_2026-11-22.xlsx."""
    day = day or dt.date.today()
    return f"{slug(what)}_{day.isoformat()}.{extension.lstrip('.')}"


MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
