"""summaries: score_span, mentor_contact_day and hours_month, derived from the plans,
evaluations, mentor contacts and weekly hours and kept current by db.summaries in the transaction of every write (the
baseline and the latest score as of a day, the gap before each contact day, and the
hours per course and month, as lookups at national size)

Revision ID: 0011_summaries
Revises: 0010_unanswered
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_summaries"
down_revision: str | None = "0010_unanswered"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "score_span",
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.Integer(), nullable=False),
        sa.Column("sub_key", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("baseline", sa.Integer(), nullable=True),
        sa.Column("baseline_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_score_span_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parameter_id"], ["parameter.id"], name=op.f("fk_score_span_parameter_id_parameter")
        ),
        sa.PrimaryKeyConstraint(
            "enrolment_id", "parameter_id", "sub_key", "valid_from", name=op.f("pk_score_span")
        ),
    )
    op.create_table(
        "mentor_contact_day",
        sa.Column("mentor_assignment_id", sa.Integer(), nullable=False),
        sa.Column("contact_on", sa.Date(), nullable=False),
        sa.Column("previous_on", sa.Date(), nullable=True),
        sa.Column("gap", sa.Integer(), nullable=True),
        sa.Column("within", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentor_assignment_id"],
            ["mentor_assignment.id"],
            name=op.f("fk_mentor_contact_day_mentor_assignment_id_mentor_assignment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "mentor_assignment_id", "contact_on", name=op.f("pk_mentor_contact_day")
        ),
    )
    op.create_table(
        "hours_month",
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Float(), nullable=False),
        sa.Column("attended", sa.Float(), nullable=False),
        sa.Column("illness", sa.Float(), nullable=False),
        sa.Column("ordinary", sa.Float(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_hours_month_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enrolment_id", "year", "month", name=op.f("pk_hours_month")),
    )
    # The existing data, once (as db.summaries computes it; written out here so this
    # migration does not change with the models): from here on every write keeps them.
    op.execute(
        "INSERT INTO score_span (enrolment_id, parameter_id, sub_key, valid_from, "
        "valid_until, score, baseline, baseline_on) SELECT d.enrolment_id, d.parameter_id, "
        "d.sub_key, d.day, lead(d.day) OVER (PARTITION BY d.enrolment_id, d.parameter_id, "
        "d.sub_key ORDER BY d.day), d.score, b.score, b.day FROM (SELECT e.enrolment_id, "
        "s.parameter_id, coalesce(s.sub_element_id, 0) AS sub_key, e.evaluated_on AS day, "
        "max(s.score) AS score FROM evaluation_score s JOIN evaluation e "
        "ON e.id = s.evaluation_id GROUP BY e.enrolment_id, s.parameter_id, "
        "coalesce(s.sub_element_id, 0), e.evaluated_on) AS d LEFT JOIN (SELECT "
        "p.enrolment_id, s.parameter_id, coalesce(s.sub_element_id, 0) AS sub_key, "
        "p.created_on AS day, max(s.score) AS score FROM plan_score s JOIN plan p "
        "ON p.id = s.plan_id WHERE p.version_no = 1 GROUP BY p.enrolment_id, "
        "s.parameter_id, coalesce(s.sub_element_id, 0), p.created_on) AS b "
        "ON b.enrolment_id = d.enrolment_id AND b.parameter_id = d.parameter_id "
        "AND b.sub_key = d.sub_key"
    )
    gap = (
        "CAST(julianday(d.day) - julianday(d.prev) AS INTEGER)"
        if op.get_bind().dialect.name == "sqlite"
        else "d.day - d.prev"
    )
    op.execute(
        "INSERT INTO mentor_contact_day (mentor_assignment_id, contact_on, previous_on, gap, "
        f"within) SELECT d.aid, d.day, d.prev, CASE WHEN d.prev >= a.start_date THEN {gap} "
        "END, d.day >= a.start_date AND (a.end_date IS NULL OR d.day <= a.end_date) FROM "
        "(SELECT aid, day, lag(day) OVER (PARTITION BY aid ORDER BY day) AS prev FROM "
        "(SELECT DISTINCT mentor_assignment_id AS aid, contact_on AS day "
        "FROM mentor_contact) AS days) AS d JOIN mentor_assignment a ON a.id = d.aid"
    )

    sqlite = op.get_bind().dialect.name == "sqlite"
    year, month = (
        ("CAST(strftime('%Y', week_start) AS INTEGER)", "CAST(strftime('%m', week_start) AS INTEGER)")
        if sqlite
        else ("CAST(EXTRACT(YEAR FROM week_start) AS INTEGER)",
              "CAST(EXTRACT(MONTH FROM week_start) AS INTEGER)")
    )  # fmt: skip
    op.execute(
        "INSERT INTO hours_month (enrolment_id, year, month, weeks, planned, attended, "
        f"illness, ordinary, paid) SELECT enrolment_id, {year}, {month}, count(*), "
        "sum(planned_hours), sum(attended_hours), sum(illness_hours), "
        "sum(ordinary_paid_hours), max(CASE WHEN ordinary_paid_hours > 0 THEN 1 ELSE 0 END) "
        f"FROM weekly_hours GROUP BY enrolment_id, {year}, {month}"
    )


def downgrade() -> None:
    op.drop_table("hours_month")
    op.drop_table("mentor_contact_day")
    op.drop_table("score_span")
