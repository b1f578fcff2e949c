"""Deterministic synthetic data for the benchmarks, shaped like the demo, at three sizes:

- S: the demo itself (db.demo.build_demo);
- M: a large municipality: 40 agreements, 2,000 courses, ~12,000 evaluations (SQLite);
- L: national: 500 agreements, 100,000 courses, ~1,000,000 evaluations (PostgreSQL).

Weekly hours (~60 per course), follow-up meetings (one per evaluation), deliverables,
mentor assignments and contacts (~25 per course), work agreements, extensions and outcomes
come in proportion. The same size and seed give the same rows. Rows are written in chunks
of agreements: executemany on SQLite, COPY on PostgreSQL (L loads in minutes).

    python -m bench.generate M sqlite:///data/bench-m.db
    python -m bench.generate L postgresql+psycopg://postgres@127.0.0.1:5432/fm_bench_l
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, Table, func, select, text

from db.engine import make_engine
from db.migrate import upgrade
from db.models import (
    Agreement,
    AppSetting,
    AuditLog,
    Deliverable,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    Extension,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    Outcome,
    Participant,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalParameter,
    User,
    WeeklyHours,
    WorkAgreement,
)
from db.summaries import rebuild_all

# The same size and seed give the same rows relative to "today" (by default three days
# before the real today, as pages measure against the real today). Periods are calendar
# months, so which courses fall in a period can still differ from one day to the next.
GOAL_PROGRESS = ("closer", "closer", "unchanged", "further")
MENTOR_TYPES = ("enterprise", "enterprise", "jobcentre", "social", "external")


@dataclass(frozen=True)
class Size:
    name: str
    agreements: int
    courses: int
    evaluations_per_course: float
    caseworkers: int
    chunk: int  # agreements per write


SIZES = {
    "M": Size("M", 40, 2_000, 6.8, 20, 40),
    "L": Size("L", 500, 100_000, 11.4, 1_000, 10),
}

# Tables in foreign-key order; every chunk writes them in this order.
TABLES: tuple[Table, ...] = tuple(
    m.__table__
    for m in (
        Participant,
        Enrolment,
        Extension,
        Plan,
        PlanSubGoal,
        PlanSubGoalParameter,
        PlanScore,
        Evaluation,
        EvaluationScore,
        FollowUpMeeting,
        Deliverable,
        WeeklyHours,
        MentorAssignment,
        MentorContact,
        WorkAgreement,
        Outcome,
    )
)


def _scalar_defaults(table: Table) -> dict[str, object]:
    """Python-side scalar defaults (version=1, notes='', ...): bulk writes bypass the ORM."""
    out = {}
    for col in table.columns:
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            out[col.name] = default.arg  # type: ignore[attr-defined]
    return out


class Rows:
    """Rows per table for one chunk, as dicts completed with the column defaults."""

    def __init__(self) -> None:
        self.by_table: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        self.ids: dict[str, int] = {t.name: 0 for t in TABLES}

    def add(self, table: Table, **values: object) -> int:
        self.ids[table.name] += 1
        values.setdefault("id", self.ids[table.name])
        self.by_table[table.name].append(values)
        return values["id"]  # type: ignore[return-value]

    def clear(self) -> None:
        for rows in self.by_table.values():
            rows.clear()


class Generator:
    def __init__(self, size: Size, seed: int = 20260101, today: dt.date | None = None) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.today = today or dt.date.today() - dt.timedelta(days=3)
        self.rows = Rows()
        self.case_no = 0

    def course(self, agreement_id: int, caseworker_ids: list[int]) -> None:
        rng, rows, today = self.rng, self.rows, self.today
        self.case_no += 1
        pid = rows.add(
            Participant.__table__,
            case_code=f"B-{self.case_no:06d}",
            initials=rng.choice("ABDEFHJKLMNPRST") + rng.choice("ABDEFHJKLMNPRST"),
            target_group_id=rng.randint(1, 4),
            caseworker_id=rng.choice(caseworker_ids),
        )
        mean = self.size.evaluations_per_course
        n_eval = max(0, min(int(rng.gauss(mean, mean / 2.5)), int(mean * 2.2)))
        weeks = 13 if n_eval <= 1 and rng.random() < 0.7 else 52
        plan_delay = 7 if weeks == 13 else 28
        length = plan_delay + n_eval * 61 + rng.randint(5, 40)
        ended = rng.random() < 0.55
        referral = not ended and rng.random() < 0.06
        if referral:
            start = today + dt.timedelta(days=rng.randint(1, 30))
            n_eval, length = 0, 0
        elif ended:
            start = today - dt.timedelta(days=length + rng.randint(1, 700))
        else:
            start = today - dt.timedelta(days=length)
        end = start + dt.timedelta(days=max(length, weeks * 7)) if ended else None
        if end is not None and end > today:
            end = today
        status = "referral" if referral else ("ended" if ended else "active")
        eid = rows.add(
            Enrolment.__table__,
            participant_id=pid,
            agreement_id=agreement_id,
            status=status,
            referred_on=start - dt.timedelta(days=rng.randint(14, 40)),
            start_date=start,
            planned_weeks=weeks,
            end_date=end,
            final_summary="Forløbet er afsluttet." if ended else "",
        )
        if referral:
            return
        horizon = end or today
        if length > weeks * 7:
            rows.add(
                Extension.__table__,
                enrolment_id=eid,
                extended_on=start + dt.timedelta(days=weeks * 7 - 14),
                new_end_date=start + dt.timedelta(days=length + 14),
                reason="Behov for mere tid",
            )
        plan_day = start + dt.timedelta(days=plan_delay + rng.randint(-2, 6))
        params = sorted(rng.sample(range(1, 5), rng.choice((2, 2, 3))))
        plan_id = rows.add(
            Plan.__table__,
            enrolment_id=eid,
            version_no=1,
            created_on=plan_day,
            made_with_participant=rng.random() < 0.85,
            took_part="Deltager, mentor",
            long_term_goal="Ordinært job",
        )
        for priority, goal in enumerate(rng.sample(range(1, 12), 2), start=1):
            psg = rows.add(PlanSubGoal.__table__, plan_id=plan_id, sub_goal_id=goal,
                           priority=priority)  # fmt: skip
            for p in params[priority - 1 :: 2]:
                rows.by_table["plan_sub_goal_parameter"].append(
                    {"plan_sub_goal_id": psg, "parameter_id": p}
                )
        scores = {p: rng.choice((1, 2, 2, 2, 3)) for p in params}
        for p, s in scores.items():
            rows.add(PlanScore.__table__, plan_id=plan_id, parameter_id=p, score=s)
        for kind, due, received in (
            ("meeting_plan", start + dt.timedelta(days=7), start + dt.timedelta(days=6)),
            ("plan", start + dt.timedelta(days=plan_delay), plan_day + dt.timedelta(days=2)),
        ):
            rows.add(Deliverable.__table__, enrolment_id=eid, evaluation_id=None, kind=kind, due_on=due,
                     received_on=received if received <= today and rng.random() < 0.9 else None)  # fmt: skip
        day = plan_day
        for _ in range(n_eval):
            day += dt.timedelta(days=rng.randint(52, 70))
            if day > horizon:
                break
            ev = rows.add(
                Evaluation.__table__,
                enrolment_id=eid,
                evaluated_on=day,
                goal_progress=rng.choice(GOAL_PROGRESS),
                sub_goals_need_adjusting=rng.random() < 0.2,
                written_with_participant=rng.random() < 0.8,
                notes="",
            )
            for p in params:
                scores[p] = max(1, min(5, scores[p] + rng.choice((-1, 0, 0, 1, 1))))
                rows.add(EvaluationScore.__table__, evaluation_id=ev, parameter_id=p,
                         score=scores[p])  # fmt: skip
            held = rng.random() < 0.85
            rows.add(FollowUpMeeting.__table__, enrolment_id=eid, evaluation_id=ev,
                     planned_on=day, held=held, held_on=day if held else None,
                     caseworker_present=held and rng.random() < 0.6)  # fmt: skip
            rows.add(Deliverable.__table__, enrolment_id=eid, evaluation_id=ev,
                     kind="evaluation_invitation", due_on=day - dt.timedelta(days=14),
                     received_on=day - dt.timedelta(days=rng.randint(10, 20))
                     if rng.random() < 0.9 else None)  # fmt: skip
        self.hours(eid, start, horizon)
        self.mentoring(eid, start, end, horizon)
        rows.add(
            WorkAgreement.__table__,
            enrolment_id=eid,
            signed_on=start + dt.timedelta(days=rng.randint(0, 14)),
            **{
                c: rng.random() < share
                for c, share in (
                    ("has_working_hours", 0.95),
                    ("has_tasks", 0.9),
                    ("has_placement_goals", 0.7),
                    ("has_jobcentre_contact", 0.8),
                    ("has_workplace_contact", 0.85),
                    ("has_sub_goals_progression", 0.6),
                    ("has_ordinary_paid_hours", 0.3),
                )
            },  # fmt: skip
        )
        if ended:
            rows.add(Outcome.__table__, enrolment_id=eid, outcome_type_id=rng.randint(1, 9),
                     outcome_on=end, note="")  # fmt: skip

    def hours(self, eid: int, start: dt.date, horizon: dt.date) -> None:
        rng = self.rng
        week = start - dt.timedelta(days=start.weekday())
        planned, ceiling = 6.0, rng.choice((15.0, 20.0, 25.0, 30.0))
        n = 0
        while week + dt.timedelta(days=6) < horizon and n < 120:
            if n and n % 4 == 0:
                planned = min(ceiling, planned + rng.choice((2.0, 3.0, 4.0)))
            illness = min(planned, rng.choice((0.0, 0.0, 0.0, 0.0, 3.0, 6.0)))
            attended = max(0.0, planned - illness - rng.choice((0.0, 0.0, 1.0, 2.0)))
            ordinary = float(rng.choice((2, 3, 4))) if n > 30 and rng.random() < 0.3 else 0.0
            self.rows.add(WeeklyHours.__table__, enrolment_id=eid, week_start=week,
                          planned_hours=planned, attended_hours=attended,
                          illness_hours=illness, ordinary_paid_hours=ordinary)  # fmt: skip
            week += dt.timedelta(days=7)
            n += 1

    def mentoring(self, eid: int, start: dt.date, end: dt.date | None, horizon: dt.date) -> None:
        rng = self.rng
        frequency = rng.choice((14, 14, 21))
        aid = self.rows.add(MentorAssignment.__table__, enrolment_id=eid,
                            mentor_type=rng.choice(MENTOR_TYPES), mentor_name="Mentor",
                            frequency_days=frequency, start_date=start, end_date=end)  # fmt: skip
        day, n = start + dt.timedelta(days=2), 0
        while day <= horizon and n < 60:
            if n < 4 or rng.random() > 0.15:
                self.rows.add(MentorContact.__table__, mentor_assignment_id=aid, contact_on=day,
                              note="")  # fmt: skip
            n += 1
            day += dt.timedelta(days=max(5, (7 if n < 4 else frequency) + rng.randint(-1, 6)))


# --------------------------------------------------------------------------- writing


def _columns(table: Table, rows: list[dict]) -> list[str]:
    defaults = _scalar_defaults(table)
    names = list(rows[0])
    return names + [c for c in defaults if c not in names]


def _complete(table: Table, rows: list[dict], names: list[str]) -> Iterable[tuple]:
    defaults = _scalar_defaults(table)
    for r in rows:
        yield tuple(r.get(n, defaults.get(n)) for n in names)


def _copy_value(v: object) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    s = str(v)
    if "\t" in s or "\n" in s or "\\" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return s


def write_rows(engine: Engine, rows: Rows) -> None:
    """One transaction per chunk: executemany on SQLite, COPY on PostgreSQL."""
    with engine.begin() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        postgres = engine.dialect.name == "postgresql"
        cur = dbapi.cursor()
        for table in TABLES:
            data = rows.by_table[table.name]
            if not data:
                continue
            names = _columns(table, data)
            if postgres:
                buf = io.StringIO()
                for t in _complete(table, data, names):
                    buf.write("\t".join(_copy_value(v) for v in t))
                    buf.write("\n")
                with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
            else:
                marks = ", ".join("?" for _ in names)
                cur.executemany(
                    f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
                    list(_complete(table, data, names)),
                )
        cur.close()


def _organisation(engine: Engine, size: Size, today: dt.date) -> list[int]:
    """Enterprises, agreements and users (a manager 'leder', an admin, caseworkers
    'sagsbehandler', 'sagsbehandler2'..N, one enterprise user per enterprise 'mentorN'); caseworker ids."""
    users = [
        {"id": 1, "username": "leder", "display_name": "Leder", "role": "leder"},
        {"id": 2, "username": "admin", "display_name": "Admin", "role": "admin"},
    ]
    caseworkers = []
    for n in range(1, size.caseworkers + 1):
        users.append({"id": 2 + n, "username": f"sagsbehandler{n if n > 1 else ''}",
                      "display_name": f"Sagsbehandler {n}", "role": "sagsbehandler"})  # fmt: skip
        caseworkers.append(2 + n)
    first_mentor = 3 + size.caseworkers
    from db.demo import DEMO_PASSWORD, _hash

    password_hash = _hash(DEMO_PASSWORD)  # every bench user signs in with 'demo', as in S
    with engine.begin() as conn:
        conn.execute(
            Enterprise.__table__.insert(),
            [{"id": a, "name": f"Virksomhed {a:03d}", "address": ""}
             for a in range(1, size.agreements + 1)],
        )  # fmt: skip
        conn.execute(
            Agreement.__table__.insert(),
            [
                {
                    "id": a, "enterprise_id": a, "name": f"Samarbejdsaftale {a:03d}",
                    "slots": size.courses // size.agreements // 3,
                    "start_date": today - dt.timedelta(days=1500),
                    "review_cadence": "half_yearly" if a % 2 else "yearly",
                    "evaluation_interval_months": 2,
                }
                for a in range(1, size.agreements + 1)
            ],
        )  # fmt: skip
        for a in range(1, size.agreements + 1):
            users.append({"id": first_mentor + a - 1, "username": f"mentor{a}",
                          "display_name": f"Mentor {a}", "role": "virksomhed",
                          "enterprise_id": a})  # fmt: skip
        for u in users:
            u.setdefault("enterprise_id", None)
            u["password_hash"] = password_hash
        conn.execute(User.__table__.insert(), users)
        # Marked as a demo, as S is: outside demo mode the app retires every user whose
        # password is 'demo' on its first run (the bench's 'leder' included).
        conn.execute(AppSetting.__table__.insert(), [{"key": "demo", "value": "1"}])
        conn.execute(AuditLog.__table__.insert(), [{"username": "bench", "action": "generate",
                     "table_name": "bench", "record_id": size.name}])  # fmt: skip
    return caseworkers


def _reset_sequences(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in (Enterprise.__table__, Agreement.__table__, User.__table__, *TABLES):
            if "id" in table.c:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                    )
                )
        conn.execute(text("ANALYZE"))


def generate(engine: Engine, size: Size, seed: int = 20260101, verbose: bool = False) -> dict:
    """Fill a migrated, empty database; return the row count per table."""
    gen = Generator(size, seed)
    caseworkers = _organisation(engine, size, gen.today)
    per_agreement, extra = divmod(size.courses, size.agreements)
    counts = {t.name: 0 for t in TABLES}
    started = time.perf_counter()
    for a in range(1, size.agreements + 1):
        for _ in range(per_agreement + (1 if a <= extra else 0)):
            gen.course(a, caseworkers)
        if a % size.chunk == 0 or a == size.agreements:
            for name, data in gen.rows.by_table.items():
                counts[name] += len(data)
            write_rows(engine, gen.rows)
            gen.rows.clear()
            if verbose:
                print(f"  {a}/{size.agreements} aftaler, {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)  # fmt: skip
    _reset_sequences(engine)
    with engine.begin() as conn:
        rebuild_all(conn)  # COPY bypasses the flush hook that keeps them for the forms
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return counts


def build(size_name: str, url: str, verbose: bool = False) -> dict:
    """Migrate `url` (which must hold no agreement) and fill it; S builds the demo."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.scalar(select(func.count()).select_from(Agreement)):
                raise SystemExit(f"{url} holder allerede data")
        if size_name == "S":
            from db.demo import build_demo

            build_demo(engine)
            return {}
        return generate(engine, SIZES[size_name], verbose=verbose)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=["S", *SIZES])
    parser.add_argument("url")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = build(args.size, args.url, verbose=True)
    for name, n in counts.items():
        print(f"{name:28} {n:>10,}")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
