"""Setting a course's placement type (praktik, løntilskud, småjob, fleksjob, ordinær
ansættelse med støtte): the job centre's, one audited write with a stale-edit check.

No Streamlit here.
"""

from __future__ import annotations

from sqlalchemy import Engine

from db.engine import write_session
from lib.commands.kit import ValidationError, check_version, load_enrolment, require_job_centre
from lib.domain.access import Scope
from lib.domain.enums import PlacementType


def set_placement_type(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    placement_type: str | None,
    expected_version: int | None,
) -> None:
    require_job_centre(scope, "At registrere forløbstypen")
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        check_version(s, e, expected_version, "Forløbet")
        if placement_type not in PlacementType.labels():
            raise ValidationError({"placement_type": "Vælg forløbstypen."})
        e.placement_type = placement_type
