"""The catalogues as data: target groups, sub-goals, progression parameters with their
sub-elements, the score scale, outcome types and fidelity requirements.

Kept as plain lists so migration 0002 can insert them without the ORM models (a migration
must stay valid when the models change later). Ids are explicit and stable, so demo data and
tests can refer to them; codes are English and stable, labels are Danish and may be edited
in the database by a municipality.
"""

from __future__ import annotations

TARGET_GROUPS: list[dict] = [
    {"id": 1, "code": "resource_course", "label": "Ressourceforløb"},
    {"id": 2, "code": "lab_2_3", "label": "Aktivitetsparate (LAB §2.3)"},
    {"id": 3, "code": "integration_act", "label": "Integrationsloven"},
    {"id": 4, "code": "spouse_supported", "label": "Ægtefælleforsørgede"},
]

# The 11 sub-goals (delmål) from the job centre's evaluation of its cooperation
# agreements, in that evaluation's order.
SUB_GOALS: list[dict] = [
    {"id": 1, "code": "social_relations", "label": "Opnå større evne til at indgå i sociale relationer"},
    {"id": 2, "code": "cooperation", "label": "Styrke evnen til at samarbejde med andre i en arbejdsrelation"},
    {"id": 3, "code": "qualifications", "label": "Opnå øgede faglige og praktiske kvalifikationer"},
    {"id": 4, "code": "self_confidence", "label": "Styrke deltagerens selvtillid og tro på en fremtid på arbejdsmarkedet"},
    {"id": 5, "code": "personal_development", "label": "Give deltageren mulighed for personlig udvikling"},
    {"id": 6, "code": "empowerment_motivation", "label": "Øget empowerment og motivation"},
    {"id": 7, "code": "acting_actively", "label": "Øget evne til at være aktivt handlende"},
    {"id": 8, "code": "quality_of_life", "label": "Øget livskvalitet"},
    {"id": 9, "code": "attendance_stability", "label": "Styrke mødestabilitet"},
    {"id": 10, "code": "daily_rhythm", "label": "Opbygge døgnrytme"},
    {"id": 11, "code": "calm_self_awareness", "label": "Styrke evnen til at finde \"ro\" og mærke sig selv"},
]  # fmt: skip

# The four progression parameters, each with its sub-elements in the same evaluation's order.
PARAMETERS: list[dict] = [
    {
        "id": 1,
        "code": "motivation",
        "label": "Motivation",
        "sub_elements": [
            ("responsibility", "Ansvarlighed"),
            ("cooperation", "Samarbejde"),
            ("communication", "Kommunikation"),
            ("learning", "Læring/udvikling"),
            ("labour_market_understanding", "Arbejdsmarkedsforståelse"),
        ],
    },
    {
        "id": 2,
        "code": "active_action",
        "label": "Aktiv handlen",
        "sub_elements": [
            ("independence", "Selvstændighed"),
            ("ownership", "Ejerskab"),
            ("flexibility", "Fleksibilitet"),
        ],
    },
    {
        "id": 3,
        "code": "upskilling",
        "label": "Opkvalificering",
        "sub_elements": [
            ("social_tools", "Sociale værktøjer"),
            ("general_skills", "Alment faglige kvalifikationer"),
            ("specialist_skills", "Specialfaglige kvalifikationer"),
        ],
    },
    {
        "id": 4,
        "code": "toward_employment",
        "label": "Bevægelse mod ansættelse",
        "sub_elements": [
            ("routine", "Rutine"),
            ("stability", "Stabilitet"),
            ("attendance", "Fremmødesikring"),
            ("behaviour", "Adfærd"),
            ("endurance", "Udholdenhed"),
            ("intensity", "Intensitet"),
            ("industry_trial", "Brancheafprøvning"),
        ],
    },
]

SCORE_LEVELS: list[dict] = [
    {
        "value": 1,
        "label": "Ikke til stede",
        "description": "Deltageren viser endnu ikke dette i hverdagen i virksomheden.",
    },
    {
        "value": 2,
        "label": "I ringe grad",
        "description": "Deltageren viser det af og til, men kun med meget støtte.",
    },
    {
        "value": 3,
        "label": "I nogen grad",
        "description": "Deltageren viser det jævnligt, men har stadig brug for støtte.",
    },
    {
        "value": 4,
        "label": "I høj grad",
        "description": "Deltageren viser det stabilt og for det meste på egen hånd.",
    },
    {
        "value": 5,
        "label": "I meget høj grad",
        "description": "Deltageren viser det selvstændigt og stabilt, også når krav ændrer sig.",
    },
]

# `category` drives the share that moved into job or education.
OUTCOME_TYPES: list[dict] = [
    {"id": 1, "code": "ordinary_job", "label": "Ordinært job", "category": "job"},
    {"id": 2, "code": "wage_subsidy_job", "label": "Løntilskudsjob", "category": "job"},
    {"id": 3, "code": "flexjob", "label": "Fleksjob", "category": "job"},
    {"id": 4, "code": "small_job", "label": "Småjob", "category": "job"},
    {"id": 5, "code": "education", "label": "Uddannelse (fx VUC)", "category": "education"},
    {
        "id": 6,
        "code": "rehabilitation_team",
        "label": "Indstillet til rehabiliteringsteamet",
        "category": "other",
    },
    {"id": 7, "code": "continues", "label": "Fortsætter i forløb", "category": "continues"},
    {"id": 8, "code": "stopped_illness", "label": "Stoppet – sygdom", "category": "other"},
    {"id": 9, "code": "stopped_other", "label": "Stoppet – andet", "category": "other"},
]

# Certificates (beviser) a participant can obtain on a course; Resultater and the report
# count them from the certificate records.
CERTIFICATE_TYPES: list[dict] = [
    {"id": 1, "code": "hygiene", "label": "Hygiejnebevis"},
    {"id": 2, "code": "first_aid", "label": "Førstehjælpsbevis"},
    {"id": 3, "code": "forklift", "label": "Truckcertifikat"},
    {"id": 4, "code": "fire_safety", "label": "Brandbekæmpelse"},
    {"id": 5, "code": "food_handling", "label": "Fødevarecertifikat"},
    {"id": 6, "code": "work_safety", "label": "Arbejdsmiljø (§ 26)"},
    {"id": 7, "code": "other", "label": "Andet bevis"},
]

# Minimum requirements from the STV project's mid-term evaluation.
FIDELITY_REQUIREMENTS: list[dict] = [
    {"id": 1, "code": "2", "label": "Sagsbehandlere og teamledere skal kunne se resultatet af deres arbejde"},
    {"id": 2, "code": "3c", "label": "Løbende opfølgning med mentorstøtte"},
]  # fmt: skip


def sub_element_rows() -> list[dict]:
    """Sub-elements flattened with stable ids (1..18) in parameter order."""
    rows: list[dict] = []
    for param in PARAMETERS:
        for order, (code, label) in enumerate(param["sub_elements"], start=1):
            rows.append(
                {
                    "id": len(rows) + 1,
                    "parameter_id": param["id"],
                    "code": code,
                    "label": label,
                    "sort_order": order,
                }
            )
    return rows


def catalogue_rows() -> dict[str, list[dict]]:
    """Rows per table, in an order that satisfies the foreign keys when inserted."""

    def ordered(items: list[dict], keys: tuple[str, ...]) -> list[dict]:
        return [{**{k: item[k] for k in keys}, "sort_order": n} for n, item in enumerate(items, 1)]

    return {
        "target_group": ordered(TARGET_GROUPS, ("id", "code", "label")),
        "sub_goal": ordered(SUB_GOALS, ("id", "code", "label")),
        "parameter": ordered(PARAMETERS, ("id", "code", "label")),
        "sub_element": sub_element_rows(),
        "score_level": [dict(level) for level in SCORE_LEVELS],
        "outcome_type": ordered(OUTCOME_TYPES, ("id", "code", "label", "category")),
        "fidelity_requirement": [dict(req) for req in FIDELITY_REQUIREMENTS],
        "certificate_type": ordered(CERTIFICATE_TYPES, ("id", "code", "label")),
    }


CATALOGUE_TABLES: tuple[str, ...] = tuple(catalogue_rows())


def parameter_id(code: str) -> int:
    return next(p["id"] for p in PARAMETERS if p["code"] == code)


def sub_goal_id(code: str) -> int:
    return next(g["id"] for g in SUB_GOALS if g["code"] == code)


def target_group_id(code: str) -> int:
    return next(t["id"] for t in TARGET_GROUPS if t["code"] == code)


def certificate_type_id(code: str) -> int:
    return next(c["id"] for c in CERTIFICATE_TYPES if c["code"] == code)


def outcome_type_id(code: str) -> int:
    return next(o["id"] for o in OUTCOME_TYPES if o["code"] == code)


def sub_element_ids(parameter_code: str) -> list[int]:
    pid = parameter_id(parameter_code)
    return [row["id"] for row in sub_element_rows() if row["parameter_id"] == pid]
