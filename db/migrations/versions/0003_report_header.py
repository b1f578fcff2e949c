"""report_header: the committee report's memo header per period (udvalg, mødedato,
sagsnummer, forfatter, lukket punkt)

Revision ID: 0003_report_header
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_report_header"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_header",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("committee", sa.String(length=120), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_report_header_dates_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["app_user.id"], name=op.f("fk_report_header_updated_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_header")),
        sa.UniqueConstraint(
            "period_start", "period_end", name=op.f("uq_report_header_period_start")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_header")
