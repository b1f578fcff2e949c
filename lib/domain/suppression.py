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

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import overload

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5


TOTAL_LABEL = "I alt"


Cell = tuple[Hashable, Hashable]  # (row label, column label) in a table of counts


def effective_threshold(setting: int | None, closed: bool) -> int:
    """The threshold committee material is withheld under: the admin's setting (default
    5). 0 switches suppression off, and is honoured only for a closed item (lukket
    punkt), which says so on its first page; public material falls back to the default."""
    if setting is None or setting < 0:
        return DEFAULT_THRESHOLD
    if setting == 0:
        return 0 if closed else DEFAULT_THRESHOLD
    return setting


def marker(threshold: int = DEFAULT_THRESHOLD) -> str:
    """What a suppressed count shows: '<5'."""
    return f"<{threshold}"


def is_small(count: int | float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A count that would identify: 1..threshold-1 people."""
    return count is not None and not pd.isna(count) and 0 < count < threshold


def count_note(threshold: int = DEFAULT_THRESHOLD) -> str:
    return (
        f"Tal under {threshold} vises som «{marker(threshold)}». «{WITHHELD}» står for et tal, "
        "der ikke vises, fordi et skjult tal ellers kunne regnes ud af totalerne."
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
                _shown(_as_count(v), hide, self.threshold)
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
        return _shown(self.count(row, col), self.is_hidden(row, col), self.threshold)

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


def _shown(count: int, hidden: bool, threshold: int) -> int | str:
    """'<5' for a withheld count below the threshold, '–' for one withheld only so that
    another cannot be worked out (saying '<5' of it would be untrue)."""
    if not hidden:
        return count
    return marker(threshold) if count < threshold else WITHHELD


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
    column and/or a row named `total_label`; each row and column is a relation for
    `suppress_counts`, so no hidden cell can be worked out from the published ones.
    """
    values = counts.fillna(0).astype(int).copy()
    if row_totals:
        values[total_label] = values.sum(axis=1)
    if column_totals:
        values.loc[total_label] = values.sum(axis=0)
    body_rows = [r for r in values.index if not (column_totals and r == total_label)]
    body_cols = [c for c in values.columns if not (row_totals and c == total_label)]
    relations: list[Relation] = []
    if row_totals:
        relations += [((r, total_label), [(r, c) for c in body_cols]) for r in values.index]
    if column_totals:
        relations += [((total_label, c), [(r, c) for r in body_rows]) for c in values.columns]
    cells: dict[Hashable, int] = {
        (r, c): _as_count(values.at[r, c]) for r in values.index for c in values.columns
    }
    ledger = suppress_counts(cells, relations, threshold)
    hidden = pd.DataFrame(
        [[ledger.is_hidden((r, c)) for c in values.columns] for r in values.index],
        index=values.index,
        columns=values.columns,
        dtype=bool,
    )
    notes = [count_note(threshold)] if ledger.any_hidden else []
    return SuppressedTable(values=values, hidden=hidden, threshold=threshold, notes=notes)


# --------------------------------------------------------------------------- the one rule

Relation = tuple[Hashable, list[Hashable]]  # total = sum(parts), known to any reader


@dataclass
class Ledger:
    """Named counts after suppression: every figure of one piece of committee material
    (an agreement's answers, a table) that a reader could add up or subtract.

    `values` are the true counts, never to be shown; `cell()` and `text()` are what may be.
    """

    values: dict[Hashable, int]
    hidden: set[Hashable]
    threshold: int
    relations: list[Relation] = field(default_factory=list)
    public: frozenset[Hashable] = frozenset()

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden)

    def count(self, name: Hashable) -> int:
        """The true count: for decisions (is it worth a sentence?), never to be shown."""
        return self.values[name]

    def is_hidden(self, name: Hashable) -> bool:
        return name in self.hidden

    def cell(self, name: Hashable) -> int | str:
        """The count as published: the number, or the marker ('<5'; '–' for a count
        withheld only so that another cannot be worked out, and not itself small)."""
        if name not in self.hidden:
            return self.values[name]
        return marker(self.threshold) if self.values[name] < self.threshold else WITHHELD

    def share(self, numerator: Hashable, denominator: Hashable) -> float | None:
        """numerator ÷ denominator, or None when either is withheld or the denominator
        counts fewer than `threshold` (a share of few people points at someone)."""
        if self.is_hidden(numerator) or self.is_hidden(denominator):
            return None
        den = self.values[denominator]
        if not den or den < self.threshold:
            return None
        return self.values[numerator] / den

    def people_cells(self) -> list[Hashable]:
        return [name for name in self.values if name not in self.public]

    def mostly_hidden(self) -> bool:
        """More than half of the nonzero counts of people are withheld."""
        nonzero = [n for n in self.people_cells() if self.values[n]]
        return bool(nonzero) and 2 * sum(1 for n in nonzero if n in self.hidden) > len(nonzero)

    def derivable(self, name: Hashable) -> bool:
        """Can a reader work out this hidden count from the published counts and the
        relations? (Linear algebra: is it fixed by the equations once every published
        value is put in.)"""
        return _determined(name, self.hidden, self.relations)


WITHHELD = "–"


def _determined(name: Hashable, hidden: set[Hashable], relations: list[Relation]) -> bool:
    """True when the relations fix `name` once every cell outside `hidden` is known."""
    return name in _exposed(hidden, relations)


def _exposed(hidden: set[Hashable], relations: list[Relation]) -> set[Hashable]:
    """The hidden cells the relations fix once every other cell is known.

    With the known cells moved to the right-hand side, the relations are A·x = b over the
    hidden cells x. A cell x_i is fixed exactly when the unit vector e_i lies in A's row
    space, i.e. when the orthogonal projection onto the row space keeps e_i whole: its
    diagonal entry is 1. One SVD answers it for every hidden cell at once."""
    unknown = sorted(hidden, key=str)
    if not unknown:
        return set()
    index = {cell: i for i, cell in enumerate(unknown)}
    rows = []
    for total, parts in relations:
        row = np.zeros(len(unknown))
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if cell in index:
                row[index[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
    basis = vt[:rank]
    diagonal = (basis * basis).sum(axis=0)
    return {cell for cell, d in zip(unknown, diagonal, strict=True) if d > 1 - 1e-9}


def suppress_counts(
    values: Mapping[Hashable, int],
    relations: list[Relation] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    public: Iterable[Hashable] = (),
    not_people: Iterable[Hashable] = (),
) -> Ledger:
    """The one suppression rule for committee material.

    `values` are counts of people (or of their plans, meetings, ...) by name; `public`
    names figures that are no one's count and always shown (an agreement's slots);
    `not_people` names figures that are no one's count but may give one away (free
    slots): never withheld for being small, withheld when they would expose a count.
    `relations` are the sums a reader knows: a total and its parts, slots = in use + free,
    two names for the same number (total = [part]).

    A count from 1 to threshold-1 is withheld (primary). Then, as long as some withheld
    count can be worked out from the published ones through the relations, one more
    count it is related to is withheld (complementary): the smallest one below the
    threshold if any (so '<5' stays true), else the smallest other. Threshold 0 withholds
    nothing (for closed material only; the caller decides).
    """
    relations = list(relations or [])
    public_set = frozenset(public)
    vals = {name: int(v) for name, v in values.items()}
    for total, parts in relations:
        for cell in (total, *parts):
            if cell not in vals:
                raise KeyError(f"relation names an unknown count: {cell!r}")
    exempt = public_set | frozenset(not_people)
    hidden = {n for n, v in vals.items() if n not in exempt and is_small(v, threshold)}
    while True:
        exposed_now = _exposed(hidden, relations)
        if not exposed_now:
            break
        exposed = min(exposed_now, key=str)
        related = {
            cell
            for total, parts in relations
            if exposed in (total, *parts)
            for cell in (total, *parts)
        }
        # Those beside it first; if none may be withheld, any count in a relation (a
        # chain a = b, b = c + d ... can be broken further along).
        candidates = [c for c in related if c not in hidden and c not in public_set]
        if not candidates:
            in_relations = {cell for total, parts in relations for cell in (total, *parts)}
            candidates = [c for c in in_relations if c not in hidden and c not in public_set]
        if not candidates:
            raise ValueError(f"{exposed!r} cannot be protected: only public figures beside it")

        # Look one step ahead: the cell after which fewest withheld counts stay exposed
        # (a greedy choice alone can withhold a whole table where a rectangle would do).
        def exposed_after(cell: Hashable) -> int:
            return len(_exposed(hidden | {cell}, relations))

        pick = min(
            candidates,
            key=lambda c: (
                exposed_after(c),
                vals[c] >= threshold,
                vals[c] == 0,
                vals[c],
                str(c),
            ),
        )
        hidden.add(pick)
    return Ledger(vals, hidden, threshold, relations, public_set)


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
    total_rows = [i for i in df.index if _is_total_row(df.loc[i])]
    body = [i for i in df.index if i not in total_rows]
    cells: dict[Hashable, int] = {
        (i, col): _as_count(int(v))
        for col in count_columns
        for i, v in zip(df.index, df[col], strict=True)
        if not pd.isna(v)
    }
    relations: list[Relation] = [
        ((t, col), [(i, col) for i in body if (i, col) in cells])
        for col in count_columns
        for t in total_rows
        if (t, col) in cells
    ]
    ledger = suppress_counts(cells, relations, threshold)
    hide = pd.DataFrame(
        {col: [ledger.is_hidden((i, col)) for i in df.index] for col in count_columns},
        index=df.index,
    )
    for col in count_columns:
        out[col] = [
            None if pd.isna(v) else ledger.cell((i, col))
            for i, v in zip(df.index, df[col], strict=True)
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
