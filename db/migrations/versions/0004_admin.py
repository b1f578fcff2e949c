"""administration: one-time passwords, enterprise CVR and contacts, dated slot periods,
retired catalogue entries

Revision ID: 0004_admin
Revises: 0003_report_header
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_admin"
down_revision: str | None = "0003_report_header"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RETIRABLE = ("target_group", "sub_goal", "sub_element", "outcome_type")


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    with op.batch_alter_table("enterprise") as batch:
        batch.add_column(sa.Column("cvr", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("contact_persons", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    for table in RETIRABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False)
            )
    op.create_table(
        "agreement_slot_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.CheckConstraint("slots > 0", name=op.f("ck_agreement_slot_period_slots_positive")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_slot_period_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_slot_period")),
        sa.UniqueConstraint(
            "agreement_id", "valid_from", name=op.f("uq_agreement_slot_period_agreement_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_slot_period_agreement_id"),
        "agreement_slot_period",
        ["agreement_id"],
        unique=False,
    )
    # Existing agreements: their slots have been in force since they started.
    op.execute(
        "INSERT INTO agreement_slot_period (agreement_id, valid_from, slots) "
        "SELECT id, start_date, slots FROM agreement"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_agreement_slot_period_agreement_id"), table_name="agreement_slot_period")
    op.drop_table("agreement_slot_period")
    for table in RETIRABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("retired")
    with op.batch_alter_table("enterprise") as batch:
        batch.drop_column("version")
        batch.drop_column("contact_persons")
        batch.drop_column("cvr")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("must_change_password")
