"""The access log: who has seen which participant, when, on which page.

`record_access` only puts the rows on a queue; one writer thread per process inserts them
in batches, so a page never waits for the log. `flush()` waits until everything queued is
written (tests, shutdown). Reads: `access_entries` (the admin's search) and `viewers_of`
(who has looked at one participant).

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select

from db.models import AccessLog, Participant

log = logging.getLogger("forlobsmonitor.access_log")

BATCH = 500
_queue: queue.Queue[tuple[Engine, list[dict]]] = queue.Queue()
_writer: threading.Thread | None = None
_lock = threading.Lock()


def _write_forever() -> None:
    while True:
        engine, rows = _queue.get()
        batches = [(engine, rows)]
        try:
            while len(batches) < BATCH:  # whatever else is waiting goes in the same go
                batches.append(_queue.get_nowait())
        except queue.Empty:
            pass
        for engine, rows in batches:
            try:
                with engine.begin() as conn:
                    conn.execute(insert(AccessLog), rows)
            except Exception as exc:  # the log must never break a page; say so on the server
                log.error("Adgangsloggen kunne ikke skrives (%s)", type(exc).__name__)
            finally:
                _queue.task_done()


def _start_writer() -> None:
    global _writer
    with _lock:
        if _writer is None or not _writer.is_alive():
            _writer = threading.Thread(target=_write_forever, name="access-log", daemon=True)
            _writer.start()


def record_access(
    engine: Engine,
    user_id: int | None,
    username: str,
    page: str,
    participant_ids: Iterable[int],
    now: dt.datetime | None = None,
) -> int:
    """Queue one row per participant shown; returns how many were queued."""
    at = now or dt.datetime.now(dt.UTC)
    rows = [
        {
            "at": at,
            "user_id": user_id,
            "username": username[:80],
            "page": page[:60],
            "participant_id": int(pid),
        }
        for pid in sorted(set(participant_ids))
    ]
    if rows:
        _start_writer()
        _queue.put((engine, rows))
    return len(rows)


def flush() -> None:
    """Wait until every queued row is written."""
    _queue.join()


@dataclass(frozen=True)
class AccessFilter:
    username: str | None = None
    case_code: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    limit: int = 1000


@dataclass(frozen=True)
class AccessEntry:
    at: dt.datetime
    username: str
    page: str
    participant_id: int
    case_code: str


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def access_entries(engine: Engine, wanted: AccessFilter) -> list[AccessEntry]:
    """Newest first: by user, by participant (case code, exact), within a period."""
    stmt = select(
        AccessLog.at,
        AccessLog.username,
        AccessLog.page,
        AccessLog.participant_id,
        func.coalesce(Participant.case_code, "").label("case_code"),
    ).outerjoin(Participant, Participant.id == AccessLog.participant_id)
    if wanted.username:
        stmt = stmt.where(AccessLog.username == wanted.username)
    if wanted.case_code:
        stmt = stmt.where(Participant.case_code == wanted.case_code)
    if wanted.start:
        stmt = stmt.where(AccessLog.at >= _day_start(wanted.start))
    if wanted.end:
        stmt = stmt.where(AccessLog.at < _day_start(wanted.end + dt.timedelta(days=1)))
    stmt = stmt.order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(wanted.limit)
    with engine.connect() as conn:
        return [AccessEntry(*row) for row in conn.execute(stmt)]


def logged_usernames(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.scalars(select(AccessLog.username).distinct().order_by(AccessLog.username))
        )


@dataclass(frozen=True)
class Viewer:
    username: str
    last_seen: dt.datetime
    views: int


def viewers_of(engine: Engine, participant_id: int, limit: int = 20) -> list[Viewer]:
    """Who has looked at the participant: each user once, latest first."""
    stmt = (
        select(AccessLog.username, func.max(AccessLog.at), func.count())
        .where(AccessLog.participant_id == participant_id)
        .group_by(AccessLog.username)
        .order_by(func.max(AccessLog.at).desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [Viewer(*row) for row in conn.execute(stmt)]
