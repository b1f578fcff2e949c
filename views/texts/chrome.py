"""Danish for the words Streamlit 1.67 draws itself and offers no setting for (its status
widget while a page runs, the date picker's buttons and screen-reader texts, and the
calendar's month and weekday names when the browser is not set to Danish). Exact English
text -> Danish; views/components/chrome.py puts them in place in the browser."""

from __future__ import annotations

from lib.domain.questions import MAX_AGREEMENTS_PER_REPORT

# Text and aria-label values, matched whole.
CHROME = {
    "Skip to main content": "Gå til sidens indhold",
    "Running...": "Arbejder …",
    "Stopping...": "Stopper …",
    "Stop": "Stop",
    "Rerun": "Kør igen",
    "Always rerun": "Kør altid igen",
    "File change.": "Filen er ændret.",
    "Choose date": "Vælg dato",
    "Choose time": "Vælg tidspunkt",
    "Previous month": "Forrige måned",
    "Next month": "Næste måned",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": (
        "Brug piletasterne til at vælge dato. Enter vælger. Escape lukker."
    ),
    "month": "måned",
    "year": "år",
    "No results": "Ingen resultater",
    # A multiselect with a limit, at its limit (the committee pages' agreements).
    f"You can only select up to {MAX_AGREEMENTS_PER_REPORT} options. Remove an option first.": (
        f"Du kan højst vælge {MAX_AGREEMENTS_PER_REPORT}. Fjern en først."
    ),
}

# Screen-reader names (aria-label) anywhere on the page, matched whole; a help icon's
# "Help for <label>" becomes HELP_FOR + the label.
ARIA = {
    "Help": "Hjælp",
    "Link to heading": "Link til overskriften",
    "Open": "Åbn",
    "Close": "Luk",
    "Main menu": "Hovedmenu",
    "App pages": "Sider",
    "Sidebar": "Sidepanel",
    "Expand sidebar": "Vis sidepanelet",
    "Collapse sidebar": "Skjul sidepanelet",
    "Navigate to home page": "Gå til forsiden",
    "Stop script": "Stop siden",
    "Notifications": "Beskeder",
    "Markdown content": "Tekst",
    "Show password": "Vis adgangskoden",
    "Hide password": "Skjul adgangskoden",
    "Clear value": "Ryd",
    "Clear all": "Ryd alle",
    "Clear date": "Ryd dato",
    "Clear dates": "Ryd datoer",
    "Clear entry": "Ryd",
    "Selected values": "Valgte",
    "Choose date range": "Vælg periode",
    "Quick select a date range": "Vælg en periode",
    "Increment": "Op",
    "Decrement": "Ned",
    "Pagination": "Sider",
    "Previous page": "Forrige side",
    "Next page": "Næste side",
    "Scroll tabs left": "Rul fanerne til venstre",
    "Scroll tabs right": "Rul fanerne til højre",
    "Dataframe column menu": "Kolonnemenu",
    "Copy column name": "Kopiér kolonnenavn",
}
HELP_FOR = "Hjælp til "
# A date field's parts are named "<part>, <label> start date" (Streamlit 1.67): the part
# in front and the date's end are changed, the label in between is kept.
ARIA_PREFIXES = {"day, ": "dag, ", "month, ": "måned, ", "year, ": "år, "}
ARIA_SUFFIXES = {" start date": " startdato", " end date": " slutdato"}

# Inside the calendar only (a browser set to English): month and weekday names, and the
# words around a day's name for screen readers.
MONTHS = dict(
    zip(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        [
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ],
        strict=True,
    )
)
WEEKDAYS = dict(
    zip(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
        strict=True,
    )
) | {"Today": "I dag", "selected": "valgt"}
