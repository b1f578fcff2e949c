"""Least privilege in the data layer: the scope clauses give each role exactly its own
participants, whatever page or query asks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Agreement, Enrolment, Participant, User
from lib.domain.access import AccessDenied
from lib.queries.scope import (
    enrolment_clause,
    participant_clause,
    require_enrolment_access,
    visible_enrolment_ids,
)
from tests.conftest import scope_for


def _codes(engine, clause, join_enrolment: bool = False) -> set[str]:
    stmt = select(Participant.case_code).where(clause)
    if join_enrolment:
        stmt = select(Participant.case_code).join(Enrolment).where(clause)
    with engine.connect() as conn:
        return set(conn.scalars(stmt))


def _own_codes(engine, username: str) -> set[str]:
    stmt = select(Participant.case_code).join(User, User.id == Participant.caseworker_id)
    with engine.connect() as conn:
        return set(conn.scalars(stmt.where(User.username == username)))


def test_caseworker_sees_exactly_own_participants(demo_engine):
    sara, jens = scope_for(demo_engine, "sagsbehandler"), scope_for(demo_engine, "jobkonsulent")
    own, others = _own_codes(demo_engine, "sagsbehandler"), _own_codes(demo_engine, "jobkonsulent")
    assert own and others and not own & others
    assert _codes(demo_engine, participant_clause(sara)) == own
    assert _codes(demo_engine, enrolment_clause(sara), join_enrolment=True) == own
    assert _codes(demo_engine, participant_clause(jens)) == others


def test_enterprise_staff_see_only_their_enterprise_courses(demo_engine):
    mads = scope_for(demo_engine, "mentor")
    with demo_engine.connect() as conn:
        agreement_ids = set(
            conn.scalars(
                select(Enrolment.agreement_id).where(Enrolment.id.in_(visible_enrolment_ids(mads)))
            )
        )
        own_agreements = set(
            conn.scalars(select(Agreement.id).where(Agreement.enterprise_id == mads.enterprise_id))
        )
    assert agreement_ids == own_agreements and len(own_agreements) == 1


def test_managers_see_everyone(demo_engine):
    with demo_engine.connect() as conn:
        everyone = set(conn.scalars(select(Participant.case_code)))
    for username in ("leder", "admin"):
        assert _codes(demo_engine, participant_clause(scope_for(demo_engine, username))) == everyone


def test_a_caseworker_cannot_reach_another_caseworkers_course_by_id(demo_engine):
    sara = scope_for(demo_engine, "sagsbehandler")
    with demo_engine.connect() as conn:
        foreign = conn.scalars(
            select(Enrolment.id)
            .join(Participant)
            .join(User, User.id == Participant.caseworker_id)
            .where(User.username == "jobkonsulent")
        ).all()
        own = conn.scalars(select(Enrolment.id).where(enrolment_clause(sara))).all()
        assert foreign and own
        require_enrolment_access(conn, sara, own[0])
        for enrolment_id in foreign:
            with pytest.raises(AccessDenied):
                require_enrolment_access(conn, sara, enrolment_id)


@pytest.mark.parametrize("page", ["views/evaluering.py", "views/plan.py", "views/timer.py"])
def test_a_caseworker_cannot_open_another_caseworkers_course_by_its_address(
    page, demo_url, demo_engine, monkeypatch
):
    """The page is given a foreign course id in the URL (?forlob=), as a copied link
    would: it offers only the caseworker's own courses and shows nothing of the other."""
    from tests.conftest import make_app_test, page_errors

    with demo_engine.connect() as conn:
        foreign_id, foreign_code = conn.execute(
            select(Enrolment.id, Participant.case_code)
            .join(Participant)
            .join(User, User.id == Participant.caseworker_id)
            .where(User.username == "jobkonsulent", Enrolment.status == "active")
        ).first()
    at = make_app_test(demo_url, monkeypatch, "sagsbehandler")
    at.run()
    at.switch_page(page)
    at.query_params["forlob"] = str(foreign_id)
    at.run()
    assert not page_errors(at)
    own = _own_codes(demo_engine, "sagsbehandler")
    picker = at.selectbox[0]
    assert picker.options, "the caseworker's own courses are offered"
    for label in picker.options:
        assert label.split(" ")[0] in own, label
    assert picker.value is not None and picker.value != foreign_id
    rendered = " ".join(str(getattr(e, "value", "")) for e in at.main)
    assert foreign_code not in rendered
