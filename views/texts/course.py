"""Danish copy for Mine opgaver, Forløbsside, Mentorkontakt and the participant search."""

from __future__ import annotations

from lib.domain.measures import MENTOR_ON_TIME
from lib.queries.compliance import DUE_SOON_DAYS

# --------------------------------------------------------------------------- Mine opgaver

TASKS_INTRO = (
    f"Det, der er over fristen, og det, der falder inden for de næste {DUE_SOON_DAYS} dage, "
    "for dine egne deltagere i aktive forløb. Klik på en opgave for at åbne formularen med "
    "deltageren valgt."
)
TASKS_DEFINITION = (
    "Frister efter de samme regler som Opfølgning: planen 1 uge (13-ugers forløb) eller 4 uger "
    "(52-ugers forløb) efter start; evaluering hver 2. måned (eller aftalens interval) efter "
    "den forrige; pauser rykker fristerne. Planlagte opfølgningsmøder, der ikke er "
    "registreret; leverancer uden modtagelsesdato; næste mentorkontakt efter den aftalte "
    "hyppighed på datoen (hver uge, hver 14. dag eller hver 3. uge); forløb over planlagt "
    "slut uden forlængelse eller afslutning."
)
NO_ACTIVE_COURSES = "Du har ingen aktive forløb lige nu, så der er ingen opgaver."
NOTHING_OVERDUE = "Intet er over fristen."
NOTHING_DUE_SOON = f"Intet forfalder inden for de næste {DUE_SOON_DAYS} dage."
OVERDUE_HEADING = "Over fristen"
DUE_SOON_HEADING = f"De næste {DUE_SOON_DAYS} dage"

# --------------------------------------------------------------------------- Forløbsside

COURSE_PAGE_INTRO = (
    "Hele forløbet på én side: visitation, start, planer, evalueringer, møder, leverancer, "
    "pauser, timer, mentorkontakter, beviser, forlængelse og afslutning."
)
SEARCH_HELP = "Søg på sagskode eller initialer. Afsluttede forløb kommer også med."
SEARCH_NOTHING = "Ingen forløb, du har adgang til, passer på søgningen."
PICK_A_COURSE = (
    "Vælg et forløb: søg på sagskode eller initialer, eller åbn forløbet fra en liste "
    "(Mine opgaver, Opfølgning, Forløb ...)."
)
NO_ACCESS = "Du har ikke adgang til dette forløb, eller det findes ikke."
NO_EVENTS = "Der er ikke registreret noget på forløbet endnu."
NO_HOURS = "Ingen timer registreret."
NO_MENTORS = "Ingen mentor tilknyttet."
NO_CONTACTS = "Ingen kontakter registreret endnu."
NO_SUMMARY = "Virksomheden har ikke skrevet en opsamlende beskrivelse."
CORRECT_OUTCOME_HELP = (
    "Ret resultatet, hvis det viser sig at være et andet (fx job efter et stop). Rettelsen "
    "gemmes i revisionsloggen med den gamle værdi."
)

# --------------------------------------------------------------------------- Mentorkontakt

MENTOR_INTRO = (
    "Registrér kontakter mellem mentor og deltager, skift den aftalte hyppighed fra en dato "
    "(fx hver uge i starten, derefter hver 14. dag) og afslut en mentor."
)
# One definition per measure: the mentor figure's lives in lib.domain.measures.
MENTOR_DEFINITION = MENTOR_ON_TIME.definition
NO_MENTOR_ON_COURSE = (
    "Forløbet har ingen mentor. Jobcentret tilknytter mentoren (Kvalitet → Registrering)."
)
FREQUENCY_CHANGE_HELP = (
    "Fra denne dato gælder den nye hyppighed; kontakter før bedømmes efter den gamle."
)

# --------------------------------------------------------------------------- search and 404

SIDEBAR_SEARCH_LABEL = "Find deltager"
SIDEBAR_SEARCH_PLACEHOLDER = "Sagskode eller initialer"
NOT_FOUND_TITLE = "Siden findes ikke"
NOT_FOUND_TEXT = (
    "Adressen findes ikke i Forløbsmonitor. Vælg en side i menuen til venstre, eller gå til "
    "forsiden."
)
