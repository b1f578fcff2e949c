"""Small-count suppression (diskretionering) for committee material, which is often public.

Rules, applied to every figure that leaves the app (presentation mode, exports, report):
- a count of people from 1 to threshold-1 is shown as "<5" (0 is shown: it names nobody);
- a share or mean computed from fewer than `threshold` people is withheld, with a note;
  so is a share whose numerator is itself suppressed (83 % of 6 would give the 5 away);
- complementary suppression: in a table with totals, a row or column with a published
  total and exactly one suppressed cell gets a second cell suppressed (the smallest
  other one), so the first cannot be worked out by subtraction. Repeated until stable,
  because a new suppression in a row can expose a cell in its column. When no other
  cell exists, the total itself is suppressed.

Pure functions over pandas DataFrames and plain numbers; no database, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import overload

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5


TOTAL_LABEL = "I alt"


Cell = tuple[Hashable, Hashable]  # (row label, column label) in a table of counts


def marker(threshold: int = DEFAULT_THRESHOLD) -> str:
    """What a suppressed count shows: '<5'."""
    return f"<{threshold}"


def is_small(count: int | float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A count that would identify: 1..threshold-1 people."""
    return count is not None and not pd.isna(count) and 0 < count < threshold


def count_note(threshold: int = DEFAULT_THRESHOLD) -> str:
    return (
        f"Tal under {threshold} vises som «{marker(threshold)}», og et tal mere kan være skjult, "
        "så de skjulte tal ikke kan regnes ud fra totalerne."
    )


def share_note(threshold: int = DEFAULT_THRESHOLD) -> str:
    return (
        f"Andele og gennemsnit vises ikke, når de bygger på færre end {threshold} personer "
        "eller ville afsløre et skjult tal."
    )


@overload
def count_value(count: int, threshold: int = DEFAULT_THRESHOLD) -> int | str: ...


@overload
def count_value(count: None, threshold: int = DEFAULT_THRESHOLD) -> None: ...


def count_value(count: int | None, threshold: int = DEFAULT_THRESHOLD) -> int | str | None:
    """The count as published: the number itself, or '<5'."""
    if count is None:
        return None
    return marker(threshold) if is_small(count, threshold) else int(count)


def share_value(
    numerator: int | None, denominator: int | None, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """numerator ÷ denominator, or None when it may not be published."""
    if numerator is None or not denominator:
        return None
    if denominator < threshold or is_small(numerator, threshold):
        return None
    return numerator / denominator


def mean_value(
    mean: float | None, n: int | None, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """A mean over n people, or None when n is below the threshold."""
    if mean is None or n is None or n < threshold or pd.isna(mean):
        return None
    return float(mean)


@dataclass
class SuppressedTable:
    """A count table after suppression.

    `values` holds the true counts (with totals when asked for); `hidden` is a boolean
    frame of the same shape saying which cells may not be shown. Use `display()` for the
    published table and never publish `values` directly.
    """

    values: pd.DataFrame
    hidden: pd.DataFrame
    threshold: int
    notes: list[str] = field(default_factory=list)

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden.to_numpy().any())

    def display(self) -> pd.DataFrame:
        """Object frame: ints where published, '<5' where hidden."""
        out = self.values.astype(object).copy()
        for col in out.columns:
            out[col] = [
                marker(self.threshold) if hide else _as_count(v)
                for v, hide in zip(self.values[col], self.hidden[col], strict=True)
            ]
        return out

    def count(self, row: Hashable, col: Hashable) -> int:
        """The true count in a cell: for shares and for the decision to publish, never to
        be shown itself (`cell` is what may be shown)."""
        return _as_count(self.values.at[row, col])

    def is_hidden(self, row: Hashable, col: Hashable) -> bool:
        return bool(self.hidden.at[row, col])

    def cell(self, row: Hashable, col: Hashable) -> int | str:
        """The cell as published: the count, or '<5'."""
        if self.is_hidden(row, col):
            return marker(self.threshold)
        return self.count(row, col)

    def share(
        self, row: Hashable, col: Hashable, total_row: Hashable, total_col: Hashable
    ) -> float | None:
        """cell ÷ total, or None when it may not be published: the total counts fewer
        than `threshold` people, or the cell or the total is hidden (a share of a
        hidden count would give it away)."""
        num, den = self.count(row, col), self.count(total_row, total_col)
        if self.is_hidden(row, col) or self.is_hidden(total_row, total_col):
            return None
        if den < self.threshold or not den:
            return None
        return num / den


def _as_count(value: object) -> int:
    """A count read from a table of counts (suppress_table makes every cell an int)."""
    if not isinstance(value, int | np.integer):
        raise TypeError(f"not a count: {value!r}")
    return int(value)


def suppress_table(
    counts: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    total_label: str = TOTAL_LABEL,
) -> SuppressedTable:
    """Suppress a table of counts of people (rows × categories), adding totals.

    `counts` must hold only count columns (put labels in the index). Totals are added as a
    column and/or a row named `total_label` and take part in complementary suppression.
    """
    values = counts.fillna(0).astype(int).copy()
    if row_totals:
        values[total_label] = values.sum(axis=1)
    if column_totals:
        values.loc[total_label] = values.sum(axis=0)
    hidden = values.map(lambda v: is_small(v, threshold))

    body_rows = [r for r in values.index if not (column_totals and r == total_label)]
    body_cols = [c for c in values.columns if not (row_totals and c == total_label)]

    lines: list[tuple[list[Cell], Cell | None]] = []
    # Each row: its body cells, summed into its row total (if any).
    for r in values.index:
        row_cells: list[Cell] = [(r, c) for c in body_cols]
        lines.append((row_cells, (r, total_label) if row_totals else None))
    # Each column: its body cells, summed into its column total (if any).
    for c in values.columns:
        column_cells: list[Cell] = [(r, c) for r in body_rows]
        lines.append((column_cells, (total_label, c) if column_totals else None))

    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if total is None or hidden.at[total]:
                continue
            hidden_cells = [cell for cell in cells if hidden.at[cell]]
            if len(hidden_cells) != 1:
                continue
            candidates = [cell for cell in cells if not hidden.at[cell]]
            if candidates:
                pick = min(candidates, key=lambda cell: (_as_count(values.at[cell]), str(cell)))
            else:
                pick = total
            hidden.at[pick] = True
            changed = True

    notes = [count_note(threshold)] if hidden.to_numpy().any() else []
    return SuppressedTable(values=values, hidden=hidden, threshold=threshold, notes=notes)


def suppress_column(
    series: pd.Series, threshold: int = DEFAULT_THRESHOLD, *, with_total: bool = True
) -> SuppressedTable:
    """A single list of counts (e.g. outcomes by type) with its total."""
    frame = series.to_frame(name=series.name or "Antal")
    return suppress_table(frame, threshold, row_totals=False, column_totals=with_total)


def suppress_frame(
    df: pd.DataFrame,
    count_columns: list[str],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    share_columns: dict[str, str] | None = None,
    mean_columns: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Row-wise suppression of a ready-made table for export (no totals added).

    - count columns: small counts become '<5';
    - share columns {share_col: denominator_col} or {share_col: (numerator_col,
      denominator_col)}: withheld (None) when the denominator is below the threshold or
      the numerator is suppressed;
    - mean columns {mean_col: n_col}: withheld when n is below the threshold.
    A 'Total'/'I alt' row present in `df` gets complementary suppression per column.
    Returns the published frame and the notes to print under it.
    """
    out = df.copy().astype(object)
    notes: list[str] = []
    hide = pd.DataFrame(False, index=df.index, columns=count_columns)
    for col in count_columns:
        hide[col] = df[col].map(lambda v: is_small(v, threshold))
    total_rows = [i for i in df.index if _is_total_row(df.loc[i])]
    body = [i for i in df.index if i not in total_rows]
    if total_rows:
        for col in count_columns:
            for _ in range(len(body)):
                shown_total = any(not hide.at[t, col] for t in total_rows)
                hidden_body = [i for i in body if hide.at[i, col]]
                if not shown_total or len(hidden_body) != 1:
                    break
                others = [i for i in body if not hide.at[i, col]]
                if others:
                    smallest = pd.to_numeric(df.loc[others, col]).idxmin()
                    hide.at[smallest, col] = True
                else:
                    for t in total_rows:
                        hide.at[t, col] = True
    for col in count_columns:
        out[col] = [
            marker(threshold) if h else (None if pd.isna(v) else int(v))
            for v, h in zip(df[col], hide[col], strict=True)
        ]
    if hide.to_numpy().any():
        notes.append(count_note(threshold))
    withheld = False
    for col, spec in {**(share_columns or {}), **(mean_columns or {})}.items():
        num_col, n_col = spec if isinstance(spec, tuple) else (None, spec)
        num_hidden = hide[num_col] if num_col in hide else pd.Series(False, index=df.index)
        values: list[float | None] = []
        for v, n, nh in zip(df[col], df[n_col], num_hidden, strict=True):
            if pd.isna(v) or pd.isna(n) or n < threshold or nh:
                values.append(None)
                withheld = withheld or not pd.isna(v)
            else:
                values.append(float(v))
        out[col] = values
    if withheld:
        notes.append(share_note(threshold))
    return out, notes


def _is_total_row(row: pd.Series) -> bool:
    return any(isinstance(v, str) and v.strip().lower() in ("i alt", "total") for v in row.values)
