"""Indexes found with EXPLAIN ANALYZE at L (100,000 courses, ~1M evaluations):
deliverable.evaluation_id (saving an evaluation looked its invitation up by a sequential
scan: 93 % of the save), weekly_hours.week_start (Kvalitet's hours over the latest 12
months) and evaluation.evaluated_on (the period filters on every dashboard).

Revision ID: 0003_perf_indexes
"""

from __future__ import annotations

from alembic import op

revision: str = "0003_perf_indexes"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_deliverable_evaluation_id", "deliverable", "evaluation_id"),
    ("ix_weekly_hours_week_start", "weekly_hours", "week_start"),
    ("ix_evaluation_evaluated_on", "evaluation", "evaluated_on"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
