"""Benchmarks: each dashboard query's median time and peak Python memory on a scaled
database, reported as a ratio to a floor measured in the same run (a full scan of the
largest table), so the figures compare across machines. `make bench` runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from bench.scaled_data import build_scaled
from db.engine import make_engine
from db.migrate import upgrade
from lib.domain.access import Scope

RESULTS = Path(__file__).resolve().parent / "results"
REPEAT = 7

MANAGER = Scope(user_id=0, username="bench", role="leder")
CASEWORKER = Scope(user_id=3, username="cw3", role="sagsbehandler")


def floor(engine: Engine, _scope: Scope):
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*), SUM(score) FROM evaluation_score")).all()


def candidates() -> dict[str, Callable]:
    """The dashboard queries to measure, as (engine, scope) -> result."""
    from lib.queries.occupancy import occupancy_by_agreement

    out: dict[str, Callable] = {"occupancy_by_agreement": occupancy_by_agreement}
    out.update(extra_candidates())
    return out


def extra_candidates() -> dict[str, Callable]:
    from lib.domain.period import Filters, default_period
    from lib.queries.compliance import compliance
    from lib.queries.my_results import my_results
    from lib.queries.occupancy import monthly_occupancy
    from lib.queries.outcomes import outcome_counts
    from lib.queries.progression import parameter_changes, trajectories

    start, end = default_period()
    year = Filters(start=start, end=end)
    return {
        "monthly_occupancy (12 months)": lambda e, s: monthly_occupancy(e, s),
        "compliance (12 months)": lambda e, s: compliance(e, s, year),
        "parameter_changes (12 months)": lambda e, s: parameter_changes(e, s, year),
        "trajectories (12 months)": lambda e, s: trajectories(e, s, year, 1),
        "outcome_counts (12 months)": lambda e, s: outcome_counts(e, s, year),
        "my_results": lambda e, s: my_results(e, s),
    }


def measure(fn: Callable, engine: Engine, scope: Scope) -> tuple[float, int]:
    fn(engine, scope)  # warm-up: connection pool, statement cache
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn(engine, scope)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn(engine, scope)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        sizes = build_scaled(engine)
        floor_time, floor_mem = measure(floor, engine, MANAGER)
        report = {
            "date": dt.date.today().isoformat(),
            "rows": sizes,
            "floor": {
                "what": "SELECT COUNT(*), SUM(score) FROM evaluation_score",
                "seconds": floor_time,
                "peak_bytes": floor_mem,
            },
            "queries": {},
        }
        print(f"Rows: {sizes}")
        print(f"Floor: {floor_time * 1000:.2f} ms, {floor_mem / 1024:.0f} KiB")
        print(f"{'query':40} {'scope':14} {'time×floor':>10} {'mem×floor':>10}")
        for name, fn in candidates().items():
            for scope in (MANAGER, CASEWORKER):
                seconds, peak = measure(fn, engine, scope)
                t_ratio, m_ratio = seconds / floor_time, peak / max(floor_mem, 1)
                report["queries"][f"{name}[{scope.role}]"] = {
                    "time_ratio": round(t_ratio, 2),
                    "mem_ratio": round(m_ratio, 2),
                    "seconds": seconds,
                    "peak_bytes": peak,
                }
                print(f"{name:40} {scope.role:14} {t_ratio:10.2f} {m_ratio:10.2f}")
        engine.dispose()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench_{report['date']}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"Saved {out}")


if __name__ == "__main__":
    main()
