"""course page and mentors: placement type per course, mentor frequency changes, who
logged a mentor contact

Revision ID: 0005_course_page
Revises: 0004_admin
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_course_page"
down_revision: str | None = "0004_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACEMENT_CHECK = (
    "placement_type IS NULL OR placement_type IN "
    "('praktik', 'loentilskud', 'smaajob', 'fleksjob', 'ordinaer_med_stoette')"
)


def upgrade() -> None:
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placement_type", sa.String(length=30), nullable=True))
        batch_op.create_check_constraint("placement_type", PLACEMENT_CHECK)

    op.create_table(
        "mentor_frequency_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_assignment_id", sa.Integer(), nullable=False),
        sa.Column("changed_from", sa.Date(), nullable=False),
        sa.Column("frequency_days", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "frequency_days IN (7, 14, 21)",
            name=op.f("ck_mentor_frequency_change_frequency_days"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_assignment_id"],
            ["mentor_assignment.id"],
            name=op.f("fk_mentor_frequency_change_mentor_assignment_id_mentor_assignment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_frequency_change")),
        sa.UniqueConstraint(
            "mentor_assignment_id",
            "changed_from",
            name=op.f("uq_mentor_frequency_change_mentor_assignment_id"),
        ),
    )
    with op.batch_alter_table("mentor_frequency_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentor_frequency_change_mentor_assignment_id"),
            ["mentor_assignment_id"],
            unique=False,
        )

    with op.batch_alter_table("mentor_contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logged_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mentor_contact_logged_by_id_app_user"),
            "app_user",
            ["logged_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("mentor_contact", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mentor_contact_logged_by_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_column("logged_by_id")
    with op.batch_alter_table("mentor_frequency_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_frequency_change_mentor_assignment_id"))
    op.drop_table("mentor_frequency_change")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_constraint("placement_type", type_="check")
        batch_op.drop_column("placement_type")
