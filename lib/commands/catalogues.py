"""Catalogue administration (admin): add, rename and retire target groups, sub-goals,
sub-elements and outcome types; relabel the score scale; set the small-count threshold.

An entry in use is never deleted: it is renamed (the audit log keeps the old label) or
retired (hidden from new entries, still shown where it was used). An unused entry, e.g.
one added by mistake, may be deleted. Rules for every command: lib/commands/kit.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import (
    AppSetting,
    AuditLog,
    OutcomeType,
    Parameter,
    ScoreLevel,
    SubElement,
    SubGoal,
    TargetGroup,
)
from lib.commands.kit import STALE_MESSAGE, StaleEdit, ValidationError
from lib.commands.users import require_admin
from lib.domain.access import Scope
from lib.domain.enums import OutcomeCategory

MODELS: dict[str, type[TargetGroup | SubGoal | SubElement | OutcomeType]] = {
    "target_group": TargetGroup,
    "sub_goal": SubGoal,
    "sub_element": SubElement,
    "outcome_type": OutcomeType,
}

THRESHOLD_KEY = "suppression_threshold"
THRESHOLD_RANGE = (2, 20)


@dataclass
class EntryInput:
    label: str
    retired: bool = False
    category: str | None = None  # outcome types
    parameter_id: int | None = None  # sub-elements (when added)


def _code(label: str) -> str:
    plain = unicodedata.normalize("NFKD", label.lower().replace("æ", "ae").replace("ø", "oe"))
    plain = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:30] or "entry"


def _unique_code(s: Session, model, label: str, **where) -> str:
    base = _code(label)
    code, n = base, 1
    while s.scalar(select(model.id).filter_by(code=code, **where)) is not None:
        n += 1
        code = f"{base}_{n}"
    return code


def _check_label(s: Session, model, label: str, entry_id: int | None, **where) -> dict[str, str]:
    if not label:
        return {"label": "Skriv en betegnelse."}
    if len(label) > 200:
        return {"label": "Betegnelsen er for lang: højst 200 tegn."}
    clash = s.scalar(
        select(model.id).filter_by(**where).where(func.lower(model.label) == label.lower())
    )
    if clash is not None and clash != entry_id:
        return {"label": "Den betegnelse findes allerede i kataloget."}
    return {}


def add_entry(engine: Engine, scope: Scope, kind: str, data: EntryInput) -> int:
    require_admin(scope)
    model = MODELS[kind]
    label = data.label.strip()
    with write_session(engine, scope.username) as s:
        where = {"parameter_id": data.parameter_id} if kind == "sub_element" else {}
        errors = _check_label(s, model, label, None, **where)
        if kind == "sub_element" and (
            data.parameter_id is None or s.get(Parameter, data.parameter_id) is None
        ):
            errors["parameter_id"] = "Vælg parameteren."
        if kind == "outcome_type" and data.category not in OutcomeCategory.labels():
            errors["category"] = "Vælg kategori: job, uddannelse, fortsætter eller andet."
        if errors:
            raise ValidationError(errors)
        last = s.scalar(select(func.coalesce(func.max(model.sort_order), 0)).filter_by(**where))
        entry = model(
            code=_unique_code(s, model, label, **where),
            label=label,
            sort_order=(last or 0) + 1,
            retired=False,
            **where,
        )
        if isinstance(entry, OutcomeType):
            entry.category = data.category or OutcomeCategory.OTHER
        s.add(entry)
        s.flush()
        return entry.id


def update_entry(
    engine: Engine,
    scope: Scope,
    kind: str,
    entry_id: int,
    data: EntryInput,
    expected_label: str,
    expected_retired: bool,
) -> None:
    """Rename, retire or bring back an entry. Refused as stale when someone else changed
    its label or state after the form was opened."""
    require_admin(scope)
    model = MODELS[kind]
    label = data.label.strip()
    with write_session(engine, scope.username) as s:
        # One of the four catalogue models; all have label and retired.
        entry: Any = s.execute(
            select(model).where(model.id == entry_id).with_for_update()
        ).scalar_one_or_none()
        if entry is None:
            raise ValidationError({"_form": "Værdien findes ikke længere."})
        if entry.label != expected_label or entry.retired != expected_retired:
            raise StaleEdit(
                STALE_MESSAGE.format(what="Værdien"),
                {"Betegnelse": entry.label, "Udgået": "ja" if entry.retired else "nej"},
                None,
            )
        where = {"parameter_id": entry.parameter_id} if isinstance(entry, SubElement) else {}
        errors = _check_label(s, model, label, entry_id, **where)
        if isinstance(entry, OutcomeType) and data.category not in OutcomeCategory.labels():
            errors["category"] = "Vælg kategori: job, uddannelse, fortsætter eller andet."
        if errors:
            raise ValidationError(errors)
        entry.label = label
        entry.retired = data.retired
        if isinstance(entry, OutcomeType) and data.category:
            entry.category = data.category


def delete_unused_entry(engine: Engine, scope: Scope, kind: str, entry_id: int, uses: int) -> None:
    """Delete an entry nobody uses; `uses` is what the page showed (0). The database's
    foreign keys refuse it anyway if a record uses it by now."""
    require_admin(scope)
    if uses:
        raise ValidationError(
            {"_form": "Værdien er i brug og kan ikke slettes. Tag den ud af brug i stedet."}
        )
    with write_session(engine, scope.username) as s:
        entry = s.get(MODELS[kind], entry_id)
        if entry is None:
            raise ValidationError({"_form": "Værdien findes ikke længere."})
        s.delete(entry)


def set_score_label(
    engine: Engine,
    scope: Scope,
    value: int,
    label: str,
    description: str,
    expected_label: str,
) -> None:
    require_admin(scope)
    label = label.strip()
    with write_session(engine, scope.username) as s:
        level = s.get(ScoreLevel, value)
        if level is None:
            raise ValidationError({"_form": "Trinnet findes ikke på skalaen."})
        if level.label != expected_label:
            raise StaleEdit(
                STALE_MESSAGE.format(what="Skalaens trin"), {"Betegnelse": level.label}, None
            )
        errors: dict[str, str] = {}
        if not label:
            errors["label"] = "Skriv trinnets betegnelse."
        elif len(label) > 120:
            errors["label"] = "Betegnelsen er for lang: højst 120 tegn."
        if len(description) > 1000:
            errors["description"] = "Beskrivelsen er for lang: højst 1000 tegn."
        if errors:
            raise ValidationError(errors)
        level.label = label
        level.description = description.strip()


def set_threshold(engine: Engine, scope: Scope, value: int | None, expected: int) -> None:
    """The small-count threshold for committee material. app_setting is not audited by the
    flush hook (it also holds the demo flag), so this writes its audit row itself."""
    require_admin(scope)
    lo, hi = THRESHOLD_RANGE
    if value is None or not lo <= value <= hi:
        raise ValidationError({"threshold": f"Grænsen skal være mellem {lo} og {hi}."})
    with write_session(engine, scope.username) as s:
        setting = s.get(AppSetting, THRESHOLD_KEY, with_for_update=True)
        current = int(setting.value) if setting else 5
        if current != expected:
            raise StaleEdit(STALE_MESSAGE.format(what="Grænsen"), {"Grænse": str(current)}, None)
        if setting is None:
            s.add(AppSetting(key=THRESHOLD_KEY, value=str(value)))
        else:
            setting.value = str(value)
        s.flush()
        s.execute(
            insert(AuditLog),
            [
                {
                    "username": scope.username,
                    "action": "update" if setting else "create",
                    "table_name": "app_setting",
                    "record_id": THRESHOLD_KEY,
                    "before": json.dumps({"value": current}),
                    "after": json.dumps({"value": value}),
                }
            ],
        )
