"""Benchmark: the committee's Word report and PowerPoint deck made together
(lib.documents.bundle.build_documents: report figures, charts rendered once, docx, pptx)
for the demo's two agreements over six months and for 40 agreements (bench.scaled_data),
with the largest chart image's pixel count.

Times are medians, reported as a ratio to a floor measured in the same run (rendering one
one-bar chart to PNG with vl-convert, the unit the documents' time is mostly made of), so
the figures compare across machines; the seconds are printed too. No assertions: run
`.venv/bin/python -m bench.committee_documents`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
from PIL import Image

from bench.scaled_data import build_scaled
from db.engine import make_engine
from db.migrate import upgrade
from lib.documents.bundle import build_documents
from lib.documents.exports import chart_png
from lib.documents.presentation import report_charts, to_document_charts
from lib.documents.report import build_report
from lib.domain.access import Scope
from lib.domain.period import default_review_period

RESULTS = Path(__file__).resolve().parent / "results"
REPEAT = 3
MANAGER = Scope(user_id=0, username="bench", role="leder")


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


def largest_image(engine, scope: Scope) -> tuple[int, int]:
    report = build_report(engine, scope, default_review_period())
    sizes = []
    for chart in to_document_charts(report_charts(report)):
        with Image.open(io.BytesIO(chart.png)) as img:
            sizes.append(img.size)
    return max(sizes, key=lambda s: s[0] * s[1]) if sizes else (0, 0)


def main() -> None:
    period = default_review_period()
    floor_time = median_seconds(floor, 5)
    results: dict = {
        "date": dt.date.today().isoformat(),
        "floor": {"what": "one one-bar chart to PNG (vl-convert)", "seconds": floor_time},
        "cases": {},
    }
    print(f"Floor: {floor_time * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        from db.demo import build_demo
        from lib.security.sign_in import load_user

        demo_url = f"sqlite:///{tmp}/demo.db"
        upgrade(demo_url)
        demo = make_engine(demo_url)
        build_demo(demo)
        leder = load_user(demo, "leder")
        assert leder is not None
        scaled_url = f"sqlite:///{tmp}/scaled.db"
        upgrade(scaled_url)
        scaled = make_engine(scaled_url)
        build_scaled(scaled, agreements=40)
        for name, engine, scope in (
            ("demo (2 agreements, 6 months)", demo, leder.scope),
            ("40 agreements, 6 months", scaled, MANAGER),
        ):
            seconds = median_seconds(
                lambda e=engine, s=scope: build_documents(e, s, period, None, None, 5)
            )
            width, height = largest_image(engine, scope)
            results["cases"][name] = {
                "time_ratio": round(seconds / floor_time, 1),
                "seconds": round(seconds, 2),
                "largest_chart_px": [width, height],
            }
            print(
                f"{name:32} {seconds / floor_time:6.1f} × floor  ({seconds:.2f} s)  "
                f"largest chart {width}×{height} px ({width * height / 1e6:.1f} MP)"
            )
        demo.dispose()
        scaled.dispose()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"committee_documents_{results['date']}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"Saved {out}")


if __name__ == "__main__":
    main()
