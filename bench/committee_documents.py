"""Benchmark: the committee's Word report and PowerPoint deck made together, as the page's
button makes them (lib.documents.bundle.build_documents: report figures, charts rendered
once, docx, pptx), for the demo's two agreements and for all 40 agreements at size M
(bench.generate; data/bench-m.db, built on the first run), over the default review period.

Prints, per case, the median seconds, the SQL statements one build sends (SQLAlchemy's
before_cursor_execute, the count bench.pages uses), the split between report data, charts
and the two documents, and the largest chart's pixel size; and a floor measured in the same
run (one one-bar chart to PNG with vl-convert), so times compare across machines. Targets
(issue 12): demo under 3 s, 40 agreements under 10 s. No assertions; the statement count
not growing with the agreements is asserted in tests/test_report.py.

    .venv/bin/python -m bench.committee_documents [--m-url sqlite:///data/bench-m.db]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
from PIL import Image
from sqlalchemy import Engine, func, select

from bench.pages import StatementCounter
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Agreement
from lib.documents.exports import chart_png
from lib.documents.powerpoint import build_pptx
from lib.documents.presentation import report_charts, to_document_charts
from lib.documents.report import build_report
from lib.documents.word import build_docx
from lib.domain.access import Scope
from lib.domain.period import default_review_period
from lib.security.sign_in import load_user

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
M_URL = f"sqlite:///{ROOT / 'data' / 'bench-m.db'}"
REPEAT = 3
TARGETS = {"demo": 3.0, "M": 10.0}


def floor() -> None:
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    chart_png(chart)


def median_seconds(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    fn()  # warm-up: vl-convert's engine, statement caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _m_engine(url: str) -> Engine:
    """The size-M database, generated once (deterministic: bench.generate)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            from bench.generate import build

            path.parent.mkdir(parents=True, exist_ok=True)
            print(f"Bygger M i {path} ...", flush=True)
            build("M", url)
    engine = make_engine(url)
    with engine.connect() as conn:
        if not conn.scalar(select(func.count()).select_from(Agreement)):
            raise SystemExit(f"{url} har ingen aftaler: byg den med bench.generate M")
    return engine


def measure(engine: Engine, scope: Scope) -> dict:
    period = default_review_period()
    with engine.connect() as conn:
        ids = list(conn.scalars(select(Agreement.id).order_by(Agreement.id)))
    positions = {a: i for i, a in enumerate(ids)}

    def build() -> tuple[dict[str, float], list]:
        split = {}
        cpu = time.process_time()
        t = time.perf_counter()
        report = build_report(engine, scope, period, ids, threshold=5)
        split["data"] = time.perf_counter() - t
        t = time.perf_counter()
        charts = to_document_charts(report_charts(report, positions))
        split["charts"] = time.perf_counter() - t
        t = time.perf_counter()
        build_docx(report, charts)
        split["docx"] = time.perf_counter() - t
        t = time.perf_counter()
        build_pptx(report, charts)
        split["pptx"] = time.perf_counter() - t
        # CPU seconds of the process (vl-convert's threads included): steadier than the
        # wall clock on a shared machine.
        split["cpu"] = time.process_time() - cpu
        return split, charts

    build()  # warm-up
    counter = StatementCounter()
    try:
        with counter.counting() as n:
            build()
    finally:
        counter.close()
    runs = [build() for _ in range(REPEAT)]
    totals = [sum(v for k, v in split.items() if k != "cpu") for split, _ in runs]
    median = statistics.median(totals)
    split, charts = runs[totals.index(median)]
    sizes = []
    for chart in charts:
        with Image.open(io.BytesIO(chart.png)) as img:
            sizes.append(img.size)
    width, height = max(sizes, key=lambda s: s[0] * s[1]) if sizes else (0, 0)
    return {
        "agreements": len(ids),
        "seconds": round(median, 2),
        "split": {k: round(v, 2) for k, v in split.items()},
        "statements": n[0],
        "charts": len(charts),
        "largest_chart_px": [width, height],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m-url", default=os.environ.get("BENCH_M_URL", M_URL))
    args = parser.parse_args()
    floor_time = median_seconds(floor, 5)
    load = os.getloadavg()[0]
    results: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": round(load, 1),
        "floor": {"what": "one one-bar chart to PNG (vl-convert)", "seconds": floor_time},
        "cases": {},
    }
    print(f"Gulv (én graf med én søjle til PNG): {floor_time * 1000:.0f} ms; belastning {load:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        from db.demo import build_demo

        demo_url = f"sqlite:///{tmp}/demo.db"
        upgrade(demo_url)
        demo = make_engine(demo_url)
        build_demo(demo)
        m = _m_engine(args.m_url)
        for name, engine in (("demo", demo), ("M", m)):
            leder = load_user(engine, "leder")
            assert leder is not None
            r = measure(engine, leder.scope)
            r["time_ratio"] = round(r["seconds"] / floor_time, 1)
            results["cases"][name] = r
            mark = "" if r["seconds"] <= TARGETS[name] else f"  ✗ (mål {TARGETS[name]:.0f} s)"
            split = ", ".join(f"{k} {v:.2f}" for k, v in r["split"].items())
            w, h = r["largest_chart_px"]
            print(
                f"{name:5} {r['agreements']:3} aftaler: {r['seconds']:6.2f} s{mark}  "
                f"({r['time_ratio']:.0f} × gulv; {split})  "
                f"SQL-sætninger {r['statements']}  grafer {r['charts']}, største {w}×{h} px"
            )
        demo.dispose()
        m.dispose()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"committee_documents_{results['date'][:10]}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"Gemt i {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
