"""Danish copy for the four dashboards (Overblik, Opfølgning, Progression, Resultater):
page intros, empty states, captions and hints. A measure's own label and definition are
in lib/domain/measures.py, not here."""

# --------------------------------------------------------------------------- Overblik
OVERVIEW_INTRO = "Belægning på samarbejdsaftalerne i dag og nøgletal for opfølgningen."
NO_AGREEMENTS = "Der er endnu ingen samarbejdsaftaler."
NO_AGREEMENTS_HINT = "Når en aftale er oprettet, vises pladser og belægning her."
KEY_FIGURES_CAPTION = (
    "Evalueringer og møder: frister og evalueringer i den valgte periode. "
    "Målgruppefilteret gælder nøgletallene, ikke pladserne."
)
NO_MONTHS = "Ingen måneder med aftaler i drift endnu."
MONTHLY_OCCUPANCY_CAPTION = (
    "Gennemsnitlig belægning pr. kalendermåned: brugte pladsdage ÷ pladser × dage i "
    "måneden (indeværende måned til og med i dag). Stiplet linje: fuld belægning."
)

# --------------------------------------------------------------------------- Opfølgning
FOLLOW_UP_INTRO = (
    "Sker opfølgningen til tiden? Planer, evalueringer, opfølgningsmøder og det, "
    "sagsbehandleren skal have."
)
NO_COURSES = "Der er ingen forløb at følge op på med de valgte filtre."
NO_COURSES_HINT = "Forløb i visitation tæller først med, når de er startet."
NOTHING_OVERDUE = "Intet er over fristen i aktive forløb."
OVERDUE_COUNT = "{count} ting i aktive forløb er over fristen."
# Under a table cut for the screen (views.components.layout.table's `shown`).
ROWS_SHOWN = "Viser de første {shown} af {count} rækker. Hent Excel eller CSV for dem alle."
NOTHING_DUE_SOON = "Intet forfalder de næste {days} dage."
LISTS_ONLY_UP_TO_TODAY = "Listerne over frister vises kun, når perioden går til og med i dag."

# --------------------------------------------------------------------------- Progression
PROGRESSION_INTRO = (
    "Hvad opnår deltagerne? Scorer ved den første plan (baseline) mod seneste evaluering."
)
NO_PROGRESSION = "Endnu ingen progression at vise med de valgte filtre."
NO_PROGRESSION_HINT = (
    "Progression kræver en baseline (første plan) og mindst én senere evaluering. "
    "Deltagere med kun en baseline vises under stjernen nedenfor."
)
NO_SUB_ELEMENT_SCORES = (
    "Der er endnu ikke givet scorer på delelementer; nedenfor ses, hvilke "
    "delelementer planernes delmål arbejder med."
)
TRAJECTORY_CAPTION = (
    "Grå: én tynd linje pr. deltager (n = {n}), "
    "fra egen baseline (måned 0) gennem hver evaluering, så forløb, der er startet "
    "på forskellige tidspunkter, kan sammenlignes. Farvet: gennemsnittet ved hver "
    "evaluering (hver 2. måned), hvor mindst 3 deltagere har en score; antal i tooltip. "
    "Hold musen over en grå linje for at se deltagerens kode."
)
NO_TRAJECTORY = "Ingen scorer på {parameter} med de valgte filtre."
NO_BASELINE = "Ingen deltagere med en baseline med de valgte filtre."
PARTICIPANT_HELP = (
    "Deltagerens kode (pseudonym). Navne og CPR-numre vises aldrig. Forvalgt: "
    "deltageren med flest scorede parametre."
)
ONLY_BASELINE = "Kun baseline: der er endnu ingen evaluering, så der er ingen progression at vise."

# --------------------------------------------------------------------------- Resultater
RESULTS_INTRO = "Hvad sker der efter endt forløb? Afsluttede forløb i perioden."
NO_ENDED_COURSES = "Ingen afsluttede forløb i perioden med de valgte filtre."
NO_ENDED_COURSES_HINT = "Vælg en længere periode i venstre side for at se tidligere forløb."
NO_CERTIFICATES = "Ingen beviser opnået i perioden."

ALL_AGREEMENTS = "Alle viste aftaler"
# Every chart with a line or bar per agreement (lib.charts.style.MAX_CHART_AGREEMENTS).
MANY_AGREEMENTS_CHART = (
    "Med {count} aftaler viser grafen dem samlet. Vælg højst {limit} aftaler i filteret "
    "for at se dem hver for sig."
)
