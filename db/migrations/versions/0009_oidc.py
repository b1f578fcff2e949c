"""oidc: single sign-on identities on app_user, the ID token marker on user_session

Revision ID: 0009_oidc
Revises: 0008_security
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_oidc"
down_revision: str | None = "0008_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_app_user_email"), ["email"])
        batch_op.create_unique_constraint(batch_op.f("uq_app_user_oidc_subject"), ["oidc_subject"])
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oidc_marker", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_session_oidc_marker"), ["oidc_marker"]
        )


def downgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_session_oidc_marker"), type_="unique")
        batch_op.drop_column("oidc_marker")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_app_user_oidc_subject"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_app_user_email"), type_="unique")
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("email")
