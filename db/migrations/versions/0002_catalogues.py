"""catalogues: target groups, sub-goals, parameters, sub-elements, score scale,
outcome types, fidelity requirements

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.catalogue import catalogue_rows

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Lightweight table definitions: only the columns inserted here, frozen at this revision,
# so later changes to db/models.py cannot break this migration.
TABLES = {
    "target_group": sa.table(
        "target_group",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("sort_order", sa.Integer),
    ),
    "sub_goal": sa.table(
        "sub_goal",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("sort_order", sa.Integer),
    ),
    "parameter": sa.table(
        "parameter",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("sort_order", sa.Integer),
    ),
    "sub_element": sa.table(
        "sub_element",
        sa.column("id", sa.Integer),
        sa.column("parameter_id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("sort_order", sa.Integer),
    ),
    "score_level": sa.table(
        "score_level",
        sa.column("value", sa.Integer),
        sa.column("label", sa.String),
        sa.column("description", sa.Text),
    ),
    "outcome_type": sa.table(
        "outcome_type",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("category", sa.String),
        sa.column("sort_order", sa.Integer),
    ),
    "fidelity_requirement": sa.table(
        "fidelity_requirement",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
    ),
}


def upgrade() -> None:
    rows = catalogue_rows()
    for name, table in TABLES.items():
        op.bulk_insert(table, rows[name])
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids do not advance PostgreSQL sequences; move them past the catalogue
        # so rows added later through the app do not collide.
        for name in TABLES:
            if name == "score_level":
                continue
            op.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                )
            )


def downgrade() -> None:
    rows = catalogue_rows()
    # Children before parents (sub_element refers to parameter).
    for name in reversed(list(TABLES)):
        table = TABLES[name]
        key = "value" if name == "score_level" else "id"
        ids = [row[key] for row in rows[name]]
        op.execute(table.delete().where(table.c[key].in_(ids)))
