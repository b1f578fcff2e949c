"""The benchmark's parts on small data: the page bench runs every page for a manager and a
caseworker on the demo (size S) without errors and within 50 SQL statements per run (no
per-participant queries); the generator is deterministic on SQLite and through COPY on
PostgreSQL; and the set-based rewrites give what the one-item rules give. No timing is
asserted here: speed is measured by `make bench`. The served check (bench/served.py) opens
Overblik and Progression in Chromium once each way."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from bench.generate import TABLES, Size, generate
from bench.pages import run_pages
from db.engine import make_engine
from db.models import (
    Enrolment,
    Enterprise,
    MentorAssignment,
    MentorContact,
    Participant,
    WeeklyHours,
)
from lib.domain.period import Filters, default_period
from lib.domain.quality import mentor_intervals
from lib.queries.compliance import dates_by_course
from lib.queries.my_results import _mentors
from lib.queries.progression import fullest_star, participants_with_baseline, star_scores
from lib.queries.quality import frequency_changes
from tests.conftest import scope_for

MAX_STATEMENTS = 50
# The committee pages build their report in lib/documents/report.py: a fixed number of
# statements for any number of agreements (tests/test_report.py holds that); the
# allowance per agreement here is slack, and still fails on any per-participant query.
REPORT_PAGES = {"Præsentation", "Evalueringsrapport"}
PER_AGREEMENT = 40
# Forløb, Plan and Evaluering show one chosen course (its history, plan, sub-goals and
# record tabs): a fixed number of statements for that course, whatever the number of
# courses. Each run also checks the session and notes the access (issue 13).
ONE_COURSE_PAGES = {"Forløb": 40, "Plan": 20, "Evaluering": 20}
TINY = Size("T", agreements=3, courses=30, evaluations_per_course=4.0, caseworkers=2, chunk=2)


def test_page_bench_smoke_on_the_demo(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    # One run of each timing: no figure is asserted beyond being there.
    floors, pages = run_pages(demo_url, first=False, warm_runs=1, timed_runs=1)
    assert floors["empty_page"] > 0 and floors["app_shell"] > 0
    roles = {r.role for r in pages}
    assert roles == {"leder", "sagsbehandler"}
    assert {r.title for r in pages if r.role == "leder"} >= {"Overblik", "Progression"}
    agreements = 2  # the demo's
    for r in pages:
        assert r.errors == [], (r.title, r.role, r.errors)
        bound = MAX_STATEMENTS + (PER_AGREEMENT * agreements if r.title in REPORT_PAGES else 0)
        bound += ONE_COURSE_PAGES.get(r.title, 0)
        assert r.statements_cold <= bound, (r.title, r.role, r.statements_cold)
        assert r.statements_warm <= MAX_STATEMENTS, (r.title, r.role, r.statements_warm)
    progression = next(r for r in pages if r.title == "Progression" and r.role == "leder")
    assert progression.query_calls > 0 and progression.warm > 0
    # The cold run's queries by name, as a missed target's cause names them.
    names = [name for name, _seconds, _n in progression.cold_queries]
    assert "fullest_star" in names and sum(n for *_, n in progression.cold_queries) == (
        progression.query_calls
    )


def test_a_missed_target_names_its_slowest_queries_and_the_rest():
    from bench.pages import PageResult
    from bench.run import markdown

    slow = PageResult("views/opfolgning.py", "Opfølgning", "leder", warm=0.5, cold=2.0, queries=0.2)
    slow.cold_queries = [("compliance", 1.2, 1), ("mentor_compliance", 0.3, 2), ("tiny", 0.01, 1)]
    fast = PageResult("views/overblik.py", "Overblik", "leder", warm=0.1, cold=0.5, queries=0.1)
    text = markdown("M", "sqlite://", {"empty_page": 0.002, "app_shell": 0.01}, [slow, fast],
                    None, None, "python -m bench.run")  # fmt: skip
    causes = text.split("### Mål, der ikke er nået")[1].splitlines()
    cold = next(line for line in causes if "cold 2.00 s > 1 s" in line)
    assert "`compliance` 1.20" in cold and "`mentor_compliance` 0.30 (2 kald)" in cold
    assert "tiny" not in cold and "forespørgsler 1.51 s" in cold and "resten 0.49 s" in cold
    assert any("Opfølgning (leder) warm 0.50 s > 0.3 s" in line for line in causes)
    # Warm against the floor (app shell + the page's queries): 0.5 / (0.01 + 0.2) = 2.4.
    assert any("Opfølgning (leder) warm 0.500 s = 2.4 × gulvet" in line for line in causes)
    assert "| **2.4 ✗** |" in text
    assert not any("Overblik" in line for line in causes)


@pytest.mark.browser
def test_served_check_smoke_on_the_demo(demo_url, browser):
    from bench.served import PAGES, served_page_times

    # The tests' Chromium (a second sync Playwright cannot start in a worker that has one).
    results = served_page_times(demo_url, runs=1, browser=browser, quiet=0.5)
    assert {(r.title, r.how) for r in results} == {
        (title, how) for title, _ in PAGES for how in ("menu", "load")
    }
    for r in results:
        # A time is only taken once the page's own title heading was seen.
        assert len(r.times) == 1 and r.first > 0, (r.title, r.how, r.times)
        assert 0 < r.run_ends[0] <= r.first, (r.title, r.how, r.run_ends)
        assert r.errors == [], (r.title, r.how, r.errors)


@pytest.mark.browser
def test_served_memory_is_the_app_process_after_every_page(demo_url, browser):
    """Every page of the manager's menu opens in the served app without an error, and the
    server process's own peak memory comes back (a served Streamlit app holds well over
    100 MB)."""
    from bench.served import served_memory

    rss, errors = served_memory(demo_url, quiet=0.3, browser=browser)
    assert errors == [] and 100 < rss < 2000, (rss, errors)


def _counts(url: str) -> dict[str, tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {
            t.name: conn.execute(select(func.count(), func.max(t.c[list(t.c.keys())[0]]))).one()
            for t in TABLES
        }
        out["hours"] = conn.execute(
            select(func.sum(WeeklyHours.planned_hours), func.min(WeeklyHours.week_start))
        ).one()
        out["codes"] = tuple(conn.scalars(select(Participant.case_code).order_by(Participant.id)))
    engine.dispose()
    return {k: tuple(v) for k, v in out.items()}


def test_generator_is_deterministic_on_sqlite_and_postgresql(sqlite_url, pg_url, tmp_path):
    from db.migrate import upgrade

    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    for url in (sqlite_url, other, pg_url):
        engine = make_engine(url)
        counts = generate(engine, TINY)
        engine.dispose()
        assert counts["enrolment"] == 30 and counts["evaluation"] > 0
    first, second, copied = _counts(sqlite_url), _counts(other), _counts(pg_url)
    assert first == second
    assert first == copied  # COPY writes what executemany writes
    engine = make_engine(pg_url)
    with engine.begin() as conn:  # the sequences continue after the copied ids
        conn.execute(insert(Enterprise).values(name="Ny virksomhed"))
        conn.execute(insert(Participant).values(case_code="NY-1", initials="NY", target_group_id=1))
    engine.dispose()


def test_fullest_star_is_the_per_participant_maximum(any_demo_url):
    engine = make_engine(any_demo_url)
    start, end = default_period()
    for username in ("leder", "sagsbehandler"):
        scope = scope_for(engine, username)
        for f in (Filters(start, end), Filters(start, end - dt.timedelta(days=120))):
            ids = [i for i, _ in participants_with_baseline(engine, scope, f)]
            assert ids

            def scored(i: int, scope=scope, f=f) -> tuple[int, int]:
                star = star_scores(engine, scope, i, f.as_of())
                assert star is not None
                return (
                    sum(r[3] is not None for r in star.rows),
                    sum(r[2] is not None for r in star.rows),
                )

            expected = ids[max(range(len(ids)), key=lambda k: scored(ids[k]))]
            assert fullest_star(engine, scope, f) == expected
    engine.dispose()


def test_mentor_follow_up_in_sql_matches_the_rule(any_demo_url):
    # Assignments with one frequency are counted by a window in SQL, those whose frequency
    # changed by the rule itself; together they must equal the rule for every assignment.
    engine = make_engine(any_demo_url)
    with engine.connect() as conn:
        for today in (dt.date.today(), dt.date.today() - dt.timedelta(days=90)):
            rows = conn.execute(
                select(
                    MentorAssignment.id,
                    MentorAssignment.start_date,
                    MentorAssignment.end_date,
                    MentorAssignment.frequency_days,
                    Participant.caseworker_id,
                )
                .join(Enrolment, Enrolment.id == MentorAssignment.enrolment_id)
                .join(Participant, Participant.id == Enrolment.participant_id)
                .where(MentorAssignment.start_date <= today)
            ).all()
            contacts = dates_by_course(
                conn, select(MentorContact.mentor_assignment_id, MentorContact.contact_on)
            )
            changes = frequency_changes(conn, [a.id for a in rows])
            assert changes, "the demo has a frequency change to check against"
            expected: dict[int | None, tuple[int, int]] = {}
            for a in rows:
                m = mentor_intervals(
                    a.start_date,
                    a.end_date,
                    contacts.get(a.id, []),
                    a.frequency_days,
                    today,
                    changes=changes.get(a.id, []),
                )
                due, on_time = expected.get(a.caseworker_id, (0, 0))
                expected[a.caseworker_id] = (due + m.due, on_time + m.on_time)
            assert expected and any(d for d, _ in expected.values())
            assert _mentors(conn, today) == expected
    engine.dispose()


@pytest.mark.parametrize("size", ["M", "L"])
def test_sizes_are_as_the_issue_states(size):
    from bench.generate import SIZES

    s = SIZES[size]
    assert (s.agreements, s.courses) == {"M": (40, 2_000), "L": (500, 100_000)}[size]


# Five times the demo's courses: a page whose statements grow with the courses or the
# participants (a query per participant) goes over the bound here, not on the demo.
LARGER = Size("T5", agreements=6, courses=150, evaluations_per_course=4.0, caseworkers=3, chunk=6)


def test_manager_pages_stay_within_the_statement_bound_above_the_demo_size(sqlite_url, monkeypatch):
    import streamlit as st
    from sqlalchemy import Engine, event

    from bench.pages import pages_for, signed_in_app

    engine = make_engine(sqlite_url)
    generate(engine, LARGER)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    at, _user = signed_in_app(sqlite_url, "leder")
    at.run()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        # Each of Kvalitet's tabs too: only the open one runs.
        pages = ("progression", "kvalitet", "opfolgning", "mine_resultater")
        for path, title, tab in pages_for("leder"):
            if not any(f"views/{page}.py" == path for page in pages):
                continue
            st.cache_data.clear()  # cold: every query of the page runs
            statements.clear()
            if tab:
                at.session_state[tab[0]] = tab[1]
            at.switch_page(path)
            at.run()
            assert not at.exception, (title, at.exception[0].value)
            assert 0 < len(statements) <= MAX_STATEMENTS, (title, len(statements))
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def test_pickers_search_and_cut_in_sql_on_both_databases(any_demo_url):
    from lib.queries.progression import count_with_baseline
    from lib.queries.quality import (
        participant_hours_table,
        participants_with_hours,
        started_enrolments,
    )

    engine = make_engine(any_demo_url)
    scope = scope_for(engine, "leder")
    f = Filters(*default_period())
    everyone = participants_with_baseline(engine, scope, f)
    assert count_with_baseline(engine, scope, f) == len(everyone) > 2
    last_id, last_code = everyone[-1]
    assert participants_with_baseline(engine, scope, f, None, "", 2) == everyone[:2]
    first = participants_with_baseline(engine, scope, f, None, "", 2, last_id)
    assert first == [everyone[-1], everyone[0]]
    found = participants_with_baseline(engine, scope, f, None, last_code.lower(), 5)
    assert found == [p for p in everyone if last_code.lower() in p[1].lower()][:5]
    assert participants_with_baseline(engine, scope, f, None, "%", 5) == []  # not a wildcard
    since = dt.date(2000, 1, 1)
    hours = participants_with_hours(engine, scope, (), since)
    assert [p.enrolment_id for p in hours] == [
        r.enrolment_id for r in participant_hours_table(engine, scope, (), since)
    ]
    assert participants_with_hours(engine, scope, (), since, "", 2) == hours[:2]
    code = hours[-1].case_code
    found = participants_with_hours(engine, scope, (), since, code.lower(), 5)
    assert hours[-1] in found and all(code.lower() in p.case_code.lower() for p in found)
    assert participants_with_hours(engine, scope, (), since, "_", 5) == []  # not a wildcard
    courses = started_enrolments(engine, scope)
    assert started_enrolments(engine, scope, (), "", 3) == courses[:3]
    code = courses[-1].label.split(" ")[0]
    assert courses[-1] in started_enrolments(engine, scope, (), code.lower(), 3)
    # The entry pages' participant picker and Forløb's table of open courses.
    from lib.queries.courses import count_enrolments, my_enrolments

    both = ("referral", "active")
    open_courses = my_enrolments(engine, scope, both)
    assert count_enrolments(engine, scope, both) == len(open_courses) > 3
    assert my_enrolments(engine, scope, both, "", 2) == open_courses[:2]
    last = open_courses[-1]
    assert my_enrolments(engine, scope, both, "", 2, last.id) == [last, open_courses[0]]
    found = my_enrolments(engine, scope, both, last.initials.lower(), 50)
    assert last in found and all(
        last.initials.lower() in (r.initials or "").lower()
        or last.initials.lower() in r.case_code.lower()
        for r in found
    )
    assert my_enrolments(engine, scope, both, "%", 5) == []  # not a wildcard
    engine.dispose()


def test_committee_pages_are_timed_with_the_agreements_a_user_may_choose(demo_url, monkeypatch):
    """Past the limit the committee pages start with no agreement chosen; the bench times
    them with the first agreements chosen, in this process and in a new one. The demo's two
    agreements stand in, with the limit at 1."""
    from bench.pages import first_run, run_pages

    monkeypatch.setenv("DATABASE_URL", demo_url)
    # The page's module first: importing it under the patched limit would keep 1 for good.
    monkeypatch.setattr("views.components.committee.MAX_AGREEMENTS_PER_REPORT", 1)
    monkeypatch.setattr("lib.domain.questions.MAX_AGREEMENTS_PER_REPORT", 1)
    _floors, pages = run_pages(
        demo_url, ("leder",), first=False, only=["evalueringsrapport"], warm_runs=1, timed_runs=1
    )
    [report] = pages
    assert report.title == "Evalueringsrapport, 1 aftaler valgt" and report.errors == []
    assert "build_report" in [name for name, _seconds, _n in report.cold_queries]
    seconds, _rss = first_run(demo_url, "views/evalueringsrapport.py", "leder", ("rap_agr", [1]))
    assert seconds > 0


def test_results_keep_each_size_where_it_stands(tmp_path, monkeypatch):
    """A new run replaces its size's section in place; a size not there yet goes before
    the notes; the other sections stay as they are."""
    import bench.run as run

    results = tmp_path / "results.md"
    results.write_text(
        "# B\n\nx\n\n## Størrelse M – gammel\n\nm\n\n## Belastning\n\nb\n\n## Noter\n\nn\n"
    )
    monkeypatch.setattr(run, "RESULTS", results)
    run.write_results("## Størrelse M – ny\n\nm2\n", "M")
    run.write_results("## Størrelse L – ny\n\nl\n", "L")
    text = results.read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Størrelse M – ny", "## Belastning", "## Størrelse L – ny", "## Noter"]
    assert "gammel" not in text and "\n\nb\n" in text and text.endswith("n\n")
