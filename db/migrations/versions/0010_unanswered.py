"""unanswered: an evaluation's three questions may be unanswered (an imported evaluation
records scores only; before this the import wrote 'uændret', 'nej' and 'nej' for them)

Revision ID: 0010_unanswered
Revises: 0009_oidc
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_unanswered"
down_revision: str | None = "0009_oidc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("goal_progress", sa.String(length=20)),
    ("sub_goals_need_adjusting", sa.Boolean()),
    ("written_with_participant", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
    # Evaluations the import wrote carry no answers (their audit rows name the import
    # file); one a person has since corrected keeps what that person answered.
    op.execute(
        "UPDATE evaluation SET goal_progress = NULL, sub_goals_need_adjusting = NULL, "
        "written_with_participant = NULL WHERE id IN (SELECT CAST(record_id AS INTEGER) "
        "FROM audit_log WHERE table_name = 'evaluation' AND action = 'create' "
        "AND after LIKE '%\"importfil\"%') AND id NOT IN (SELECT CAST(record_id AS INTEGER) "
        "FROM audit_log WHERE table_name = 'evaluation' AND action = 'update')"
    )


def downgrade() -> None:
    op.execute("UPDATE evaluation SET goal_progress = 'unchanged' WHERE goal_progress IS NULL")
    op.execute(
        "UPDATE evaluation SET sub_goals_need_adjusting = false "
        "WHERE sub_goals_need_adjusting IS NULL"
    )
    op.execute(
        "UPDATE evaluation SET written_with_participant = false "
        "WHERE written_with_participant IS NULL"
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
