"""Danish words for what the audit log stores in English codes: actions, tables, fields
and coded values, so Revisionslog shows 'Forløb · Status: Aktiv → Afsluttet', not
'enrolment status: active → ended'."""

from __future__ import annotations

import datetime as dt

from lib.domain.enums import (
    DeliverableKind,
    EnrolmentStatus,
    GoalProgress,
    MentorType,
    PlacementType,
    Role,
)
from lib.domain.format import fmt_date, fmt_number

ACTIONS = {
    "create": "Oprettet",
    "update": "Rettet",
    "delete": "Slettet",
    "rebuild": "Demodata genopbygget",
    # Sign-in and sessions (lib/security), retention (db/retention.py).
    "sign_in": "Logget ind",
    "sign_in_failed": "Forkert log ind",
    "sign_in_blocked": "Log ind spærret",
    "sign_out": "Logget ud",
    "session_end": "Session udløbet",
    "sessions_revoked": "Sessioner afsluttet",
    "user_retired": "Bruger fjernet",
    "retention": "Sletning efter frist",
}

SYSTEM_USERS = {"demo": "System (demodata)", "system": "System"}

TABLES = {
    "demo": "Demodata",
    "agreement": "Samarbejdsaftale",
    "enterprise": "Virksomhed",
    "app_user": "Bruger",
    "participant": "Deltager",
    "enrolment": "Forløb",
    "extension": "Forlængelse",
    "pause": "Pause",
    "plan": "Plan",
    "plan_sub_goal": "Plan: delmål",
    "plan_sub_goal_parameter": "Plan: parameter",
    "plan_sub_goal_sub_element": "Plan: delelement",
    "plan_score": "Plan: score",
    "evaluation": "Evaluering",
    "evaluation_score": "Evaluering: score",
    "follow_up_meeting": "Opfølgningsmøde",
    "deliverable": "Leverance",
    "weekly_hours": "Timer",
    "certificate": "Bevis",
    "outcome": "Resultat",
    "work_agreement": "Arbejdsaftale",
    "mentor_assignment": "Mentor",
    "mentor_frequency_change": "Mentor: hyppighed",
    "mentor_contact": "Mentorkontakt",
    "report_text": "Rapporttekst",
    "survey_round": "Fidelitetsmåling",
    "fidelity_result": "Fidelitetsresultat",
}

FIELDS = {
    "id": "Id",
    "status": "Status",
    "start_date": "Start",
    "end_date": "Slut",
    "referred_on": "Visiteret",
    "planned_weeks": "Planlagte uger",
    "final_summary": "Opsamlende beskrivelse",
    "placement_type": "Forløbstype",
    "participant_id": "Deltager",
    "agreement_id": "Aftale",
    "enrolment_id": "Forløb",
    "evaluation_id": "Evaluering",
    "case_code": "Sagskode",
    "initials": "Initialer",
    "caseworker_id": "Sagsbehandler",
    "target_group_id": "Målgruppe",
    "evaluated_on": "Evalueringsdato",
    "goal_progress": "Mod målet",
    "sub_goals_need_adjusting": "Delmål skal justeres",
    "written_with_participant": "Skrevet sammen med deltageren",
    "made_with_participant": "Lavet sammen med deltageren",
    "notes": "Bemærkning",
    "note": "Note",
    "planned_on": "Planlagt",
    "held": "Holdt",
    "held_on": "Holdt den",
    "caseworker_present": "Sagsbehandler deltog",
    "kind": "Art",
    "due_on": "Frist",
    "received_on": "Modtaget",
    "week_start": "Uge",
    "planned_hours": "Planlagte timer",
    "attended_hours": "Fremmødte timer",
    "illness_hours": "Sygefravær",
    "ordinary_paid_hours": "Ordinære løntimer",
    "mentor_type": "Mentortype",
    "mentor_name": "Mentor",
    "frequency_days": "Hyppighed (dage)",
    "changed_from": "Gælder fra",
    "contact_on": "Kontaktdato",
    "logged_by_id": "Registreret af",
    "mentor_assignment_id": "Mentor",
    "outcome_type_id": "Resultat",
    "outcome_on": "Resultatdato",
    "reason": "Begrundelse",
    "extended_on": "Forlænget den",
    "new_end_date": "Ny slutdato",
    "version_no": "Version",
    "created_on": "Oprettet",
    "long_term_goal": "Langsigtet mål",
    "score": "Score",
    "name": "Navn",
    "obtained_on": "Opnået",
    "username": "Brugernavn",
    "display_name": "Navn",
    "role": "Rolle",
    "is_active": "Aktiv",
    "failed_sign_ins": "Mislykkede log ind",
    "locked_until": "Låst til",
    "demo": "Demodata",
}

# Coded values per field: the stored code -> its Danish label.
CODED = {
    "status": EnrolmentStatus.labels(),
    "goal_progress": GoalProgress.labels(),
    "kind": DeliverableKind.labels(),
    "mentor_type": MentorType.labels(),
    "placement_type": PlacementType.labels(),
    "role": Role.labels(),
}


def action(code: str) -> str:
    return ACTIONS.get(code, code)


def table(name: str) -> str:
    return TABLES.get(name, name)


def user(username: str) -> str:
    return SYSTEM_USERS.get(username, username)


def field(name: str) -> str:
    return FIELDS.get(name, name)


def value(name: str, stored: object) -> str:
    """A stored value as a person reads it: Ja/Nej, dates and numbers the Danish way,
    codes as their labels, nothing as '–'."""
    if stored is None or stored == "":
        return "–"
    if isinstance(stored, bool):
        return "Ja" if stored else "Nej"
    if isinstance(stored, float):
        return fmt_number(stored, 1)
    if isinstance(stored, str):
        if name in CODED:
            return CODED[name].get(stored, stored)
        if name.endswith(("_on", "_date", "_from", "week_start")) and len(stored) == 10:
            try:
                return fmt_date(dt.date.fromisoformat(stored))
            except ValueError:
                return stored
        if stored == "1" and name == "demo":
            return "Ja"
    return str(stored)


def changes_shown(count: int, limit: int) -> str:
    noun = "ændring" if count == 1 else "ændringer"
    return f"{count} {noun} (højst {limit}, nyeste først)."
