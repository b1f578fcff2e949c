"""The committee's evaluation of an agreement: the eight questions it answers, and the
sections staff write once for the whole report.

The questions come from the municipal evaluation the product is built on: is the course
used, does the participant have a plan and own it, do follow-up and meetings happen, does
the caseworker get what was agreed, what do participants achieve, what happens after the
course, and how is the cooperation with the enterprise.
"""

from __future__ import annotations

QUESTIONS: dict[str, str] = {
    "q1": "Er forløbene i brug?",
    "q2": "Har deltageren en plan?",
    "q3": "Har deltageren ejerskab til planen?",
    "q4": "Sker opfølgningen og foretages opfølgningsmøderne?",
    "q5": "Får jobkonsulenterne/sagsbehandlerne hvad der er aftalt?",
    "q6": "Hvad opnår deltagerne i forløbene – effekter i den praktiske hverdag?",
    "q7": "Efter endt forløb?",
    "q8": "Samarbejdet med virksomheden?",
}


COMMON_SECTIONS: dict[str, str] = {
    "intro": "Introduktion",
    "what_works": "Status – hvad virker?",
    "development_points": "Udviklings- og erfaringspunkter",
}


SECTIONS: tuple[str, ...] = ("intro", *QUESTIONS, "what_works", "development_points")


# Sections written once for the whole report (agreement_id NULL), the rest per agreement.
REPORT_WIDE = ("intro", "what_works", "development_points")


# Past this the charts stop being readable (one bar per agreement and measure) and the
# documents take long to make; the committee pages ask for fewer agreements before starting.
MAX_AGREEMENTS_PER_REPORT = 40
