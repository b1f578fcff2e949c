"""The catalogues the entry forms choose from: the score scale with its Danish labels,
sub-goals, parameters and their sub-elements, outcomes and target groups.

They are data, not code (a municipality can change them), and not personal data: read
unscoped. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, select

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


def catalogue(engine: Engine) -> Catalogue:
    with engine.connect() as conn:

        def pairs(stmt) -> dict:
            return {row[0]: row[1] for row in conn.execute(stmt)}

        return Catalogue(
            score_levels=pairs(
                select(ScoreLevel.value, ScoreLevel.label).order_by(ScoreLevel.value)
            ),
            sub_goals=pairs(
                select(SubGoal.id, SubGoal.label).order_by(SubGoal.sort_order, SubGoal.id)
            ),
            parameters=pairs(
                select(Parameter.id, Parameter.label).order_by(Parameter.sort_order, Parameter.id)
            ),
            sub_elements={
                row.id: (row.parameter_id, row.label)
                for row in conn.execute(
                    select(SubElement.id, SubElement.parameter_id, SubElement.label).order_by(
                        SubElement.parameter_id, SubElement.sort_order, SubElement.id
                    )
                )
            },
            outcome_types=pairs(
                select(OutcomeType.id, OutcomeType.label).order_by(
                    OutcomeType.sort_order, OutcomeType.id
                )
            ),
            target_groups=pairs(
                select(TargetGroup.id, TargetGroup.label).order_by(
                    TargetGroup.sort_order, TargetGroup.id
                )
            ),
            retired=frozenset(
                (model.__tablename__, row_id)
                for model in (TargetGroup, SubGoal, SubElement, OutcomeType)
                for row_id in conn.scalars(select(model.id).where(model.retired.is_(True)))
            ),
            certificate_types=pairs(
                select(CertificateType.id, CertificateType.label).order_by(
                    CertificateType.sort_order, CertificateType.id
                )
            ),
        )
