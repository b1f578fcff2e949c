"""Fidelity surveys (seed 2): per survey round (baseline, midpoint, final), minimum
requirement and role, the share of respondents who agree the requirement is met.

Entered in a grid (`save_round_results`) or imported from a spreadsheet (`parse_import`,
then `import_results`). Fidelity figures are about staff, not participants: no participant
scope applies, but only managers and admins may read and write them.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import FIDELITY_ROLES, FidelityRequirement, FidelityResult, SurveyRound
from lib.entry import ValidationError
from lib.scope import AccessDenied, Scope

ROLE_LABELS = {
    "leder": "Leder",
    "projektleder": "Projektleder",
    "sagsbehandler": "Sagsbehandler",
    "virksomhedskonsulent": "Virksomhedskonsulent",
    "mentor": "Mentor",
    "total": "Total",
}
KIND_LABELS = {"baseline": "Nulpunkt", "midpoint": "Midtvejs", "final": "Slut"}
KIND_ORDER = ("baseline", "midpoint", "final")

# Spreadsheet words accepted for a role or a round kind (lower case, no punctuation).
_ROLE_WORDS = {
    **{code: code for code in FIDELITY_ROLES},
    **{label.lower(): code for code, label in ROLE_LABELS.items()},
    "stv-projektleder": "projektleder",
    "stv projektleder": "projektleder",
    "vk": "virksomhedskonsulent",
    "i alt": "total",
    "manager": "leder",
    "project lead": "projektleder",
    "caseworker": "sagsbehandler",
    "company consultant": "virksomhedskonsulent",
}
_KIND_WORDS = {
    "baseline": "baseline", "nulpunkt": "baseline", "nul": "baseline",
    "nulpunktsmåling": "baseline", "midpoint": "midpoint", "midt": "midpoint",
    "midtvejs": "midpoint", "midtvejsmåling": "midpoint", "final": "final", "slut": "final",
    "slutmåling": "final",
}  # fmt: skip

IMPORT_COLUMNS = {
    "runde": "round",
    "type": "kind",
    "dato": "held_on",
    "minimumskrav": "requirement",
    "rolle": "role",
    "andel enige": "share",
    "besvarelser": "respondents",
}
REQUIRED_IMPORT_COLUMNS = ("round", "kind", "requirement", "role", "share")
MAX_IMPORT_BYTES = 2_000_000


def _require_manager(scope: Scope) -> None:
    if not scope.sees_all:
        raise AccessDenied("Fidelitetsmålinger kan kun ses og rettes af ledere.")


# =========================================================================== pure rules


def change_pp(before: float | None, after: float | None) -> float | None:
    """Change between two shares (0..1) in percentage points, rounded to 0.1:
    0.62 -> 0.69 gives 7.0."""
    if before is None or after is None:
        return None
    return round((after - before) * 100, 1)


def fmt_pp(value: float | None) -> str:
    """'+7 %-point', '−1,5 %-point', '±0 %-point'; '–' when missing."""
    if value is None:
        return "–"
    whole = float(value).is_integer()
    number = f"{abs(value):.0f}" if whole else f"{abs(value):.1f}".replace(".", ",")
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number} %-point"


def parse_share(raw) -> float | None:
    """A share from a cell, as 0..1: 73, '73 %', '73,5', 0.73, '0,73' -> 0.73. A number
    above 1 or written with '%' is a percentage; 1 or below is a share. None when empty.
    Raises ValueError for text that is no number or a value outside 0-100 %."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    percent = False
    if isinstance(raw, str):
        text = raw.replace("\u00a0", "").strip()
        if text.endswith("%"):
            percent, text = True, text[:-1].strip()
        if not text:
            return None
        text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{raw}' er ikke et tal") from None
    else:
        value = float(raw)
    if percent or value > 1:
        value = value / 100
    if not 0 <= value <= 1:
        raise ValueError(f"{raw} ligger ikke mellem 0 og 100 %")
    return round(value, 4)


def role_code(raw) -> str | None:
    if raw is None:
        return None
    return _ROLE_WORDS.get(str(raw).strip().lower())


def kind_code(raw) -> str | None:
    if raw is None:
        return None
    return _KIND_WORDS.get(str(raw).strip().lower())


# =========================================================================== reads


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    kind: str
    held_on: dt.date

    @property
    def label(self) -> str:
        return f"{self.name} ({KIND_LABELS[self.kind].lower()})"


@dataclass(frozen=True)
class Requirement:
    id: int
    code: str
    label: str

    @property
    def title(self) -> str:
        return f"Minimumskrav {self.code}: {self.label}"


@dataclass(frozen=True)
class Result:
    round_id: int
    requirement_id: int
    role: str
    share: float
    respondents: int | None


def rounds(engine: Engine, scope: Scope) -> list[RoundInfo]:
    _require_manager(scope)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                SurveyRound.id, SurveyRound.name, SurveyRound.kind, SurveyRound.held_on
            ).order_by(SurveyRound.held_on, SurveyRound.id)
        ).all()
        return [RoundInfo(r.id, r.name, r.kind, r.held_on) for r in rows]


def requirements(engine: Engine, scope: Scope) -> list[Requirement]:
    _require_manager(scope)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                FidelityRequirement.id, FidelityRequirement.code, FidelityRequirement.label
            ).order_by(FidelityRequirement.code)
        ).all()
        return [Requirement(r.id, r.code, r.label) for r in rows]


def results(engine: Engine, scope: Scope) -> list[Result]:
    _require_manager(scope)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                FidelityResult.survey_round_id,
                FidelityResult.requirement_id,
                FidelityResult.role,
                FidelityResult.share_agree,
                FidelityResult.respondents,
            )
        ).all()
        return [Result(*r) for r in rows]


@dataclass(frozen=True)
class RoleComparison:
    role: str
    label: str
    before: float | None
    after: float | None
    before_n: int | None
    after_n: int | None

    @property
    def change_pp(self) -> float | None:
        return change_pp(self.before, self.after)


@dataclass(frozen=True)
class Comparison:
    requirement: Requirement
    before: RoundInfo | None
    after: RoundInfo | None
    roles: list[RoleComparison]

    @property
    def has_data(self) -> bool:
        return any(r.before is not None or r.after is not None for r in self.roles)


def pick_rounds(
    all_rounds: Sequence[RoundInfo], with_data: set[int]
) -> tuple[RoundInfo | None, RoundInfo | None]:
    """The rounds to compare for a requirement: the latest baseline against the latest
    later round (midpoint, else final), among rounds that hold results for it."""
    have = [r for r in all_rounds if r.id in with_data]
    baselines = [r for r in have if r.kind == "baseline"]
    before = baselines[-1] if baselines else None
    later = [
        r for r in have if r.kind != "baseline" and (before is None or r.held_on >= before.held_on)
    ]
    midpoints = [r for r in later if r.kind == "midpoint"]
    after = (midpoints or later)[-1] if later else None
    if before is None and len(have) >= 2:
        before, after = have[-2], have[-1]
    elif before is None and have:
        after = have[-1]
    return before, after


def comparisons(engine: Engine, scope: Scope) -> list[Comparison]:
    """Per requirement: baseline against midpoint (or the latest later round) per role."""
    all_rounds = rounds(engine, scope)
    reqs = requirements(engine, scope)
    res = results(engine, scope)
    out = []
    for req in reqs:
        mine = [r for r in res if r.requirement_id == req.id]
        before, after = pick_rounds(all_rounds, {r.round_id for r in mine})
        index = {(r.round_id, r.role): r for r in mine}
        roles = []
        for role in FIDELITY_ROLES:
            b = index.get((before.id, role)) if before else None
            a = index.get((after.id, role)) if after else None
            roles.append(
                RoleComparison(
                    role, ROLE_LABELS[role], b.share if b else None, a.share if a else None,
                    b.respondents if b else None, a.respondents if a else None,
                )
            )  # fmt: skip
        out.append(Comparison(req, before, after, roles))
    return out


def grid_rows(engine: Engine, scope: Scope, round_id: int, requirement_id: int) -> list[dict]:
    """The editable grid for one round and requirement: one row per role, shares in %."""
    index = {
        r.role: r
        for r in results(engine, scope)
        if r.round_id == round_id and r.requirement_id == requirement_id
    }
    return [
        {
            "role": role,
            "Rolle": ROLE_LABELS[role],
            "Andel enige (%)": round(index[role].share * 100, 1) if role in index else None,
            "Besvarelser": index[role].respondents if role in index else None,
        }
        for role in FIDELITY_ROLES
    ]


# =========================================================================== writes


def create_round(
    engine: Engine, scope: Scope, name: str, kind: str, held_on: dt.date | None
) -> int:
    _require_manager(scope)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Giv runden et navn, fx 'Midtvejsmåling 2026'."
    elif len(name) > 200:
        errors["name"] = "Navnet er for langt: højst 200 tegn."
    if kind not in KIND_LABELS:
        errors["kind"] = "Vælg nulpunkt, midtvejs eller slut."
    if held_on is None:
        errors["held_on"] = "Vælg en dato."
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
    _require_manager(scope)
    code, label = (code or "").strip(), (label or "").strip()
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


def _validate_grid(rows: Sequence[dict]) -> tuple[dict[str, tuple[float | None, int | None]], dict]:
    errors: dict[str, str] = {}
    values: dict[str, tuple[float | None, int | None]] = {}
    for row in rows:
        role = row.get("role") or role_code(row.get("Rolle"))
        if role not in FIDELITY_ROLES:
            errors[f"role:{row.get('Rolle')}"] = f"Ukendt rolle '{row.get('Rolle')}'."
            continue
        label = ROLE_LABELS[role]
        raw = row.get("Andel enige (%)")
        try:
            pct = (
                None if raw is None or (isinstance(raw, float) and math.isnan(raw)) else float(raw)
            )
        except (TypeError, ValueError):
            errors[role] = f"{label}: andelen skal være et tal mellem 0 og 100."
            continue
        if pct is not None and not 0 <= pct <= 100:
            errors[role] = f"{label}: andelen skal ligge mellem 0 og 100 % (fik {pct:g})."
            continue
        n_raw = row.get("Besvarelser")
        n: int | None = None
        if n_raw is not None and not (isinstance(n_raw, float) and math.isnan(n_raw)):
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
    _require_manager(scope)
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


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportRow:
    line: int  # spreadsheet row number as the user sees it (header = 1)
    round_name: str
    kind: str
    held_on: dt.date | None
    requirement: str
    role: str
    share: float
    respondents: int | None


@dataclass(frozen=True)
class ImportCheck:
    rows: list[ImportRow]
    errors: list[str]  # Danish, one per problem, with the row number

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def read_sheet(data: bytes, filename: str) -> pd.DataFrame:
    """The first sheet of an .xlsx file, or a .csv (comma or semicolon separated)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object)
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        first = text.splitlines()[0] if text else ""
        sep = ";" if first.count(";") > first.count(",") else ","
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=object, keep_default_na=True)
    raise ValueError("Filen skal være et regneark (.xlsx) eller en .csv-fil.")


def _cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _parse_date(raw) -> dt.date | None:
    raw = _cell(raw)
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_import(data: bytes, filename: str, known_requirements: Sequence[str]) -> ImportCheck:
    """Read and check a spreadsheet without writing anything. Columns (Danish headers,
    any order, case-insensitive): Runde, Type, Dato, Minimumskrav, Rolle, Andel enige,
    Besvarelser. Every problem is reported with its row number."""
    if len(data) > MAX_IMPORT_BYTES:
        return ImportCheck([], ["Filen er for stor (højst 2 MB)."])
    try:
        frame = read_sheet(data, filename)
    except ValueError as exc:
        return ImportCheck([], [str(exc)])
    except Exception as exc:  # a broken or non-spreadsheet file
        return ImportCheck([], [f"Filen kunne ikke læses som regneark ({exc.__class__.__name__})."])
    columns = {str(c).strip().lower(): c for c in frame.columns}
    mapping = {IMPORT_COLUMNS[k]: columns[k] for k in IMPORT_COLUMNS if k in columns}
    missing = [
        next(k for k, v in IMPORT_COLUMNS.items() if v == field).capitalize()
        for field in REQUIRED_IMPORT_COLUMNS
        if field not in mapping
    ]
    if missing:
        return ImportCheck([], [f"Kolonnen mangler: {', '.join(missing)}."])
    rows: list[ImportRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    kinds: dict[str, str] = {}
    known = set(known_requirements)
    for i, rec in enumerate(frame.to_dict("records")):
        line = i + 2
        get = {field: _cell(rec.get(col)) for field, col in mapping.items()}
        if all(v is None for v in get.values()):
            continue
        problems = []
        round_name = str(get.get("round") or "").strip()
        if not round_name:
            problems.append("runden mangler et navn")
        kind = kind_code(get.get("kind"))
        if kind is None:
            problems.append(f"ukendt type '{get.get('kind') or ''}' (nulpunkt, midt eller slut)")
        elif round_name and kinds.setdefault(round_name, kind) != kind:
            problems.append(f"runden '{round_name}' har to forskellige typer")
        req = str(get.get("requirement") or "").strip()
        if req.endswith(".0"):
            req = req[:-2]
        if req not in known:
            problems.append(f"ukendt minimumskrav '{req}'")
        role = role_code(get.get("role"))
        if role is None:
            problems.append(f"ukendt rolle '{get.get('role') or ''}'")
        try:
            share_value = parse_share(get.get("share"))
            if share_value is None:
                problems.append("andelen mangler")
        except ValueError as exc:
            share_value = None
            problems.append(f"andelen: {exc}")
        respondents = None
        raw_n = get.get("respondents")
        if raw_n is not None:
            try:
                respondents = int(float(str(raw_n).replace(",", ".")))
                if respondents < 0 or float(str(raw_n).replace(",", ".")) != respondents:
                    raise ValueError
            except ValueError:
                problems.append(f"besvarelser skal være et helt tal ≥ 0 (fik '{raw_n}')")
        held_on = None
        try:
            held_on = _parse_date(get.get("held_on"))
        except ValueError as exc:
            problems.append(f"datoen '{exc}' kan ikke læses (brug ÅÅÅÅ-MM-DD)")
        key = (round_name, req, role or "")
        if not problems and key in seen:
            problems.append(f"samme runde, krav og rolle som række {seen[key]}")
        if problems:
            errors.append(f"Række {line}: " + "; ".join(problems) + ".")
            continue
        seen[key] = line
        rows.append(ImportRow(line, round_name, kind, held_on, req, role, share_value, respondents))
    if not rows and not errors:
        errors.append("Filen indeholder ingen rækker.")
    return ImportCheck(rows, errors)


@dataclass(frozen=True)
class ImportSummary:
    rounds_created: int
    inserted: int
    updated: int


def import_results(engine: Engine, scope: Scope, check: ImportCheck) -> ImportSummary:
    """Write a checked import in one transaction: rounds are found by name (created when
    new, needing a date), results are inserted or updated."""
    _require_manager(scope)
    if check.errors:
        raise ValidationError({"import": " ".join(check.errors)})
    created = inserted = updated = 0
    with write_session(engine, scope.username) as s:
        reqs = {r.code: r.id for r in s.scalars(select(FidelityRequirement))}
        by_name = {r.name: r for r in s.scalars(select(SurveyRound))}
        problems = []
        for row in check.rows:
            existing = by_name.get(row.round_name)
            if existing is not None and existing.kind != row.kind:
                problems.append(
                    f"Række {row.line}: runden '{row.round_name}' findes allerede som "
                    f"{KIND_LABELS[existing.kind].lower()}."
                )
            if existing is None and row.held_on is None:
                problems.append(f"Række {row.line}: en ny runde skal have en dato.")
        if problems:
            raise ValidationError({"import": " ".join(sorted(set(problems)))})
        for row in check.rows:
            rnd = by_name.get(row.round_name)
            if rnd is None:
                rnd = SurveyRound(name=row.round_name, kind=row.kind, held_on=row.held_on)
                s.add(rnd)
                s.flush()
                by_name[rnd.name] = rnd
                created += 1
            result = s.scalar(
                select(FidelityResult).where(
                    FidelityResult.survey_round_id == rnd.id,
                    FidelityResult.requirement_id == reqs[row.requirement],
                    FidelityResult.role == row.role,
                )
            )
            if result is None:
                s.add(FidelityResult(survey_round_id=rnd.id, requirement_id=reqs[row.requirement],
                                     role=row.role, share_agree=row.share,
                                     respondents=row.respondents))  # fmt: skip
                inserted += 1
            elif result.share_agree != row.share or result.respondents != row.respondents:
                result.share_agree, result.respondents = row.share, row.respondents
                updated += 1
        s.flush()
    return ImportSummary(created, inserted, updated)


def template_xlsx() -> bytes:
    """An example spreadsheet with the expected columns (the seed's requirement 3c)."""
    frame = pd.DataFrame(
        [
            {"Runde": "Nulpunktsmåling", "Type": "Nulpunkt", "Dato": "2025-10-01",
             "Minimumskrav": "3c", "Rolle": "Leder", "Andel enige": 66, "Besvarelser": 12},
            {"Runde": "Midtvejsmåling", "Type": "Midt", "Dato": "2026-10-01",
             "Minimumskrav": "3c", "Rolle": "Leder", "Andel enige": 73, "Besvarelser": 11},
        ]
    )  # fmt: skip
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Fidelitet")
    return out.getvalue()
