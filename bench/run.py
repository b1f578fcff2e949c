"""`make bench`: build (once) a database of the chosen size, run the page benchmark, time
saving one evaluation and building the committee report, and write bench/results.md.

    python -m bench.run                      # M on SQLite (data/bench-m.db, built once)
    python -m bench.run --size L --url postgresql+psycopg://postgres@127.0.0.1:5432/fm_bench_l
    python -m bench.run --size S             # the demo
    python -m bench.run --no-served          # without the served check in Chromium

Targets (issue 15) are printed next to each figure; a miss is marked, and a line under
the table says where its time went (the cold run's slowest queries, and the rest); the
notes in bench/results.md say what was tried.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import func, select

from bench.generate import build
from bench.pages import PageResult, peak_rss_mb, run_pages
from bench.served import CHROMIUM, ServedResult, served_memory, served_page_times

if TYPE_CHECKING:
    from lib.commands.evaluations import EvaluationInput

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.md"
SAVES = 50
SERVED_RUNS = 5

# (warm, cold, statements per run) targets per size and role; None: no target.
TARGETS = {
    ("M", "leder"): (0.3, 1.0, 50),
    ("M", "sagsbehandler"): (0.3, 1.0, 50),
    ("L", "leder"): (1.5, 3.0, None),
    ("L", "sagsbehandler"): (1.0, None, None),
    ("S", "leder"): (None, None, 50),
    ("S", "sagsbehandler"): (None, None, 50),
}


# Peak resident memory of an app process (MB).
MAX_RSS_MB = {"L": 600}
# A warm rerun's time against the app shell plus the page's own queries (the floor): at
# most this many times it, so that a page's drawing stays small beside its data.
MAX_WARM_RATIO = {"M": 1.5}


def warm_ratio(r: PageResult, floors: dict[str, float]) -> float:
    """warm / (app shell + the page's queries without Streamlit)."""
    return r.warm / (floors["app_shell"] + r.queries)


def default_url(size: str) -> str:
    return f"sqlite:///{ROOT / 'data' / f'bench-{size.lower()}.db'}"


def ensure_database(size: str, url: str) -> None:
    """Build the size's data unless the database already holds it."""
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Agreement

    upgrade(url)  # a database built before a new migration gets it
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            has = conn.scalar(select(func.count()).select_from(Agreement))
    except Exception:
        has = 0
    finally:
        engine.dispose()
    if not has:
        print(f"Bygger {size} i {url} ...", flush=True)
        started = time.perf_counter()
        build(size, url, verbose=True)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)


def _some_course(engine, scope):
    """An active course in scope with a plan: where the bench saves its evaluations."""
    from db.models import Enrolment, Plan
    from lib.queries.scope import enrolment_clause

    with engine.connect() as conn:
        return conn.execute(
            select(Enrolment.id, Enrolment.start_date)
            .where(
                Enrolment.status == "active",
                enrolment_clause(scope),
                Enrolment.id.in_(select(Plan.enrolment_id)),
            )
            .order_by(Enrolment.id)
            .limit(1)
        ).one()


def sample_evaluation(engine, scope) -> tuple[int, EvaluationInput]:
    """An active course in scope with a plan, and a valid evaluation for it today (every
    parameter of its plan scored 3, every Ja/Nej answered: meeting held with the caseworker,
    written with the participant, sub-goals kept, invitation received)."""
    from db.models import Plan, PlanSubGoal, PlanSubGoalParameter
    from lib.commands.evaluations import EvaluationInput

    course_id, _start = _some_course(engine, scope)
    with engine.connect() as conn:
        params = sorted(
            set(
                conn.scalars(
                    select(PlanSubGoalParameter.parameter_id)
                    .join(PlanSubGoal, PlanSubGoal.id == PlanSubGoalParameter.plan_sub_goal_id)
                    .join(Plan, Plan.id == PlanSubGoal.plan_id)
                    .where(Plan.enrolment_id == course_id)
                )
            )
        )
    today = dt.date.today()
    return course_id, EvaluationInput(
        evaluated_on=today,
        scores={p: 3 for p in params},
        goal_progress="closer",
        sub_goals_need_adjusting=False,
        written_with_participant=True,
        meeting_held=True,
        caseworker_present=True,
        meeting_on=today,
        invitation_received=True,
        invitation_received_on=today,
    )


def time_saves(url: str, n: int = SAVES) -> float:
    """Median seconds of record_evaluation (scores, meeting, invitation), n saves on one
    course; the rows are deleted afterwards, so a rerun measures the same database."""
    from sqlalchemy import delete

    from db.engine import make_engine
    from db.models import AuditLog, Evaluation
    from db.summaries import refresh_follow_ups, refresh_score_spans
    from lib.commands.evaluations import record_evaluation
    from lib.security.sign_in import load_user

    engine = make_engine(url)
    user = load_user(engine, "leder")
    assert user is not None
    scope = user.scope
    course_id, data = sample_evaluation(engine, scope)
    with engine.connect() as conn:
        first_audit = conn.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))
    times, ids = [], []
    for _ in range(n):
        started = time.perf_counter()
        ids.append(record_evaluation(engine, scope, course_id, data, confirm_close=True))
        times.append(time.perf_counter() - started)
    with engine.begin() as conn:
        conn.execute(delete(Evaluation).where(Evaluation.id.in_(ids)))
        conn.execute(delete(AuditLog).where(AuditLog.id > first_audit))
        # A Core delete passes by the flush hook: the course's summary rows again.
        refresh_score_spans(conn, [course_id])
        refresh_follow_ups(conn, [course_id])
    engine.dispose()
    return statistics.median(times)


class ReportTiming(NamedTuple):
    seconds: float | None  # None: it failed
    note: str  # "40 aftaler", or the error
    agreements: int


def time_report(url: str, limit: int | None = None) -> ReportTiming:
    """Seconds to build the committee report (data, Word and PowerPoint) for the first
    `limit` agreements (by default as many as the page lets a user choose), as the page's
    button does (build_documents); or the error. bench/committee_documents.py measures
    the documents alone."""
    from db.engine import make_engine
    from db.models import Agreement
    from lib.documents.bundle import build_documents
    from lib.domain.period import default_review_period
    from lib.domain.questions import MAX_AGREEMENTS_PER_REPORT
    from lib.security.sign_in import load_user

    engine = make_engine(url)
    user = load_user(engine, "leder")
    assert user is not None
    with engine.connect() as conn:
        ids = list(conn.scalars(select(Agreement.id).order_by(Agreement.id)))
    ids = ids[: limit or MAX_AGREEMENTS_PER_REPORT]
    positions = {a: i for i, a in enumerate(ids)}
    started = time.perf_counter()
    try:
        build_documents(engine, user.scope, default_review_period(), ids, positions, 5)
    except Exception as exc:  # the bench reports a failure instead of stopping
        return ReportTiming(
            None,
            f"{type(exc).__name__}: {str(exc)[:160]} (efter {time.perf_counter() - started:.0f} s)",
            len(ids),
        )
    finally:
        engine.dispose()
    return ReportTiming(time.perf_counter() - started, f"{len(ids)} aftaler", len(ids))


def _report_target(agreements: int) -> float:
    """The report's target: 10 s for as many agreements as the page allows, a minute for
    more (bench.run --report-limit)."""
    from lib.domain.questions import MAX_AGREEMENTS_PER_REPORT

    return 10.0 if agreements <= MAX_AGREEMENTS_PER_REPORT else 60.0


def _mark(value: float | None, target: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.3f}"
    return f"**{text} ✗**" if target is not None and value > target else text


def markdown(
    size: str,
    url: str,
    floors: dict[str, float],
    pages: list[PageResult],
    save: float | None,
    report: ReportTiming | None,
    command: str,
    served: list[ServedResult] | str | None = None,
    process_rss: float | None = None,
    served_rss: tuple[float, list[str]] | str | None = None,
) -> str:
    uname = platform.uname()
    cpus = os.cpu_count()
    lines = [
        f"## Størrelse {size} – {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Kommando: `{command}`",
        f"- Database: `{url.split('@')[-1]}`",
        f"- Maskine: {uname.system} {uname.release}, {uname.machine}, {cpus} kerner "
        f"(delt med andre processer; belastning ved slut {os.getloadavg()[0]:.1f}), "
        f"Python {platform.python_version()}",
        f"- Gulve (warm, s): tom side {floors['empty_page']:.3f}, app-skal {floors['app_shell']:.3f}",
        "",
        "Tider i sekunder. warm: genkørsel med fyldte caches (median af 3); cold: efter "
        "st.cache_data.clear() i en proces, der har importeret appens moduler; first: første kørsel i en ny proces; queries: sidens egne "
        "lib-forespørgsler uden Streamlit; warm/gulv: warm ÷ (app-skal + queries); SQL: "
        "sætninger pr. kørsel (cold/warm); ✗: over målet.",
        "",
        "| Side | Rolle | warm | cold | first | queries | warm/gulv | SQL cold/warm | RSS MB | fejl |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in pages:
        warm_t, cold_t, sql_t = TARGETS.get((size, r.role), (None, None, None))
        sql = f"{r.statements_cold}/{r.statements_warm}"
        if sql_t is not None and max(r.statements_cold, r.statements_warm) > sql_t:
            sql = f"**{sql} ✗**"
        over = warm_ratio(r, floors) > MAX_WARM_RATIO.get(size, float("inf"))
        ratio = f"{warm_ratio(r, floors):.1f}"
        ratio = f"**{ratio} ✗**" if over else ratio
        lines.append(
            f"| {r.title} | {r.role} | {_mark(r.warm, warm_t)} | {_mark(r.cold, cold_t)} | "
            f"{_mark(r.first, None)} | {r.queries:.3f} | {ratio} | {sql} | "
            f"{r.peak_rss_mb or 0:.0f} | {r.errors[0][:80] if r.errors else ''} |"
        )
    lines.append("")
    if process_rss is not None:
        lines.append(
            "- Største RSS i benchmark-processen, der kørte alle sider efter hinanden (caches "
            f"ryddet før hver side): {_rss(size, process_rss)}; RSS-kolonnen er hver sides "
            "første kørsel i sin egen proces."
        )
    lines += miss_causes(size, floors, pages)
    if save is not None:
        lines.append(f"- Gem én evaluering (median af {SAVES}): {_mark(save, 0.1)} s (mål ≤ 0,1 s)")
    if report is not None:
        seconds, note, agreements = report
        lines.append(
            "- Udvalgsrapport, Word + PowerPoint: "
            + (
                f"{_mark(seconds, _report_target(agreements))} s ({note}; mål ≤ 10 s for 40 "
                "aftaler, ≤ 60 s for flere)"
                if seconds
                else f"**fejl ✗**: {note}"
            )
        )
    lines.append("")
    if served is not None:
        lines += served_markdown(served)
    if served_rss is not None:
        lines += served_memory_markdown(size, served_rss)
    return "\n".join(lines)


def miss_causes(size: str, floors: dict[str, float], pages: list[PageResult]) -> list[str]:
    """A line per missed target saying where the time went: a cold run's slowest cached
    queries (timed as the page ran them) and the rest (Streamlit, drawing, the app shell);
    a warm run runs no query (the caches are full), so its time is drawing and the copies
    the cache hands back."""
    lines = []
    shell = floors["app_shell"]
    for r in pages:
        warm_t, cold_t, sql_t = TARGETS.get((size, r.role), (None, None, None))
        who = f"{r.title} ({r.role})"
        if cold_t is not None and r.cold > cold_t:
            in_queries = sum(seconds for _name, seconds, _n in r.cold_queries)
            top = ", ".join(
                f"`{name}` {seconds:.2f}" + (f" ({n} kald)" if n > 1 else "")
                for name, seconds, n in r.cold_queries[:4]
                if seconds >= 0.05
            )
            lines.append(
                f"- {who} cold {r.cold:.2f} s > {cold_t:g} s: forespørgsler {in_queries:.2f} s"
                + (f" ({top})" if top else "")
                + f"; resten {max(r.cold - in_queries, 0):.2f} s er sidens tegning og "
                f"Streamlit (app-skal {shell:.3f} s)."
            )
        if warm_t is not None and r.warm > warm_t:
            lines.append(
                f"- {who} warm {r.warm:.2f} s > {warm_t:g} s: ingen forespørgsel kører (fyldte "
                f"caches); tiden er sidens tegning og cachens kopier (app-skal {shell:.3f} s)."
            )
        if sql_t is not None and max(r.statements_cold, r.statements_warm) > sql_t:
            lines.append(
                f"- {who}: {max(r.statements_cold, r.statements_warm)} SQL-sætninger > {sql_t}."
            )
        ratio = warm_ratio(r, floors)
        if ratio > MAX_WARM_RATIO.get(size, float("inf")):
            lines.append(
                f"- {who} warm {r.warm:.3f} s = {ratio:.1f} × gulvet (app-skal {shell:.3f} + "
                f"forespørgsler {r.queries:.3f} s) > {MAX_WARM_RATIO[size]:g}: "
                f"{max(r.warm - shell - r.queries, 0):.3f} s går til at tegne siden (elementer, "
                "grafernes spec og cachens kopier), ikke til data."
            )
    return ["### Mål, der ikke er nået: hvor tiden går", "", *lines, ""] if lines else []


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def served_markdown(served: list[ServedResult] | str) -> list[str]:
    """The served check's lines; `served` is a text when it was skipped or failed."""
    lines = ["### Serveret i Chromium: navigation til færdig side", ""]
    if isinstance(served, str):
        return [*lines, f"- {served}", ""]
    runs = max(len(r.times) for r in served)
    lines += [
        "Appen serveret som `make run` gør det (egen port), Debians Chromium headless, logget "
        "ind som leder via formularen. menu: klik på siden i menuen til venstre; adresse: ny "
        "indlæsning af sidens adresse (ny session, logget ind fra cookien). Tid i sekunder fra "
        "klikket/indlæsningen til sidens sidste ændring (kørslen færdig, overskriften vist, "
        "diagrammer og tabeller tegnet); det 1 s stille, der viser at siden er færdig, tælles "
        "ikke med. første: første gang efter serverstart (menu: med tomme caches); median: af "
        f"de {runs - 1} følgende; kørsel færdig: median af tiden til appens kørsel sluttede.",
        "",
        "| Side | Vej | første | median | kørsel færdig | fejl |",
        "|---|---|---:|---:|---:|---|",
    ]
    ways = {"menu": "menu", "load": "adresse"}
    for r in served:
        lines.append(
            f"| {r.title} | {ways[r.how]} | {r.first:.3f} | {_seconds(r.rest)} | "
            f"{_seconds(r.run_end_rest)} | {r.errors[0][:80] if r.errors else ''} |"
        )
    lines.append("")
    return lines


def served_memory_markdown(size: str, served_rss: tuple[float, list[str]] | str) -> list[str]:
    if isinstance(served_rss, str):
        return [f"- Den serverede app-proces' hukommelse: {served_rss}", ""]
    rss, errors = served_rss
    return [
        "- Den serverede app-proces (som `make run`), efter at lederen har åbnet hver side i "
        f"menuen én gang: største RSS {_rss(size, rss)}"
        + (f"; fejl: {'; '.join(errors)[:300]}" if errors else "")
        + ".",
        "",
    ]


def _rss(size: str, mb: float) -> str:
    """Peak memory in MB, marked against the size's target."""
    limit = MAX_RSS_MB.get(size)
    text = f"{mb:.0f} MB"
    if limit is None:
        return text
    return (f"**{text} ✗**" if mb > limit else text) + f" (mål ≤ {limit} MB)"


def run_served_memory(url: str) -> tuple[float, list[str]] | str:
    """The served app's peak memory after every page (bench.served.served_memory), or
    why it was not measured."""
    try:
        rss, errors = served_memory(url)
    except Exception as exc:  # reported like a failed served check
        print(f"Serveret hukommelse fejlede: {exc}", flush=True)
        return f"**fejl ✗**: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    print(f"Serveret app-proces efter alle sider: {rss:.0f} MB {errors or ''}", flush=True)
    return rss, errors


def run_served(url: str, runs: int = SERVED_RUNS) -> list[ServedResult] | str:
    """The served check, or why it did not run (the bench goes on without it)."""
    if not Path(CHROMIUM).exists():
        reason = f"Sprunget over: Chromium findes ikke i {CHROMIUM} (`make chromium`)."
        print(reason, flush=True)
        return reason
    try:
        served = served_page_times(url, runs)
    except Exception as exc:  # reported in results.md like a failed report
        print(f"Serveret i Chromium fejlede: {exc}", flush=True)
        return f"**fejl ✗**: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    for r in served:
        print(
            f"Serveret {r.title:12} {r.how:5} første {r.first:.3f} median {_seconds(r.rest)}"
            f"{' FEJL ' + r.errors[0] if r.errors else ''}",
            flush=True,
        )
    return served


def write_results(section: str, size: str) -> None:
    """Replace this size's section in bench/results.md where it stands (other sections are
    kept; a size not there yet goes before the notes)."""
    head = (
        "# Benchmark-resultater\n\nSkrevet af `make bench` (bench/run.py). Noter står nederst.\n\n"
    )
    old = RESULTS.read_text() if RESULTS.exists() else head
    parts = old.split("\n## ")
    sections = ["\n## " + p for p in parts[1:]]
    mine = f"\n## Størrelse {size} "
    new = "\n" + section.strip("\n") + "\n"
    places = [i for i, p in enumerate(sections) if p.startswith(mine)]
    if places:
        sections[places[0]] = new
        sections = [p for i, p in enumerate(sections) if i not in places[1:]]
    else:
        notes = [i for i, p in enumerate(sections) if p.startswith("\n## Noter")]
        sections.insert(notes[0] if notes else len(sections), new)
    body = (
        parts[0].rstrip("\n")
        + "\n"
        + "".join(s if s.endswith("\n") else s + "\n" for s in sections)
    )
    RESULTS.write_text(body.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M", choices=["S", "M", "L"])
    parser.add_argument("--url")
    parser.add_argument("--no-first", action="store_true", help="skip first runs in new processes")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--roles", nargs="*", default=["leder", "sagsbehandler"])
    parser.add_argument(
        "--report-limit", type=int, help="agreements in the report (default: the page's limit, 40)"
    )
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results.md")
    parser.add_argument(
        "--no-served", action="store_true", help="skip the served check in headless Chromium"
    )
    args = parser.parse_args()
    url = args.url or default_url(args.size)
    ensure_database(args.size, url)
    floors, pages = run_pages(
        url,
        tuple(args.roles),
        first=not args.no_first,
        only=args.only,
        log=lambda s: print(s, flush=True),
    )
    process_rss = peak_rss_mb()
    save = time_saves(url)
    print(f"Gem evaluering: {save * 1000:.1f} ms", flush=True)
    report = None if args.no_report else time_report(url, args.report_limit)
    if report:
        print(f"Rapport: {report}", flush=True)
    served = None if args.no_served else run_served(url)
    served_rss = None if served is None or isinstance(served, str) else run_served_memory(url)
    # The command as given, but a database address with a password is "<url>".
    shown = ["<url>" if re.search(r"//[^/@]*:[^/@]*@", a) else a for a in sys.argv[1:]]
    command = "python -m bench.run " + " ".join(shown)
    section = markdown(
        args.size, url, floors, pages, save, report, command.strip(), served, process_rss,
        served_rss,
    )  # fmt: skip
    print(section)
    if not args.no_write:
        write_results(section, args.size)


if __name__ == "__main__":
    main()
