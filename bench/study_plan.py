"""The shape of a generated study: families and municipalities, persons, interviews, attributes.

A plan is pure data drawn from a seeded ``Random``: which cases exist, who belongs to them,
which interviews were held in which round, and the case attributes as they stood at each
round (coordinator status, individual plan, the child's age...). ``study_toml`` writes the
part that a study file declares; the per-round values travel with the interviews.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from random import Random

ROUNDS = (("R1", "Runde 1 (baseline)", "2023-03-01", "2023-06-30"),
          ("R2", "Runde 2", "2024-03-01", "2024-06-30"),
          ("R3", "Runde 3", "2025-03-01", "2025-06-30"))  # fmt: skip
REGIONS = ("Nord-Norge", "Midt-Norge", "Vestlandet", "Østlandet", "Sørlandet")
SIZE_CLASSES = ("liten", "mellomstor", "stor", "bydel")
MODELS = ("individnivå", "systemnivå", "begge")
SITUATIONS = ("bor sammen", "bor sammen", "skilt", "aleneforsørger", "sammensatt familie")
DIAGNOSES = ("autisme", "ADHD", "cerebral parese", "synshemming", "psykisk utviklingshemming",
             "lærevansker", "epilepsi", "under utredning")  # fmt: skip
CHANNELS = ("via koordinerende enhet", "via helsestasjon", "via skolen", "via BUP", "via PPT")
STATUS_STEPS = ("ingen", "venter", "koordinator", "barnekoordinator")
PLAN_STEPS = ("har ikke", "påbegynt", "har")
MODES = (("hjemme", "hjemme hos familien"), ("kontor", "Familiens hus"), ("digital", "Teams"),
         ("kontor", "rådhuset"), ("hjemme", "hjemme hos mor"))  # fmt: skip
MUNICIPAL_TITLES = ("Oppstartsmøte", "Oppfølgingssamtale", "Gruppeintervju med koordinerende enhet")
MUNICIPAL_ROLES = (("a", "kommunalsjef", "Kommunalsjef"), ("b", "leder KE", "Leder KE"),
                   ("c", "rådgiver", "Rådgiver"))  # fmt: skip

ATTRIBUTES = {
    "case": {
        "kommune": "Text", "region": "Text", "kommunestorrelse": "Text",
        "barnekoordinatormodell": "Text", "foreldresituasjon": "Text",
        "minoritetsbakgrunn": "Boolean", "antall_barn_med_behov": "Integer", "diagnoser": "Text",
        "rekruttering": "Text", "koordinatorstatus": "Text", "barnekoordinator": "Boolean",
        "individuell_plan": "Text", "barn_alder": "Integer", "barn_skoleniva": "Text",
        "antall_barnekoordinatorer": "Integer",
    },
    "source": {"varighet_min": "Integer"},
    "person": {"rolle_i_familien": "Text"},
}  # fmt: skip


@dataclass(frozen=True)
class PersonPlan:
    """A participant: code (``4a``), role, label."""

    code: str
    role: str
    label: str


@dataclass(frozen=True)
class CasePlan:
    """A family or a municipality with its persons and fixed attributes."""

    key: str
    number: int
    kind: str
    label: str
    persons: tuple[PersonPlan, ...]
    attributes: dict[str, object]


@dataclass(frozen=True)
class InterviewPlan:
    """One transcript to write and import: who, when, where, and attributes at that round."""

    name: str
    case: CasePlan
    round: str
    date: str
    mode: str
    place: str
    interviewer: str
    informants: tuple[PersonPlan, ...]
    case_attributes: dict[str, str] = field(default_factory=dict)
    source_attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyPlan:
    """Every case and interview of the study, in import order (round by round)."""

    name: str
    cases: tuple[CasePlan, ...]
    interviews: tuple[InterviewPlan, ...]


def _municipality(number: int, rng: Random) -> CasePlan:
    persons = tuple(PersonPlan(f"K{number:02d}{s}", role, label) for s, role, label in MUNICIPAL_ROLES)
    attributes: dict[str, object] = {
        "region": rng.choice(REGIONS),
        "kommunestorrelse": rng.choice(SIZE_CLASSES),
        "barnekoordinatormodell": rng.choice(MODELS),
    }
    return CasePlan(f"K{number:02d}", number, "municipality", f"Kommune {number}", persons, attributes)


def _family(number: int, municipality: CasePlan, rng: Random) -> CasePlan:
    situation = rng.choice(SITUATIONS)
    persons = [PersonPlan(f"{number}a", "mor", f"Forelder {number}a")]
    if situation != "aleneforsørger":
        persons.append(PersonPlan(f"{number}b", "far", f"Forelder {number}b"))
    if rng.random() < 0.25:
        persons.append(PersonPlan(f"{number}c", "barn", f"Barn {number}c"))
    attributes: dict[str, object] = {
        "kommune": municipality.key,
        "foreldresituasjon": situation,
        "minoritetsbakgrunn": rng.random() < 0.2,
        "antall_barn_med_behov": rng.choice((1, 1, 1, 2, 3)),
        "diagnoser": ", ".join(rng.sample(DIAGNOSES, rng.randint(1, 3))),
        "rekruttering": rng.choice(CHANNELS),
    }
    return CasePlan(f"F{number:04d}", number, "family", f"Familie {number}", tuple(persons), attributes)


def _date_in(round_index: int, rng: Random) -> str:
    start = dt.date.fromisoformat(ROUNDS[round_index][2])
    return (start + dt.timedelta(days=rng.randrange(0, 120))).isoformat()


def _school_level(age: int) -> str:
    levels = ((6, "barnehage"), (13, "barneskole"), (16, "ungdomsskole"), (19, "videregående"))
    return next((name for limit, name in levels if age < limit), "ung voksen")


def _family_interviews(family: CasePlan, rng: Random) -> list[InterviewPlan]:
    """Three rounds; coordinator status and the individual plan move forward (or stay)."""
    age, status, plan = rng.randint(3, 19), 0, rng.choice((0, 0, 1))
    parents = [p for p in family.persons if p.role != "barn"]
    out = []
    for index, (round_key, *_) in enumerate(ROUNDS):
        informants = parents if len(parents) == 1 or rng.random() < 0.8 else parents[:1]
        child = [p for p in family.persons if p.role == "barn" and index > 0]
        mode, place = rng.choice(MODES)
        values = {
            "koordinatorstatus": STATUS_STEPS[status],
            "barnekoordinator": "ja" if status == 3 else "nei",
            "individuell_plan": PLAN_STEPS[plan] if rng.random() < 0.9 else "usikker",
            "barn_alder": str(age + index),
            "barn_skoleniva": _school_level(age + index),
        }
        out.append(
            InterviewPlan(
                f"{family.key}_{round_key}_foreldre", family, round_key, _date_in(index, rng), mode, place,
                rng.choice(("ida", "ola")), tuple(informants + child), values,
                {"varighet_min": str(rng.randrange(55, 135, 5))},
            )
        )  # fmt: skip
        status = min(3, status + rng.choice((0, 1, 1, 2)))
        plan = min(2, plan + rng.choice((0, 1)))
    return out


def _municipal_interviews(municipality: CasePlan, rng: Random) -> list[InterviewPlan]:
    out, staff = [], rng.randint(0, 2)
    for index, (round_key, *_) in enumerate(ROUNDS):
        out.append(
            InterviewPlan(
                f"{municipality.key}_{round_key}_kommune", municipality, round_key, _date_in(index, rng),
                "kontor", "rådhuset", "ida og ola", municipality.persons,
                {"antall_barnekoordinatorer": str(staff)}, {"varighet_min": str(rng.randrange(90, 160, 10))},
            )
        )  # fmt: skip
        staff += rng.randint(0, 3)
    return out


def plan_study(families: int, municipalities: int, rng: Random) -> StudyPlan:
    """Cases, persons and interviews for ``families`` × 3 rounds plus the municipal interviews."""
    towns = [_municipality(n, rng) for n in range(1, municipalities + 1)]
    homes = [_family(n, rng.choice(towns), rng) for n in range(1, families + 1)]
    per_case = [_municipal_interviews(t, rng) for t in towns] + [_family_interviews(f, rng) for f in homes]
    by_round = [iv for index in range(len(ROUNDS)) for ivs in per_case for iv in ivs[index : index + 1]]
    return StudyPlan("Samordningsstudien (generert)", tuple(towns + homes), tuple(by_round))


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _inline(values: dict[str, object]) -> str:
    return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in values.items()) + " }"


def study_toml(plan: StudyPlan) -> str:
    """The study file of a plan: rounds, attribute types, cases and persons."""
    lines = ["[study]", f"name = {_toml(plan.name)}", ""]
    for key, label, start, end in ROUNDS:
        lines += [
            "[[rounds]]",
            f"key = {_toml(key)}",
            f"label = {_toml(label)}",
            f"window = [{start}, {end}]",
        ]
        lines += ["baseline = true", ""] if key == "R1" else [""]
    for scope, declared in ATTRIBUTES.items():
        for name, kind in declared.items():
            lines += [f"[attributes.{scope}.{name}]", f"type = {_toml(kind)}"]
    for case in plan.cases:
        lines += ["", "[[cases]]", f"key = {_toml(case.key)}", f"kind = {_toml(case.kind)}"]
        lines += [f"label = {_toml(case.label)}", f"attributes = {_inline(case.attributes)}"]
    for case in plan.cases:
        for person in case.persons:
            lines += ["", "[[persons]]", f"code = {_toml(person.code)}", f"case = {_toml(case.key)}"]
            lines += [f"role = {_toml(person.role)}", f"label = {_toml(person.label)}"]
            if case.kind == "family":
                lines.append(f"attributes = {_inline({'rolle_i_familien': person.role})}")
    return "\n".join(lines) + "\n"
