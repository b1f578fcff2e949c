"""Demo data: the story of the municipal evaluation the product starts from (two
cooperation agreements with social-economy enterprises, evaluated for the committee after
six months) in a database.

`build_demo()` wipes every non-catalogue row and rebuilds the story deterministically
(a private random.Random with a fixed seed), with dates relative to `today` so the
dashboards always look current. Everything happens in one write_session, so a failure
leaves the database as it was.

Agreement 1 (Café Ringparken) lags: late evaluations, meetings often not held or held
without the caseworker, one late plan. Agreement 2 (Motalavej) is systematic.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import bcrypt
from sqlalchemy import Engine, Integer, delete, func, select, text
from sqlalchemy.orm import Session

from db import catalogue as cat
from db.engine import write_session
from db.models import (
    Agreement,
    AgreementTargetGroup,
    AppSetting,
    AuditLog,
    Base,
    Certificate,
    Deliverable,
    Enrolment,
    Enterprise,
    Evaluation,
    EvaluationScore,
    EvaluationSubGoal,
    Extension,
    FidelityRequirement,
    FidelityResult,
    FollowUpMeeting,
    MentorAssignment,
    MentorContact,
    MentorFrequencyChange,
    Outcome,
    Participant,
    Pause,
    Plan,
    PlanScore,
    PlanSubGoal,
    PlanSubGoalParameter,
    PlanSubGoalSubElement,
    SurveyRound,
    User,
    WeeklyHours,
    WorkAgreement,
)
from lib.domain.rules import add_months

# Placement types in turn (not drawn from the random stream, so adding them moved no other
# demo figure): agreement 2's participants as seed 2's cases vary, agreement 1 practice.
PLACEMENT_BY_AGREEMENT: dict[int, tuple[str, ...]] = {
    1: ("praktik", "praktik", "smaajob"),
    2: ("praktik", "loentilskud", "praktik", "fleksjob", "ordinaer_med_stoette", "smaajob"),
}

DEMO_SEED = 20160215  # the date on the municipal evaluation
DEMO_PASSWORD = "demo"
DEMO_BCRYPT_ROUNDS = 10  # low on purpose: demo accounts, and tests build the demo often

# username -> role
DEMO_USERS: dict[str, str] = {
    "admin": "admin",
    "leder": "leder",
    "sagsbehandler": "sagsbehandler",
    "jobkonsulent": "sagsbehandler",
    "mentor": "virksomhed",
    "mentor1": "virksomhed",
}
DEMO_DISPLAY_NAMES: dict[str, str] = {
    "admin": "Administrator",
    "leder": "Lone Leder",
    "sagsbehandler": "Sara Sagsbehandler",
    "jobkonsulent": "Jens Jobkonsulent",
    "mentor": "Mads Mentor",
    "mentor1": "Mette Mentor",
}

ENTERPRISE_1 = "Café Ringparken ApS"
ENTERPRISE_2 = "Motalavej Værksted & Køkken"
AGREEMENT_1 = "Samarbejdsaftale 1 – Café Ringparken"
AGREEMENT_2 = "Samarbejdsaftale 2 – Motalavej"

CERTIFICATES = ("Hygiejnebevis", "Førstehjælpsbevis")
CERTIFICATE_TYPE_IDS = {c["label"]: c["id"] for c in cat.CERTIFICATE_TYPES}

SUB_GOAL_COMMENTS = {
    "reached": "Målet er nået og holder i hverdagen.",
    "in_progress": "Godt på vej; arbejder videre med det.",
    "not_started": "Ikke startet endnu; tages op ved næste møde.",
}

# Illness pauses in agreement 1 (the evaluation: "en lille gruppe er syg"): initials -> (offset, days).
PAUSES: dict[str, tuple[int, int]] = {"MH": (-200, 21), "AN": (-60, 14)}

# Fidelity for requirement 3c (mentor follow-up) in the STV project's mid-term evaluation: role -> (baseline, midpoint, respondents base, mid).
FIDELITY_3C: dict[str, tuple[float, float, int, int]] = {
    "leder": (0.66, 0.73, 12, 11),
    "projektleder": (0.52, 0.58, 10, 10),
    "sagsbehandler": (0.65, 0.73, 58, 55),
    "virksomhedskonsulent": (0.52, 0.61, 41, 44),
    "mentor": (0.67, 0.71, 33, 35),
    "total": (0.62, 0.69, 154, 155),
}

# Tables the demo must not touch: catalogues are data every database has (migration 0002),
# settings are configuration (the "demo" flag is set explicitly).
KEEP_TABLES = set(cat.CATALOGUE_TABLES) | {"alembic_version", "app_setting"}


@dataclass(frozen=True)
class Course:
    """One participant's course in the demo story. Offsets are days relative to today."""

    initials: str
    target_group: str
    status: str  # referral / active / ended
    start: int
    end: int | None  # ended courses only
    weeks: int  # 13 or 52
    caseworker: str  # username
    outcome: str | None = None  # outcome type code for ended courses
    plan_delay: int | None = None  # days from start to baseline plan; None = on time
    eval_delays: tuple[int, ...] | None = None  # forced lateness per evaluation
    revised: bool = False  # gets a version-2 plan
    profile: str = "steady"  # steady / flat / dip


# Agreement 1 (6 slots): 5 active, 1 referral, 1 ended (short course, then a job).
COURSES_1: list[Course] = [
    Course("KL", "lab_2_3", "ended", -420, -370, 13, "sagsbehandler", "ordinary_job"),
    Course("MH", "resource_course", "active", -418, None, 52, "sagsbehandler", revised=True),
    Course("TS", "lab_2_3", "active", -300, None, 52, "jobkonsulent", profile="dip"),
    Course("AN", "resource_course", "active", -150, None, 13, "jobkonsulent", profile="flat"),
    # Late plan (due after 1 week, made after 25 days), exactly one evaluation (9 days
    # late), and the next one 3-6 days overdue whatever today's month: the plan is made
    # 135 days ago and the next evaluation is due 2 months after the first one was held
    # (4 calendar months are 120-123 days). The caseworker always has an evaluation to write.
    Course(
        "JP", "lab_2_3", "active", -160, None, 13, "sagsbehandler", plan_delay=25, eval_delays=(9,)
    ),
    # Started a month ago: baseline plan only, no evaluation due yet.
    Course("LB", "resource_course", "active", -30, None, 13, "jobkonsulent"),
    Course("SK", "resource_course", "referral", 14, None, 13, "sagsbehandler"),
]

# Agreement 2 (10 slots): 8 active, 2 referral, 8 ended with the outcomes the evaluation
# reports.
COURSES_2: list[Course] = [
    Course("AH", "integration_act", "ended", -390, -200, 13, "jobkonsulent", "wage_subsidy_job"),
    Course("FM", "integration_act", "ended", -388, -230, 13, "sagsbehandler", "wage_subsidy_job"),
    Course(
        "SA",
        "integration_act",
        "ended",
        -380,
        -150,
        52,
        "jobkonsulent",
        "wage_subsidy_job",
        revised=True,
    ),
    Course("NR", "spouse_supported", "ended", -375, -210, 13, "sagsbehandler", "wage_subsidy_job"),
    Course("YK", "integration_act", "ended", -370, -120, 52, "jobkonsulent", "education"),
    Course(
        "BO",
        "resource_course",
        "ended",
        -365,
        -100,
        52,
        "jobkonsulent",
        "rehabilitation_team",
        profile="flat",
    ),
    Course(
        "GE",
        "lab_2_3",
        "ended",
        -360,
        -90,
        52,
        "sagsbehandler",
        "rehabilitation_team",
        profile="dip",
    ),
    Course("PV", "resource_course", "ended", -300, -60, 13, "jobkonsulent", "rehabilitation_team"),
    Course("HA", "integration_act", "active", -392, None, 52, "sagsbehandler", revised=True),
    Course("ZD", "spouse_supported", "active", -385, None, 52, "jobkonsulent", revised=True),
    Course("RO", "lab_2_3", "active", -190, None, 52, "sagsbehandler", profile="dip"),
    Course("MI", "integration_act", "active", -220, None, 13, "jobkonsulent", revised=True),
    Course("AS", "integration_act", "active", -140, None, 13, "sagsbehandler"),
    Course("LN", "spouse_supported", "active", -110, None, 13, "jobkonsulent", profile="flat"),
    # Exactly one evaluation (on time).
    Course("IT", "integration_act", "active", -80, None, 13, "sagsbehandler"),
    # Baseline plan only.
    Course("DW", "integration_act", "active", -50, None, 13, "jobkonsulent"),
    Course("OB", "integration_act", "referral", 10, None, 13, "sagsbehandler"),
    Course("TK", "lab_2_3", "referral", 21, None, 13, "jobkonsulent"),
]

SUB_GOAL_TEXT: dict[str, tuple[str, str]] = {
    "social_relations": (
        "Deltageren har været isoleret i lang tid og ønsker at blive en del af et fællesskab.",
        "Deltage i frokost og morgenmøde og tage kontakt til en kollega hver dag.",
    ),
    "cooperation": (
        "Samarbejde med kolleger er en forudsætning for et job i køkken og værksted.",
        "Løse opgaver i makkerpar og sige til, når noget er uklart.",
    ),
    "qualifications": (
        "Deltageren vil gerne have faglige erfaringer, der kan bruges i et kommende job.",
        "Lære køkkenets faste opgaver og arbejde efter hygiejnereglerne.",
    ),
    "self_confidence": (
        "Mange afslag har givet lav tro på egne evner og en fremtid på arbejdsmarkedet.",
        "Synliggøre små succeser og få ansvar for en afgrænset opgave.",
    ),
    "personal_development": (
        "Deltageren ønsker at udvikle sig og prøve nye sider af sig selv.",
        "Prøve nye opgaver i virksomheden og reflektere over dem med mentor.",
    ),
    "empowerment_motivation": (
        "Deltageren har svært ved at se meningen med indsatsen og skal genfinde motivationen.",
        "Sætte egne små mål hver uge og følge op på dem med mentor.",
    ),
    "acting_actively": (
        "Deltageren venter ofte på at blive bedt om ting og skal selv tage initiativ.",
        "Selv gå i gang med næste opgave og melde tilbage, når den er løst.",
    ),
    "quality_of_life": (
        "Hverdagen har været præget af sygdom og bekymringer.",
        "Finde energi i arbejdet og i fællesskabet og mærke glæde ved at lykkes.",
    ),
    "attendance_stability": (
        "Fremmødet har været svingende, og stabilt fremmøde er første skridt mod job.",
        "Møde til aftalt tid og give besked ved fravær før kl. 8.",
    ),
    "daily_rhythm": (
        "Deltageren har vendt op og ned på døgnet og har svært ved at møde om morgenen.",
        "Faste sengetider og mødetid kl. 9 de aftalte dage.",
    ),
    "calm_self_awareness": (
        "Deltageren bliver hurtigt overvældet og har brug for at kunne mærke egne grænser.",
        "Genkende tegn på stress og bruge pauser, før det bliver for meget.",
    ),
}

# Which parameters fit which sub-goal (the first is the most natural choice).
SUB_GOAL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "social_relations": ("upskilling", "motivation"),
    "cooperation": ("motivation", "active_action"),
    "qualifications": ("upskilling", "toward_employment"),
    "self_confidence": ("active_action", "motivation"),
    "personal_development": ("motivation", "upskilling"),
    "empowerment_motivation": ("motivation", "active_action"),
    "acting_actively": ("active_action", "toward_employment"),
    "quality_of_life": ("motivation", "toward_employment"),
    "attendance_stability": ("toward_employment", "active_action"),
    "daily_rhythm": ("toward_employment", "motivation"),
    "calm_self_awareness": ("upskilling", "active_action"),
}

# Agreement 1 works on daily rhythm and social skills; agreement 2 on the labour market.
SUB_GOAL_POOL_1 = (
    "daily_rhythm",
    "attendance_stability",
    "social_relations",
    "calm_self_awareness",
    "self_confidence",
    "quality_of_life",
)
SUB_GOAL_POOL_2 = (
    "qualifications",
    "cooperation",
    "acting_actively",
    "attendance_stability",
    "empowerment_motivation",
    "personal_development",
)

LONG_TERM_GOALS_1 = (
    "Job på deltid i en café eller kantine",
    "Afklaring af arbejdsevne og på sigt fleksjob",
    "Stabil hverdag og et ordinært job med få timer",
)
LONG_TERM_GOALS_2 = (
    "Job i køkken eller kantine",
    "Løntilskudsjob med mulighed for ordinær ansættelse",
    "Uddannelse og job inden for rengøring og service",
    "Fleksjob i værkstedet",
)

NOTES_UP = (
    "Møder mere stabilt og tager selv initiativ til opgaver.",
    "Tydelig fremgang: mere åben over for kolleger og deltager i frokosten.",
    "Arbejder mere selvstændigt og har fået ansvar for en fast opgave.",
    "Mere udholdenhed; timetallet er sat op.",
    "God udvikling i samarbejdet med kolleger.",
)
NOTES_FLAT = (
    "Fremskridt sker langsommere end forventet; vi fastholder delmålene.",
    "Stabilt forløb uden større ændringer siden sidst.",
    "Fravær pga. sygdom har fyldt; tæt dialog med sagsbehandler om parallel indsats.",
)
NOTES_DOWN = (
    "Tilbageskridt efter en periode med sygdom; timetallet er sat ned igen.",
    "Svær periode privat, som har påvirket fremmødet.",
)

EXTENSION_REASONS = (
    "Fremskridt sker langsommere end forventet – forlænget efter aftale med deltager.",
    "Deltageren har brug for mere tid til at opbygge mødestabilitet.",
    "Forlænget for at afprøve flere timer og ordinære løntimer.",
)

FINAL_SUMMARIES: dict[str, str] = {
    "ordinary_job": (
        "Deltageren stoppede efter et kort forløb og gik i arbejde. Forløbet gav struktur "
        "i hverdagen og troen på at kunne klare et job."
    ),
    "wage_subsidy_job": (
        "Deltageren er ansat i løntilskudsjob med mulighed for ordinær ansættelse. Stor "
        "fremgang i udholdenhed, selvstændighed og forståelse af reglerne på det danske "
        "arbejdsmarked."
    ),
    "education": (
        "Deltageren starter på VUC til sommer og har trænet sprog i virksomheden. "
        "Mødestabilitet og samarbejde er styrket."
    ),
    "rehabilitation_team": (
        "Forløbet har afklaret, at deltageren har behov for en anden indsats. Deltageren "
        "er indstillet til rehabiliteringsteamet med beskrivelse af arbejdsevnen."
    ),
}


# --------------------------------------------------------------------------- helpers


def _plan_due_days(weeks: int) -> int:
    return 7 if weeks == 13 else 28


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=DEMO_BCRYPT_ROUNDS)).decode()


def is_empty(engine: Engine) -> bool:
    """True when the database holds no agreement and no user (catalogues do not count)."""
    with engine.connect() as conn:
        agreements = conn.execute(select(func.count()).select_from(Agreement)).scalar_one()
        users = conn.execute(select(func.count()).select_from(User)).scalar_one()
    return agreements == 0 and users == 0


def seed_if_empty(engine: Engine, today: dt.date | None = None) -> bool:
    """Build the demo when the database is empty; return True when it did."""
    if not is_empty(engine):
        return False
    build_demo(engine, today)
    return True


def _wipe(session: Session) -> None:
    # Children before parents, so foreign keys hold on every backend.
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEEP_TABLES:
            session.execute(delete(table))


def _reset_sequences(session: Session) -> None:
    # Explicit ids (enterprises, agreements, users) do not advance PostgreSQL sequences.
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if table.name in KEEP_TABLES or "id" not in table.c:
            continue
        if not table.c.id.primary_key or not isinstance(table.c.id.type, Integer):
            continue
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            )
        )


def _set_setting(session: Session, key: str, value: str) -> None:
    setting = session.get(AppSetting, key)
    if setting is None:
        session.add(AppSetting(key=key, value=value))
    else:
        setting.value = value


# --------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, session: Session, today: dt.date) -> None:
        self.s = session
        self.today = today
        self.rng = random.Random(DEMO_SEED)
        self.users: dict[str, User] = {}
        self.case_no = 1000
        # Extra parameters for active participants come from a generator of their own per
        # participant, so every draw of self.rng (and the evaluation's story) stays as it was.
        self.extras: dict[int, tuple[random.Random, set[str]]] = {}
        # The sub-elements each course's latest plan chose (id -> parameter code), and the
        # sub-goal codes it works on: the evaluations score and judge them.
        self.plan_elements: dict[int, dict[int, str]] = {}
        self.plan_goals: dict[int, list[str]] = {}
        self.standalone_done: set[str] = set()  # agreement 1's meetings outside evaluations

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    # ----------------------------------------------------------------- organisation

    def organisation(self) -> tuple[Agreement, Agreement]:
        e1 = Enterprise(id=1, name=ENTERPRISE_1, address="Ringparken 12, 8000 Aarhus C")
        e2 = Enterprise(id=2, name=ENTERPRISE_2, address="Motalavej 40, 8000 Aarhus C")
        self.s.add_all([e1, e2])
        a1 = Agreement(
            id=1,
            enterprise_id=1,
            name=AGREEMENT_1,
            slots=6,
            start_date=add_months(self.today, -14),
            review_cadence="half_yearly",
            evaluation_interval_months=2,
            jobcentre_contact="Hanne Østergaard, jobkonsulent",
            enterprise_contact="Peter Kjær, daglig leder",
            description=(
                "Opkvalificerende og motiverende forløb i café og kantine for borgere i "
                "ressourceforløb og aktivitetsparate borgere. Fokus på døgnrytme, "
                "mødestabilitet og sociale kompetencer."
            ),
        )
        a2 = Agreement(
            id=2,
            enterprise_id=2,
            name=AGREEMENT_2,
            slots=10,
            start_date=add_months(self.today, -13),
            review_cadence="half_yearly",
            evaluation_interval_months=2,
            jobcentre_contact="Birgitte Holm, teamleder",
            enterprise_contact="Amir Hassan, daglig leder",
            description=(
                "Forløb i værksted og køkken tæt på deltagernes bopæl. Fokus på kravene på "
                "det danske arbejdsmarked og bevægelse mod ansættelse."
            ),
        )
        self.s.add_all([a1, a2])
        self.s.flush()
        groups_1 = ("resource_course", "lab_2_3")
        groups_2 = tuple(t["code"] for t in cat.TARGET_GROUPS)
        for agreement_id, groups in ((1, groups_1), (2, groups_2)):
            for code in groups:
                self.s.add(
                    AgreementTargetGroup(
                        agreement_id=agreement_id, target_group_id=cat.target_group_id(code)
                    )
                )
        return a1, a2

    def create_users(self) -> None:
        enterprise_of = {"mentor": 2, "mentor1": 1}
        for n, (username, role) in enumerate(DEMO_USERS.items(), start=1):
            user = User(
                id=n,
                username=username,
                display_name=DEMO_DISPLAY_NAMES[username],
                password_hash=_hash(DEMO_PASSWORD),
                role=role,
                enterprise_id=enterprise_of.get(username),
                is_active=True,
                failed_sign_ins=0,
            )
            self.s.add(user)
            self.users[username] = user
        self.s.flush()

    # ----------------------------------------------------------------- courses

    def course(self, agreement: Agreement, c: Course, no: int) -> None:
        rng = self.rng
        systematic = agreement.id == 2
        self.case_no += 1
        participant = Participant(
            case_code=f"D-{self.case_no}",
            initials=c.initials,
            target_group_id=cat.target_group_id(c.target_group),
            caseworker_id=self.users[c.caseworker].id,
        )
        self.s.add(participant)
        self.s.flush()
        start = self.day(c.start)
        end = self.day(c.end) if c.end is not None else None
        enrolment = Enrolment(
            participant_id=participant.id,
            agreement_id=agreement.id,
            status=c.status,
            referred_on=start - dt.timedelta(days=rng.randint(20, 35)),
            start_date=start,
            planned_weeks=c.weeks,
            end_date=end,
            placement_type=PLACEMENT_BY_AGREEMENT[agreement.id][
                self.case_no % len(PLACEMENT_BY_AGREEMENT[agreement.id])
            ],
        )
        self.s.add(enrolment)
        self.s.flush()
        if c.status == "referral":
            return

        horizon = end or self.today  # last day the course is in use
        pauses = []
        if c.initials in PAUSES:
            first, days = PAUSES[c.initials]
            pause = Pause(
                enrolment_id=enrolment.id,
                start_date=self.day(first),
                end_date=self.day(first + days),
                reason="Sygdom",
                kind="illness",
            )
            self.s.add(pause)
            pauses.append((pause.start_date, pause.end_date))
        self.extensions(enrolment, c, horizon)
        mentor_user = self.users["mentor" if systematic else "mentor1"]
        took_part = "Deltager, jobkonsulent, leder" if systematic else "Deltager, mentor"

        # Baseline plan: 1 week into a 13-week course, 4 weeks into a 52-week course.
        due = _plan_due_days(c.weeks)
        plan_day = start + dt.timedelta(days=c.plan_delay or (due - rng.randint(0, 2)))
        pool = SUB_GOAL_POOL_2 if systematic else SUB_GOAL_POOL_1
        goal_codes = rng.sample(pool, rng.randint(1, 3))
        chosen: dict[str, list[str]] = {}  # sub-goal code -> parameter codes
        for code in goal_codes:
            options = SUB_GOAL_PARAMETERS[code]
            chosen[code] = list(options[: rng.randint(1, 2)])
        params = sorted({p for ps in chosen.values() for p in ps}, key=cat.parameter_id)
        scores = {p: rng.choice((1, 2, 2, 2, 3)) for p in params}
        if c.status == "active":
            scores = self.more_parameters(enrolment, participant.case_code, chosen, scores)
        made_with = not (c.plan_delay and not systematic)  # the late plan: mentor alone
        goals = LONG_TERM_GOALS_2 if systematic else LONG_TERM_GOALS_1
        long_term = rng.choice(goals)
        if c.outcome == "education":
            long_term = "Uddannelse på VUC og på sigt job"
        self.plan(
            enrolment,
            1,
            plan_day,
            chosen,
            scores,
            made_with,
            took_part if made_with else "Mentor",
            long_term,
            mentor_user,
        )
        self.deliverable(enrolment, "meeting_plan", start + dt.timedelta(days=7), systematic)
        self.deliverable(
            enrolment,
            "plan",
            start + dt.timedelta(days=due),
            systematic,
            received=plan_day + dt.timedelta(days=rng.randint(1, 4)),
        )

        self.evaluations(enrolment, c, plan_day, horizon, chosen, scores, long_term, mentor_user)
        self.work_agreement(enrolment, c, no, systematic)
        self.mentoring(enrolment, c, horizon, systematic)
        if c.status == "active":
            self.standalone_meetings(enrolment, c, no)
            self.hours(enrolment, c, systematic, pauses)
            if systematic:
                for n, name in enumerate(CERTIFICATES):
                    obtained = min(start + dt.timedelta(days=21 + 14 * n), self.today)
                    self.s.add(
                        Certificate(
                            enrolment_id=enrolment.id,
                            name=name,
                            obtained_on=obtained,
                            certificate_type_id=CERTIFICATE_TYPE_IDS[name],
                        )
                    )
        else:
            enrolment.final_summary = FINAL_SUMMARIES[c.outcome or "ordinary_job"]
            self.s.add(
                Outcome(
                    enrolment_id=enrolment.id,
                    outcome_type_id=cat.outcome_type_id(c.outcome or "stopped_other"),
                    outcome_on=end or self.today,
                    note=enrolment.final_summary,
                )
            )

    def more_parameters(
        self,
        enrolment: Enrolment,
        case_code: str,
        chosen: dict[str, list[str]],
        scores: dict[str, int],
    ) -> dict[str, int]:
        """Give an active participant 2–4 parameters across the chosen sub-goals (a plan
        usually works on more than one), so the star chart has a shape. The sub-goal's own
        second parameter comes first, then any parameter not yet chosen."""
        xr = random.Random(f"{DEMO_SEED}:parameters:{case_code}")
        target = xr.choice((2, 3, 3, 4, 4))
        extras: set[str] = set()
        preferred = [p for code in chosen for p in SUB_GOAL_PARAMETERS[code]]
        others = [p["code"] for p in sorted(cat.PARAMETERS, key=lambda p: p["id"])]
        for p in preferred + others:
            if len(scores) + len(extras) >= target:
                break
            if p in scores or p in extras:
                continue
            home = next(
                (code for code in chosen if p in SUB_GOAL_PARAMETERS[code]),
                min(chosen, key=lambda code: len(chosen[code])),
            )
            chosen[home].append(p)
            extras.add(p)
        self.extras[enrolment.id] = (xr, extras)
        new = {p: xr.choice((1, 2, 2, 3)) for p in sorted(extras, key=cat.parameter_id)}
        return dict(sorted({**scores, **new}.items(), key=lambda item: cat.parameter_id(item[0])))

    def _rng_for(self, enrolment: Enrolment, parameter: str) -> random.Random:
        xr, extras = self.extras.get(enrolment.id, (self.rng, set()))
        return xr if parameter in extras else self.rng

    def extensions(self, enrolment: Enrolment, c: Course, horizon: dt.date) -> None:
        # Extensions are common: extend in steps until the planned end covers the course,
        # unless the course ended early (e.g. a job) before its first planned end.
        planned_end = enrolment.start_date + dt.timedelta(weeks=c.weeks)
        if c.status == "ended" and c.weeks == 13 and c.end is not None and c.end - c.start < 91:
            return
        step = 13 if c.weeks == 13 else 26
        while planned_end < horizon:
            extended_on = planned_end - dt.timedelta(days=self.rng.randint(5, 14))
            new_end = planned_end + dt.timedelta(weeks=step)
            self.s.add(
                Extension(
                    enrolment_id=enrolment.id,
                    extended_on=extended_on,
                    new_end_date=new_end,
                    reason=self.rng.choice(EXTENSION_REASONS),
                )
            )
            planned_end = new_end

    def plan(
        self,
        enrolment: Enrolment,
        version_no: int,
        made_on: dt.date,
        chosen: dict[str, list[str]],
        scores: dict[str, int],
        made_with: bool,
        took_part: str,
        long_term: str,
        author: User,
    ) -> None:
        plan = Plan(
            enrolment_id=enrolment.id,
            version_no=version_no,
            created_on=made_on,
            made_with_participant=made_with,
            took_part=took_part,
            long_term_goal=long_term,
            created_by_id=author.id,
        )
        self.s.add(plan)
        self.s.flush()
        elements_chosen: dict[int, str] = {}
        self.plan_goals[enrolment.id] = list(chosen)
        for priority, (code, params) in enumerate(chosen.items(), start=1):
            rationale, focus = SUB_GOAL_TEXT[code]
            psg = PlanSubGoal(
                plan_id=plan.id,
                sub_goal_id=cat.sub_goal_id(code),
                priority=priority,
                rationale=rationale,
                focus=focus,
            )
            self.s.add(psg)
            self.s.flush()
            for p in params:
                self.s.add(
                    PlanSubGoalParameter(plan_sub_goal_id=psg.id, parameter_id=cat.parameter_id(p))
                )
                elements = cat.sub_element_ids(p)
                r = self._rng_for(enrolment, p)
                for element_id in sorted(r.sample(elements, min(len(elements), r.randint(1, 2)))):
                    self.s.add(
                        PlanSubGoalSubElement(plan_sub_goal_id=psg.id, sub_element_id=element_id)
                    )
                    elements_chosen[element_id] = p
        for p, score in scores.items():
            self.s.add(PlanScore(plan_id=plan.id, parameter_id=cat.parameter_id(p), score=score))
        # Each chosen sub-element starts at its parameter's score (the baseline of the
        # sub-element change).
        for element_id, p in elements_chosen.items():
            if p in scores:
                self.s.add(
                    PlanScore(
                        plan_id=plan.id,
                        parameter_id=cat.parameter_id(p),
                        sub_element_id=element_id,
                        score=scores[p],
                    )
                )
        self.plan_elements[enrolment.id] = elements_chosen

    def deliverable(
        self,
        enrolment: Enrolment,
        kind: str,
        due: dt.date,
        systematic: bool,
        received: dt.date | None = None,
        evaluation_id: int | None = None,
    ) -> None:
        if received is None:
            received = due - dt.timedelta(days=self.rng.randint(0, 5))
        # Agreement 1 now and then forgets to send something.
        if not systematic and self.rng.random() < 0.12:
            received = None
        if received is not None and received > self.today:
            received = None
        self.s.add(
            Deliverable(
                enrolment_id=enrolment.id,
                evaluation_id=evaluation_id,
                kind=kind,
                due_on=due,
                received_on=received,
            )
        )

    def evaluations(
        self,
        enrolment: Enrolment,
        c: Course,
        plan_day: dt.date,
        horizon: dt.date,
        chosen: dict[str, list[str]],
        scores: dict[str, int],
        long_term: str,
        author: User,
    ) -> None:
        rng = self.rng
        systematic = enrolment.agreement_id == 2
        previous = plan_day
        n = 0
        revised = False
        scores = dict(scores)
        extras = self.extras.get(enrolment.id, (None, set()))[1]
        original = [p for p in scores if p not in extras]
        while True:
            due = add_months(previous, 2)
            if c.eval_delays is not None:
                if n >= len(c.eval_delays):
                    break
                delay = c.eval_delays[n]
            elif systematic:
                delay = rng.randint(-3, 2)
            else:
                # Agreement 1: often late, sometimes by weeks.
                delay = rng.choice((0, 3, 8, 14, 21, 30))
            when = due + dt.timedelta(days=delay)
            if when > horizon:
                break
            n += 1
            before = dict(scores)
            for p in scores:
                r = self._rng_for(enrolment, p)
                if c.profile == "flat":
                    step = 1 if r.random() < 0.15 else 0
                elif c.profile == "dip" and n == 2:
                    step = -1
                else:
                    step = r.choice((0, 1, 1)) if n > 1 or systematic else r.choice((0, 1))
                scores[p] = max(1, min(5, scores[p] + step))
            # The note and the verdict follow the plan's first parameters, as before the
            # extra ones were added (keeps the evaluation's story and every later draw).
            total = sum(scores[p] - before[p] for p in original)
            progress = "closer" if total > 0 else ("further" if total < 0 else "unchanged")
            notes = NOTES_UP if total > 0 else (NOTES_DOWN if total < 0 else NOTES_FLAT)
            note = rng.choice(notes)
            if systematic and c.target_group in ("spouse_supported", "lab_2_3") and n >= 2:
                note += " Vi arbejder med CV og jobsøgning."
            adjust = c.revised and not revised and n == 2
            evaluation = Evaluation(
                enrolment_id=enrolment.id,
                evaluated_on=when,
                goal_progress=progress,
                sub_goals_need_adjusting=adjust,
                notes=note,
                written_with_participant=systematic or rng.random() < 0.8,
                created_by_id=author.id,
            )
            self.s.add(evaluation)
            self.s.flush()
            for p, score in scores.items():
                self.s.add(
                    EvaluationScore(
                        evaluation_id=evaluation.id, parameter_id=cat.parameter_id(p), score=score
                    )
                )
            self.sub_goals_and_elements(enrolment, evaluation, n, scores, progress, systematic)
            self.meeting(enrolment, evaluation, systematic)
            self.deliverable(
                enrolment,
                "evaluation_invitation",
                when - dt.timedelta(days=7),
                systematic,
                evaluation_id=evaluation.id,
            )
            if adjust:
                # Revised plan: one more sub-goal, worked on through a parameter already
                # scored, so the score series stays comparable.
                revised = True
                candidates = [
                    g
                    for g in SUB_GOAL_PARAMETERS
                    if g not in chosen and any(p in original for p in SUB_GOAL_PARAMETERS[g])
                ]
                extra = candidates[0] if candidates else None
                new_chosen = dict(chosen)
                if extra is not None and len(chosen) < 3:
                    new_chosen[extra] = [p for p in SUB_GOAL_PARAMETERS[extra] if p in original][:1]
                took_part = "Deltager, jobkonsulent, leder" if systematic else "Deltager, mentor"
                self.plan(
                    enrolment, 2, when, new_chosen, dict(scores), True, took_part, long_term, author
                )
            previous = when

    def sub_goals_and_elements(
        self,
        enrolment: Enrolment,
        evaluation: Evaluation,
        n: int,
        scores: dict[str, int],
        progress: str,
        systematic: bool,
    ) -> None:
        """The evaluation's judgement of each sub-goal in the plan and its sub-element
        scores, from a generator of its own (every draw of self.rng stays as it was)."""
        xr = random.Random(f"{DEMO_SEED}:sub-goals:{enrolment.id}:{n}")
        for code in self.plan_goals.get(enrolment.id, []):
            if n == 1:
                status = xr.choice(("in_progress", "in_progress", "not_started"))
            elif progress == "closer" and xr.random() < (0.5 if systematic else 0.3):
                status = "reached"
            else:
                status = xr.choice(("in_progress", "in_progress", "in_progress", "not_started"))
            self.s.add(
                EvaluationSubGoal(
                    evaluation_id=evaluation.id,
                    sub_goal_id=cat.sub_goal_id(code),
                    status=status,
                    comment=SUB_GOAL_COMMENTS[status] if xr.random() < 0.4 else "",
                )
            )
        for element_id, p in self.plan_elements.get(enrolment.id, {}).items():
            if p not in scores:
                continue
            self.s.add(
                EvaluationScore(
                    evaluation_id=evaluation.id,
                    parameter_id=cat.parameter_id(p),
                    sub_element_id=element_id,
                    score=max(1, min(5, scores[p] + xr.choice((-1, 0, 0, 0, 1)))),
                )
            )

    def standalone_meetings(self, enrolment: Enrolment, c: Course, no: int) -> None:
        """Meetings planned and recorded outside an evaluation: agreement 2 plans the next
        one ahead; agreement 1 held one in between, cancelled one and has one it never
        recorded (an overdue row on Opfølgning until someone records it)."""
        systematic = enrolment.agreement_id == 2
        author = self.users["mentor" if systematic else "mentor1"].id
        if systematic:
            if no % 2 == 0:
                self.s.add(
                    FollowUpMeeting(
                        enrolment_id=enrolment.id,
                        planned_on=self.day(20 + no),
                        created_by_id=author,
                    )
                )
            return
        day = {"held": -12, "cancelled": -18, "overdue": -5}
        kind = next((k for k in day if k not in self.standalone_done), None)
        if kind is None or self.day(day[kind]) < enrolment.start_date:
            return
        self.standalone_done.add(kind)
        day_of = self.day(day[kind])
        self.s.add(
            FollowUpMeeting(
                enrolment_id=enrolment.id,
                planned_on=day_of,
                held=kind == "held",
                held_on=day_of if kind == "held" else None,
                caseworker_present=kind == "held",
                cancelled=kind == "cancelled",
                cancel_reason="Deltageren var syg" if kind == "cancelled" else "",
                created_by_id=author,
            )
        )

    def meeting(self, enrolment: Enrolment, evaluation: Evaluation, systematic: bool) -> None:
        if systematic:
            held, caseworker = True, True
        else:
            # The evaluation found that ongoing dialogue had replaced the systematic meetings.
            held = self.rng.random() < 0.4
            caseworker = held and self.rng.random() < 0.4
        self.s.add(
            FollowUpMeeting(
                enrolment_id=enrolment.id,
                evaluation_id=evaluation.id,
                planned_on=evaluation.evaluated_on,
                held=held,
                held_on=evaluation.evaluated_on if held else None,
                caseworker_present=caseworker,
            )
        )

    def work_agreement(self, enrolment: Enrolment, c: Course, no: int, systematic: bool) -> None:
        rng = self.rng
        if no % 5 == 3:  # a few courses have no written work agreement
            return
        self.s.add(
            WorkAgreement(
                enrolment_id=enrolment.id,
                signed_on=enrolment.start_date,
                has_working_hours=rng.random() < 0.95,
                has_tasks=rng.random() < 0.9,
                has_placement_goals=rng.random() < (0.9 if systematic else 0.75),
                has_jobcentre_contact=rng.random() < 0.85,
                has_workplace_contact=rng.random() < 0.9,
                has_sub_goals_progression=rng.random() < (0.65 if systematic else 0.45),
                has_ordinary_paid_hours=systematic and c.weeks == 52 and rng.random() < 0.5,
                notes="",
            )
        )

    def mentoring(
        self, enrolment: Enrolment, c: Course, horizon: dt.date, systematic: bool
    ) -> None:
        rng = self.rng
        if systematic:
            mentor_type = rng.choice(("enterprise", "enterprise", "jobcentre", "social"))
            frequency = 14
        else:
            mentor_type = rng.choice(("enterprise", "enterprise", "external", "social"))
            frequency = rng.choice((14, 21))
        names = {
            "enterprise": DEMO_DISPLAY_NAMES["mentor" if systematic else "mentor1"],
            "jobcentre": "Kim Jobcentermentor",
            "social": "Susanne Socialmentor",
            "external": "Anders (mentor hos anden aktør)",
        }
        # Agreement 2 agrees weekly follow-up at the start and every 14 days from the
        # fourth week (seed 2's cases); agreement 1 keeps one frequency throughout.
        assignment = MentorAssignment(
            enrolment_id=enrolment.id,
            mentor_type=mentor_type,
            mentor_name=names[mentor_type],
            frequency_days=7 if systematic else frequency,
            start_date=enrolment.start_date,
            end_date=enrolment.end_date,
        )
        self.s.add(assignment)
        self.s.flush()
        if systematic:
            self.s.add(
                MentorFrequencyChange(
                    mentor_assignment_id=assignment.id,
                    changed_from=enrolment.start_date + dt.timedelta(days=24),
                    frequency_days=frequency,
                )
            )
        # The enterprise's own mentors log their contacts themselves.
        enterprise_staff = self.users["mentor" if systematic else "mentor1"]
        logged_by = enterprise_staff.id if mentor_type == "enterprise" else None
        # Weekly at the start, then at the agreed frequency; agreement 1 less regularly.
        day = enrolment.start_date + dt.timedelta(days=2)
        n = 0
        while day <= horizon:
            skipped = not systematic and n >= 4 and rng.random() < 0.25
            if not skipped:
                self.s.add(
                    MentorContact(
                        mentor_assignment_id=assignment.id,
                        contact_on=day,
                        logged_by_id=logged_by,
                        note=rng.choice(
                            (
                                "Samtale om plan og delmål.",
                                "Opfølgning på fremmøde og trivsel.",
                                "Kort samtale på arbejdspladsen.",
                                "Telefonisk opfølgning.",
                            )
                        ),
                    )
                )
            n += 1
            gap = 7 if n < 4 else frequency
            jitter = rng.randint(-1, 1) if systematic else rng.randint(0, 10)
            day += dt.timedelta(days=max(5, gap + jitter))

    def hours(
        self,
        enrolment: Enrolment,
        c: Course,
        systematic: bool,
        pauses: list[tuple[dt.date, dt.date]],
    ) -> None:
        rng = self.rng
        week = enrolment.start_date - dt.timedelta(days=enrolment.start_date.weekday())
        this_week = self.today - dt.timedelta(days=self.today.weekday())
        planned = 6.0 if not systematic else 8.0
        ceiling = rng.choice((15.0, 20.0) if not systematic else (22.0, 25.0, 30.0))
        n = 0
        total_weeks = (this_week - week).days // 7 - 1
        while week < this_week:  # completed weeks only: this week is still running
            if n and n % 4 == 0:
                planned = min(ceiling, planned + rng.choice((2.0, 3.0, 4.0)))
            paused = any(a <= week + dt.timedelta(days=4) and week <= b for a, b in pauses)
            if paused:
                illness = planned
            elif systematic:
                illness = min(planned, rng.choice((0.0,) * 8 + (4.0,)))
            else:
                illness = min(planned, rng.choice((0.0, 0.0, 0.0, 0.0, 3.0, 6.0)))
            other_absence = rng.choice((0.0, 0.0, 0.0, 1.0, 2.0))
            attended = max(0.0, planned - illness - other_absence)
            ordinary = 0.0
            if systematic and c.weeks == 52 and n >= 30 and total_weeks - n < 10:
                ordinary = float(rng.choice((2, 3, 4, 5)))
            self.s.add(
                WeeklyHours(
                    enrolment_id=enrolment.id,
                    week_start=week,
                    planned_hours=planned,
                    attended_hours=attended,
                    illness_hours=float(illness),
                    ordinary_paid_hours=ordinary,
                )
            )
            week += dt.timedelta(days=7)
            n += 1

    # ----------------------------------------------------------------- the rest

    def fidelity(self) -> None:
        req = self.s.scalars(
            select(FidelityRequirement).where(FidelityRequirement.code == "3c")
        ).one()
        baseline = SurveyRound(
            name="Nulpunktsmåling", kind="baseline", held_on=add_months(self.today, -13)
        )
        midpoint = SurveyRound(
            name="Midtvejsmåling", kind="midpoint", held_on=add_months(self.today, -1)
        )
        self.s.add_all([baseline, midpoint])
        self.s.flush()
        for role, (base, mid, n_base, n_mid) in FIDELITY_3C.items():
            for survey, share, respondents in ((baseline, base, n_base), (midpoint, mid, n_mid)):
                self.s.add(
                    FidelityResult(
                        survey_round_id=survey.id,
                        requirement_id=req.id,
                        role=role,
                        share_agree=share,
                        respondents=respondents,
                    )
                )


def build_demo(engine: Engine, today: dt.date | None = None) -> None:
    """Wipe all non-catalogue rows and rebuild the demo story in one transaction."""
    today = today or dt.date.today()
    with write_session(engine, "demo", audit_log=False) as session:
        last_audit_id = session.scalar(select(func.coalesce(func.max(AuditLog.id), 0))) or 0
        _wipe(session)
        # One audit row for the rebuild itself, numbered above every earlier row: the
        # dashboards' data version is max(audit_log.id) and must never go back.
        session.add(
            AuditLog(
                id=last_audit_id + 1,
                username="demo",
                action="rebuild",
                table_name="demo",
                record_id="",
                after='{"demo": "1"}',
            )
        )
        b = _Builder(session, today)
        a1, a2 = b.organisation()
        b.create_users()
        for agreement, courses in ((a1, COURSES_1), (a2, COURSES_2)):
            for no, course in enumerate(courses):
                b.course(agreement, course, no)
        b.fidelity()
        session.flush()
        _reset_sequences(session)
        _set_setting(session, "demo", "1")
