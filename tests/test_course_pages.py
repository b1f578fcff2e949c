"""Mine opgaver and Forløbsside in AppTest on the demo data: the caseworker's start page
lists their own participants' tasks only, every task opens a form with the course chosen,
and the course page refuses a course outside the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import Enrolment, MentorContact, Participant
from lib.queries.tasks import my_tasks
from tests.conftest import page_errors, scope_for


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _codes(engine, username: str) -> set[str]:
    scope = scope_for(engine, username)
    with engine.connect() as conn:
        return set(
            conn.scalars(
                select(Participant.case_code).where(Participant.caseworker_id == scope.user_id)
            )
        )


def test_caseworker_lands_on_mine_opgaver_with_own_tasks_only(app_for, demo_engine):
    at = app_for("sagsbehandler")
    assert [t.value for t in at.title] == ["Mine opgaver"]
    assert not page_errors(at)
    tasks = my_tasks(demo_engine, scope_for(demo_engine, "sagsbehandler"))
    shown = _markdown(at)
    all_tasks = tasks.overdue + tasks.due_soon
    assert all_tasks, "the demo gives the caseworker something to do"
    for task in all_tasks:
        assert task.case_code.replace("-", "\\-") in shown
    own = _codes(demo_engine, "sagsbehandler")
    others = _codes(demo_engine, "jobkonsulent")
    assert {t.case_code for t in all_tasks} <= own
    for code in others:
        assert code.replace("-", "\\-") not in shown, f"{code} is another caseworker's"
    assert f"Over fristen ({len(tasks.overdue)})" in [s.value for s in at.subheader]


def test_every_task_links_to_its_form_with_the_course(app_for, demo_engine):
    at = app_for("mentor")
    tasks = my_tasks(demo_engine, scope_for(demo_engine, "mentor"))
    links = at.get("page_link")
    assert len(links) == 2 * len(tasks.overdue + tasks.due_soon)
    targets = {
        (link.proto.page, tuple(sorted(link.proto.query_string.split("&")))) for link in links
    }
    for task in tasks.overdue + tasks.due_soon:
        assert any(f"forlob={task.enrolment_id}" in q for _, qs in targets for q in qs)


def test_managers_have_no_mine_opgaver_and_land_on_overblik(app_for):
    at = app_for("leder")
    assert [t.value for t in at.title] == ["Overblik"]
    with pytest.raises(ValueError):
        at.switch_page("views/mine_opgaver.py")


def _other_caseworkers_course(engine) -> int:
    jk = scope_for(engine, "jobkonsulent")
    with engine.connect() as conn:
        return conn.scalar(
            select(Enrolment.id)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Participant.caseworker_id == jk.user_id)
            .limit(1)
        )


def test_course_page_refuses_another_caseworkers_course(app_for, demo_engine):
    at = app_for("sagsbehandler")
    at.query_params["forlob"] = str(_other_caseworkers_course(demo_engine))
    at.switch_page("views/forlobsside.py")
    at.run()
    assert [e.value for e in at.error] == [
        "Du har ikke adgang til dette forløb, eller det findes ikke."
    ]
    assert not at.exception
    assert "Tidslinje" not in [s.value for s in at.subheader]


def test_course_page_without_a_course_offers_the_search(app_for):
    at = app_for("sagsbehandler")
    at.switch_page("views/forlobsside.py")
    at.run()
    assert not page_errors(at)
    assert any("Vælg et forløb" in i.value for i in at.info)
    at.text_input(key="course_page_search").input("zzz").run()
    assert "Ingen forløb, du har adgang til, passer på søgningen." in [c.value for c in at.caption]


def test_course_page_shows_an_ended_course_found_by_code(app_for, demo_engine):
    scope = scope_for(demo_engine, "sagsbehandler")
    with demo_engine.connect() as conn:
        code = conn.scalar(
            select(Participant.case_code)
            .join(Enrolment, Enrolment.participant_id == Participant.id)
            .where(Participant.caseworker_id == scope.user_id, Enrolment.status == "ended")
            .limit(1)
        )
    at = app_for("sagsbehandler")
    at.query_params["kode"] = code
    at.switch_page("views/forlobsside.py")
    at.run()
    assert not page_errors(at), page_errors(at)
    headings = [s.value for s in at.subheader]
    assert "Tidslinje" in headings and "Afslutning" in headings
    assert any("Afsluttet" in m for m in _markdown(at).splitlines())


def test_sidebar_search_is_scoped(app_for, demo_engine):
    at = app_for("sagsbehandler")
    at.sidebar.text_input(key="sidebar_participant_search").input("D-").run()
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    own, others = _codes(demo_engine, "sagsbehandler"), _codes(demo_engine, "jobkonsulent")
    found = {label.split(" ")[0].replace("\\", "") for label in labels}
    assert found and found <= own and not found & others


def test_mentor_logs_a_contact(app_for, demo_engine):
    at = app_for("mentor")
    at.switch_page("views/mentorkontakt.py")
    at.run()
    assert not page_errors(at), page_errors(at)
    with demo_engine.connect() as conn:
        before = conn.scalar(select(MentorContact.id).order_by(MentorContact.id.desc()).limit(1))
    note = [t for t in at.text_input if t.label == "Note"][0]
    note.input("Samtale om fremmøde")
    [b for b in at.button if b.label == "Registrér kontakt"][0].click().run()
    assert not page_errors(at), page_errors(at)
    with demo_engine.connect() as conn:
        row = conn.execute(select(MentorContact).order_by(MentorContact.id.desc()).limit(1)).one()
    assert row.id != before and row.note == "Samtale om fremmøde"
    assert row.contact_on == dt.date.today()
    assert row.logged_by_id == scope_for(demo_engine, "mentor").user_id


def test_placement_type_is_set_on_forlob_and_filters_the_dashboards(app_for, demo_engine):
    from lib.domain.period import Filters
    from lib.queries.compliance import compliance

    at = app_for("sagsbehandler")
    at.switch_page("views/forlob.py")
    at.run()
    enrolment_id = at.session_state["forlob_change"]
    box = [s for s in at.selectbox if s.label == "Forløbstype"][0]
    box.set_value("fleksjob")
    [b for b in at.button if b.label == "Gem forløbstype"][0].click().run()
    assert not page_errors(at), page_errors(at)
    with demo_engine.connect() as conn:
        stored = conn.scalar(select(Enrolment.placement_type).where(Enrolment.id == enrolment_id))
    assert stored == "fleksjob"

    scope = scope_for(demo_engine, "leder")
    today = dt.date.today()
    every = compliance(demo_engine, scope, Filters(today - dt.timedelta(days=365), today))
    flex = compliance(
        demo_engine,
        scope,
        Filters(today - dt.timedelta(days=365), today, placement_types=("fleksjob",)),
    )
    with demo_engine.connect() as conn:
        n_flex = conn.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.placement_type == "fleksjob", Enrolment.status != "referral")
        )
    assert 0 < flex.courses <= n_flex < every.courses


def test_placement_filter_in_the_sidebar_is_kept_in_the_url(app_for):
    at = app_for("leder")
    at.switch_page("views/opfolgning.py")
    at.run()
    at.sidebar.multiselect(key="flt_placements").select("loentilskud").run()
    assert at.query_params["forlobstype"] in ("loentilskud", ["loentilskud"])
    assert not page_errors(at)


def test_tasks_and_course_page_read_per_record_type_not_per_course(demo_engine):
    """The number of SQL statements does not grow with the number of courses."""
    from sqlalchemy import event

    from lib.queries.course_timeline import course_timeline

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    few, every = scope_for(demo_engine, "sagsbehandler"), scope_for(demo_engine, "leder")
    event.listen(demo_engine, "before_cursor_execute", count)
    try:
        small = my_tasks(demo_engine, few)
        n_few = len(statements)
        statements.clear()
        large = my_tasks(demo_engine, every)
        n_every = len(statements)
        statements.clear()
        course_timeline(demo_engine, every, 2)
        n_page = len(statements)
    finally:
        event.remove(demo_engine, "before_cursor_execute", count)
    assert small.courses < large.courses
    assert n_few == n_every
    assert n_page <= 25


def test_participant_picker_searches_above_its_limit_and_keeps_the_addressed_course(
    app_for, demo_engine, monkeypatch
):
    """A manager at national size has 45,000 open courses: above PICKER_LIMIT the picker
    lists the first ones and searches (case code or initials) in SQL; the course in the
    address is listed first and chosen even past the cut. The demo's courses stand in,
    with the limit at 2."""
    from lib.queries.courses import my_enrolments

    monkeypatch.setattr("views.components.forms.PICKER_LIMIT", 2)
    own = my_enrolments(demo_engine, scope_for(demo_engine, "sagsbehandler"))
    assert len(own) > 3
    last, other = own[-1], own[1]
    at = app_for("sagsbehandler")
    at.query_params["forlob"] = str(last.id)
    at.switch_page("views/evaluering.py").run()
    assert not page_errors(at)
    picker = at.selectbox(key="evaluering_forlob")
    assert picker.value == last.id and picker.options[0] == last.label and len(picker.options) == 2
    at.text_input(key="evaluering_forlob_search").input(other.case_code.lower()).run()
    assert not page_errors(at)
    picker = at.selectbox(key="evaluering_forlob")
    assert other.label in picker.options and last.label not in picker.options
    picker.select(other.id).run()
    assert at.query_params["forlob"] in (str(other.id), [str(other.id)])  # kept in the address
    at.text_input(key="evaluering_forlob_search").input("zzz-ingen").run()
    assert "Ingen af dine forløb passer til søgningen." in [c.value for c in at.caption]


def test_open_courses_show_their_first_and_say_the_files_have_all(app_for, monkeypatch):
    """Forløb's table of open courses: the first on the screen, how many there are, and
    every course in the files (45,000 at national size)."""
    monkeypatch.setattr("views.components.enrolment_forms.OPEN_COURSES_SHOWN", 2)
    at = app_for("sagsbehandler")
    at.switch_page("views/forlob.py").run()
    assert not page_errors(at)
    courses = next(d.value for d in at.dataframe if "Sagskode" in d.value.columns)
    assert len(courses) == 2
    shown = [c.value for c in at.caption if c.value.startswith("Viser de første 2 af")]
    assert shown, [c.value for c in at.caption]
