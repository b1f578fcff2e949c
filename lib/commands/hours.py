"""Writes for weekly hours: planned and attended hours, illness absence and ordinary paid
hours, several weeks in one save, each week checked and guarded by its own version
(see lib/commands/kit.py for what all commands share)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.engine import write_session
from db.models import (
    WeeklyHours,
)
from lib.commands.kit import (
    STALE_MESSAGE,
    StaleEdit,
    ValidationError,
    current_date,
    is_blank,
    load_enrolment,
)
from lib.domain.access import Scope
from lib.domain.format import fmt_date
from lib.domain.rules import week_start

MAX_WEEK_HOURS = 80.0


@dataclass
class HoursInput:
    week_start: dt.date | None
    planned_hours: float | None
    attended_hours: float | None
    illness_hours: float | None
    ordinary_paid_hours: float | None
    version: int | None = None  # the version the user saw; None for a week not saved yet


HOURS_FIELDS = {
    "planned_hours": "Planlagte timer",
    "attended_hours": "Fremmødte timer",
    "illness_hours": "Sygefravær (timer)",
    "ordinary_paid_hours": "Ordinære løntimer",
}


def _week_label(monday: dt.date) -> str:
    return f"Uge {monday.isocalendar().week} ({fmt_date(monday)})"


def save_hours(
    engine: Engine,
    scope: Scope,
    enrolment_id: int,
    rows: list[HoursInput],
    today: dt.date | None = None,
) -> int:
    """Several weeks at once. Errors are keyed 'week_<iso date>' (or 'row_<n>' for a row
    without a week) so the grid can say which week is wrong. Returns rows written."""
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        e = load_enrolment(s, scope, enrolment_id)
        errors: dict[str, str] = {}
        first, last = week_start(e.start_date), week_start(min(today, e.end_date or today))
        seen: set[dt.date] = set()
        weeks: list[dt.date] = []  # each row's Monday, once every row has a week
        for n, r in enumerate(rows, start=1):
            if r.week_start is None:
                errors[f"row_{n}"] = f"Række {n}: vælg ugen (mandag)."
                continue
            ws = week_start(r.week_start)
            weeks.append(ws)
            key = f"week_{ws.isoformat()}"
            label = _week_label(ws)
            if ws in seen:
                errors[key] = f"{label}: ugen står to gange."
            seen.add(ws)
            if ws < first:
                errors[key] = (
                    f"{label}: ugen ligger før forløbets start ({fmt_date(e.start_date)})."
                )
            elif ws > last:
                errors[key] = f"{label}: ugen ligger i fremtiden eller efter forløbets slut."
            values = {k: getattr(r, k) for k in HOURS_FIELDS}
            for k, v in values.items():
                if is_blank(v):
                    errors[key] = f"{label}: udfyld {HOURS_FIELDS[k].lower()} (0 hvis ingen)."
                elif not 0 <= v <= MAX_WEEK_HOURS:
                    errors[key] = (
                        f"{label}: {HOURS_FIELDS[k].lower()} skal være mellem 0 og "
                        f"{MAX_WEEK_HOURS:.0f} timer."
                    )
            if (
                key not in errors
                and values["attended_hours"] + values["illness_hours"]
                > max(values["planned_hours"], 0) + 0.01
                and values["planned_hours"] > 0
            ):
                errors[key] = (
                    f"{label}: fremmøde og sygefravær er tilsammen flere end de planlagte timer."
                )
        if errors:
            raise ValidationError(errors)
        existing = {
            h.week_start: h
            for h in s.execute(
                select(WeeklyHours).where(
                    WeeklyHours.enrolment_id == e.id, WeeklyHours.week_start.in_(seen)
                )
            ).scalars()
        }
        stale = {}
        for r, ws in zip(rows, weeks, strict=True):
            h = existing.get(ws)
            if h is not None and r.version != h.version:
                stale[_week_label(ws)] = (
                    f"planlagt {h.planned_hours:g}, fremmødt {h.attended_hours:g}, "
                    f"syg {h.illness_hours:g}, løntimer {h.ordinary_paid_hours:g}"
                ).replace(".", ",")
        if stale:
            raise StaleEdit(STALE_MESSAGE.format(what="Timerne"), stale, None)
        written = 0
        for r, ws in zip(rows, weeks, strict=True):
            h = existing.get(ws)
            values = {k: float(getattr(r, k)) for k in HOURS_FIELDS}
            if h is None:
                if not any(values.values()):
                    continue  # an untouched blank week is not a registration
                s.add(WeeklyHours(enrolment_id=e.id, week_start=ws, **values))
                written += 1
            elif any(getattr(h, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(h, k, v)
                written += 1
        return written
