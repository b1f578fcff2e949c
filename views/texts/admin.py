"""Danish copy for the administration pages (Brugere, Aftaler, Kataloger, Import) and the
forced password change. Widget labels stay with their widgets."""

from __future__ import annotations

# --------------------------------------------------------------------------- password

FORCED_CHANGE_TITLE = "Vælg din egen adgangskode"
FORCED_CHANGE_INTRO = (
    "Du er logget ind med en engangsadgangskode fra en administrator. Vælg din egen, før du "
    "fortsætter."
)

# --------------------------------------------------------------------------- Brugere

BRUGERE_INTRO = (
    "Opret brugere, deaktivér og genaktivér, nulstil adgangskoder og lås låste brugere op. "
    "En ny eller nulstillet bruger får en engangsadgangskode og vælger sin egen ved første login."
)
NO_USERS = "Der er ingen brugere endnu."
ONE_TIME_SHOWN_ONCE = (
    "Engangsadgangskoden vises kun nu. Giv den til brugeren ad en sikker vej; brugeren vælger "
    "sin egen ved første login."
)
ROLE_HELP = (
    "Sagsbehandler: egne borgere. Virksomhed: egen virksomheds forløb (vælg virksomheden). "
    "Leder: alle aftaler og udvalgsmateriale. Administrator: alt, plus brugere og revisionslog."
)

# --------------------------------------------------------------------------- Aftaler

AFTALER_INTRO = (
    "Socialøkonomiske virksomheder og samarbejdsaftaler. En ændring af pladsantallet gælder "
    "fra en dato, så belægningen før ændringen stadig måles mod de pladser, der gjaldt dengang. "
    "En aftale med forløb kan ikke slettes, kun afsluttes med en slutdato."
)
NO_ENTERPRISES = "Der er ingen virksomheder endnu. Opret den første nedenfor."
NO_AGREEMENTS = "Der er ingen samarbejdsaftaler endnu."

# --------------------------------------------------------------------------- Kataloger

KATALOGER_INTRO = (
    "Katalogerne, formularerne vælger fra. En værdi, der er i brug, kan omdøbes eller tages "
    "ud af brug (skjules for nye registreringer), men ikke slettes."
)
RETIRED_HELP = "Udgået: vises ikke som valg i nye registreringer; historikken beholder den."
THRESHOLD_HELP = (
    "Tal under denne grænse skjules i udvalgsmateriale, så ingen enkeltperson kan genkendes."
)

# --------------------------------------------------------------------------- Import

IMPORT_INTRO = (
    "Indlæs eksisterende aftaler, forløb, planer og evalueringer fra et Excel-ark (eller ét "
    "CSV-ark ad gangen). Filen kontrolleres først: intet gemmes, før du har set rapporten og "
    "trykket Importér. Samme fil to gange ændrer intet anden gang."
)
IMPORT_NO_ERRORS = "Ingen fejl. Tjek tallene og tryk Importér."
IMPORT_HAS_ERRORS = "Filen har fejl og kan ikke importeres. Ret dem, og indlæs filen igen."
SLOTS_CAPTION = (
    "Det nye antal gælder fra datoen; før den måles belægningen mod det tidligere antal."
)
DELETE_CAPTION = "Aftalen har ingen forløb og kan slettes (fx oprettet ved en fejl)."


def cannot_delete(courses: int) -> str:
    return (
        f"Aftalen har {courses} forløb og kan ikke slettes. Afslut den i stedet: giv den en "
        "slutdato under Oplysninger."
    )


IMPORT_LIMITS = (
    "Højst 20 MB og 200.000 rækker. Arkene hedder Aftaler, Forløb, Planer og Evalueringer; "
    "en CSV-fil hedder som arket (fx Forløb.csv), UTF-8 med komma eller semikolon."
)
IMPORT_NOTHING_TO_DO = "Intet at importere: alt i filen findes allerede i databasen."
ACCEPT_WARNINGS = "Jeg har læst advarslerne og vil importere alligevel"

SSO_CAPTION = (
    "Bruges kun, når single sign-on (OpenID Connect) er sat op. Rollen kommer altid herfra, "
    "aldrig fra login-tjenesten. At gemme afslutter brugerens åbne sessioner."
)
SSO_EMAIL_HELP = (
    "Den e-mailadresse, kommunens login-tjeneste bekræfter for personen. Tom: ingen single "
    "sign-on på e-mail."
)
SSO_SUBJECT_HELP = (
    "Login-tjenestens faste id for personen (claim 'sub'). Går forud for e-mailadressen, så "
    "en ændret e-mail ikke flytter adgangen."
)
