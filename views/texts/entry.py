"""Danish copy for the entry pages (Forløb, Plan, Evaluering, Timer) and the Revisionslog:
page intros, captions, empty states and hints. Widget labels stay with their widgets."""

from __future__ import annotations

import datetime as dt

from lib.domain.access import Scope
from lib.domain.enums import JOB_CENTRE_ROLES
from lib.domain.format import fmt_date

# --------------------------------------------------------------------------- shared

NO_COURSES = "Du har ingen forløb at registrere på."
NO_COURSES_HINT = "Forløb, du har adgang til, vises her, når de er i gang."
NO_MATCHING_COURSE = "Ingen af dine forløb passer til søgningen."
OWN_PARTICIPANTS_ONLY = "Kun dine egne deltagere vises."
FORM_HAS_ERRORS = "Der er fejl i formularen – se beskederne ved felterne. Intet er gemt."
SAVE_ANYWAY = "Ja, gem alligevel – det er ikke en dobbeltregistrering"

# --------------------------------------------------------------------------- Forløb


def forlob_intro(scope: Scope) -> str:
    if scope.role in JOB_CENTRE_ROLES:
        return "Indskrivning, forlængelse og afslutning af forløb."
    return "Din virksomheds forløb. Indskrivning og forlængelse sker i jobcentret."


NO_OPEN_COURSES = "Der er ingen forløb i gang eller i visitation, som du har adgang til."
CASE_CODE_HELP = "Aldrig CPR-nummer."


def current_planned_end(planned_end: dt.date) -> str:
    return f"Nuværende planlagte slut: {fmt_date(planned_end)}"


RECORDS_WHEN_ACTIVE = "Møder, leverancer, pauser og beviser registreres, når forløbet er i gang."
NO_MEETINGS = "Ingen opfølgningsmøder endnu."
PLAN_MEETING_CAPTION = (
    "Planlæg det næste opfølgningsmøde. Holdes det ved en evaluering, registreres det "
    "dér; ellers registreres det nedenfor som afholdt eller aflyst."
)
RECORD_MEETING_CAPTION = (
    "Afholdt: dato og om sagsbehandleren deltog (Ja/Nej). Aflyst: skriv hvorfor."
)
DELIVERABLE_CAPTION = (
    "Fristerne følger reglerne: mødeplan en uge inde i forløbet, plan når baseline-planen "
    "skal foreligge, invitation en uge før evalueringen. Ved Ja skrives datoen; den gættes ikke."
)
ALL_DELIVERABLES_RECEIVED = "Alle leverancer er modtaget."
NO_PAUSES = "Ingen pauser registreret."
PAUSE_CAPTION = (
    "Pausedage tæller ikke mod fristerne: planens og evalueringernes frister rykkes med "
    "de dage, pausen ligger før fristen."
)
NO_CERTIFICATES = "Ingen beviser registreret."

# --------------------------------------------------------------------------- Plan

PLAN_INTRO = "Planen laves sammen med deltageren. Den første plan er baseline."
GOAL_ORDER_HELP = "Rækkefølgen er prioriteten: vælg det vigtigste delmål først."


def baseline_plan_due(planned_weeks: int) -> str:
    """The due-date label of the baseline plan: 1 week into a 13-week course, else 4."""
    return f"Baseline-plan ({'1 uge' if planned_weeks == 13 else '4 uger'} inde i forløbet)"


def current_plan_caption(version_no: int, created_on: dt.date) -> str:
    return (
        f"Nuværende plan: version {version_no} fra {fmt_date(created_on)}"
        f"{' (baseline)' if version_no == 1 else ''}. En revision gemmes som en ny "
        "version; de tidligere versioner bevares."
    )


# --------------------------------------------------------------------------- Evaluering

EVALUERING_INTRO = "Den løbende evaluering hver 2. måned – skrevet sammen med deltageren."
NO_PLAN_YET = (
    "Forløbet har ingen plan endnu. Lav planen først på siden Plan – så ved "
    "evalueringen, hvilke parametre der scores."
)
NO_EVALUATIONS = "Ingen evalueringer endnu."
INVITATION_DATE_HELP = "Datoen, sagsbehandleren fik invitationen. Skal udfyldes ved Ja."
SCORES_START_EMPTY = (
    "Scorerne starter tomme (ikke vurderet). Tryk på 1–5; den forrige score står under. "
    "En parameter uden score gemmes som ikke vurderet."
)
CHANGED_SINCE_OPENED = "Evalueringen er ændret siden du åbnede den."
CASEWORKER_PRESENT_HELP = "Svar Nej, hvis mødet ikke blev holdt."
CANCEL_CORRECTION = "Annullér rettelsen"
FIX = "Ret"
DELETE = "Slet"


def confirm_delete_button(what: str) -> str:
    return f"Ja, slet {what}"


PLAN_DELETE_NOTE = "med delmål og scorer; den forrige version bliver igen den gældende"
PAUSE_DELETE_NOTE = "og fristerne rykkes tilbage"
EVALUATION_DELETE_NOTE = "med scorer, delmålsstatus, møde og invitation"


def delete_only_author(what: str) -> str:
    return f"Slet kan kun bruges af den, der gemte {what}, inden for et døgn. Ret i stedet."


def confirm_delete(what: str, also: str = "") -> str:
    return f"{what.capitalize()} slettes{' ' + also if also else ''}. Sletningen står i revisionsloggen."


def deleted(what: str) -> str:
    return f"{what.capitalize()} er slettet."


def invitation_due_caption(due: dt.date) -> str:
    return (
        f"Frist for invitationen: {fmt_date(due)} (en uge før evalueringen). "
        "Ved Ja skrives datoen, den blev modtaget; den gættes ikke."
    )


def notes_help(limit: int) -> str:
    return f"Højst {limit} tegn. Skrives som tekst."


def last_score_help(last: int | None, levels: dict[int, str]) -> str:
    return f"Sidst: {last} – {levels.get(last, '')}" if last else "Ingen tidligere score."


def scale_help(levels: dict[int, str]) -> str:
    return "  \n".join(f"{value} – {label}" for value, label in levels.items())


def score_caption(previous: int | None, levels: dict[int, str]) -> str:
    """Beside a score (inside a form the caption cannot follow the choice: it shows the
    previous score only)."""
    return last_score_help(previous, levels)


# --------------------------------------------------------------------------- Timer

TIMER_INTRO = "Timer og fremmøde pr. uge. Ret direkte i tabellen, og gem alle uger på én gang."
HOURS_RULES = (
    "Fremmøde og sygefravær kan tilsammen højst være de planlagte timer. "
    "Uger uden timer gemmes ikke."
)

# --------------------------------------------------------------------------- Revisionslog

REVISIONSLOG_INTRO = "Hvem ændrede hvad og hvornår – med værdierne før og efter."
NO_CHANGES = "Ingen ændringer med disse filtre."
