"""Reads for the fidelity surveys of the STV project's mid-term evaluation: per survey
round (baseline, midpoint, final), minimum requirement and staff role, the share of
respondents who agree the requirement is met; the comparison of baseline against midpoint
per requirement, and the rows of the entry grid.

Fidelity figures are about staff, not participants: no participant scope applies, but only
managers and admins may read them (`require_manager`). The writes are in
lib/commands/fidelity.py. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.models import FIDELITY_ROLES, FidelityRequirement, FidelityResult, SurveyRound
from lib.domain.access import Scope, require_manager
from lib.domain.enums import SurveyRoundKind
from lib.domain.quality import change_pp


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    kind: str
    held_on: dt.date

    @property
    def kind_label(self) -> str:
        """'Nulpunkt', 'Midtvejs' or 'Slut'."""
        return SurveyRoundKind.label_of(self.kind)


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
    require_manager(scope)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                SurveyRound.id, SurveyRound.name, SurveyRound.kind, SurveyRound.held_on
            ).order_by(SurveyRound.held_on, SurveyRound.id)
        ).all()
        return [RoundInfo(r.id, r.name, r.kind, r.held_on) for r in rows]


def requirements(engine: Engine, scope: Scope) -> list[Requirement]:
    require_manager(scope)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                FidelityRequirement.id, FidelityRequirement.code, FidelityRequirement.label
            ).order_by(FidelityRequirement.code)
        ).all()
        return [Requirement(r.id, r.code, r.label) for r in rows]


def results(engine: Engine, scope: Scope) -> list[Result]:
    require_manager(scope)
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
                    role, role.label, b.share if b else None, a.share if a else None,
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
            "Rolle": role.label,
            "Andel enige (%)": round(index[role].share * 100, 1) if role in index else None,
            "Besvarelser": index[role].respondents if role in index else None,
        }
        for role in FIDELITY_ROLES
    ]
