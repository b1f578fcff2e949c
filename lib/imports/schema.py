"""The sheets' columns, declared: one pydantic model per sheet row, the Danish column names
as aliases, and a Danish message for every cell a model refuses. Rules that need other
rows or the database (an unknown agreement, a full agreement ...) are in dry_run.py.

Cells come as Excel gives them (datetime, int, float, str) or as CSV text; each type here
reads both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from lib.domain.enums import EnrolmentStatus

BLANK_INTERVAL = 2
EXCEL_EPOCH = dt.date(1899, 12, 30)

# The Status column's words -> stored status.
STATUS_WORDS = {
    "visitation": EnrolmentStatus.REFERRAL,
    "aktiv": EnrolmentStatus.ACTIVE,
    "afsluttet": EnrolmentStatus.ENDED,
}

_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_DK = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value != value


def read_text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in Excel
    return str(value).strip()


def read_date(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip().split(" ")[0]
    try:
        if m := _DATE_ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DATE_DK.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise ValueError("Datoen findes ikke i kalenderen.") from None
    raise ValueError("Ikke en dato: skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ.")


def read_int(value: Any) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("Skal være et helt tal.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+[.,]0+", text):
        return int(re.split(r"[.,]", text)[0])
    raise ValueError("Skal være et helt tal.")


def read_status(value: Any) -> str | None:
    text = read_text(value)
    if text is None:
        return None
    status = STATUS_WORDS.get(text.casefold())
    if status is None:
        raise ValueError("Status skal være visitation, aktiv eller afsluttet.")
    return status


def read_weeks(value: Any) -> int | None:
    weeks = read_int(value)
    if weeks is not None and weeks not in (13, 52):
        raise ValueError("Uger skal være 13 eller 52.")
    return weeks


Text = Annotated[str | None, BeforeValidator(read_text)]
Day = Annotated[dt.date | None, BeforeValidator(read_date)]
Whole = Annotated[int | None, BeforeValidator(read_int)]
Status = Annotated[str | None, BeforeValidator(read_status)]
Weeks = Annotated[int | None, BeforeValidator(read_weeks)]


class SheetRow(BaseModel):
    model_config = ConfigDict(populate_by_name=False, extra="ignore", frozen=True)


class AgreementSheetRow(SheetRow):
    name: Text = Field(alias="Aftale")
    enterprise: Text = Field(alias="Virksomhed")
    slots: Whole = Field(alias="Pladser")
    start_date: Day = Field(alias="Startdato")
    evaluation_interval_months: Whole = Field(None, alias="Evalueringsinterval")


class CourseSheetRow(SheetRow):
    case_code: Text = Field(alias="Deltagerkode")
    initials: Text = Field(alias="Initialer")
    target_group: Text = Field(alias="Målgruppe")
    caseworker: Text = Field(None, alias="Sagsbehandler")
    agreement: Text = Field(alias="Aftale")
    status: Status = Field(alias="Status")
    start_date: Day = Field(alias="Startdato")
    planned_weeks: Weeks = Field(alias="Uger")
    extended_to: Day = Field(None, alias="Forlænget til")
    end_date: Day = Field(None, alias="Slutdato")
    outcome: Text = Field(None, alias="Resultat")
    outcome_date: Day = Field(None, alias="Resultatdato")


# Columns that must hold a value (others may be blank).
REQUIRED = {
    "Aftaler": ("Aftale", "Virksomhed", "Pladser", "Startdato"),
    "Forløb": ("Deltagerkode", "Initialer", "Målgruppe", "Aftale", "Status", "Startdato", "Uger"),
    "Planer": ("Deltagerkode", "Dato"),
    "Evalueringer": ("Deltagerkode", "Dato"),
}

FIXED_COLUMNS: dict[str, list[str]] = {
    "Aftaler": [str(f.alias) for f in AgreementSheetRow.model_fields.values()],
    "Forløb": [str(f.alias) for f in CourseSheetRow.model_fields.values()],
    "Planer": ["Deltagerkode", "Dato"],
    "Evalueringer": ["Deltagerkode", "Dato"],
}


def scores_model(parameter_labels: list[str]) -> type[SheetRow]:
    """Planer and Evalueringer: Deltagerkode, Dato and one score column per parameter
    (the catalogue's labels, so a renamed parameter renames the column)."""
    fields: dict[str, Any] = {
        "case_code": (Text, Field(alias="Deltagerkode")),
        "day": (Day, Field(alias="Dato")),
    }
    for n, label in enumerate(parameter_labels):
        fields[f"p{n}"] = (Whole, Field(None, alias=label))
    return create_model("ScoreSheetRow", __base__=SheetRow, **fields)


def columns_of(sheet: str, parameter_labels: list[str]) -> list[str]:
    fixed = FIXED_COLUMNS[sheet]
    return fixed + parameter_labels if sheet in ("Planer", "Evalueringer") else fixed


def cell_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(column, Danish reason) for each cell pydantic refused."""
    out = []
    for item in error.errors():
        column = str(item["loc"][0]) if item["loc"] else ""
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "Kolonnen mangler."
        elif item["type"] not in ("value_error",):
            message = "Ugyldig værdi."
        out.append((column, message))
    return out
