"""Chart and table exports: files that decode, sizes, real numbers, Danish file names."""

import datetime as dt
import io
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
from PIL import Image

from lib.charts.style import danish
from lib.documents.exports import (
    chart_png,
    chart_spec,
    chart_svg,
    export_filename,
    read_xlsx_table,
    table_csv,
    table_xlsx,
)
from lib.domain.suppression import suppress_frame


def sample_chart() -> alt.Chart:
    data = pd.DataFrame({"Aftale": ["Café Ringparken", "Motalavej"], "Belægning": [0.833, 0.8]})
    return danish(
        alt.Chart(data)
        .mark_bar()
        .encode(x=alt.X("Belægning:Q", axis=alt.Axis(format=".1%")), y="Aftale:N")
        .properties(width=600, height=300, title="Belægning")
    )


def test_png_decodes_and_scales():
    one = Image.open(io.BytesIO(chart_png(sample_chart(), scale=1)))
    two = Image.open(io.BytesIO(chart_png(sample_chart(), scale=2)))
    assert one.format == "PNG"
    # The plot is 600x300; axes, title and padding add a little around it.
    assert 600 < one.width < 900 and 300 < one.height < 500
    assert abs(two.width - 2 * one.width) <= 2 and abs(two.height - 2 * one.height) <= 2


def test_svg_decodes_with_danish_text_and_numbers():
    svg = chart_svg(sample_chart())
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert 600 < float(root.get("width")) < 900
    text = svg.decode()
    assert "Belægning" in text
    assert "83,3%" in text or "83,3 %" in text  # Danish decimal comma from the locale


def test_presentation_theme_is_per_chart_and_keeps_the_locale():
    chart = sample_chart()
    spec = chart_spec(chart)
    assert spec["config"]["axis"]["labelFontSize"] >= 16
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert alt.theme.active == "default"  # nothing process-global was switched on
    assert chart.to_dict()["config"].get("axis") is None  # the original is untouched


def test_xlsx_reads_back_with_numeric_columns_and_dates():
    df = pd.DataFrame(
        {
            "Samarbejdsaftale": ["Aftale 1", "Aftale 2"],
            "Pladser": [6, 10],
            "I brug": [5, 8],
            "Belægning": [5 / 6, 0.8],
            "Opgjort": [dt.date(2026, 11, 22), dt.date(2026, 11, 22)],
        }
    )
    data = table_xlsx(df, "Belægning", title="Belægning", percent_columns=("Belægning",))
    back = read_xlsx_table(data)
    assert list(back.columns) == list(df.columns)
    assert pd.api.types.is_integer_dtype(back["Pladser"])
    assert pd.api.types.is_float_dtype(back["Belægning"])
    assert pd.api.types.is_datetime64_any_dtype(back["Opgjort"])
    assert back["I brug"].tolist() == [5, 8]

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).active
    assert ws["D5"].number_format == "0.0 %"
    assert ws["E5"].number_format.startswith("d. mmm")


def test_csv_is_danish_excel_friendly():
    df = pd.DataFrame({"Aftale": ["Ø"], "Andel": [0.5]})
    data = table_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Andel"].tolist() == [0.5] and back["Aftale"].tolist() == ["Ø"]


def test_file_names_say_what_and_when():
    assert export_filename("Belægning", "xlsx", dt.date(2026, 11, 22)) == (
        "belaegning_2026-11-22.xlsx"
    )
    assert export_filename("Resultat efter forløb", ".png", dt.date(2026, 1, 2)) == (
        "resultat_efter_forloeb_2026-01-02.png"
    )


def test_no_small_count_in_any_export_of_a_suppressed_table():
    df = pd.DataFrame(
        {"Resultat": ["Løntilskud", "VUC", "Rehab", "Job", "I alt"], "Deltagere": [4, 1, 3, 9, 17]}
    )
    published, notes = suppress_frame(df, ["Deltagere"])
    for data in (table_xlsx(published, "Resultater", notes=notes), table_csv(published)):
        if data[:2] == b"PK":
            values = read_xlsx_table(data)["Deltagere"].tolist()
        else:
            values = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig")[
                "Deltagere"
            ].tolist()
        numbers = [int(v) for v in values if str(v).isdigit()]
        assert all(n == 0 or n >= 5 for n in numbers), values
        assert "<5" in [str(v) for v in values]
    # The total cannot reveal the hidden cells: at least two are hidden.
    assert published["Deltagere"].tolist().count("<5") >= 2


def test_formula_guard_in_xlsx_and_csv():
    """A case code or name typed as a formula stays text in every file the app writes."""
    from openpyxl import load_workbook

    df = pd.DataFrame(
        {
            "Forløb": ['=HYPERLINK("http://x.io","D-9")', "+45 1234", "-1+1", "@SUM(A1)", "D-1"],
            "Deltagere": [5, 6, 7, 8, 9],
        }
    )
    data = table_xlsx(
        df,
        "Forløb",
        title="=cmd|' /C calc'!A0",
        context=["Periode: 1. jan. 2026 – 30. jun. 2026", "Samarbejdsaftale: alle"],
        definitions={"Deltagere": "Antal deltagere i perioden."},
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    assert ws["A1"].value == "=cmd|' /C calc'!A0" and ws["A1"].data_type == "s"
    assert ws["A5"].value.startswith("=HYPERLINK") and ws["A5"].quotePrefix
    assert ws["A2"].value.startswith("Periode:")
    assert wb["Definitioner"]["B2"].value == "Antal deltagere i perioden."
    assert ws["B5"].number_format == "#,##0"  # a real number, shown with separators

    text = table_csv(df).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Forløb;Deltagere"
    for line in lines[1:5]:
        assert line.startswith(("'", "\"'")), line  # every formula-like text quoted
    assert lines[5] == "D-1;9"
    assert table_csv(df).startswith(b"\xef\xbb\xbf")  # BOM for Danish Excel
