"""Correcting an ended course's outcome later (a participant reported as 'stopped' turns
out to have started in a job): one audited write. The audit log keeps the old value.

No Streamlit here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm.attributes import flag_modified

from db.engine import write_session
from db.models import Outcome, OutcomeType
from lib.commands.kit import (
    ValidationError,
    check_date,
    check_text,
    check_version,
    current_date,
    load_enrolment,
    require_job_centre,
)
from lib.domain.access import Scope
from lib.domain.enums import EnrolmentStatus


def correct_outcome(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    outcome_type_id: int | None,
    outcome_on: dt.date | None,
    reason: str,
    expected_version: int | None,
    today: dt.date | None = None,
) -> None:
    """Set the outcome of an ended course to another type (and date), with a reason. The
    job centre's task; a course that has not ended has no outcome to correct."""
    require_job_centre(scope, "At rette resultatet efter forløbet")
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        check_version(s, e, expected_version, "Forløbet")
        errors: dict[str, str] = {}
        if e.status != EnrolmentStatus.ENDED:
            errors["_form"] = "Forløbet er ikke afsluttet, så der er intet resultat at rette."
        if outcome_type_id is None or s.get(OutcomeType, outcome_type_id) is None:
            errors["outcome_type_id"] = "Vælg det rigtige resultat."
        check_date(errors, "outcome_on", outcome_on, today=today, not_before=e.start_date,
                   advice="")  # fmt: skip
        if not (reason or "").strip():
            errors["reason"] = "Skriv kort, hvorfor resultatet rettes."
        check_text(errors, "reason", reason)
        if errors or outcome_type_id is None or outcome_on is None:
            raise ValidationError(errors)
        outcome = s.execute(
            select(Outcome).where(Outcome.enrolment_id == e.id)
        ).scalar_one_or_none()
        if outcome is None:
            outcome = Outcome(enrolment_id=e.id)
            s.add(outcome)
        outcome.outcome_type_id = outcome_type_id
        outcome.outcome_on = outcome_on
        outcome.note = reason.strip()
        flag_modified(e, "status")  # bump the course's version: a later stale form is refused
