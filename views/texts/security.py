"""Danish copy for the security pages (Adgangslog) and the access note on course pages."""

ADGANGSLOG_INTRO = (
    "Hvem har set hvilke deltagere og hvornår: hver side, der viser oplysninger om en "
    "deltager, skrives her. Søg på bruger, deltagerens sagskode og periode."
)
NO_ACCESS = "Ingen opslag med disse filtre."
CASE_CODE_HELP = "Deltagerens sagskode, præcis som den er registreret."
VIEWERS_TITLE = "Hvem har set deltageren"
NO_VIEWERS = "Ingen andre opslag registreret endnu."
COLUMNS = {"at": "Tidspunkt", "username": "Bruger", "page": "Side", "case_code": "Sagskode"}


def entries_shown(count: int, limit: int) -> str:
    more = f" (de nyeste {limit})" if count >= limit else ""
    return f"{count} opslag{more}."
