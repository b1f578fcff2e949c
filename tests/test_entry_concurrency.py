"""8 processes each saving 50 evaluations at the same time, on SQLite and PostgreSQL:
all 400 rows are there and the audit table has 400 evaluation entries (plus one per
score, meeting and deliverable row). Each process has its own engine (spawn)."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp

from sqlalchemy import func, select

from db.demo import build_demo
from db.engine import make_engine
from db.models import AuditLog, Evaluation, EvaluationScore
from lib.scope import Scope

PROCESSES = 8
PER_PROCESS = 50


def _worker(url: str, user_id: int, username: str, enrolment_ids: list, params: dict, start):
    from lib import entry

    engine = make_engine(url)
    scope = Scope(user_id, username, "admin")
    start.wait()
    saved = 0
    for n in range(PER_PROCESS):
        enrolment_id = enrolment_ids[n % len(enrolment_ids)]
        data = entry.EvaluationInput(
            evaluated_on=dt.date.today() - dt.timedelta(days=n % 5),
            scores=dict.fromkeys(params[enrolment_id], 1 + n % 5),
            notes=f"{username} #{n}",
            meeting_held=True,
            meeting_on=dt.date.today(),
        )
        entry.record_evaluation(engine, scope, enrolment_id, data, confirm_close=True)
        saved += 1
    engine.dispose()
    return saved


def _run(url: str) -> None:
    engine = make_engine(url)
    build_demo(engine)
    from lib.entry_queries import evaluation_context, my_enrolments

    admin = Scope(1, "admin", "admin")
    enrolments = [r.id for r in my_enrolments(engine, admin)]
    params = {
        e: evaluation_context(engine, admin, e).plan.parameter_ids
        for e in enrolments
        if evaluation_context(engine, admin, e).plan
    }
    enrolments = list(params)
    with engine.connect() as conn:
        evals_before = conn.scalar(select(func.count()).select_from(Evaluation))
        max_audit = conn.scalar(select(func.max(AuditLog.id)))

    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Event()
        with ctx.Pool(PROCESSES) as pool:
            results = [
                pool.apply_async(_worker, (url, 1, f"writer{i}", enrolments, params, start))
                for i in range(PROCESSES)
            ]
            start.set()
            counts = [r.get(timeout=240) for r in results]
    assert counts == [PER_PROCESS] * PROCESSES

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
    engine.dispose()
    total = PROCESSES * PER_PROCESS
    assert evals == total
    assert audit["evaluation"] == total
    assert audit["follow_up_meeting"] == total
    assert audit["deliverable"] == total
    assert audit["evaluation_score"] == scores
    assert writers == PROCESSES


def test_concurrent_evaluations_sqlite(sqlite_url):
    _run(sqlite_url)


def test_concurrent_evaluations_postgresql(pg_url):
    _run(pg_url)
