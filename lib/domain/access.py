"""Access scope: which participants a signed-in user may see and change.

Enforced here, in the data layer: every query that returns participant-level rows takes a
Scope and filters with these clauses, so a page that forgets to check cannot leak.
- caseworker (sagsbehandler): participants whose caseworker they are;
- enterprise staff (virksomhed): courses on their own enterprise's agreements;
- manager (leder) and admin: everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.domain.enums import MANAGER_ROLES


class AccessDenied(PermissionError):
    """The signed-in user may not see or change this record."""


@dataclass(frozen=True)
class Scope:
    user_id: int
    username: str
    role: str
    enterprise_id: int | None = None

    @property
    def sees_all(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def cache_key(self) -> tuple:
        """Hashable identity for caches: anything scoped must be cached per scope."""
        return (self.role, self.user_id, self.enterprise_id)


def require_manager(scope: Scope) -> None:
    if not scope.sees_all:
        raise AccessDenied("Fidelitetsmålinger kan kun ses og rettes af ledere.")
