"""The entry pages under AppTest on the demo data: a caseworker and enterprise staff each
record through the forms, every refusal shows its Danish message at the field and keeps
what was typed, a stale correction is refused with the newer values, and the admin's
Revisionslog lists the change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import Enrolment, Evaluation, Participant, Plan, WeeklyHours
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


@pytest.mark.parametrize("username", ["sagsbehandler", "mentor"])
def test_evaluation_in_one_submit_prefilled_with_last_scores(app_for, demo_engine, username):
    at = _open(app_for, username, "evaluering")
    assert not page_errors(at)
    sliders = at.select_slider
    assert sliders, "one score per chosen parameter"
    # Prefilled with the last score and labelled with the scale's Danish labels.
    assert all(s.value in range(1, 6) for s in sliders)
    assert any("Sidst:" in (s.help or "") for s in sliders)
    assert "I nogen grad" in " ".join(map(str, sliders[0].options))
    before = _count(demo_engine, Evaluation)
    _by_label(at.text_area, "Noter").input("<script>alert(1)</script> **fed**")
    at = _submit(at, "Gem evaluering")
    if at.checkbox and any("gem alligevel" in c.label for c in at.checkbox):
        # The first demo course may have a recent evaluation: confirm and save.
        next(c for c in at.checkbox if "gem alligevel" in c.label).check()
        at = _submit(at, "Gem evaluering")
    assert not page_errors(at), page_errors(at)
    assert any("er gemt" in str(s.value) for s in at.success)
    assert _count(demo_engine, Evaluation) == before + 1
    # The note is stored as typed and shown as text (in a dataframe, never as HTML).
    with demo_engine.connect() as conn:
        assert conn.scalar(select(Evaluation.notes).order_by(Evaluation.id.desc()).limit(1)) == (
            "<script>alert(1)</script> **fed**"
        )
    assert not any("<script>" in m.value for m in at.markdown)


def test_evaluation_refusals_show_at_the_field_and_keep_the_typed_text(app_for, demo_engine):
    at = _open(app_for, "sagsbehandler", "evaluering")
    before = _count(demo_engine, Evaluation)
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

    # Meeting held without a date; caseworker present at a meeting not held.
    _by_label(at.date_input, "Evalueringsdato").set_value(TODAY)
    _by_label(at.checkbox, "Opfølgningsmøde afholdt").uncheck()
    _by_label(at.checkbox, "Sagsbehandler deltog").check()
    at = _submit(at, "Gem evaluering")
    assert any("kun deltage i et afholdt møde" in e for e in _errors(at))
    assert _count(demo_engine, Evaluation) == before


def test_second_evaluation_within_days_asks_for_confirmation(app_for, demo_engine):
    at = _open(app_for, "sagsbehandler", "evaluering")
    at = _submit(at, "Gem evaluering")
    confirm = [c for c in at.checkbox if "gem alligevel" in c.label]
    if not confirm:  # the first save went through; a second one must ask
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
    _by_label(at.text_input, "Hvem deltog?").input("Deltager, mentor")
    at = _submit(at, "Gem revision")
    assert not page_errors(at), page_errors(at)
    assert _count(demo_engine, Plan) == before + 1


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
    _by_label(at.text_area, "Noter").input("Til revisionsloggen")
    at = _submit(at, "Gem evaluering")
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
