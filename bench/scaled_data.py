"""A scaled, synthetic database for benchmarks: many agreements, participants and
evaluations, written with bulk Core inserts (the audit hook is for user writes)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import Engine, insert

from db.models import (
    Agreement,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    FollowUpMeeting,
    Outcome,
    Participant,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalParameter,
    User,
)


def build_scaled(
    engine: Engine, agreements: int = 40, per_agreement: int = 60, seed: int = 7
) -> dict:
    rng = random.Random(seed)
    today = dt.date.today()
    rows: dict[type, list[dict]] = {
        m: []
        for m in (
            Enterprise,
            Agreement,
            User,
            Participant,
            Enrolment,
            Plan,
            PlanSubGoal,
            PlanSubGoalParameter,
            PlanScore,
            Evaluation,
            EvaluationScore,
            FollowUpMeeting,
            Outcome,
        )
    }
    for cw in range(1, 21):
        rows[User].append(
            {
                "id": cw,
                "username": f"cw{cw}",
                "display_name": f"CW {cw}",
                "password_hash": "x",
                "role": "sagsbehandler",
            }
        )
    pid = eid = plan_id = psg_id = ev_id = 0
    for a in range(1, agreements + 1):
        rows[Enterprise].append({"id": a, "name": f"Virksomhed {a}"})
        rows[Agreement].append(
            {
                "id": a,
                "enterprise_id": a,
                "name": f"Aftale {a}",
                "slots": per_agreement // 2,
                "start_date": today - dt.timedelta(days=800),
                "evaluation_interval_months": 2,
            }
        )
        for _ in range(per_agreement):
            pid += 1
            eid += 1
            start = today - dt.timedelta(days=rng.randint(10, 760))
            weeks = rng.choice((13, 52))
            ended = (today - start).days > weeks * 7 + 60
            rows[Participant].append(
                {
                    "id": pid,
                    "case_code": f"B-{pid}",
                    "initials": "XY",
                    "target_group_id": rng.randint(1, 4),
                    "caseworker_id": rng.randint(1, 20),
                }
            )
            rows[Enrolment].append(
                {
                    "id": eid,
                    "participant_id": pid,
                    "agreement_id": a,
                    "status": "ended" if ended else "active",
                    "start_date": start,
                    "planned_weeks": weeks,
                    "end_date": start + dt.timedelta(weeks=weeks) if ended else None,
                }
            )
            if ended:
                rows[Outcome].append(
                    {
                        "enrolment_id": eid,
                        "outcome_type_id": rng.randint(1, 9),
                        "outcome_on": start + dt.timedelta(weeks=weeks),
                    }
                )
            plan_id += 1
            plan_on = start + dt.timedelta(days=rng.randint(5, 30))
            rows[Plan].append(
                {
                    "id": plan_id,
                    "enrolment_id": eid,
                    "version_no": 1,
                    "created_on": plan_on,
                    "made_with_participant": True,
                }
            )
            params = rng.sample(range(1, 5), 2)
            psg_id += 1
            rows[PlanSubGoal].append(
                {"id": psg_id, "plan_id": plan_id, "sub_goal_id": rng.randint(1, 11), "priority": 1}
            )
            for p in params:
                rows[PlanSubGoalParameter].append({"plan_sub_goal_id": psg_id, "parameter_id": p})
                rows[PlanScore].append(
                    {"plan_id": plan_id, "parameter_id": p, "score": rng.randint(1, 3)}
                )
            day = plan_on
            end = min(today, start + dt.timedelta(weeks=weeks))
            while (day := day + dt.timedelta(days=rng.randint(50, 75))) < end:
                ev_id += 1
                rows[Evaluation].append(
                    {
                        "id": ev_id,
                        "enrolment_id": eid,
                        "evaluated_on": day,
                        "goal_progress": "closer",
                    }
                )
                rows[FollowUpMeeting].append(
                    {
                        "enrolment_id": eid,
                        "evaluation_id": ev_id,
                        "held": True,
                        "held_on": day,
                        "caseworker_present": rng.random() < 0.7,
                    }
                )
                for p in params:
                    rows[EvaluationScore].append(
                        {"evaluation_id": ev_id, "parameter_id": p, "score": rng.randint(1, 5)}
                    )
    with engine.begin() as conn:
        for model, values in rows.items():
            if values:
                conn.execute(insert(model.__table__), values)
    return {m.__tablename__: len(v) for m, v in rows.items()}
