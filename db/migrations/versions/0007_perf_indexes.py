"""The index EXPLAIN ANALYZE asked for at L (100,000 courses, ~1M evaluations):
deliverable.evaluation_id (saving an evaluation looked its invitation up by a sequential
scan: 93 % of the save). Indexes on weekly_hours.week_start and evaluation.evaluated_on
were tried and left out: SQLite then chose them over the course joins, and Kvalitet's
hours and the compliance queries became 2-10 times slower at M.

Revision ID: 0007_perf_indexes
"""

from __future__ import annotations

from alembic import op

revision: str = "0007_perf_indexes"
down_revision: str | None = "0006_entry_records"
branch_labels = None
depends_on = None

INDEXES = (("ix_deliverable_evaluation_id", "deliverable", "evaluation_id"),)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
