"""evaluation_follow_up: each evaluation's due date, the next one's and its meeting,
derived from the evaluations, plans, agreements' intervals and follow-up meetings and kept
current by db.summaries in the transaction of every write (the follow-up counts as
lookups at national size); mentor_contact_day again with running counts per assignment
(its follow-up as of a day is one row)

Revision ID: 0012_evaluation_follow_up
Revises: 0011_summaries
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_evaluation_follow_up"
down_revision: str | None = "0011_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_follow_up",
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("meeting_held", sa.Boolean(), nullable=False),
        sa.Column("caseworker_present", sa.Boolean(), nullable=False),
        sa.Column("next_on", sa.Date(), nullable=True),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_evaluation_follow_up_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluation.id"],
            name=op.f("fk_evaluation_follow_up_evaluation_id_evaluation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("evaluation_id", name=op.f("pk_evaluation_follow_up")),
    )
    op.create_index(
        "ix_evaluation_follow_up_enrolment_day",
        "evaluation_follow_up",
        ["enrolment_id", "evaluated_on"],
    )
    # The existing data, once (as db.summaries computes it; written out here so this
    # migration does not change with the models): from here on every write keeps it.
    # add_months as db.sql has it: PostgreSQL's interval clamps to the month's end;
    # SQLite's date() runs over, so the smaller of it and the target month's last day.
    if op.get_bind().dialect.name == "sqlite":

        def add_months(day: str) -> str:
            return (
                f"min(date({day}, printf('%+d months', n)), "
                f"date({day}, 'start of month', printf('%+d months', n + 1), '-1 day'))"
            )
    else:

        def add_months(day: str) -> str:
            return f"CAST({day} + make_interval(months => n) AS DATE)"

    op.execute(
        "INSERT INTO evaluation_follow_up (evaluation_id, enrolment_id, evaluated_on, "
        "due_on, next_due_on, meeting_held, caseworker_present, next_on, scored) SELECT id, "
        "enrolment_id, "
        f"evaluated_on, CASE WHEN after THEN {add_months('coalesce(previous, baseline_on)')} "
        f"END, CASE WHEN after THEN {add_months('evaluated_on')} END, held, present, next_on, "
        "scored FROM ("
        "SELECT e.id, e.enrolment_id, e.evaluated_on, b.created_on AS baseline_on, "
        "e.evaluated_on > b.created_on AS after, lag(e.evaluated_on) OVER (PARTITION BY "
        "e.enrolment_id, e.evaluated_on > b.created_on ORDER BY e.evaluated_on, e.id) AS "
        "previous, CASE WHEN coalesce(a.evaluation_interval_months, 0) > 0 THEN "
        "a.evaluation_interval_months ELSE 2 END AS n, coalesce(m.held, 0) = 1 AS held, "
        "coalesce(m.present, 0) = 1 AS present, lead(e.evaluated_on) OVER (PARTITION BY "
        "e.enrolment_id ORDER BY e.evaluated_on, e.id) AS next_on, coalesce(s.n, 0) AS "
        "scored FROM evaluation e JOIN enrolment c ON c.id = "
        "e.enrolment_id JOIN agreement a ON a.id = c.agreement_id LEFT JOIN (SELECT "
        "enrolment_id, created_on FROM plan WHERE version_no = 1) AS b ON b.enrolment_id = "
        "e.enrolment_id LEFT JOIN (SELECT f.evaluation_id, max(CASE WHEN f.held THEN 1 ELSE "
        "0 END) AS held, max(CASE WHEN f.held AND f.caseworker_present THEN 1 ELSE 0 END) AS "
        "present FROM follow_up_meeting f JOIN evaluation e2 ON e2.id = f.evaluation_id "
        "GROUP BY f.evaluation_id) AS m ON m.evaluation_id = e.id LEFT JOIN (SELECT "
        "evaluation_id, count(DISTINCT parameter_id) AS n FROM evaluation_score WHERE "
        "sub_element_id IS NULL GROUP BY evaluation_id) AS s ON s.evaluation_id = e.id) AS x"
    )

    # mentor_contact_day again, with the running columns: recreated (they are not null)
    # and filled as db.summaries computes it (2: MENTOR_GRACE_DAYS).
    op.drop_table("mentor_contact_day")
    op.create_table(
        "mentor_contact_day",
        sa.Column("mentor_assignment_id", sa.Integer(), nullable=False),
        sa.Column("contact_on", sa.Date(), nullable=False),
        sa.Column("previous_on", sa.Date(), nullable=True),
        sa.Column("gap", sa.Integer(), nullable=True),
        sa.Column("within", sa.Boolean(), nullable=False),
        sa.Column("next_on", sa.Date(), nullable=True),
        sa.Column("so_far", sa.Integer(), nullable=False),
        sa.Column("on_time_so_far", sa.Integer(), nullable=False),
        sa.Column("longest_so_far", sa.Integer(), nullable=True),
        sa.Column("first_on", sa.Date(), nullable=False),
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
    gap = (
        "CAST(julianday(d.day) - julianday(d.prev) AS INTEGER)"
        if op.get_bind().dialect.name == "sqlite"
        else "d.day - d.prev"
    )
    op.execute(
        "INSERT INTO mentor_contact_day (mentor_assignment_id, contact_on, previous_on, gap, "
        "within, next_on, so_far, on_time_so_far, longest_so_far, first_on) SELECT aid, day, "
        "prev, gap, within, lead(day) OVER w, count(*) OVER w, sum(CASE WHEN gap <= "
        "frequency_days + 2 THEN 1 ELSE 0 END) OVER w, max(gap) OVER w, min(day) OVER w FROM "
        f"(SELECT d.aid, d.day, d.prev, CASE WHEN d.prev >= a.start_date THEN {gap} END AS "
        "gap, d.day >= a.start_date AND (a.end_date IS NULL OR d.day <= a.end_date) AS "
        "within, a.frequency_days FROM (SELECT aid, day, lag(day) OVER (PARTITION BY aid "
        "ORDER BY day) AS prev FROM (SELECT DISTINCT mentor_assignment_id AS aid, contact_on "
        "AS day FROM mentor_contact) AS days) AS d JOIN mentor_assignment a ON a.id = d.aid) "
        "AS x WINDOW w AS (PARTITION BY aid, within ORDER BY day)"
    )


def downgrade() -> None:
    for column in ("first_on", "longest_so_far", "on_time_so_far", "so_far", "next_on"):
        op.drop_column("mentor_contact_day", column)
    op.drop_index("ix_evaluation_follow_up_enrolment_day", table_name="evaluation_follow_up")
    op.drop_table("evaluation_follow_up")
