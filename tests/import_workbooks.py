"""Workbooks for the import tests and the import benchmark: built with openpyxl from rows,
so each test states its figures."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

PARAMETERS = ["Motivation", "Aktiv handlen", "Opkvalificering", "Bevægelse mod ansættelse"]
HEADERS = {
    "Aftaler": ["Aftale", "Virksomhed", "Pladser", "Startdato", "Evalueringsinterval"],
    "Forløb": [
        "Deltagerkode",
        "Initialer",
        "Målgruppe",
        "Sagsbehandler",
        "Aftale",
        "Status",
        "Startdato",
        "Uger",
        "Forlænget til",
        "Slutdato",
        "Resultat",
        "Resultatdato",
    ],
    "Planer": ["Deltagerkode", "Dato", *PARAMETERS],
    "Evalueringer": ["Deltagerkode", "Dato", *PARAMETERS],
}


def workbook(sheets: dict[str, Iterable[Sequence[object]]]) -> bytes:
    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        ws.append(HEADERS[name])
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def known_figures(today: dt.date) -> dict[str, list[list[object]]]:
    """Two agreements; agreement A has 6 slots and 4 active, 1 in referral, 1 ended with a
    job; agreement B has 10 slots and 2 active. Every active course has a baseline plan and
    one later evaluation."""
    start = today - dt.timedelta(days=200)
    courses: list[list[object]] = []
    plans: list[list[object]] = []
    evaluations: list[list[object]] = []
    for n in range(4):
        code = f"A-{n:03d}"
        courses.append(
            [
                code,
                "AB",
                "Ressourceforløb",
                "",
                "Café-aftalen",
                "aktiv",
                start + dt.timedelta(days=n),
                52,
                None,
                None,
                None,
                None,
            ]
        )
        plans.append([code, start + dt.timedelta(days=n + 28), 2, 2, None, 3])
        evaluations.append([code, start + dt.timedelta(days=n + 90), 3, 4, None, 3])
    courses.append(
        [
            "A-100",
            "CD",
            "integrationsloven",
            "",
            "Café-aftalen",
            "visitation",
            today,
            13,
            None,
            None,
            None,
            None,
        ]
    )
    courses.append(
        [
            "A-200",
            "EF",
            "Ressourceforløb",
            "",
            "café-aftalen",
            "afsluttet",
            start.isoformat(),
            13,
            None,
            (start + dt.timedelta(days=95)).strftime("%d-%m-%Y"),
            "Ordinært job",
            None,
        ]
    )
    for n in range(2):
        code = f"B-{n:03d}"
        courses.append(
            [
                code,
                "GH",
                "Aktivitetsparate (LAB §2.3)",
                "",
                "Motalavej-aftalen",
                "aktiv",
                start,
                13,
                start + dt.timedelta(days=150),
                None,
                None,
                None,
            ]
        )
    return {
        "Aftaler": [
            ["Café-aftalen", "Café Ringparken", 6, start - dt.timedelta(days=30), None],
            ["Motalavej-aftalen", "Motalavej", 10, start - dt.timedelta(days=30), 3],
        ],
        "Forløb": courses,
        "Planer": plans,
        "Evalueringer": evaluations,
    }
