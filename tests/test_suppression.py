"""Small-count suppression on hand-made tables whose answers are worked out by hand."""

import pandas as pd

from lib.domain.suppression import (
    count_value,
    mean_value,
    share_value,
    suppress_column,
    suppress_frame,
    suppress_table,
)


def published_numbers(frame: pd.DataFrame) -> list[int]:
    return [v for v in frame.to_numpy().ravel() if isinstance(v, int)]


def test_counts_below_threshold_show_as_marker_and_zero_is_shown():
    assert count_value(4) == "<5"
    assert count_value(1) == "<5"
    assert count_value(5) == 5
    assert count_value(0) == 0
    assert count_value(2, threshold=3) == "<3"
    assert count_value(3, threshold=3) == 3


def test_single_suppressed_cell_gets_a_complementary_cell():
    # Outcomes 12, 7, 3 with total 22: 3 alone could be worked out as 22 - 12 - 7.
    table = suppress_column(pd.Series([12, 7, 3], index=["Job", "Uddannelse", "Rehab"], name="n"))
    shown = table.display()
    assert shown.at["Rehab", "n"] == "<5"
    assert shown.at["Uddannelse", "n"] == "–"  # the smallest other cell; not "<5", it is 7
    assert shown.at["Job", "n"] == 12
    assert shown.at["I alt", "n"] == 22
    assert table.notes


def test_two_small_cells_need_no_extra_suppression():
    table = suppress_column(pd.Series([12, 2, 3], index=["a", "b", "c"], name="n"))
    assert table.display()["n"].tolist() == [12, "<5", "<5", 17]


def test_only_cell_beside_a_suppressed_one_suppresses_the_total():
    # Two categories, 1 and 0: hiding the 0 as complement is enough (total 1 is small too).
    table = suppress_column(pd.Series([9, 2], index=["a", "b"], name="n"))
    shown = table.display()["n"].tolist()
    assert shown == ["–", "<5", 11] or shown == [9, "<5", "–"]
    # Whatever is hidden, subtraction cannot recover b: at least two unknowns in the line.
    assert sum(1 for v in shown if v in ("<5", "–")) >= 2


def test_two_way_table_is_safe_by_rows_and_columns():
    counts = pd.DataFrame(
        {"Til tiden": [10, 8, 2], "For sent": [6, 1, 7], "Mangler": [0, 9, 6]},
        index=["Mødeplan", "Plan", "Indkaldelse"],
    )
    table = suppress_table(counts)
    hidden = table.hidden
    # Primary: the 2 and the 1.
    assert hidden.at["Indkaldelse", "Til tiden"] and hidden.at["Plan", "For sent"]
    # No line with a shown total has exactly one hidden cell.
    for r in table.values.index:
        cells = [c for c in table.values.columns if c != "I alt"]
        if not hidden.at[r, "I alt"]:
            assert sum(hidden.at[r, c] for c in cells) != 1, r
    for c in table.values.columns:
        rows = [r for r in table.values.index if r != "I alt"]
        if not hidden.at["I alt", c]:
            assert sum(hidden.at[r, c] for r in rows) != 1, c
    # Grand total and totals stay right.
    assert table.values.at["I alt", "I alt"] == 49


def test_brute_force_no_hidden_cell_is_determined_by_the_totals():
    """Every filling of the hidden cells consistent with the published totals: each
    hidden cell must take at least two different values across them."""
    import itertools

    counts = pd.DataFrame({"x": [3, 7, 6], "y": [5, 4, 8]}, index=["a", "b", "c"])
    table = suppress_table(counts)
    values, hidden = table.values, table.hidden
    rows = [r for r in values.index if r != "I alt"]
    cols = [c for c in values.columns if c != "I alt"]
    body = [(r, c) for r in rows for c in cols if hidden.at[r, c]]
    assert body, "the table was built to contain small counts"
    known = {(r, c): int(values.at[r, c]) for r in rows for c in cols if not hidden.at[r, c]}
    solutions = []
    for filling in itertools.product(range(0, 15), repeat=len(body)):
        cell = {**known, **dict(zip(body, filling, strict=True))}
        if all(
            hidden.at[r, "I alt"] or sum(cell[r, c] for c in cols) == values.at[r, "I alt"]
            for r in rows
        ) and all(
            hidden.at["I alt", c] or sum(cell[r, c] for r in rows) == values.at["I alt", c]
            for c in cols
        ):
            solutions.append(filling)
    assert len(solutions) >= 2
    for i in range(len(body)):
        assert len({s[i] for s in solutions}) >= 2, body[i]


def test_shares_and_means_are_withheld_for_few_people():
    assert share_value(3, 4) is None  # fewer than 5 people
    assert share_value(2, 10) is None  # the numerator itself is suppressed
    assert share_value(5, 6) == 5 / 6
    assert share_value(0, 8) == 0
    assert mean_value(3.2, 4) is None
    assert mean_value(3.2, 5) == 3.2


def test_suppress_frame_for_exports_with_total_row():
    df = pd.DataFrame(
        {
            "Aftale": ["A", "B", "C", "I alt"],
            "Deltagere": [12, 3, 9, 24],
            "Gns. ændring": [0.8, 1.5, 0.4, 0.7],
        }
    )
    out, notes = suppress_frame(df, ["Deltagere"], mean_columns={"Gns. ændring": "Deltagere"})
    assert out["Deltagere"].tolist() == [12, "<5", "–", 24]
    assert pd.isna(out["Gns. ændring"].tolist()[1])
    assert len(notes) == 2
    assert 3 not in published_numbers(out[["Deltagere"]])
