"""Fidelity surveys (the STV project's measure of fidelity to its minimum requirements):
per survey round (baseline, midpoint, final), minimum requirement and role, the share of
respondents who agree the requirement is met.

Entered in a grid (`save_round_results`) here, or imported from a spreadsheet
(lib/imports/fidelity.py). Fidelity figures are about staff, not participants: no participant
scope applies, but only managers and admins may read and write them.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import FIDELITY_ROLES, FidelityRequirement, FidelityResult, SurveyRound
from lib.commands.kit import ValidationError, check_date, check_name, clean_field, is_blank
from lib.domain.access import Scope, require_manager
from lib.domain.enums import FidelityRole, SurveyRoundKind
from lib.domain.fidelity import role_code


def create_round(
    engine: Engine, scope: Scope, name: str, kind: str, held_on: dt.date | None
) -> int:
    require_manager(scope)
    errors: dict[str, str] = {}
    name = clean_field(name)
    check_name(errors, "name", name, 200, missing="Giv runden et navn, fx 'Midtvejsmåling 2026'.")
    if kind not in SurveyRoundKind.labels():
        errors["kind"] = "Vælg nulpunkt, midtvejs eller slut."
    # A round may be dated ahead: it is created before the survey is sent out.
    check_date(errors, "held_on", held_on, today=None)
    with write_session(engine, scope.username) as s:
        if name and s.scalar(select(SurveyRound.id).where(SurveyRound.name == name)):
            errors["name"] = f"Der findes allerede en runde med navnet '{name}'."
        if errors:
            raise ValidationError(errors)
        r = SurveyRound(name=name, kind=kind, held_on=held_on)
        s.add(r)
        s.flush()
        return r.id


def add_requirement(engine: Engine, scope: Scope, code: str, label: str) -> int:
    require_manager(scope)
    code, label = clean_field(code), clean_field(label)
    errors: dict[str, str] = {}
    if not code or len(code) > 20:
        errors["code"] = "Skriv kravets nummer, fx '3c' (højst 20 tegn)."
    if not label or len(label) > 300:
        errors["label"] = "Skriv kravets tekst (højst 300 tegn)."
    with write_session(engine, scope.username) as s:
        if code and s.scalar(
            select(FidelityRequirement.id).where(FidelityRequirement.code == code)
        ):
            errors["code"] = f"Minimumskrav {code} findes allerede."
        if errors:
            raise ValidationError(errors)
        req = FidelityRequirement(code=code, label=label)
        s.add(req)
        s.flush()
        return req.id


def _validate_grid(
    rows: Sequence[dict],
) -> tuple[dict[str, tuple[float | None, int | None]], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, tuple[float | None, int | None]] = {}
    for row in rows:
        role = row.get("role") or role_code(row.get("Rolle"))
        if role not in FIDELITY_ROLES:
            errors[f"role:{row.get('Rolle')}"] = f"Ukendt rolle '{row.get('Rolle')}'."
            continue
        label = FidelityRole.label_of(role)
        raw: Any = row.get("Andel enige (%)")  # a grid cell: anything typed
        try:
            pct = None if is_blank(raw) else float(raw)
        except (TypeError, ValueError):
            errors[role] = f"{label}: andelen skal være et tal mellem 0 og 100."
            continue
        if pct is not None and not 0 <= pct <= 100:
            errors[role] = f"{label}: andelen skal ligge mellem 0 og 100 % (fik {pct:g})."
            continue
        n_raw: Any = row.get("Besvarelser")
        n: int | None = None
        if not is_blank(n_raw):
            try:
                n = int(n_raw)
            except (TypeError, ValueError):
                n = -1
            if n < 0 or float(n_raw) != n:
                errors[f"{role}:n"] = f"{label}: antal besvarelser skal være et helt tal ≥ 0."
                continue
        if pct is None and n is not None:
            errors[role] = f"{label}: udfyld andelen, eller slet antal besvarelser."
            continue
        values[role] = (None if pct is None else round(pct / 100, 4), n)
    return values, errors


def save_round_results(
    engine: Engine, scope: Scope, round_id: int, requirement_id: int, rows: Sequence[dict]
) -> int:
    """Save the grid for one round and requirement: a role with a share is inserted or
    updated, a role whose share was cleared is deleted. Returns the number of roles with
    a share after saving. All rows are validated before anything is written."""
    require_manager(scope)
    values, errors = _validate_grid(rows)
    if errors:
        raise ValidationError(errors)
    with write_session(engine, scope.username) as s:
        if (
            s.get(SurveyRound, round_id) is None
            or s.get(FidelityRequirement, requirement_id) is None
        ):
            raise ValidationError({"round": "Runden eller minimumskravet findes ikke længere."})
        existing = {
            r.role: r
            for r in s.scalars(
                select(FidelityResult).where(
                    FidelityResult.survey_round_id == round_id,
                    FidelityResult.requirement_id == requirement_id,
                )
            )
        }
        for role, (value, n) in values.items():
            row = existing.get(role)
            if value is None:
                if row is not None:
                    s.delete(row)
                continue
            if row is None:
                s.add(FidelityResult(survey_round_id=round_id, requirement_id=requirement_id,
                                     role=role, share_agree=value, respondents=n))  # fmt: skip
            elif row.share_agree != value or row.respondents != n:
                row.share_agree, row.respondents = value, n
        s.flush()
        return len(
            s.scalars(
                select(FidelityResult.id).where(
                    FidelityResult.survey_round_id == round_id,
                    FidelityResult.requirement_id == requirement_id,
                )
            ).all()
        )
