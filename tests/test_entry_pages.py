"""The entry pages under AppTest on the demo data: a caseworker and enterprise staff each
record through the forms, every refusal shows its Danish message at the field and keeps
what was typed, a stale correction is refused with the newer values, and the admin's
Revisionslog lists the change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import (
    Enrolment,
    Evaluation,
    EvaluationScore,
    Participant,
    Plan,
    PlanScore,
    WeeklyHours,
)
from tests.conftest import page_errors

TODAY = dt.date.today()


def _open(app_for, username: str, page: str):
    at = app_for(username)
    at.switch_page(f"views/{page}.py")
    return at.run()


def _count(demo_engine, model) -> int:
    with demo_engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def _errors(at) -> list[str]:
    return [str(e.value) for e in at.error]


def _by_label(widgets, label):
    return next(w for w in widgets if w.label == label)


def _submit(at, label: str):
    _by_label(at.button, label).click()
    return at.run()


YES_NO_QUESTIONS = (
    "Skal delmålene justeres?",
    "Er evalueringen skrevet sammen med deltageren?",
    "Blev opfølgningsmødet holdt?",
    "Deltog sagsbehandleren i mødet?",
    "Fik sagsbehandleren invitation til evalueringen?",
)


def _answer_all(at, *, invitation: bool = False):
    """Answer every required question of the evaluation form (nothing is pre-answered)."""
    _by_label(at.radio, "Nærmer deltageren sig det langsigtede mål?").set_value("closer")
    answers = dict.fromkeys(YES_NO_QUESTIONS, False)
    answers["Er evalueringen skrevet sammen med deltageren?"] = True
    answers["Blev opfølgningsmødet holdt?"] = True
    answers["Fik sagsbehandleren invitation til evalueringen?"] = invitation
    for label, value in answers.items():
        _by_label(at.radio, label).set_value(value)
    if invitation:
        _by_label(at.date_input, "Invitation modtaget den").set_value(TODAY)


def _save_confirming(at, label: str = "Gem evaluering"):
    at = _submit(at, label)
    confirm = [c for c in at.checkbox if "gem alligevel" in c.label]
    if confirm:  # a demo course evaluated within the last week asks first
        confirm[0].check()
        at = _submit(at, label)
    return at


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_evaluation_starts_unanswered_and_needs_every_answer(app_for, demo_engine, username):
    at = _open(app_for, username, "evaluering")
    assert not page_errors(at)
    assert not at.select_slider
    scores = [b for b in at.button_group if b.options == ["1", "2", "3", "4", "5"]]
    assert scores, "one score per chosen parameter and sub-element"
    # Nothing is pre-answered: every score empty, every Ja/Nej and status unanswered.
    assert all(b.value is None for b in at.button_group)
    assert all(r.value is None for r in at.radio if r.label != "Deltager")
    assert any("Sidst:" in c.value for c in at.caption), "the previous score is shown"
    # The plan's sub-goals are inline (no collapsed box) with a status each.
    assert any(b.label == "Status for delmålet" for b in at.button_group)
    assert not [e for e in at.expander if "Delmål" in e.label]
    before = _count(demo_engine, Evaluation)
    at = _submit(at, "Gem evaluering")
    errors = _errors(at)
    assert sum("Svar Ja eller Nej" in e for e in errors) >= 4
    assert any("langsigtede mål" in e for e in errors)
    assert _count(demo_engine, Evaluation) == before

    _answer_all(at)
    scores = [b for b in at.button_group if b.options == ["1", "2", "3", "4", "5"]]
    scores[-1].set_value(4)  # one parameter scored; the others stay "ikke vurderet"
    status = next(b for b in at.button_group if b.label == "Status for delmålet")
    status.set_value("reached")
    _by_label(at.text_area, "Noter").input("<script>alert(1)</script> **fed**")
    at = _save_confirming(at)
    assert not page_errors(at), page_errors(at)
    assert any("er gemt" in str(s.value) for s in at.success)
    assert _count(demo_engine, Evaluation) == before + 1
    with demo_engine.connect() as conn:
        eid, notes = conn.execute(
            select(Evaluation.id, Evaluation.notes).order_by(Evaluation.id.desc()).limit(1)
        ).one()
        stored = conn.scalar(
            select(func.count()).where(
                EvaluationScore.evaluation_id == eid, EvaluationScore.sub_element_id.is_(None)
            )
        )
    assert notes == "<script>alert(1)</script> **fed**"  # stored as typed
    assert stored == 1  # unscored parameters are not stored
    # After saving: the record read-only with Ret and Slet, not a refilled form.
    assert not [b for b in at.button if b.label == "Gem evaluering"]
    assert {"Ret", "Slet", "Ny evaluering"} <= {b.label for b in at.button}
    assert any("Opnået" in m.value for m in at.markdown)
    assert not any("<script>" in m.value for m in at.markdown)


def test_saved_evaluation_is_corrected_or_deleted_by_its_author(app_for, demo_engine):
    at = _open(app_for, "sagsbehandler", "evaluering")
    _answer_all(at)
    at = _save_confirming(at)
    before = _count(demo_engine, Evaluation)
    at = _submit(at, "Ret")
    _by_label(at.text_area, "Noter").input("Rettet efter gem")
    at = _submit(at, "Gem rettelse")
    assert not page_errors(at)
    assert any("Rettet efter gem" in m.value for m in at.markdown)  # back to read-only
    assert _count(demo_engine, Evaluation) == before
    at = _submit(at, "Slet")
    at = _submit(at, "Ja, slet evalueringen")
    assert any("er slettet" in str(s.value) for s in at.success)
    assert _count(demo_engine, Evaluation) == before - 1
    assert [b for b in at.button if b.label == "Gem evaluering"]  # a fresh form again


def test_evaluation_refusals_show_at_the_field_and_keep_the_typed_text(app_for, demo_engine):
    at = _open(app_for, "sagsbehandler", "evaluering")
    before = _count(demo_engine, Evaluation)
    _answer_all(at)
    _by_label(at.date_input, "Evalueringsdato").set_value(TODAY + dt.timedelta(days=3))
    _by_label(at.text_area, "Noter").input("x" * 4001)
    at = _submit(at, "Gem evaluering")
    errors = _errors(at)
    assert any("fremtiden" in e for e in errors)
    assert any("højst 4000" in e for e in errors)
    assert any("Intet er gemt" in e for e in errors)
    assert _by_label(at.text_area, "Noter").value == "x" * 4001  # kept as typed
    assert _count(demo_engine, Evaluation) == before

    # Before the course start.
    _by_label(at.date_input, "Evalueringsdato").set_value(TODAY - dt.timedelta(days=3 * 365))
    _by_label(at.text_area, "Noter").input("ok")
    at = _submit(at, "Gem evaluering")
    assert any("før forløbets start" in e for e in _errors(at))

    # Caseworker present at a meeting not held; invitation received without a date.
    _by_label(at.date_input, "Evalueringsdato").set_value(TODAY)
    _by_label(at.radio, "Blev opfølgningsmødet holdt?").set_value(False)
    _by_label(at.radio, "Deltog sagsbehandleren i mødet?").set_value(True)
    _by_label(at.radio, "Fik sagsbehandleren invitation til evalueringen?").set_value(True)
    at = _submit(at, "Gem evaluering")
    errors = _errors(at)
    assert any("kun deltage i et afholdt møde" in e for e in errors)
    assert any("gættes ikke" in e for e in errors)
    assert _count(demo_engine, Evaluation) == before


def test_second_evaluation_within_days_asks_for_confirmation(app_for, demo_engine):
    at = _open(app_for, "sagsbehandler", "evaluering")
    _answer_all(at)
    at = _save_confirming(at)
    at = _submit(at, "Ny evaluering")
    _answer_all(at)
    at = _submit(at, "Gem evaluering")
    confirm = [c for c in at.checkbox if "gem alligevel" in c.label]
    assert confirm
    assert any("dobbeltregistrering" in e for e in _errors(at))
    before = _count(demo_engine, Evaluation)
    confirm[0].check()
    at = _submit(at, "Gem evaluering")
    assert _count(demo_engine, Evaluation) == before + 1
    assert any("er gemt" in str(s.value) for s in at.success)


def test_stale_correction_in_two_sessions(app_for, demo_engine):
    first = _open(app_for, "sagsbehandler", "evaluering")
    second = _open(app_for, "sagsbehandler", "evaluering")
    for at in (first, second):
        at.selectbox(key="eval_fix").select_index(0)
        at.run()
    notes = [t for t in first.text_area if t.label == "Noter"][-1]
    notes.input("Rettet af den første")
    first = _submit(first, "Gem rettelse")
    assert any("Rettelsen" in str(s.value) for s in first.success)
    [t for t in second.text_area if t.label == "Noter"][-1].input("Rettet af den anden")
    second = _submit(second, "Gem rettelse")
    warnings = [str(w.value) for w in second.warning]
    assert any("ændret af en anden" in w for w in warnings)
    newest = [df.value for df in second.dataframe if "Nyeste værdi" in df.value.columns]
    assert newest and "Rettet af den første" in newest[0]["Nyeste værdi"].tolist()
    # The typed text is kept, and the database holds the first correction.
    assert [t for t in second.text_area if t.label == "Noter"][-1].value == "Rettet af den anden"
    with demo_engine.connect() as conn:
        assert "Rettet af den første" in conn.scalars(select(Evaluation.notes)).all()
        assert "Rettet af den anden" not in conn.scalars(select(Evaluation.notes)).all()


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_plan_revision_and_no_sub_goal_refusal(app_for, demo_engine, username):
    at = _open(app_for, username, "plan")
    assert not page_errors(at)
    goals = _by_label(at.multiselect, "Delmål – vigtigste først")
    assert goals.value, "a revision is prefilled from the current plan"
    before = _count(demo_engine, Plan)
    for value in list(goals.value):
        goals.unselect(value)
    at.run()
    at = _submit(at, "Gem revision")
    assert "Vælg mindst ét delmål." in _errors(at)
    assert _count(demo_engine, Plan) == before
    goals = _by_label(at.multiselect, "Delmål – vigtigste først")
    goals.select(9)
    at.run()
    params = next(m for m in at.multiselect if m.label.startswith("Parametre for"))
    params.select(4)
    at.run()
    # The sub-elements are chosen with the parameters, so their scores can be given.
    elements = next(m for m in at.multiselect if m.label.startswith("Underelementer for"))
    elements.select(14)
    at.run()
    element_score = _by_label(at.button_group, "Underelement: Fremmødesikring")
    assert element_score.value is None  # empty until given
    element_score.set_value(2)
    _by_label(at.text_input, "Hvem deltog?").input("Deltager, mentor")
    # "Lavet sammen med deltageren" is not pre-ticked: unanswered is refused at the field.
    made_with = _by_label(at.radio, "Er planen lavet sammen med deltageren?")
    assert made_with.value is None
    at = _submit(at, "Gem revision")
    assert any("Svar Ja eller Nej" in e for e in _errors(at))
    assert _count(demo_engine, Plan) == before
    _by_label(at.radio, "Er planen lavet sammen med deltageren?").set_value(False)
    at = _submit(at, "Gem revision")
    assert not page_errors(at), page_errors(at)
    assert _count(demo_engine, Plan) == before + 1
    with demo_engine.connect() as conn:
        made = conn.scalar(select(Plan.made_with_participant).order_by(Plan.id.desc()).limit(1))
    assert made is False
    with demo_engine.connect() as conn:
        plan_id = conn.scalar(select(func.max(Plan.id)))
        stored = conn.execute(
            select(PlanScore.sub_element_id, PlanScore.score).where(
                PlanScore.plan_id == plan_id, PlanScore.sub_element_id.is_not(None)
            )
        ).all()
    assert [tuple(r) for r in stored] == [(14, 2)]


def test_hours_grid_saves_several_weeks_and_reports_a_bad_week(app_for, demo_engine):
    at = _open(app_for, "mentor", "timer")
    assert not page_errors(at)
    enrolment_id = at.session_state["timer_forlob"]
    editor_key = f"timer_{enrolment_id}__0__grid"
    at.session_state[editor_key] = {
        "edited_rows": {"0": {"planned_hours": 10.0, "attended_hours": 9.0, "illness_hours": 5.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at = _submit(at, "Gem timer")
    assert any("flere end de planlagte" in e for e in _errors(at)), _errors(at)
    at.session_state[editor_key] = {
        "edited_rows": {
            "0": {"planned_hours": 12.0, "attended_hours": 10.0, "illness_hours": 2.0},
            "1": {"planned_hours": 12.0, "attended_hours": 12.0, "illness_hours": 0.0},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at = _submit(at, "Gem timer")
    assert not _errors(at), _errors(at)
    assert any("Timerne" in str(s.value) for s in at.success)
    with demo_engine.connect() as conn:
        assert (
            conn.scalar(
                select(func.count())
                .select_from(WeeklyHours)
                .where(WeeklyHours.planned_hours == 12.0)
            )
            >= 2
        )


def test_caseworker_enrols_and_full_agreement_refuses_active(app_for, demo_engine):
    at = _open(app_for, "sagsbehandler", "forlob")
    assert not page_errors(at)
    before = _count(demo_engine, Enrolment)
    # Agreement 1 has 5 of 6 in use: the first active enrolment fits, the second not.
    for code, expect_ok in (("T-100", True), ("T-101", False)):
        _by_label(at.selectbox, "Samarbejdsaftale").select(1)
        _by_label(at.text_input, "Sagskode (pseudonym)").input(code)
        _by_label(at.text_input, "Initialer").input("ZZ")
        _by_label(at.selectbox, "Målgruppe").select(1)
        _by_label(at.radio, "Status").set_value("active")
        at = _submit(at, "Indskriv")
        if expect_ok:
            assert any("indskrevet" in str(s.value) for s in at.success), _errors(at)
        else:
            assert any("ingen ledig plads" in e for e in _errors(at))
            assert _by_label(at.text_input, "Sagskode (pseudonym)").value == code
    assert _count(demo_engine, Enrolment) == before + 1
    # A referral may queue.
    _by_label(at.radio, "Status").set_value("referral")
    at = _submit(at, "Indskriv")
    assert any("visitation" in str(s.value) for s in at.success)
    assert _count(demo_engine, Enrolment) == before + 2


def test_enterprise_staff_cannot_enrol_but_can_end_with_outcome(app_for, demo_engine):
    at = _open(app_for, "mentor", "forlob")
    assert not page_errors(at)
    assert "Indskriv" not in [b.label for b in at.button]
    assert [r for r in at.dataframe[0].value["Aftale"] if "Motalavej" not in r] == []
    at = _submit(at, "Afslut forløbet")
    assert any("resultatet" in e for e in _errors(at))
    _by_label(at.selectbox, "Resultat efter forløbet").select(2)
    _by_label(at.text_area, "Opsamlende beskrivelse (virksomheden)").input("Løntilskud.")
    at = _submit(at, "Afslut forløbet")
    assert any("afsluttet" in str(s.value) for s in at.success), _errors(at)


def test_job_centre_starts_a_referral_from_forlob(app_for, demo_engine):
    with demo_engine.connect() as conn:  # the demo's referral on an agreement with a free slot
        referral = conn.scalar(
            select(Enrolment.id).join(Participant).where(Participant.case_code == "D-1007")
        )
    at = _open(app_for, "sagsbehandler", "forlob")
    at.selectbox(key="forlob_change").select(referral)
    at.run()
    # A referral's first action is Start; a date ahead is refused at the field.
    start_date = f"start_{referral}__0__start_date"  # the enrolment form has a Startdato too
    at.date_input(key=start_date).set_value(TODAY + dt.timedelta(days=2))
    at = _submit(at, "Start forløbet")
    assert any("fremtiden" in e for e in _errors(at))
    at.date_input(key=start_date).set_value(TODAY)
    at = _submit(at, "Start forløbet")
    assert any("er startet" in str(s.value) for s in at.success), _errors(at)
    with demo_engine.connect() as conn:
        started = conn.execute(
            select(Enrolment.status, Enrolment.start_date).where(Enrolment.id == referral)
        ).one()
    assert tuple(started) == ("active", TODAY)


def test_extend_refuses_an_earlier_end_date(app_for):
    at = _open(app_for, "sagsbehandler", "forlob")
    # The job centre's default action on an active course is Forlæng.
    _by_label(at.date_input, "Ny slutdato").set_value(TODAY)
    at = _submit(at, "Forlæng")
    errors = _errors(at)
    assert any("efter den nuværende" in e for e in errors)
    assert any("hvorfor" in e for e in errors)


def test_revisionslog_is_admin_only_and_lists_a_new_evaluation(app_for):
    at = _open(app_for, "sagsbehandler", "evaluering")
    _answer_all(at)
    _by_label(at.text_area, "Noter").input("Til revisionsloggen")
    at = _save_confirming(at)
    with pytest.raises(ValueError):
        at.switch_page("views/revisionslog.py")
    admin = _open(app_for, "admin", "revisionslog")
    assert not page_errors(admin)
    admin.selectbox(key="audit_user").select("sagsbehandler")
    admin.run()
    log = admin.dataframe[0].value
    assert set(log["Bruger"]) == {"sagsbehandler"}
    assert "evaluation" in set(log["Tabel"]) or "Til revisionsloggen" in " ".join(log["Ændring"])
    admin.text_input(key="audit_record").input("999999")
    admin.run()
    assert "0 ændringer" in " ".join(str(c.value) for c in admin.caption)
    assert [str(i.value) for i in admin.info] == ["Ingen ændringer med disse filtre."]
    assert not admin.dataframe
