"""The fidelity surveys of the STV project's mid-term evaluation, without a database: the
change in percentage points as text, and reading a spreadsheet's cells (a share, a role, a
round kind) into the rows of an import check.

The sheet is checked and imported by lib/imports/fidelity.py; the grid is saved by
lib/commands/fidelity.py (`save_round_results`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from lib.domain.enums import FidelityRole

# Spreadsheet words accepted for a role or a round kind (lower case, no punctuation).
_ROLE_WORDS = {
    **{role.value: role.value for role in FidelityRole},
    **{role.label.lower(): role.value for role in FidelityRole},
    "stv-projektleder": "projektleder",
    "stv projektleder": "projektleder",
    "vk": "virksomhedskonsulent",
    "i alt": "total",
    "manager": "leder",
    "project lead": "projektleder",
    "caseworker": "sagsbehandler",
    "company consultant": "virksomhedskonsulent",
}


_KIND_WORDS = {
    "baseline": "baseline", "nulpunkt": "baseline", "nul": "baseline",
    "nulpunktsmåling": "baseline", "midpoint": "midpoint", "midt": "midpoint",
    "midtvejs": "midpoint", "midtvejsmåling": "midpoint", "final": "final", "slut": "final",
    "slutmåling": "final",
}  # fmt: skip


def fmt_pp(value: float | None) -> str:
    """'+7 %-point', '−1,5 %-point', '±0 %-point'; '–' when missing."""
    if value is None:
        return "–"
    whole = float(value).is_integer()
    number = f"{abs(value):.0f}" if whole else f"{abs(value):.1f}".replace(".", ",")
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number} %-point"


def parse_share(raw) -> float | None:
    """A share from a cell, as 0..1: 73, '73 %', '73,5', 0.73, '0,73' -> 0.73. A number
    above 1 or written with '%' is a percentage; 1 or below is a share. None when empty.
    Raises ValueError for text that is no number or a value outside 0-100 %."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    percent = False
    if isinstance(raw, str):
        text = raw.replace("\u00a0", "").strip()
        if text.endswith("%"):
            percent, text = True, text[:-1].strip()
        if not text:
            return None
        text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{raw}' er ikke et tal") from None
    else:
        value = float(raw)
    if percent or value > 1:
        value = value / 100
    if not 0 <= value <= 1:
        raise ValueError(f"{raw} ligger ikke mellem 0 og 100 %")
    return round(value, 4)


def role_code(raw) -> str | None:
    if raw is None:
        return None
    return _ROLE_WORDS.get(str(raw).strip().lower())


def kind_code(raw) -> str | None:
    if raw is None:
        return None
    return _KIND_WORDS.get(str(raw).strip().lower())


@dataclass(frozen=True)
class ImportRow:
    line: int  # spreadsheet row number as the user sees it (header = 1)
    round_name: str
    kind: str
    held_on: dt.date | None
    requirement: str
    role: str
    share: float
    respondents: int | None
