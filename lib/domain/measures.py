"""One definition per measure: the label a figure carries wherever it is shown (pages,
report, presentation) and the definition a manager reads in its help text.

A label means one computation everywhere. When a computation changes, its definition here
changes with it; a page that shows the figure takes both from here. Where a table column
needs a short form, the short form is the label everywhere (a key-figure card uses it too).
Every definition says what is divided by what and what n is.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.domain.quality import MENTOR_GRACE_DAYS, STV_LABEL
from lib.domain.rules import EVALUATION_GRACE_DAYS


@dataclass(frozen=True)
class Measure:
    label: str
    definition: str


COURSES = Measure(
    "Forløb",
    "Forløb, der var i gang i en del af perioden: startet (ikke i visitation) senest på "
    "opgørelsesdagen og ikke afsluttet før periodens start. n er antallet af dem.",
)

PLANS_ON_TIME = Measure(
    "Planer til tiden",
    "Den første plan (baseline) skal foreligge 1 uge inde i et 13-ugers forløb og 4 uger inde "
    "i et 52-ugers forløb; registreret pause (fx sygdom) rykker fristen. Til tiden: lavet "
    "senest på fristen. For sent: lavet efter fristen. Mangler: fristen er overskredet og "
    "der er ingen plan. Andel = planer til tiden ÷ planer med frist i perioden (n).",
)

EVALUATIONS_ON_TIME = Measure(
    "Evalueringer til tiden",
    "Første evaluering skal ligge N kalendermåneder efter den første plan (N fra aftalen, "
    "normalt 2), hver næste N måneder efter den forrige. Pause rykker fristen. Til tiden: "
    f"senest {EVALUATION_GRACE_DAYS} dage efter fristen. For sent: senere. Mangler: "
    f"mere end {EVALUATION_GRACE_DAYS} dage over fristen uden evaluering. Andel = "
    "evalueringer til tiden ÷ evalueringer med frist i perioden (n).",
)

EVALUATIONS_CURRENT = Measure(
    "Evaluering ikke overskredet",
    "Status i dag, ikke for perioden: aktive forløb, hvor ingen evaluering mangler efter "
    "reglen for Evalueringer til tiden (N måneder efter den første plan eller den forrige "
    f"evaluering, pause rykker fristen, {EVALUATION_GRACE_DAYS} dages slør). Før den første "
    "plan er ingen evaluering forfalden. Andel = de forløb ÷ aktive forløb (n).",
)

MEETINGS_HELD = Measure(
    "Møder holdt",
    "Ved hver evaluering skal der holdes et opfølgningsmøde. Andel = evalueringer i "
    "perioden med et afholdt opfølgningsmøde ÷ alle evalueringer i perioden (n).",
)

CASEWORKER_PRESENT = Measure(
    "Sagsbeh. deltog",
    "Andel = evalueringer i perioden, hvor opfølgningsmødet blev holdt med sagsbehandleren "
    "til stede ÷ alle evalueringer i perioden (n); n er det samme som for Møder holdt.",
)

DELIVERABLES_ON_TIME = Measure(
    "Leverancer til tiden",
    "Det sagsbehandleren skal have: mødeplan, plan og indkaldelser til evaluering. Til "
    "tiden: modtaget senest på fristen. For sent: modtaget efter. Mangler: fristen er "
    "overskredet, og intet er modtaget. Andel = leverancer modtaget til tiden ÷ leverancer "
    "med frist i perioden (n).",
)

HAS_PLAN = Measure(
    "Deltagere med plan",
    "Andel = deltagere i aktive forløb i dag, der har en første plan (baseline) ÷ "
    "deltagere i aktive forløb (n).",
)

MEAN_CHANGE = Measure(
    "Gennemsnitlig ændring",
    "Ændring = seneste evaluerings score minus baseline-score (den første plans score), på "
    "skalaen 1–5, pr. parameter. Seneste evaluering: den sidste af parameteren til og med "
    "periodens slutdato (opgørelsesdagen). Gennemsnit over deltagere med både en baseline "
    "og mindst én senere evaluering af parameteren; n er antallet af dem. Forbedret: andel "
    "af de n med en højere seneste score end baseline.",
)

OVERALL_CHANGE = Measure(
    "Progression",
    "Alle parametre under ét: først hver deltagers gennemsnitlige baseline og seneste score "
    "over sine parametre, så en deltager tæller én gang uanset antal parametre; derefter "
    "gennemsnittet af (seneste minus baseline) over deltagerne, i point på skalaen 1–5. "
    "Samme deltagere og scorer som Gennemsnitlig ændring; n = deltagere.",
)

SCORE_DISTRIBUTION = Measure(
    "Scorer ved baseline og seneste evaluering",
    "Antal deltagere pr. score ved baseline og ved seneste evaluering, for de samme "
    "deltagere (n) som den gennemsnitlige ændring.",
)

SUB_GOALS_REACHED = Measure(
    "Delmål opnået",
    "Ved hvert forløbs seneste evaluering i perioden (til og med opgørelsesdagen) får hvert "
    "af planens delmål en status: opnået, i gang eller ikke påbegyndt. Andel = delmål med "
    "status opnået ÷ delmål med en status (n); delmål uden status tæller ikke med.",
)

NEARING_GOAL = Measure(
    "Nærmer sig det langsigtede mål",
    "Ved hvert forløbs seneste evaluering i perioden: svaret på, om deltageren nærmer sig "
    "det langsigtede mål. Andel = forløb med svaret 'tættere på målet' ÷ forløb, hvor "
    "spørgsmålet er besvaret (n); en evaluering uden svar (fx importeret) tæller ikke med.",
)

SUB_GOALS_TO_ADJUST = Measure(
    "Delmål skal justeres",
    "Ved hvert forløbs seneste evaluering i perioden: svaret på, om delmålene skal "
    "justeres. Andel = forløb med svaret ja ÷ forløb, hvor spørgsmålet er besvaret (n); "
    "en evaluering uden svar tæller ikke med.",
)

SUB_ELEMENT_CHANGE = Measure(
    "Ændring pr. underelement",
    "Som Gennemsnitlig ændring, pr. underelement: seneste evaluerings score for "
    "underelementet minus baseline-planens score for det. n = deltagere med begge.",
)

ENDED = Measure(
    "Afsluttede forløb",
    "Afsluttede forløb: forløb med status afsluttet og slutdato i perioden. Resultatet er "
    "det, der er registreret efter forløbet; forløb uden registreret resultat tæller med "
    "som 'Intet resultat registreret'. n = afsluttede forløb.",
)

JOB_OR_EDUCATION = Measure(
    "I job eller uddannelse",
    "Andel i job eller uddannelse = afsluttede forløb med et resultat i kategorien job "
    "(ordinært job, løntilskud, fleksjob, småjob) eller uddannelse ÷ alle afsluttede forløb "
    "med slutdato i perioden (n). Forløb uden registreret resultat tæller med i n.",
)

ENDED_THIS_YEAR = Measure(
    "Resultater i år",
    "Afsluttede forløb med slutdato i indeværende kalenderår (n), og af dem i job eller "
    "uddannelse som for I job eller uddannelse: resultat i kategorien job eller uddannelse "
    "÷ alle afsluttede forløb i året; forløb uden registreret resultat tæller med i n.",
)

COURSE_LENGTH = Measure(
    "Gns. længde",
    "Forløbets længde i uger fra startdato til slutdato (begge dage med), gennemsnit over "
    "afsluttede forløb i perioden (n).",
)

EXTENSIONS = Measure(
    "Forlængelser",
    "Antal forlængelser registreret på de afsluttede forløb i perioden; andel = forløb "
    "med mindst én forlængelse ÷ afsluttede forløb (n).",
)

CERTIFICATES = Measure(
    "Beviser",
    "Beviser fra kataloget (fx hygiejnebevis, førstehjælpsbevis, truckcertifikat) "
    "registreret på forløbene med en dato i perioden, talt pr. bevis og samarbejdsaftale; "
    "en optælling (n), ingen andel.",
)

OCCUPANCY = Measure(
    "Belægning",
    "Belægning = pladser i brug ÷ pladser i aftalen (n). En plads er i brug, når et aktivt "
    "forløb dækker dagen; forløb i visitation venter på en plads og tæller ikke med.",
)

MENTOR_ON_TIME = Measure(
    "Mentoropfølgning overholdt",
    "Et opfølgningsinterval er overholdt, når det højst var den aftalte frekvens (hver uge, "
    f"hver 14. dag eller hver 3. uge) + {MENTOR_GRACE_DAYS} dages slør. Ændres frekvensen "
    "undervejs (fx hver uge i starten, derefter hver 14. dag), gælder den frekvens, der var "
    "aftalt på dagen, hvor kontakten faldt til forfald. Intervallerne går "
    "fra mentorens start til første kontakt, mellem kontakterne og fra sidste kontakt til "
    "i dag; det åbne interval tæller først, når det er overskredet. Hele mentorforløbet til "
    "og med i dag, ikke kun perioden. Andel = overholdte intervaller ÷ intervaller (n).",
)

# --------------------------------------------------------------------------- course quality

WRITTEN_WORK_AGREEMENT = Measure(
    "Skriftlig arbejdsaftale",
    "Andel af startede forløb (aktive og afsluttede) med en skriftlig arbejdsaftale. "
    "n = startede forløb.",
)

WORK_AGREEMENT_ELEMENT = Measure(
    "Elementer i arbejdsaftalen",
    "Andel af de skriftlige arbejdsaftaler, der indeholder elementet. n = antal skriftlige "
    f"aftaler i aftalen (står ved hver søjle). Gråt felt: {STV_LABEL} – 83–91 % for de "
    "første fem elementer, 63 % for delmål og progression; for ordinære løntimer giver "
    "evalueringen intet tal.",
)

ATTENDANCE = Measure("Fremmøde", "Fremmødte timer ÷ planlagte timer; n = planlagte timer.")

ILLNESS = Measure("Sygefravær", "Timer med sygefravær ÷ planlagte timer; n = planlagte timer.")

WITH_ORDINARY_HOURS = Measure(
    "Med ordinære løntimer",
    "Deltagere med mindst én ordinær løntime i perioden ÷ deltagere med registrerede timer (n).",
)

ORDINARY_HOURS_TREND = Measure(
    "Udvikling, ordinære timer",
    "Andel deltagere med ordinære løntimer de seneste 3 måneder mod de 3 måneder før "
    "(deltagere talt pr. måned, samlet); n = deltagermåneder i hver af de to perioder.",
)

MONTHLY_ATTENDANCE = Measure(
    "Fremmøde pr. måned",
    "Fremmødte ÷ planlagte timer i ugerne, der begynder i måneden; n = planlagte timer.",
)

MONTHLY_WITH_ORDINARY_HOURS = Measure(
    "Med ordinære løntimer pr. måned",
    "Deltagere med ordinære løntimer i måneden ÷ deltagere med registrerede timer i "
    "måneden (n); n står i værktøjstippet.",
)

FIDELITY_AGREEING = Measure(
    "Andel enige",
    "Andelen af de adspurgte i rollen, der svarer 'helt enig' eller 'enig' i, at "
    "minimumskravet er opfyldt; n = besvarelser. Ændring = midtvejs minus nulpunkt i "
    "procentpoint.",
)
