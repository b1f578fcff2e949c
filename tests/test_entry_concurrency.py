"""4 writers each saving 15 evaluations at the same time, on the demo data in SQLite and in
PostgreSQL: all 60 rows are there and the audit table has 60 evaluation entries (plus one
per score, meeting and deliverable row). Each writer is a thread with its own engine and
connections, so the database sees 4 concurrent transactions (the GIL is released while a
driver waits on the database); threads start in milliseconds where processes took
seconds each."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditLog, Evaluation, EvaluationScore
from lib.commands.evaluations import EvaluationInput, record_evaluation
from lib.domain.access import Scope

# Enough writers to collide on two cores (they start together), few enough to stay quick.
WRITERS = 4
PER_WRITER = 15


def _worker(url: str, user_id: int, username: str, enrolment_ids: list, params: dict, start):

    engine = make_engine(url)
    scope = Scope(user_id, username, "admin")
    start.wait()
    saved = 0
    for n in range(PER_WRITER):
        enrolment_id = enrolment_ids[n % len(enrolment_ids)]
        data = EvaluationInput(
            evaluated_on=dt.date.today() - dt.timedelta(days=n % 5),
            scores=dict.fromkeys(params[enrolment_id], 1 + n % 5),
            notes=f"{username} #{n}",
            goal_progress="unchanged",
            sub_goals_need_adjusting=False,
            written_with_participant=True,
            meeting_held=True,
            meeting_on=dt.date.today(),
            caseworker_present=False,
            invitation_received=False,
        )
        record_evaluation(engine, scope, enrolment_id, data, confirm_close=True)
        saved += 1
    engine.dispose()
    return saved


def test_concurrent_evaluations(any_demo_url: str) -> None:
    url = any_demo_url
    engine = make_engine(url)
    from lib.queries.courses import evaluation_context, my_enrolments

    admin = Scope(1, "admin", "admin")
    plans = (evaluation_context(engine, admin, r.id) for r in my_enrolments(engine, admin))
    params = {ctx.enrolment.id: ctx.plan.parameter_ids for ctx in plans if ctx.plan}
    enrolments = list(params)
    with engine.connect() as conn:
        evals_before = conn.scalar(select(func.count()).select_from(Evaluation))
        max_audit = conn.scalar(select(func.max(AuditLog.id)))

    start = threading.Barrier(WRITERS)  # all writers begin together
    with ThreadPoolExecutor(WRITERS) as pool:
        results = [
            pool.submit(_worker, url, 1, f"writer{i}", enrolments, params, start)
            for i in range(WRITERS)
        ]
        counts = [r.result(timeout=240) for r in results]
    assert counts == [PER_WRITER] * WRITERS

    with engine.connect() as conn:
        evals = conn.scalar(select(func.count()).select_from(Evaluation)) - evals_before
        new_ids = select(Evaluation.id).where(Evaluation.notes.like("writer%"))
        scores = conn.scalar(
            select(func.count())
            .select_from(EvaluationScore)
            .where(EvaluationScore.evaluation_id.in_(new_ids))
        )
        audit = dict(
            conn.execute(
                select(AuditLog.table_name, func.count())
                .where(AuditLog.id > max_audit)
                .group_by(AuditLog.table_name)
            ).all()
        )
        writers = conn.scalar(
            select(func.count(func.distinct(AuditLog.username))).where(AuditLog.id > max_audit)
        )
    # The summary tables hold every writer's evaluations: no refresh lost another's.
    from tests.test_summaries import assert_current

    assert_current(engine)
    engine.dispose()
    total = WRITERS * PER_WRITER
    assert evals == total
    assert audit["evaluation"] == total
    assert audit["follow_up_meeting"] == total
    assert audit["deliverable"] == total
    assert audit["evaluation_score"] == scores
    assert writers == WRITERS
