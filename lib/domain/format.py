"""Danish number and date formatting for text and tables ("83,3 %", "1.234", "12. mar. 2026").

Charts get the same through the Vega-Lite locale in lib.charts.style.
"""

from __future__ import annotations

import datetime as dt
import math

MONTHS_SHORT = (
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
)


MONTHS_LONG = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def fmt_date(value: dt.date | dt.datetime | None, empty: str = "–") -> str:
    if value is None:
        return empty
    return f"{value.day}. {MONTHS_SHORT[value.month - 1]} {value.year}"


def fmt_datetime(value: dt.datetime | None, empty: str = "–") -> str:
    if value is None:
        return empty
    return f"{fmt_date(value)} kl. {value:%H.%M}"


def fmt_month(value: dt.date) -> str:
    return f"{MONTHS_LONG[value.month - 1]} {value.year}"


def fmt_number(value: float | int | None, decimals: int = 0, empty: str = "–") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty
    text = f"{value:,.{decimals}f}"
    # Swap the English separators for Danish ones: 1,234.5 -> 1.234,5
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_int(value: int | None, empty: str = "–") -> str:
    return fmt_number(value, 0, empty)


def fmt_pct(share: float | None, decimals: int = 1, empty: str = "–") -> str:
    """A share 0..1 as a Danish percentage: 0.8333 -> '83,3 %'."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return empty
    return f"{fmt_number(share * 100, decimals)} %"


def fmt_signed(value: float | None, decimals: int = 1, empty: str = "–") -> str:
    if value is None:
        return empty
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{fmt_number(abs(value), decimals)}"


def fmt_yes_no(value: bool | None) -> str:
    """'Ja', 'Nej', or 'Ikke besvaret' for a fact nobody recorded (never shown as 'Nej')."""
    if value is None:
        return "Ikke besvaret"
    return "Ja" if value else "Nej"
