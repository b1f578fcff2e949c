"""Import benchmark: a workbook of 10,000 courses, 10,000 plans and 60,000 evaluations
(20 agreements), timed from the uploaded bytes to the committed transaction: reading,
the dry run, and the import itself (with its audit rows). Then the same file again, which
must change nothing. Figures are wall-clock seconds on this machine.

    .venv/bin/python -m bench.import_bench                      # SQLite file
    .venv/bin/python -m bench.import_bench --url postgresql+psycopg://postgres@127.0.0.1:5432/x
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from db.engine import make_engine
from db.migrate import upgrade
from lib.commands.users import ensure_admin
from lib.imports.apply import import_sheets
from lib.imports.dry_run import dry_run
from lib.imports.reading import read_upload
from lib.security.sign_in import load_user
from tests.import_workbooks import workbook

AGREEMENTS = 20
EVALUATIONS_PER_COURSE = 6


def build(courses: int, today: dt.date, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    agreement_rows = [
        [f"Aftale {n:02d}", f"Virksomhed {n:02d}", 500, today - dt.timedelta(days=1500), None]
        for n in range(AGREEMENTS)
    ]
    course_rows, plan_rows, evaluation_rows = [], [], []
    groups = ["Ressourceforløb", "Aktivitetsparate (LAB §2.3)", "Integrationsloven"]
    for n in range(courses):
        code = f"K-{n:06d}"
        ended = rnd.random() < 0.7
        start = today - dt.timedelta(
            days=rnd.randint(400, 1100) if ended else rnd.randint(370, 399)
        )
        end = start + dt.timedelta(days=362) if ended else None
        course_rows.append(
            [
                code,
                "XY",
                rnd.choice(groups),
                "",
                f"Aftale {n % AGREEMENTS:02d}",
                "afsluttet" if ended else "aktiv",
                start,
                52,
                None,
                end,
                rnd.choice(["Ordinært job", "Fleksjob", "Stoppet – andet"]) if ended else None,
                None,
            ]
        )
        plan_rows.append(
            [code, start + dt.timedelta(days=28), *[rnd.randint(1, 5) for _ in range(4)]]
        )
        for k in range(1, EVALUATIONS_PER_COURSE + 1):
            evaluation_rows.append(
                [code, start + dt.timedelta(days=60 * k), *[rnd.randint(1, 5) for _ in range(4)]]
            )
    return workbook(
        {
            "Aftaler": agreement_rows,
            "Forløb": course_rows,
            "Planer": plan_rows,
            "Evalueringer": evaluation_rows,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--courses", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.url or f"sqlite:///{Path(directory) / 'import.db'}"
        upgrade(url)
        engine = make_engine(url)
        ensure_admin(engine, "bench", "Bench", "maaling af import 2026", reset=True)
        user = load_user(engine, "bench")
        assert user is not None
        today = dt.date.today()
        t0 = time.perf_counter()
        data = build(args.courses, today)
        print(f"workbook: {len(data) / 1e6:.1f} MB built in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        sheets = read_upload([("bench.xlsx", data)])
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        with engine.connect() as conn:
            result = dry_run(conn, sheets, today)
        t_dry = time.perf_counter() - t0
        assert not result.errors, result.errors[:5]
        t0 = time.perf_counter()
        done = import_sheets(engine, user.scope, sheets, "bench.xlsx", today=today)
        t_import = time.perf_counter() - t0
        print(f"rows: {done.counts}; audit rows: {done.audit_rows}")
        print(
            f"read {t_read:.1f} s + dry run {t_dry:.1f} s + import {t_import:.1f} s "
            f"= {t_read + t_dry + t_import:.1f} s for {args.courses} courses "
            f"({engine.dialect.name})"
        )
        t0 = time.perf_counter()
        with engine.connect() as conn:
            again = dry_run(conn, read_upload([("bench.xlsx", data)]), today)
        print(
            f"second dry run: {again.changes} changes, {time.perf_counter() - t0:.1f} s "
            "(read + check)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
