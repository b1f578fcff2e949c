"""Fidelity surveys: change in percentage points, grid saves, spreadsheet import with
validation, manager-only access, and the STV evaluation's requirement 3c (mentor follow-up) in the demo data."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from lib.commands.fidelity import create_round, save_round_results
from lib.commands.kit import ValidationError
from lib.domain.access import AccessDenied
from lib.domain.fidelity import fmt_pp, parse_share
from lib.domain.quality import change_pp
from lib.imports.fidelity import (
    FidelityImportRefused,
    check_upload,
    fidelity_dry_run,
    parse_import,
    template_xlsx,
)
from lib.imports.fidelity import import_fidelity as import_results
from lib.queries.fidelity import comparisons, grid_rows, requirements, results, rounds
from tests.quality_world import World

D = dt.date


@pytest.fixture
def world(sqlite_engine):
    return World(sqlite_engine)


def req_3c(world) -> int:
    return next(r.id for r in requirements(world.engine, world.scope("boss")) if r.code == "3c")


def test_change_in_percentage_points_and_its_text():
    assert change_pp(0.62, 0.69) == 7.0
    assert change_pp(0.52, 0.61) == 9.0
    assert change_pp(0.7, 0.685) == -1.5
    assert change_pp(None, 0.5) is None
    assert fmt_pp(7.0) == "+7 %-point"
    assert fmt_pp(-1.5) == "−1,5 %-point"
    assert fmt_pp(0.0) == "±0 %-point"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(73, 0.73), ("73 %", 0.73), ("73,5", 0.735), (0.73, 0.73), ("0,73", 0.73), (None, None),
     ("", None), (100, 1.0), (0, 0.0)],
)  # fmt: skip
def test_parse_share(raw, expected):
    assert parse_share(raw) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("raw", ["mange", 120, "-5", "101 %"])
def test_parse_share_refuses(raw):
    with pytest.raises(ValueError):
        parse_share(raw)


def test_grid_save_inserts_updates_deletes_and_compares(world):
    boss = world.scope("boss")
    base = create_round(world.engine, boss, "Nul", "baseline", D(2025, 10, 1))
    mid = create_round(world.engine, boss, "Midt", "midpoint", D(2026, 10, 1))
    req = req_3c(world)
    save_round_results(world.engine, boss, base, req, [
        {"role": "leder", "Andel enige (%)": 66, "Besvarelser": 12},
        {"role": "total", "Andel enige (%)": 62, "Besvarelser": 154},
        {"role": "mentor", "Andel enige (%)": 50, "Besvarelser": None},
    ])  # fmt: skip
    saved = save_round_results(world.engine, boss, mid, req, [
        {"role": "leder", "Andel enige (%)": 73, "Besvarelser": 11},
        {"role": "total", "Andel enige (%)": 69.5, "Besvarelser": 155},
    ])  # fmt: skip
    assert saved == 2
    # Clearing a share deletes the role's result in that round.
    assert save_round_results(world.engine, boss, base, req, [
        {"role": "mentor", "Andel enige (%)": None, "Besvarelser": None}
    ]) == 2  # fmt: skip
    comp = next(c for c in comparisons(world.engine, boss) if c.requirement.id == req)
    assert (comp.before.name, comp.after.name) == ("Nul", "Midt")
    by_role = {r.role: r for r in comp.roles}
    assert by_role["leder"].change_pp == 7.0
    assert by_role["total"].change_pp == 7.5
    assert (by_role["total"].before_n, by_role["total"].after_n) == (154, 155)
    assert by_role["mentor"].before is None and by_role["mentor"].change_pp is None
    grid = {r["role"]: r for r in grid_rows(world.engine, boss, mid, req)}
    assert grid["total"]["Andel enige (%)"] == 69.5 and grid["sagsbehandler"]["Besvarelser"] is None


def test_grid_refuses_bad_values_and_writes_nothing(world):
    boss = world.scope("boss")
    rnd = create_round(world.engine, boss, "Nul", "baseline", D(2025, 10, 1))
    req = req_3c(world)
    with pytest.raises(ValidationError) as exc:
        save_round_results(world.engine, boss, rnd, req, [
            {"role": "leder", "Andel enige (%)": 66, "Besvarelser": 12},
            {"role": "mentor", "Andel enige (%)": 140, "Besvarelser": 3},
            {"role": "total", "Andel enige (%)": 50, "Besvarelser": 2.5},
        ])  # fmt: skip
    assert set(exc.value.errors) == {"mentor", "total:n"}
    assert results(world.engine, boss) == []
    with pytest.raises(ValidationError):
        create_round(world.engine, boss, "Nul", "midpoint", D(2026, 1, 1))  # duplicate name


def test_only_managers_see_and_write_fidelity(world):
    with pytest.raises(AccessDenied):
        rounds(world.engine, world.scope("cw1"))
    with pytest.raises(AccessDenied):
        create_round(world.engine, world.scope("staff"), "X", "baseline", D(2026, 1, 1))


CSV = """Runde;Type;Dato;Minimumskrav;Rolle;Andel enige;Besvarelser
Nulpunkt 2025;Nulpunkt;2025-10-01;3c;Leder;66 %;12
Nulpunkt 2025;Nulpunkt;2025-10-01;3c;Total;62;154
Midt 2026;Midt;2026-10-01;3c;Leder;73,0;11
Midt 2026;Midt;2026-10-01;3c;I alt;0,69;155
"""


def test_import_csv_creates_rounds_and_results(world):
    boss = world.scope("boss")
    check = parse_import(CSV.encode(), "fidelitet.csv", ["2", "3c"])
    assert check.ok, check.errors
    assert [(r.role, r.share) for r in check.rows] == [
        ("leder", 0.66), ("total", 0.62), ("leder", 0.73), ("total", 0.69),
    ]  # fmt: skip
    summary = import_results(world.engine, boss, check)
    assert (summary.rounds_created, summary.inserted, summary.updated) == (2, 4, 0)
    again = import_results(world.engine, boss, check)  # idempotent
    assert (again.rounds_created, again.inserted, again.updated) == (0, 0, 0)
    comp = next(c for c in comparisons(world.engine, boss) if c.requirement.code == "3c")
    assert {r.role: r.change_pp for r in comp.roles if r.change_pp is not None} == {
        "leder": 7.0, "total": 7.0,
    }  # fmt: skip


def test_import_xlsx_reports_every_bad_row_and_writes_nothing(world):
    frame = pd.DataFrame(
        [
            {"Runde": "Midt", "Type": "Midt", "Dato": "2026-10-01", "Minimumskrav": "3c",
             "Rolle": "Leder", "Andel enige": 73, "Besvarelser": 11},
            {"Runde": "Midt", "Type": "Midt", "Dato": "2026-10-01", "Minimumskrav": "9z",
             "Rolle": "Chef", "Andel enige": 130, "Besvarelser": -1},
            {"Runde": "Midt", "Type": "Midt", "Dato": "2026-10-01", "Minimumskrav": "3c",
             "Rolle": "leder", "Andel enige": 70, "Besvarelser": 11},
        ]
    )  # fmt: skip
    out = io.BytesIO()
    frame.to_excel(out, index=False)
    check = parse_import(out.getvalue(), "svar.xlsx", ["2", "3c"])
    assert not check.ok
    # Every problem with its row, column and value, as the course import reports them.
    assert [(p.row, p.column, p.value) for p in check.errors] == [
        (3, "Minimumskrav", "9z"), (3, "Rolle", "Chef"), (3, "Andel enige", "130"),
        (3, "Besvarelser", "-1"), (4, "Rolle", "leder"),
    ]  # fmt: skip
    assert "række 2" in check.errors[-1].message
    with pytest.raises(FidelityImportRefused):
        import_results(world.engine, world.scope("boss"), check)
    assert rounds(world.engine, world.scope("boss")) == []


def test_import_refuses_missing_columns_and_non_sheets(world):
    assert [p.message for p in parse_import(b"Runde;Rolle\nA;Leder\n", "x.csv", ["3c"]).errors] == [
        "Kolonnen mangler: Type, Minimumskrav, Andel enige."
    ]
    assert "regneark" in parse_import(b"hello", "x.pdf", ["3c"]).errors[0].message
    assert parse_import(b"not a zip", "x.xlsx", ["3c"]).errors
    template = parse_import(template_xlsx(), "skabelon.xlsx", ["3c"])
    assert template.ok and len(template.rows) == 2


def test_demo_requirement_3c_has_the_seed_figures(demo_engine):
    from tests.conftest import scope_for

    comps = comparisons(demo_engine, scope_for(demo_engine, "leder"))
    c = next(c for c in comps if c.requirement.code == "3c")
    got = {r.role: (round(r.before * 100), round(r.after * 100), r.change_pp) for r in c.roles}
    assert got == {
        "leder": (66, 73, 7.0),
        "projektleder": (52, 58, 6.0),
        "sagsbehandler": (65, 73, 8.0),
        "virksomhedskonsulent": (52, 61, 9.0),
        "mentor": (67, 71, 4.0),
        "total": (62, 69, 7.0),
    }


def test_the_dry_run_counts_what_an_import_would_do_and_the_import_matches_it(world):
    boss = world.scope("boss")
    check, first = check_upload(world.engine, boss, CSV.encode(), "fidelitet.csv")
    assert not first.errors
    assert (first.counts["Runder"].add, first.counts["Andele"].add) == (2, 4)
    import_results(world.engine, boss, check)
    # One share changed: one update, three unchanged.
    changed = CSV.replace("Leder;73,0;11", "Leder;75;11")
    _, again = check_upload(world.engine, boss, changed.encode(), "fidelitet.csv")
    counts = again.counts["Andele"]
    assert (counts.add, counts.update, counts.unchanged, again.errors) == (0, 1, 3, [])
    # A round that exists with another type: a problem at its row; all or nothing.
    clash = (
        CSV.splitlines()[0]
        + "\nMidt 2026;Midt;;3c;Mentor;50;3\nNulpunkt 2025;Slut;;3c;Mentor;50;3\n"
    )
    check, refused = check_upload(world.engine, boss, clash.encode(), "fidelitet.csv")
    assert [(p.row, p.column, p.message) for p in refused.errors] == [
        (3, "Type", "Runden 'Nulpunkt 2025' findes allerede som nulpunkt.")
    ]
    with pytest.raises(FidelityImportRefused):
        import_results(world.engine, boss, check)  # the good row waits too
    with world.engine.connect() as conn:
        assert fidelity_dry_run(conn, parse_import(CSV.encode(), "f.csv", ["3c"])).changes == 0


def test_a_new_round_without_a_date_is_a_problem_at_its_row(world):
    csv = "Runde;Type;Dato;Minimumskrav;Rolle;Andel enige\nNy;Midt;;3c;Leder;70\n"
    _, result = check_upload(world.engine, world.scope("boss"), csv.encode(), "f.csv")
    assert [(p.row, p.column) for p in result.errors] == [(2, "Dato")]
