"""Danish copy for the quality pages (Kvalitet, Fidelitet): page intros, empty states,
captions and hints. A figure's definition stays beside the figure in its component module
(views/components/work_agreements.py, quality_hours.py, quality.py, fidelity.py)."""

from lib.domain.quality import STV_LABEL

# --------------------------------------------------------------------------- Kvalitet
QUALITY_INTRO = (
    "Kvaliteten i forløbene (STV-evalueringen): arbejdsaftaler, timer mod ordinær "
    "beskæftigelse og mentoropfølgning."
)
OWN_PARTICIPANTS_ONLY = " Kun dine egne deltagere."
NO_COURSES = "Der er endnu ingen forløb at vise kvaliteten af."
NO_COURSES_HINT = (
    "Når en deltager er i gang på en samarbejdsaftale, vises arbejdsaftaler, timer og "
    "mentoropfølgning her."
)
AGREEMENT_PICKER_HELP = "Tom = alle aftaler, du har adgang til. Valget gemmes i adressen."
QUALITY_TABS = [
    "1. Arbejdsaftaler",
    "2. Timer mod ordinær beskæftigelse",
    "3. Mentoropfølgning",
    "Registrér",
]
TAB_KEY = "kvalitet_fane"
ALL_SHOWN = "Alle viste forløb"

# 1. Work agreements
NO_STARTED_COURSES = "Ingen forløb er startet endnu."
NO_STARTED_COURSES_HINT = "Arbejdsaftalen laves, når forløbet starter; derefter vises den her."
NO_WRITTEN_AGREEMENTS = "Ingen af forløbene har en skriftlig arbejdsaftale endnu."
STV_REFERENCE_CAPTION = f"Gråt felt: {STV_LABEL} til sammenligning – ikke jobcentrets egne tal."
ONE_QUARTER_ONLY = "Der er kun forløb fra ét kvartal endnu – udviklingen vises senere."
LATEST_QUARTERS = "Viser de seneste {shown} af {count} kvartaler."

# 2. Hours
NO_HOURS = "Der er ikke registreret timer endnu."
NO_HOURS_HINT = (
    "Når planlagte og fremmødte timer registreres pr. uge (siden Timer), vises "
    "fremmøde, sygefravær og ordinære løntimer her."
)
HOURS_PARTICIPANT_HELP = "Kun deltagere, du har adgang til, og som har registrerede timer."
ONE_WEEK_ONLY = "Kun én uge registreret endnu."
TOO_FEW_WEEKS = (
    "{weeks} uger registreret – for få til at sammenligne de første og de seneste 4 uger."
)

# 3. Mentor follow-up
NO_MENTORS = "Der er ingen mentorer tilknyttet forløbene endnu."
NO_MENTORS_HINT = (
    "Når en mentor og den aftalte frekvens er registreret på et forløb, vises overholdelsen her."
)
MENTOR_TYPE_CAPTION = (
    "n = antal mentorforløb; procenten er andelen af deres opfølgningsintervaller, der "
    "overholdt den aftalte frekvens."
)

# Registrér
NO_COURSES_TO_REGISTER = "Ingen startede forløb at registrere på."
COURSE_PICKER_HELP = "Kun forløb, du har adgang til."
NO_COURSE_MATCHES = "Ingen forløb passer til søgningen."
NO_WORK_AGREEMENT_YET = "Forløbet har ingen registreret arbejdsaftale endnu."
NO_MENTOR_YET = "Forløbet har ingen mentor endnu."
FREQUENCY_HELP = "Ofte hver uge i starten, derefter hver 14. dag eller hver 3. uge."

# --------------------------------------------------------------------------- Fidelitet
FIDELITY_INTRO = (
    "Hvor mange medarbejdere pr. rolle oplever, at minimumskravene er opfyldt – ved "
    "nulpunktsmåling, midtvejs og slut (STV-evalueringens surveys)."
)
FIDELITY_TABS = ["Resultater", "Indtast", "Importér fra regneark"]
NO_FIDELITY = "Der er ingen fidelitetsmålinger endnu."
NO_FIDELITY_HINT = "Opret en runde og indtast andelene under 'Indtast', eller importér et regneark."
NO_ROUNDS = "Der er ingen runder endnu – opret den første herunder."
NO_REQUIREMENTS = "Der er ingen minimumskrav i kataloget – tilføj et herunder."
SHARE_COLUMN_HELP = "0–100. Tom = ingen måling for rollen."
NOTHING_SAVED = "Intet er gemt."
IMPORT_FORMAT = (
    "Et regneark (.xlsx) eller en .csv-fil med kolonnerne **Runde**, **Type** (nulpunkt, "
    "midt eller slut), **Dato** (ÅÅÅÅ-MM-DD; kræves for en ny runde), **Minimumskrav** "
    "(fx 3c), **Rolle** (Leder, Projektleder, Sagsbehandler, Virksomhedskonsulent, Mentor, "
    "Total), **Andel enige** (fx 73 eller 73 %) og evt. **Besvarelser**. Intet gemmes, før "
    "filen er kontrolleret, og du har godkendt."
)

SHOW_MENTOR_COURSES = "Vis de {count} mentorforløb enkeltvis (mest overskredne først)"
SHOW_WORK_AGREEMENTS = "Vis arbejdsaftalen for hvert af de {count} forløb"
SHOW_PARTICIPANT_HOURS = "Vis timerne for hver af de {count} deltagere"
NO_PARTICIPANT_MATCHES = "Ingen deltagere med timer passer til søgningen."
