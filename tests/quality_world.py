"""A small, hand-countable world for the quality, fidelity and my-results tests: two
agreements, two caseworkers, a manager, enterprise staff. Rows are inserted through the
real write path (`write_session`) on a freshly migrated database."""

from __future__ import annotations

import datetime as dt

from db import catalogue as cat
from db.engine import write_session
from db.models import Agreement, Enrolment, Enterprise, Participant, User
from lib.domain.access import Scope

D = dt.date


class World:
    def __init__(self, engine):
        self.engine = engine
        with write_session(engine, "test") as s:
            ent1 = Enterprise(name="Virksomhed A")
            ent2 = Enterprise(name="Virksomhed B")
            s.add_all([ent1, ent2])
            s.flush()
            self.a1 = Agreement(
                enterprise_id=ent1.id, name="Aftale A", slots=6, start_date=D(2025, 1, 1)
            )
            self.a2 = Agreement(
                enterprise_id=ent2.id, name="Aftale B", slots=10, start_date=D(2025, 1, 1)
            )
            s.add_all([self.a1, self.a2])
            users = {
                "cw1": User(username="cw1", display_name="Cecilie Sagsbehandler", password_hash="x", role="sagsbehandler"),
                "cw2": User(username="cw2", display_name="Bo Sagsbehandler", password_hash="x", role="sagsbehandler"),
                "boss": User(username="boss", display_name="Lea Leder", password_hash="x", role="leder"),
                "staff": User(username="staff", display_name="Vera Virksomhed", password_hash="x", role="virksomhed", enterprise_id=ent2.id),
            }  # fmt: skip
            s.add_all(users.values())
            s.flush()
            self.users = users
            self.a1_id, self.a2_id = self.a1.id, self.a2.id
        self.n = 0

    def scope(self, username: str) -> Scope:
        u = self.users[username]
        return Scope(u.id, u.username, u.role, u.enterprise_id)

    def enrol(self, agreement_id: int, caseworker: str, status: str, start: dt.date,
              weeks: int = 13, end: dt.date | None = None) -> int:  # fmt: skip
        self.n += 1
        with write_session(self.engine, "test") as s:
            p = Participant(
                case_code=f"T-{self.n:03d}",
                initials=f"P{self.n}",
                target_group_id=cat.target_group_id("lab_2_3"),
                caseworker_id=self.users[caseworker].id,
            )
            s.add(p)
            s.flush()
            e = Enrolment(participant_id=p.id, agreement_id=agreement_id, status=status,
                          start_date=start, planned_weeks=weeks, end_date=end)  # fmt: skip
            s.add(e)
            s.flush()
            return e.id

    def add(self, *rows) -> list[int]:
        with write_session(self.engine, "test") as s:
            s.add_all(rows)
            s.flush()
            return [r.id for r in rows]
