"""'Hent skabelon': an empty workbook with the four sheets' headers, an instructions sheet,
and drop-down lists for the catalogue columns (from the database, so a renamed target
group or outcome is offered as it is named now; retired entries are left out)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Engine, select

from db.models import Agreement, OutcomeType, Parameter, ScoreLevel, TargetGroup, User
from lib.domain.enums import Role
from lib.imports.limits import MAX_BYTES, MAX_ROWS
from lib.imports.reading import SHEETS
from lib.imports.schema import STATUS_WORDS, columns_of

LIST_ROWS = 5000  # rows the drop-downs cover

INSTRUCTIONS = [
    ("Sådan bruges skabelonen", ""),
    ("Ark", "Aftaler, Forløb, Planer og Evalueringer. Et ark må være tomt eller mangle."),
    (
        "Rækker",
        "Første række er overskrifter; skriv ikke om dem. Én række pr. aftale, forløb, plan eller evaluering.",
    ),
    ("Datoer", "Som Excel-dato, ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ."),
    (
        "Aftaler",
        "Aftale (navn), Virksomhed (oprettes, hvis den ikke findes), Pladser, Startdato, Evalueringsinterval i måneder (tom = 2).",
    ),
    (
        "Forløb",
        "Deltagerkode (pseudonym – aldrig CPR-nummer), Initialer, Målgruppe, Sagsbehandler (brugernavn, må være tom), Aftale, Status (visitation, aktiv, afsluttet), Startdato, Uger (13 eller 52), Forlænget til, Slutdato (kun afsluttede), Resultat og Resultatdato (kun afsluttede).",
    ),
    (
        "Planer",
        "Deltagerkode, Dato og en score pr. parameter på skalaen (tom = ikke valgt). Planen hører til deltagerens forløb på datoen.",
    ),
    ("Evalueringer", "Deltagerkode, Dato og en score pr. parameter (tom = ikke scoret)."),
    (
        "Katalogværdier",
        "Målgruppe og Resultat skrives som i kataloget (store/små bogstaver er ligegyldige); listerne i cellerne viser dem.",
    ),
    (
        "Genkendelse",
        "En aftale genkendes på navnet, et forløb på deltagerkode + startdato, en plan eller evaluering på forløb + dato. Samme fil to gange ændrer intet anden gang.",
    ),
    (
        "Kontrol",
        "Filen kontrolleres først; intet gemmes, før du trykker Importér, og kun når der ingen fejl er. Alt gemmes samlet eller slet ikke.",
    ),
    (
        "Grænser",
        f"Højst {MAX_BYTES // 1024 // 1024} MB og {MAX_ROWS:,} rækker pr. fil.".replace(",", "."),
    ),
    (
        "CSV",
        "Et ark kan også indlæses alene som CSV (UTF-8, komma eller semikolon), med arkets navn som filnavn, fx Forløb.csv.",
    ),
]


def template_lists(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        return {
            "Målgruppe": list(
                conn.scalars(
                    select(TargetGroup.label)
                    .where(TargetGroup.retired.is_(False))
                    .order_by(TargetGroup.sort_order, TargetGroup.id)
                )
            ),
            "Resultat": list(
                conn.scalars(
                    select(OutcomeType.label)
                    .where(OutcomeType.retired.is_(False))
                    .order_by(OutcomeType.sort_order, OutcomeType.id)
                )
            ),
            "Sagsbehandler": list(
                conn.scalars(
                    select(User.username)
                    .where(User.role == Role.CASEWORKER, User.is_active.is_(True))
                    .order_by(User.username)
                )
            ),
            "Aftale": list(conn.scalars(select(Agreement.name).order_by(Agreement.name))),
            "Status": list(STATUS_WORDS),
            "Uger": ["13", "52"],
            "Parametre": list(
                conn.scalars(select(Parameter.label).order_by(Parameter.sort_order, Parameter.id))
            ),
            "Skala": [
                str(v) for v in conn.scalars(select(ScoreLevel.value).order_by(ScoreLevel.value))
            ],
        }


def template_xlsx(engine: Engine) -> bytes:
    lists = template_lists(engine)
    parameters = lists["Parametre"]
    book = Workbook()
    book.remove(book.active)
    sheets = {}
    for name in SHEETS:
        ws = book.create_sheet(name)
        columns = columns_of(name, parameters)
        ws.append(columns)
        for n, column in enumerate(columns, start=1):
            ws.cell(1, n).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(n)].width = max(14, len(column) + 4)
        ws.freeze_panes = "A2"
        sheets[name] = (ws, columns)

    guide = book.create_sheet("Vejledning")
    for row in INSTRUCTIONS:
        guide.append(list(row))
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 120

    hidden = book.create_sheet("Lister")
    hidden.sheet_state = "hidden"
    ranges = {}
    for n, (title, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(n)
        hidden.cell(1, n, title)
        for r, value in enumerate(values, start=2):
            hidden.cell(r, n, value)
        ranges[title] = f"=Lister!${letter}$2:${letter}${max(len(values), 1) + 1}"

    def drop_down(sheet: str, column: str, source: str, strict: bool = True) -> None:
        ws, columns = sheets[sheet]
        letter = get_column_letter(columns.index(column) + 1)
        rule = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            errorStyle="stop" if strict else "warning",
            error="Vælg en værdi fra listen.",
        )
        rule.add(f"{letter}2:{letter}{LIST_ROWS}")
        ws.add_data_validation(rule)

    drop_down("Forløb", "Målgruppe", ranges["Målgruppe"])
    drop_down("Forløb", "Status", ranges["Status"])
    drop_down("Forløb", "Uger", ranges["Uger"])
    drop_down("Forløb", "Resultat", ranges["Resultat"])
    drop_down("Forløb", "Sagsbehandler", ranges["Sagsbehandler"], strict=False)
    # An agreement may be new in this file's Aftaler sheet: the list only suggests.
    drop_down("Forløb", "Aftale", ranges["Aftale"], strict=False)
    for sheet in ("Planer", "Evalueringer"):
        for parameter in parameters:
            drop_down(sheet, parameter, ranges["Skala"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
