"""The catalogues arrive with migration 0002 in every database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db import catalogue as cat
from db.engine import make_engine
from db.migrate import downgrade, upgrade


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('catalogue')}/t.db"
    upgrade(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


def _rows(engine, sql: str) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql)))


def test_sub_goals(engine):
    rows = _rows(engine, "SELECT label FROM sub_goal ORDER BY sort_order")
    assert len(rows) == 11
    assert rows[0].label == "Opnå større evne til at indgå i sociale relationer"
    assert rows[-1].label == 'Styrke evnen til at finde "ro" og mærke sig selv'


def test_parameters_and_sub_elements(engine):
    rows = _rows(
        engine,
        "SELECT p.code, p.label, COUNT(s.id) AS n FROM parameter p "
        "JOIN sub_element s ON s.parameter_id = p.id GROUP BY p.id, p.code, p.label "
        "ORDER BY p.sort_order",
    )
    assert [(r.code, r.label, r.n) for r in rows] == [
        ("motivation", "Motivation", 5),
        ("active_action", "Aktiv handlen", 3),
        ("upskilling", "Opkvalificering", 3),
        ("toward_employment", "Bevægelse mod ansættelse", 7),
    ]
    first = _rows(
        engine, "SELECT label FROM sub_element WHERE parameter_id = 4 ORDER BY sort_order"
    )
    assert [r.label for r in first][-1] == "Brancheafprøvning"


def test_score_scale(engine):
    rows = _rows(engine, "SELECT value, label, description FROM score_level ORDER BY value")
    assert [(r.value, r.label) for r in rows] == [
        (1, "Ikke til stede"),
        (2, "I ringe grad"),
        (3, "I nogen grad"),
        (4, "I høj grad"),
        (5, "I meget høj grad"),
    ]
    assert all(r.description for r in rows)


def test_outcome_types(engine):
    rows = _rows(engine, "SELECT label, category FROM outcome_type ORDER BY sort_order")
    assert {r.label: r.category for r in rows} == {
        "Ordinært job": "job",
        "Løntilskudsjob": "job",
        "Fleksjob": "job",
        "Småjob": "job",
        "Uddannelse (fx VUC)": "education",
        "Indstillet til rehabiliteringsteamet": "other",
        "Fortsætter i forløb": "continues",
        "Stoppet – sygdom": "other",
        "Stoppet – andet": "other",
    }


def test_target_groups_and_fidelity_requirements(engine):
    groups = _rows(engine, "SELECT label FROM target_group ORDER BY sort_order")
    assert len(groups) == 4
    reqs = {r.code: r.label for r in _rows(engine, "SELECT code, label FROM fidelity_requirement")}
    assert reqs["3c"] == "Løbende opfølgning med mentorstøtte"
    assert reqs["2"] == "Sagsbehandlere og teamledere skal kunne se resultatet af deres arbejde"


def test_catalogue_rows_match_module_data():
    rows = cat.catalogue_rows()
    assert len(rows["sub_element"]) == 18
    assert [r["id"] for r in rows["sub_element"]] == list(range(1, 19))
    assert cat.sub_element_ids("active_action") == [6, 7, 8]


def test_downgrade_removes_and_upgrade_restores(tmp_path):
    url = f"sqlite:///{tmp_path}/d.db"
    upgrade(url)
    downgrade(url, "0001")
    eng = make_engine(url)
    try:
        assert _rows(eng, "SELECT COUNT(*) AS n FROM sub_goal")[0].n == 0
        upgrade(url)
        assert _rows(eng, "SELECT COUNT(*) AS n FROM sub_goal")[0].n == 11
    finally:
        eng.dispose()
