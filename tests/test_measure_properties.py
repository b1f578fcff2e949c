"""The SQL aggregates against lib.domain.rules' one-item rules, on generated data, on SQLite
and PostgreSQL: compliance's deliverable and meeting counts (rules.deliverable_item, tally,
meeting_status), progression's changes (rules.score_change, mean_change), the outcomes'
course lengths (rules.course_weeks) and mentor follow-up per assignment
(lib.domain.quality.mentor_intervals).

Hypothesis draws small worlds of courses with baseline plans, evaluations, meetings and
deliverables; each test keeps one database for all its examples and clears the course
tables before each (a function-scoped fixture is made once per test, not per example).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from db import catalogue as cat
from db.engine import make_engine, write_session
from db.models import (
    Agreement,
    Deliverable,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    MentorFrequencyChange,
    Participant,
    Plan,
    PlanScore,
    User,
)
from db.summaries import rebuild_all
from lib.domain import measures, rules
from lib.domain.access import Scope
from lib.domain.enums import DeliverableKind, EnrolmentStatus, MentorType
from lib.domain.period import Filters
from lib.domain.quality import mentor_intervals
from lib.queries.compliance import compliance, deliverables_by_kind
from lib.queries.outcomes import course_lengths
from lib.queries.progression import overall_change, parameter_changes
from lib.queries.quality import mentor_compliance

D = dt.date
PERIOD = Filters(D(2026, 1, 1), D(2026, 6, 30))
AGREEMENTS = (1, 2)
MANAGER = Scope(1, "chef", "leder")
ACTIVE, ENDED, REFERRAL = EnrolmentStatus.ACTIVE, EnrolmentStatus.ENDED, EnrolmentStatus.REFERRAL
MOT, ACT = cat.parameter_id("motivation"), cat.parameter_id("active_action")
MOT_SUB = cat.sub_element_ids("motivation")[0]
# A score is for a parameter as a whole (sub-element None) or for one of its sub-elements;
# two parameters, so that baselines and evaluations often score the same thing.
SCORE_KEYS = [
    (MOT, None),
    (MOT, MOT_SUB),
    (ACT, None),
    (ACT, cat.sub_element_ids("active_action")[0]),
]
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Scores = dict[tuple[int, int | None], int]


@dataclass(frozen=True)
class GeneratedEvaluation:
    day: dt.date
    scores: Scores
    meeting: tuple[bool, bool] | None  # (held, caseworker present); None: no meeting row


@dataclass(frozen=True)
class GeneratedCourse:
    agreement_id: int
    status: EnrolmentStatus
    start: dt.date
    weeks: int
    end: dt.date | None
    baseline: tuple[dt.date, Scores] | None
    evaluations: list[GeneratedEvaluation] = field(default_factory=list)
    unlinked_meetings: list[bool] = field(default_factory=list)  # held, with no evaluation
    deliverables: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)

    def runs_in(self, f: Filters, as_of: dt.date) -> bool:
        """measures.COURSES: started, begun by the day of counting, not ended before the
        period."""
        return (
            self.status != REFERRAL
            and self.start <= as_of
            and (self.end is None or self.end >= f.start)
        )


def days_after(day: dt.date, low: int, high: int):
    return st.integers(low, high).map(lambda n: day + dt.timedelta(days=n))


def dates_around(*days: dt.date):
    """Mostly a few days either side of the given days (where the rules change their
    answer: the period's start, the day of counting), sometimes anywhere."""
    near = st.tuples(st.sampled_from(days), st.sampled_from([-1, 0, 1]))
    return near.map(lambda d: d[0] + dt.timedelta(days=d[1])) | days_after(PERIOD.start, -120, 300)


scores = st.dictionaries(st.sampled_from(SCORE_KEYS), st.integers(1, 5), min_size=1, max_size=3)
meetings = st.none() | st.tuples(st.booleans(), st.booleans())


@st.composite
def courses(draw, as_of: dt.date) -> GeneratedCourse:
    # Mostly started courses that ran in the period; some in referral, some outside it.
    status = draw(st.sampled_from([ACTIVE, ENDED, REFERRAL]))
    start = draw(days_after(as_of, -200, 0) | dates_around(PERIOD.start, as_of))
    end = draw(days_after(start, 0, 300)) if status == ENDED else None
    baseline = draw(st.none() | st.tuples(days_after(start, 0, 40), scores))
    anchor = baseline[0] if baseline else start  # evaluations come after the baseline
    # Evaluations close together (two on a day, one either side of the day of counting)
    # as often as far apart.
    day = days_after(anchor, 1, 8) | days_after(anchor, 1, 250) | dates_around(as_of)
    evaluations = draw(
        st.lists(st.builds(GeneratedEvaluation, day.filter(lambda d: d > anchor), scores,
                           meetings), min_size=1, max_size=4)
    )  # fmt: skip
    deliverable = st.tuples(
        st.sampled_from([k.value for k in DeliverableKind]),
        st.none() | dates_around(PERIOD.start, as_of),
        st.none() | dates_around(PERIOD.start, as_of),
    )
    return GeneratedCourse(
        draw(st.sampled_from(AGREEMENTS)),
        status,
        start,
        draw(st.sampled_from([13, 52])),
        end,
        baseline,
        evaluations,
        draw(st.lists(st.booleans(), max_size=1)),
        draw(st.lists(deliverable, min_size=1, max_size=3)),
    )


@st.composite
def worlds(draw) -> tuple[list[GeneratedCourse], dt.date]:
    """Courses and the day of counting (today; the period's end once today is past it)."""
    today = draw(days_after(PERIOD.start, 0, 270))
    return draw(st.lists(courses(PERIOD.as_of(today)), min_size=1, max_size=6)), today


COURSE_TABLES = (MentorContact, MentorFrequencyChange, MentorAssignment, FollowUpMeeting, Deliverable, EvaluationScore, Evaluation, PlanScore, Plan,
                 Enrolment, Participant)  # fmt: skip


@pytest.fixture
def engine(any_db_url):
    """One migrated database (SQLite or PostgreSQL) with a manager and two agreements."""
    engine = make_engine(any_db_url)
    with write_session(engine, "test", audit_log=False) as s:
        s.add(Enterprise(id=1, name="Virksomhed"))
        s.add(User(id=1, username="chef", display_name="Chef", password_hash="x", role="leder"))
        s.flush()
        s.add_all(
            Agreement(id=a, enterprise_id=1, name=f"Aftale {a}", slots=5, start_date=D(2024, 1, 1))
            for a in AGREEMENTS
        )
    yield engine
    engine.dispose()


def store(engine, generated: list[GeneratedCourse]) -> None:
    """Replace the courses in the database with the generated ones: one multi-row insert
    per table (ids given, so the rows can refer to each other before they are written)."""
    rows: dict[type, list[dict]] = defaultdict(list)
    for n, c in enumerate(generated, start=1):
        rows[Participant].append(dict(id=n, case_code=f"G-{n}", initials="XX", target_group_id=1))
        rows[Enrolment].append(dict(id=n, participant_id=n, agreement_id=c.agreement_id,
                                    status=c.status, start_date=c.start, planned_weeks=c.weeks,
                                    end_date=c.end))  # fmt: skip
        if c.baseline:
            created_on, baseline_scores = c.baseline
            rows[Plan].append(dict(id=n, enrolment_id=n, version_no=1, created_on=created_on))
            rows[PlanScore] += [dict(plan_id=n, parameter_id=p, sub_element_id=sub, score=v)
                                for (p, sub), v in baseline_scores.items()]  # fmt: skip
        for e in c.evaluations:
            evaluation_id = len(rows[Evaluation]) + 1
            rows[Evaluation].append(dict(id=evaluation_id, enrolment_id=n, evaluated_on=e.day))
            rows[EvaluationScore] += [
                dict(evaluation_id=evaluation_id, parameter_id=p, sub_element_id=sub, score=v)
                for (p, sub), v in e.scores.items()
            ]
            if e.meeting is not None:
                held, present = e.meeting
                rows[FollowUpMeeting].append(dict(enrolment_id=n, evaluation_id=evaluation_id,
                                                  held=held, held_on=e.day if held else None,
                                                  caseworker_present=present))  # fmt: skip
        rows[FollowUpMeeting] += [dict(enrolment_id=n, evaluation_id=None, held=held,
                                       held_on=c.start if held else None, caseworker_present=False)
                                  for held in c.unlinked_meetings]  # fmt: skip
        rows[Deliverable] += [dict(enrolment_id=n, kind=kind, due_on=due, received_on=received)
                              for kind, due, received in c.deliverables]  # fmt: skip
    with engine.begin() as conn:
        for table in COURSE_TABLES:  # children first
            conn.execute(delete(table))
        for table in reversed(COURSE_TABLES):  # parents first
            if rows[table]:
                conn.execute(insert(table), rows[table])
        rebuild_all(conn)  # Core inserts, like the generator's: the flush hook is not run


E = GeneratedEvaluation

# Every boundary once, whatever Hypothesis draws: counted on 15 Mar 2026.
BOUNDARIES = (
    [
        GeneratedCourse(
            1, ACTIVE, D(2026, 1, 5), 13, None,
            (D(2026, 1, 10), {(MOT, None): 2, (ACT, None): 3, (MOT, MOT_SUB): 4}),
            [
                E(D(2026, 3, 1), {(MOT, None): 3}, (False, True)),  # not held: nobody present
                E(D(2026, 3, 1), {(MOT, None): 5, (ACT, None): 1}, (True, True)),  # tie: 5
                E(D(2026, 3, 16), {(MOT, None): 1, (MOT, MOT_SUB): 1}, None),  # after as_of
            ],
            [True],  # a meeting held with no evaluation
            [
                ("plan", D(2026, 3, 15), None),  # due on the day of counting: pending
                ("meeting_plan", D(2026, 3, 14), None),  # a day over: missing
                ("plan", D(2026, 3, 1), D(2026, 3, 1)),  # on the due date: on time
                ("plan", D(2026, 3, 1), D(2026, 3, 2)),  # a day after: late
                ("evaluation_invitation", D(2026, 3, 10), D(2026, 3, 16)),  # not yet: missing
                ("plan", D(2025, 12, 31), None),  # due before the period
                ("plan", None, None),  # no due date
            ],
        ),
        # Ended on the period's first day: counted, and its evaluation that day too.
        GeneratedCourse(
            2, ENDED, D(2025, 10, 1), 13, D(2026, 1, 1), (D(2025, 10, 5), {(MOT, None): 3}),
            [E(D(2025, 12, 31), {(MOT, None): 4}, (True, True)),
             E(D(2026, 1, 1), {(MOT, None): 3}, (True, False))],
        ),
        GeneratedCourse(2, ENDED, D(2025, 9, 1), 13, D(2025, 12, 31), None,
                        [E(D(2026, 1, 2), {}, (True, True))]),  # ended before the period
        GeneratedCourse(1, REFERRAL, D(2026, 1, 5), 13, None, (D(2026, 1, 6), {(MOT, None): 1}),
                        [E(D(2026, 2, 1), {(MOT, None): 5}, (True, True))]),
        GeneratedCourse(1, ACTIVE, D(2026, 3, 16), 52, None, None,
                        [], [], [("plan", D(2026, 3, 15), None)]),  # starts after as_of
    ],
    D(2026, 3, 15),
)  # fmt: skip


def counted(generated: list[GeneratedCourse], as_of: dt.date) -> list[GeneratedCourse]:
    return [c for c in generated if c.runs_in(PERIOD, as_of)]


@EXAMPLES
@given(world=worlds())
@example(world=BOUNDARIES)
def test_deliverables_and_meetings_follow_the_one_item_rules(engine, world):
    generated, today = world
    store(engine, generated)
    as_of = PERIOD.as_of(today)
    items = [
        item
        for c in counted(generated, as_of)
        for kind, due, received in c.deliverables
        if (item := rules.deliverable_item(kind, due, received, as_of)) is not None
        and rules.in_period(item, PERIOD.start, as_of)
    ]
    got = compliance(engine, MANAGER, PERIOD, today).total
    assert got.deliverables == rules.tally(items)
    kinds = {i.kind.removeprefix("deliverable:") for i in items}
    assert deliverables_by_kind(engine, MANAGER, PERIOD, today) == {
        kind: rules.tally(i for i in items if i.kind == f"deliverable:{kind}") for kind in kinds
    }

    meetings = [
        rules.meeting_status(*(e.meeting or (None, None)))
        for c in counted(generated, as_of)
        for e in c.evaluations
        if PERIOD.start <= e.day <= as_of
    ]
    assert (got.evaluations_held, got.meetings_held, got.caseworker_present) == (
        len(meetings),
        sum(held for held, _ in meetings),
        sum(present for _, present in meetings),
    )


def approx_or_none(value: float | None):
    return None if value is None else pytest.approx(value)


def latest_scores(c: GeneratedCourse, as_of: dt.date) -> Scores:
    """Per score key: the score of the latest evaluation up to as_of that scores it (the
    highest score when one day has two evaluations)."""
    latest: dict[tuple[int, int | None], tuple[dt.date, int]] = {}
    for e in c.evaluations:
        if e.day <= as_of:
            for key, score in e.scores.items():
                latest[key] = max(latest.get(key, (e.day, score)), (e.day, score))
    return {key: score for key, (_day, score) in latest.items()}


@EXAMPLES
@given(world=worlds())
@example(world=BOUNDARIES)
def test_progression_follows_mean_change(engine, world):
    generated, today = world
    store(engine, generated)
    as_of = PERIOD.as_of(today)
    pairs: dict[tuple[int, int | None], list[tuple[float, float]]] = defaultdict(list)
    per_participant: list[tuple[float | None, float | None]] = []
    for c in counted(generated, as_of):
        if c.baseline is None or c.baseline[0] > as_of:
            continue
        baseline, latest = c.baseline[1], latest_scores(c, as_of)
        for key in baseline.keys() & latest.keys():
            pairs[key].append((baseline[key], latest[key]))
        whole = [key for key in baseline.keys() & latest.keys() if key[1] is None]
        if whole:
            per_participant.append(
                (mean(baseline[k] for k in whole), mean(latest[k] for k in whole))
            )

    got = parameter_changes(engine, MANAGER, PERIOD, today)
    assert {(r.parameter_id, r.sub_element_id) for r in got if r.sub_element_id} == {
        key for key in pairs if key[1] is not None
    }
    for r in got:
        expected = rules.mean_change(pairs.get((r.parameter_id, r.sub_element_id), []))
        assert (r.n, r.improved, r.unchanged, r.worse) == (
            expected.n,
            expected.improved,
            expected.unchanged,
            expected.worse,
        )
        assert r.mean_change == approx_or_none(expected.mean)

    overall = overall_change(engine, MANAGER, PERIOD, today)
    expected = rules.mean_change(per_participant)
    assert (overall.n, overall.mean_change) == (expected.n, approx_or_none(expected.mean))


@EXAMPLES
@given(world=worlds())
@example(world=BOUNDARIES)
def test_course_lengths_follow_course_weeks(engine, world):
    generated, _today = world
    store(engine, generated)
    weeks: dict[int, list[float]] = defaultdict(list)
    for c in generated:
        if c.status == ENDED and c.end and PERIOD.start <= c.end <= PERIOD.end:
            weeks[c.agreement_id].append(rules.course_weeks(c.start, c.end))
    got = {r.agreement_id: (r.ended, r.mean_weeks) for r in course_lengths(engine, MANAGER, PERIOD)}
    assert got == {a: (len(w), pytest.approx(mean(w))) for a, w in weeks.items()}


def test_every_measure_has_a_label_of_its_own_and_says_what_n_is():
    found = [m for m in vars(measures).values() if isinstance(m, measures.Measure)]
    labels = [m.label for m in found]
    assert len(found) > 10 and len(set(labels)) == len(labels)
    says_n = ("(n)", "n =", "n er")
    assert [m.label for m in found if not any(s in m.definition for s in says_n)] == []


# --------------------------------------------------------------------------- mentors
@dataclass(frozen=True)
class GeneratedMentor:
    agreement_id: int
    start: dt.date
    end: dt.date | None
    frequency: int
    changes: tuple[tuple[dt.date, int], ...]  # (from, days); before the start: ignored
    contacts: tuple[dt.date, ...]  # some twice on a day, some outside the assignment


FREQUENCIES = st.sampled_from([7, 14, 21])


@st.composite
def mentors(draw, as_of: dt.date) -> GeneratedMentor:
    start = draw(days_after(as_of, -200, 0))
    end = draw(st.none() | days_after(start, 0, 260))
    # Gaps of a few days either side of frequency + grace, and long ones.
    gaps = draw(st.lists(st.integers(0, 30) | st.integers(0, 90), max_size=8))
    days, day = [], draw(days_after(start, -10, 20))
    for gap in gaps:
        days.append(day)
        day += dt.timedelta(days=gap)
    changes = draw(
        st.lists(st.tuples(days_after(start, -5, 150), FREQUENCIES), max_size=2,
                 unique_by=lambda c: c[0])
        | st.just([])
    )  # fmt: skip
    return GeneratedMentor(draw(st.sampled_from(AGREEMENTS)), start, end, draw(FREQUENCIES),
                           tuple(changes), tuple(days))  # fmt: skip


@st.composite
def mentor_worlds(draw) -> tuple[list[GeneratedMentor], dt.date]:
    as_of = draw(days_after(PERIOD.start, 0, 270))
    return draw(st.lists(mentors(as_of), min_size=1, max_size=6)), as_of


def store_mentors(engine, generated: list[GeneratedMentor]) -> None:
    store(engine, [])  # no other course rows
    rows: dict[type, list[dict]] = defaultdict(list)
    for n, m in enumerate(generated, start=1):
        rows[Participant].append(dict(id=n, case_code=f"M-{n:02d}", initials="XX",
                                      target_group_id=1))  # fmt: skip
        rows[Enrolment].append(dict(id=n, participant_id=n, agreement_id=m.agreement_id,
                                    status=ACTIVE, start_date=m.start, planned_weeks=52))  # fmt: skip
        rows[MentorAssignment].append(dict(id=n, enrolment_id=n, mentor_type=MentorType.SOCIAL,
                                           frequency_days=m.frequency, start_date=m.start,
                                           end_date=m.end))  # fmt: skip
        rows[MentorFrequencyChange] += [dict(mentor_assignment_id=n, changed_from=d,
                                             frequency_days=f) for d, f in m.changes]  # fmt: skip
        rows[MentorContact] += [dict(mentor_assignment_id=n, contact_on=d) for d in m.contacts]
    with engine.begin() as conn:
        for table in reversed(COURSE_TABLES):
            if rows[table]:
                conn.execute(insert(table), rows[table])
        rebuild_all(conn)


MENTOR_BOUNDARIES = (
    [
        # Contacts exactly at and a day past frequency + grace (14 + 3), one twice on a day,
        # one before the start and one after the day of counting.
        GeneratedMentor(1, D(2026, 1, 1), None, 14, (),
                        (D(2025, 12, 30), D(2026, 1, 18), D(2026, 1, 18), D(2026, 2, 4),
                         D(2026, 2, 22), D(2026, 4, 1))),
        # Ended: nothing owed after the end; contacts after it are ignored.
        GeneratedMentor(2, D(2026, 1, 1), D(2026, 2, 1), 7, (), (D(2026, 1, 5), D(2026, 2, 3))),
        # No contact at all, overdue now; and one whose frequency changed.
        GeneratedMentor(1, D(2026, 1, 1), None, 21, (), ()),
        GeneratedMentor(2, D(2026, 1, 1), None, 7, ((D(2026, 1, 28), 14),),
                        (D(2026, 1, 8), D(2026, 2, 20))),
    ],
    D(2026, 3, 15),
)  # fmt: skip


@EXAMPLES
@given(world=mentor_worlds())
@example(world=MENTOR_BOUNDARIES)
def test_mentor_compliance_follows_mentor_intervals(engine, world):
    # The fixed-frequency assignments are counted in SQL, those whose frequency changed by
    # the rule: every row must equal the rule, every group its sum.
    generated, as_of = world
    store_mentors(engine, generated)
    result = mentor_compliance(engine, MANAGER, (), as_of)
    expected = {
        n: mentor_intervals(m.start, m.end, m.contacts, m.frequency, as_of, changes=m.changes)
        for n, m in enumerate(generated, start=1)
    }
    assert {r.assignment_id: r.intervals for r in result.rows} == expected
    for r in result.rows:
        m = generated[r.assignment_id - 1]
        seen = {d for d in m.contacts if d <= as_of}
        assert (r.contacts, r.last_contact) == (len(seen), max(seen, default=None))
    assert result.total.due == sum(i.due for i in expected.values())
    assert result.total.on_time == sum(i.on_time for i in expected.values())
    # The cards' figures, summed in SQL without a row per assignment, are the same groups.
    pooled = mentor_compliance(engine, MANAGER, (), as_of, rows=False)
    assert pooled.rows == []
    assert (pooled.total, pooled.by_agreement, pooled.by_type) == (
        result.total,
        result.by_agreement,
        result.by_type,
    )
