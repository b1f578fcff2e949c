"""entry records: meetings planned/cancelled, pause kind, certificate catalogue,
sub-goal status per evaluation

Revision ID: 0006_entry_records
Revises: 0005_course_page
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_entry_records"
down_revision: str | None = "0005_course_page"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen at this revision (db/catalogue.py may change later).
CERTIFICATE_TYPES = [
    (1, "hygiene", "Hygiejnebevis"),
    (2, "first_aid", "Førstehjælpsbevis"),
    (3, "forklift", "Truckcertifikat"),
    (4, "fire_safety", "Brandbekæmpelse"),
    (5, "food_handling", "Fødevarecertifikat"),
    (6, "work_safety", "Arbejdsmiljø (§ 26)"),
    (7, "other", "Andet bevis"),
]


def upgrade() -> None:
    certificate_type = op.create_table(
        "certificate_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_type")),
        sa.UniqueConstraint("code", name=op.f("uq_certificate_type_code")),
    )
    op.bulk_insert(
        certificate_type,
        [
            {"id": i, "code": code, "label": label, "sort_order": i}
            for i, code, label in CERTIFICATE_TYPES
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('certificate_type', 'id'), "
                "(SELECT COALESCE(MAX(id), 0) + 1 FROM certificate_type), false)"
            )
        )
    op.create_table(
        "evaluation_sub_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("sub_goal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('reached', 'in_progress', 'not_started')",
            name=op.f("ck_evaluation_sub_goal_status"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluation.id"],
            name=op.f("fk_evaluation_sub_goal_evaluation_id_evaluation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sub_goal_id"],
            ["sub_goal.id"],
            name=op.f("fk_evaluation_sub_goal_sub_goal_id_sub_goal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_sub_goal")),
        sa.UniqueConstraint(
            "evaluation_id", "sub_goal_id", name=op.f("uq_evaluation_sub_goal_evaluation_id")
        ),
    )
    with op.batch_alter_table("evaluation_sub_goal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_sub_goal_evaluation_id"), ["evaluation_id"], unique=False
        )

    with op.batch_alter_table("pause", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="illness", nullable=False)
        )
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_pause_kind"), sa.text("kind IN ('illness', 'other')")
        )
        batch_op.create_foreign_key(
            op.f("fk_pause_created_by_id_app_user"), "app_user", ["created_by_id"], ["id"]
        )

    with op.batch_alter_table("follow_up_meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_follow_up_meeting_held_or_cancelled"),
            sa.text("NOT (held = TRUE AND cancelled = TRUE)"),
        )
        batch_op.create_foreign_key(
            op.f("fk_follow_up_meeting_created_by_id_app_user"),
            "app_user",
            ["created_by_id"],
            ["id"],
        )

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_type_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_certificate_certificate_type_id"), ["certificate_type_id"], unique=False
        )
        batch_op.create_foreign_key(
            op.f("fk_certificate_certificate_type_id_certificate_type"),
            "certificate_type",
            ["certificate_type_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            op.f("fk_certificate_created_by_id_app_user"), "app_user", ["created_by_id"], ["id"]
        )
    # Existing certificates keep their name and get the catalogue entry of the same label.
    op.execute(
        sa.text(
            "UPDATE certificate SET certificate_type_id = (SELECT certificate_type.id FROM "
            "certificate_type WHERE certificate_type.label = certificate.name)"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_certificate_created_by_id_app_user"), type_="foreignkey")
        batch_op.drop_constraint(
            op.f("fk_certificate_certificate_type_id_certificate_type"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_certificate_certificate_type_id"))
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("certificate_type_id")
    with op.batch_alter_table("follow_up_meeting", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_follow_up_meeting_created_by_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_follow_up_meeting_held_or_cancelled"), type_="check")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled")
    with op.batch_alter_table("pause", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_pause_created_by_id_app_user"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_pause_kind"), type_="check")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("kind")
    with op.batch_alter_table("evaluation_sub_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_sub_goal_evaluation_id"))
    op.drop_table("evaluation_sub_goal")
    op.drop_table("certificate_type")
