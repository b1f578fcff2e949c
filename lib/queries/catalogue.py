"""The catalogues the entry forms choose from: the score scale with its Danish labels,
sub-goals, parameters and their sub-elements, outcomes and target groups.

They are data, not code (a municipality can change them), and not personal data: read
unscoped. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, Integer, String, cast, false, literal, null, select, text, union_all

from db.models import (
    CertificateType,
    OutcomeType,
    Parameter,
    ScoreLevel,
    SubElement,
    SubGoal,
    TargetGroup,
)


@dataclass(frozen=True)
class Catalogue:
    score_levels: dict[int, str]  # value -> label, in scale order
    sub_goals: dict[int, str]
    parameters: dict[int, str]
    sub_elements: dict[int, tuple[int, str]]  # id -> (parameter id, label)
    outcome_types: dict[int, str]
    target_groups: dict[int, str]
    certificate_types: dict[int, str] = field(default_factory=dict)
    # (table, id) of retired entries: still labelled where used, not offered for new entries
    retired: frozenset[tuple[str, int]] = frozenset()

    def choosable(self, table: str, entries: dict[int, str], keep=()) -> dict[int, str]:
        """`entries` without the retired ones, except those in `keep` (already chosen)."""
        return {k: v for k, v in entries.items() if (table, k) not in self.retired or k in keep}

    @property
    def scale(self) -> tuple[int, int]:
        values = list(self.score_levels)
        return (min(values), max(values)) if values else (1, 5)

    def elements_of(self, parameter_ids: list[int]) -> dict[int, str]:
        return {
            eid: label for eid, (pid, label) in self.sub_elements.items() if pid in parameter_ids
        }


def _entries(kind: str, model, label, *, parent=None, retired=None, order=None):
    """One catalogue's rows for the union in catalogue(): kind, id, label, parent id,
    retired, and the catalogue's own order."""
    key = order if order is not None else model.id
    return select(
        literal(kind, String).label("kind"),
        key.label("id"),
        label.label("label"),
        (parent if parent is not None else cast(null(), Integer)).label("parent"),
        (retired if retired is not None else false()).label("retired"),
        (model.sort_order if order is None else key).label("sort_order"),
    )


def catalogue(engine: Engine) -> Catalogue:
    """Every catalogue in one statement (a union), as every entry page reads them."""
    stmt = union_all(
        _entries("score_levels", ScoreLevel, ScoreLevel.label, order=ScoreLevel.value),
        _entries("sub_goals", SubGoal, SubGoal.label, retired=SubGoal.retired),
        _entries("parameters", Parameter, Parameter.label),
        _entries(
            "sub_elements",
            SubElement,
            SubElement.label,
            parent=SubElement.parameter_id,
            retired=SubElement.retired,
        ),
        _entries("outcome_types", OutcomeType, OutcomeType.label, retired=OutcomeType.retired),
        _entries("target_groups", TargetGroup, TargetGroup.label, retired=TargetGroup.retired),
        _entries("certificate_types", CertificateType, CertificateType.label),
    ).order_by(text("kind"), text("parent"), text("sort_order"), text("id"))
    tables = {
        "sub_goals": SubGoal.__tablename__,
        "sub_elements": SubElement.__tablename__,
        "outcome_types": OutcomeType.__tablename__,
        "target_groups": TargetGroup.__tablename__,
    }
    found: dict[str, dict] = {kind: {} for kind in (*tables, "score_levels", "parameters",
                                                     "certificate_types")}  # fmt: skip
    retired = set()
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            found[r.kind][r.id] = (r.parent, r.label) if r.kind == "sub_elements" else r.label
            if r.retired:
                retired.add((tables[r.kind], r.id))
    return Catalogue(**found, retired=frozenset(retired))
