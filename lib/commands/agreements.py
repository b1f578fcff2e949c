"""Enterprises and agreements (admin): create and edit, change an agreement's slots from a
date (a dated period, so occupancy before the change is measured against the slots then in
force), end an agreement, and delete one only while it has no courses.

Rules for every command: lib/commands/kit.py. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from db.engine import write_session
from db.models import (
    Agreement,
    AgreementSlotPeriod,
    AgreementTargetGroup,
    Enrolment,
    Enterprise,
    TargetGroup,
)
from lib.commands.kit import STALE_MESSAGE, StaleEdit, ValidationError, current_date
from lib.commands.users import require_admin
from lib.domain.access import Scope
from lib.domain.enums import ReviewCadence
from lib.domain.format import fmt_date

MAX_SLOTS = 500


@dataclass
class EnterpriseInput:
    name: str
    cvr: str = ""
    contact_persons: str = ""
    address: str = ""


def _enterprise_values(e: Enterprise) -> dict[str, str]:
    return {"Navn": e.name, "CVR": e.cvr or "–", "Kontaktpersoner": e.contact_persons or "–"}


def save_enterprise(
    engine: Engine,
    scope: Scope,
    data: EnterpriseInput,
    enterprise_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    """Create (no id) or edit an enterprise. CVR is optional: 8 digits when given."""
    require_admin(scope)
    name, cvr = data.name.strip(), data.cvr.replace(" ", "").strip()
    with write_session(engine, scope.username) as s:
        enterprise = None
        if enterprise_id is not None:
            enterprise = s.execute(
                select(Enterprise).where(Enterprise.id == enterprise_id).with_for_update()
            ).scalar_one_or_none()
            if enterprise is None:
                raise ValidationError({"_form": "Virksomheden findes ikke længere."})
            if expected_version is not None and enterprise.version != expected_version:
                raise StaleEdit(
                    STALE_MESSAGE.format(what="Virksomheden"),
                    _enterprise_values(enterprise),
                    enterprise.version,
                )
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = "Skriv virksomhedens navn."
        elif len(name) > 200:
            errors["name"] = "Navnet er for langt: højst 200 tegn."
        else:
            clash = s.scalar(
                select(Enterprise.id).where(func.lower(Enterprise.name) == name.lower())
            )
            if clash is not None and clash != enterprise_id:
                errors["name"] = "Der findes allerede en virksomhed med det navn."
        if cvr and not (len(cvr) == 8 and cvr.isdigit()):
            errors["cvr"] = "Et CVR-nummer har 8 cifre. Lad feltet stå tomt, hvis det ikke kendes."
        if len(data.contact_persons) > 1000:
            errors["contact_persons"] = "Teksten er for lang: højst 1000 tegn."
        if len(data.address) > 300:
            errors["address"] = "Adressen er for lang: højst 300 tegn."
        if errors:
            raise ValidationError(errors)
        if enterprise is None:
            enterprise = Enterprise(name=name)
            s.add(enterprise)
        enterprise.name = name
        enterprise.cvr = cvr or None
        enterprise.contact_persons = data.contact_persons.strip()
        enterprise.address = data.address.strip()
        s.flush()
        return enterprise.id


@dataclass
class AgreementInput:
    name: str
    enterprise_id: int | None
    slots: int | None
    start_date: dt.date | None
    end_date: dt.date | None = None
    evaluation_interval_months: int | None = 2
    review_cadence: str = ReviewCadence.HALF_YEARLY
    target_group_ids: list[int] = field(default_factory=list)
    jobcentre_contact: str = ""
    enterprise_contact: str = ""


def _agreement_values(a: Agreement) -> dict[str, str]:
    return {
        "Navn": a.name,
        "Pladser": str(a.slots),
        "Start": fmt_date(a.start_date),
        "Slut": fmt_date(a.end_date),
        "Evalueringsinterval": f"{a.evaluation_interval_months} mdr.",
        "Revision": ReviewCadence.label_of(a.review_cadence),
    }


def _locked_agreement(s: Session, agreement_id: int, expected_version: int | None) -> Agreement:
    agreement = s.execute(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update()
    ).scalar_one_or_none()
    if agreement is None:
        raise ValidationError({"_form": "Aftalen findes ikke længere."})
    if expected_version is not None and agreement.version != expected_version:
        raise StaleEdit(
            STALE_MESSAGE.format(what="Aftalen"), _agreement_values(agreement), agreement.version
        )
    return agreement


def check_agreement(
    s: Session, data: AgreementInput, agreement_id: int | None, *, new: bool
) -> dict[str, str]:
    """Every problem with an agreement's fields, by field (also used by the import)."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Skriv aftalens navn."
    elif len(name) > 200:
        errors["name"] = "Navnet er for langt: højst 200 tegn."
    else:
        clash = s.scalar(select(Agreement.id).where(func.lower(Agreement.name) == name.lower()))
        if clash is not None and clash != agreement_id:
            errors["name"] = "Der findes allerede en aftale med det navn."
    if data.enterprise_id is None or s.get(Enterprise, data.enterprise_id) is None:
        errors["enterprise_id"] = "Vælg virksomheden."
    if new and (data.slots is None or not 1 <= data.slots <= MAX_SLOTS):
        errors["slots"] = f"Antal pladser skal være mellem 1 og {MAX_SLOTS}."
    if data.start_date is None:
        errors["start_date"] = "Vælg aftalens startdato."
    elif data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = f"Slutdatoen ligger før aftalens start ({fmt_date(data.start_date)})."
    interval = data.evaluation_interval_months
    if interval is None or not 1 <= interval <= 12:
        errors["evaluation_interval_months"] = "Evalueringsintervallet skal være 1–12 måneder."
    if data.review_cadence not in ReviewCadence.labels():
        errors["review_cadence"] = "Vælg halvårlig eller årlig revision."
    known = set(s.scalars(select(TargetGroup.id)))
    if not set(data.target_group_ids) <= known:
        errors["target_group_ids"] = "Vælg målgrupper fra kataloget."
    for key in ("jobcentre_contact", "enterprise_contact"):
        if len(getattr(data, key)) > 200:
            errors[key] = "Teksten er for lang: højst 200 tegn."
    return errors


def _apply(s: Session, agreement: Agreement, data: AgreementInput) -> None:
    agreement.name = data.name.strip()
    agreement.enterprise_id = data.enterprise_id  # type: ignore[assignment]  # checked
    agreement.start_date = data.start_date  # type: ignore[assignment]  # checked
    agreement.end_date = data.end_date
    agreement.evaluation_interval_months = data.evaluation_interval_months or 2
    agreement.review_cadence = data.review_cadence
    agreement.jobcentre_contact = data.jobcentre_contact.strip()
    agreement.enterprise_contact = data.enterprise_contact.strip()
    s.flush()
    wanted = set(data.target_group_ids)
    have = set(
        s.scalars(
            select(AgreementTargetGroup.target_group_id).where(
                AgreementTargetGroup.agreement_id == agreement.id
            )
        )
    )
    for gid in have - wanted:
        s.execute(
            delete(AgreementTargetGroup).where(
                AgreementTargetGroup.agreement_id == agreement.id,
                AgreementTargetGroup.target_group_id == gid,
            )
        )
    for gid in sorted(wanted - have):
        s.add(AgreementTargetGroup(agreement_id=agreement.id, target_group_id=gid))


def create_agreement(engine: Engine, scope: Scope, data: AgreementInput) -> int:
    """A new agreement; its slots are in force from its start date."""
    require_admin(scope)
    with write_session(engine, scope.username) as s:
        errors = check_agreement(s, data, None, new=True)
        if errors:
            raise ValidationError(errors)
        agreement = Agreement(slots=data.slots)
        s.add(agreement)
        _apply(s, agreement, data)
        s.add(
            AgreementSlotPeriod(
                agreement_id=agreement.id, valid_from=data.start_date, slots=data.slots
            )
        )
        s.flush()
        return agreement.id


def update_agreement(
    engine: Engine,
    scope: Scope,
    agreement_id: int,
    data: AgreementInput,
    expected_version: int | None,
) -> None:
    """Edit an agreement (not its slots: change_slots keeps their history). Ending an
    agreement is setting its end date."""
    require_admin(scope)
    with write_session(engine, scope.username) as s:
        agreement = _locked_agreement(s, agreement_id, expected_version)
        errors = check_agreement(s, data, agreement_id, new=False)
        first_course = s.scalar(
            select(func.min(Enrolment.start_date)).where(Enrolment.agreement_id == agreement_id)
        )
        if "start_date" not in errors and first_course and data.start_date > first_course:  # type: ignore[operator]
            errors["start_date"] = (
                f"Aftalen har forløb fra {fmt_date(first_course)}; starten kan ikke ligge senere."
            )
        if errors:
            raise ValidationError(errors)
        _apply(s, agreement, data)
        first_period = s.scalar(
            select(AgreementSlotPeriod)
            .where(AgreementSlotPeriod.agreement_id == agreement_id)
            .order_by(AgreementSlotPeriod.valid_from)
            .limit(1)
        )
        if first_period is not None and first_period.valid_from > agreement.start_date:
            first_period.valid_from = agreement.start_date


def change_slots(
    engine: Engine,
    scope: Scope,
    agreement_id: int,
    slots: int | None,
    valid_from: dt.date | None,
    expected_version: int | None,
    today: dt.date | None = None,
) -> None:
    """New number of slots from a date (not in the future, not before the agreement's
    start). Earlier periods stay, so past occupancy keeps its denominator."""
    require_admin(scope)
    today = today or current_date()
    with write_session(engine, scope.username) as s:
        agreement = _locked_agreement(s, agreement_id, expected_version)
        errors: dict[str, str] = {}
        if slots is None or not 1 <= slots <= MAX_SLOTS:
            errors["slots"] = f"Antal pladser skal være mellem 1 og {MAX_SLOTS}."
        if valid_from is None:
            errors["valid_from"] = "Vælg datoen, det nye antal gælder fra."
        elif valid_from < agreement.start_date:
            errors["valid_from"] = (
                f"Datoen ligger før aftalens start ({fmt_date(agreement.start_date)})."
            )
        elif valid_from > today:
            errors["valid_from"] = "Datoen ligger i fremtiden. Ændr pladserne, når de ændres."
        if errors or slots is None or valid_from is None:
            raise ValidationError(errors)
        period = s.scalar(
            select(AgreementSlotPeriod).where(
                AgreementSlotPeriod.agreement_id == agreement_id,
                AgreementSlotPeriod.valid_from == valid_from,
            )
        )
        if period is None:
            s.add(
                AgreementSlotPeriod(agreement_id=agreement_id, valid_from=valid_from, slots=slots)
            )
        else:
            period.slots = slots
        s.flush()
        in_force = s.scalar(
            select(AgreementSlotPeriod.slots)
            .where(
                AgreementSlotPeriod.agreement_id == agreement_id,
                AgreementSlotPeriod.valid_from <= today,
            )
            .order_by(AgreementSlotPeriod.valid_from.desc())
            .limit(1)
        )
        agreement.slots = in_force or slots


def delete_agreement(
    engine: Engine, scope: Scope, agreement_id: int, expected_version: int | None
) -> None:
    """Only an agreement without courses (one made by mistake); else end it instead."""
    require_admin(scope)
    with write_session(engine, scope.username) as s:
        agreement = _locked_agreement(s, agreement_id, expected_version)
        courses = s.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.agreement_id == agreement_id)
        )
        if courses:
            raise ValidationError(
                {
                    "_form": f"Aftalen har {courses} forløb og kan ikke slettes. Afslut den i "
                    "stedet ved at give den en slutdato."
                }
            )
        s.delete(agreement)
