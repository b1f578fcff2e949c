"""Access scope: which participants a signed-in user may see and change.

Enforced here, in the data layer: every query that returns participant-level rows takes a
Scope and filters with these clauses, so a page that forgets to check cannot leak.
- caseworker (sagsbehandler): participants whose caseworker they are;
- enterprise staff (virksomhed): courses on their own enterprise's agreements;
- manager (leder) and admin: everything.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Select, and_, false, select, true
from sqlalchemy.orm import Session

from db.models import Agreement, Enrolment, Participant
from lib.domain.access import AccessDenied, Scope
from lib.domain.enums import Role


def enrolment_clause(scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on Enrolment (the query must join Participant for caseworkers)."""
    if scope.sees_all:
        return true()
    if scope.role == Role.CASEWORKER:
        return Enrolment.participant_id.in_(
            select(Participant.id).where(Participant.caseworker_id == scope.user_id)
        )
    if scope.role == Role.ENTERPRISE and scope.enterprise_id is not None:
        return Enrolment.agreement_id.in_(
            select(Agreement.id).where(Agreement.enterprise_id == scope.enterprise_id)
        )
    return false()


def participant_clause(scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on Participant: the participants the user may see at all."""
    if scope.sees_all:
        return true()
    if scope.role == Role.CASEWORKER:
        return Participant.caseworker_id == scope.user_id
    if scope.role == Role.ENTERPRISE and scope.enterprise_id is not None:
        return Participant.id.in_(
            select(Enrolment.participant_id).where(
                and_(
                    Enrolment.agreement_id.in_(
                        select(Agreement.id).where(Agreement.enterprise_id == scope.enterprise_id)
                    )
                )
            )
        )
    return false()


def agreement_clause(scope: Scope) -> ColumnElement[bool]:
    """Agreements a user works with: enterprise staff only their enterprise's."""
    if scope.role == Role.ENTERPRISE:
        if scope.enterprise_id is None:
            return false()
        return Agreement.enterprise_id == scope.enterprise_id
    return true()


def visible_enrolment_ids(scope: Scope) -> Select[int]:
    return select(Enrolment.id).where(enrolment_clause(scope))


def require_enrolment_access(
    conn_or_session: Connection | Session, scope: Scope, enrolment_id: int
) -> None:
    """Raise AccessDenied unless the enrolment is in scope (for writes and detail views)."""
    found = conn_or_session.execute(
        select(Enrolment.id).where(Enrolment.id == enrolment_id, enrolment_clause(scope))
    ).first()
    if found is None:
        raise AccessDenied("Du har ikke adgang til dette forløb.")
