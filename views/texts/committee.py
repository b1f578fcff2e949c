"""Danish copy for the committee pages (Præsentation, Evalueringsrapport): page intros,
empty states, captions and the slides' fixed lines."""

# --------------------------------------------------------------------------- both pages
CHOOSE_BOTH_DATES = "Vælg både start- og slutdato for perioden."

# --------------------------------------------------------------------------- Præsentation
NO_AGREEMENTS_TO_SHOW = "Der er endnu ingen samarbejdsaftaler at vise."
CHOOSE_AGREEMENT_AND_CHART = "Vælg mindst én samarbejdsaftale og ét diagram."
SLIDE_WITHOUT_FIGURES = (
    "Ingen tal at vise for det valgte: de bygger på for få deltagere, eller der er ingen i "
    "perioden."
)
# Below every slide: where the figures come from, the suppression rule and the date.
SLIDE_SOURCE = "Periode {period}. {source}. Tal under {threshold} vises ikke. Udskrevet {printed}."

# --------------------------------------------------------------------------- Evalueringsrapport
REPORT_INTRO = (
    "Evaluering af samarbejdsaftalerne til Beskæftigelses- og Integrationsudvalget: de otte "
    "spørgsmål med tal fra Forløbsmonitor og medarbejdernes vurdering."
)
NO_AGREEMENTS_TO_EVALUATE = "Der er endnu ingen samarbejdsaftaler at evaluere."
CHOOSE_AGREEMENT = "Vælg mindst én samarbejdsaftale."
INTRO_LABEL = "Introduktion (vises efter tallene om aftalerne)"
DOWNLOADS_CAPTION = (
    "Word-dokumentet følger evalueringens opbygning med tal, tabeller og diagrammer; "
    "PowerPoint har ét diagram pr. dias. Gem dine vurderinger, før du henter."
)
CLOSED_LABEL = "Lukket punkt (materialet er ikke offentligt)"


def closed_help(setting: int) -> str:
    if setting == 0:
        return (
            "Administratoren har slået skjulning af små tal fra. Det gælder kun for et lukket "
            "punkt: så vises alle tal, og forsiden siger, at materialet ikke må offentliggøres. "
            "Ellers skjules tal under 5."
        )
    return (
        f"Tal under {setting} skjules altid (administratorens indstilling). Et lukket punkt "
        "står på forsiden af Word og PowerPoint."
    )


def choose_agreements(count: int, limit: int) -> str:
    return (
        f"Du har {count} samarbejdsaftaler. Vælg op til {limit} ovenfor: hver aftale får sit "
        "eget afsnit med tabeller i rapporten og sine egne søjler i diagrammerne, så et "
        "udvalg kan ikke nå at læse flere, og siden og dokumenterne bliver for langsomme at "
        "lave."
    )


def most_agreements(limit: int) -> str:
    return f"Højst {limit} samarbejdsaftaler ad gangen."


ASSESS_ONE_LABEL = "Samarbejdsaftale at vurdere"


def assess_one_help(agreements: int, limit: int) -> str:
    return (
        f"Rapporten omfatter {agreements} samarbejdsaftaler. Med flere end {limit} skrives "
        "vurderingerne én aftale ad gangen; Word-rapporten har dem alle."
    )
