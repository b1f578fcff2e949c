"""Danish copy for Mine resultater. The measures' labels and definitions are in
lib/domain/measures.py; this is the page's own text around them."""

from __future__ import annotations

TITLE = "Mine resultater"

CASEWORKER_INTRO = (
    "Resultatet af dit arbejde: dine deltageres progression, resultater og opfølgning – "
    "ved siden af hele jobcentret."
)

MANAGER_INTRO = (
    "Resultater pr. sagsbehandler: hver sagsbehandlers deltagere: progression, resultater "
    "og opfølgning ved siden af hele jobcentret."
)

# The counts follow the dashboards' default period, so a figure here is the figure there.
PERIOD_NOTE = (
    "Opgjort {as_of} for perioden {period} (de seneste 12 måneder, som dashboardenes "
    "standardperiode). Evaluering ikke overskredet og mentoropfølgning er status i dag."
)

OWN_GROUP = "Mine deltagere"
OWN_NAME = "Du"
OWN_WHOSE = "dine"
GROUP_OF = "{name}s deltagere"
WHOSE_OF = "{name}s"
CENTRE_COLUMN_PREFIX = "Jobcentret"

NO_COURSES = "{who} har ingen forløb i perioden."
NO_COURSES_HINT = (
    "Når en deltager er i gang, vises progression, resultater og opfølgning her "
    "sammen med hele jobcentrets tal."
)
NO_CASEWORKERS = "Der er ingen sagsbehandlere med forløb endnu."
NO_PROGRESSION = "Ingen forløb har både en basisplan og en evaluering i perioden."
NO_OUTCOMES = "Ingen forløb er afsluttet i perioden."

FEW_COURSES = "Bemærk: tallene bygger på {n} forløb – små tal svinger meget."

COURSES_HELP = "{definition} {active} er aktive i dag. Hele jobcentret: {centre}."
CENTRE_HELP = "{definition} Hele jobcentret: {centre}."
PROGRESSION_HELP = (
    "{definition} Hele jobcentret: {centre} point (n = {centre_n}). n = {n} deltagere."
)
POINTS = "{value} point"
AGAINST_CENTRE = "{diff} mod hele jobcentret"

FOLLOW_UP = "Opfølgning"
FOLLOW_UP_CAPTION = "I parentes: antal af n. Definitionerne står i hjælpen (?) ved overskriften."
PROGRESSION = "Progression pr. parameter"
OUTCOMES = "Resultater efter forløb"
OUTCOMES_CAPTION = "n = {own} af {whose} afsluttede forløb og {centre} i hele jobcentret."

OVERVIEW_CAPTION = (
    "Sidste række er hele jobcentret. I parentes: antal af n. Definitionerne står i "
    "hjælpen ved kolonneoverskrifterne."
)
CHOOSE = "Se detaljer for"
CHOOSE_HELP = "Samme visning, som sagsbehandleren selv ser."
