"""The seeded population register: the same seed and size give the same people, so a test or a dev
run can name a citizen the simulator knows without asking it first."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from ndxp_sim.population_db.names import BIRTH_PROVINCES, FAMILY, GIVEN, HANOI_BIRTH, MIDDLE

BIRTH_YEARS = (1962, 2003)  # working-age officials
HANOI_SHARE = 0.5  # the simulated gateway is Hà Nội's, so half its people were born there


@dataclass(frozen=True, slots=True)  # slots: no __dict__ each, as a province-size register is generated
class Person:
    citizen_id: str
    full_name: str
    birth_date: date
    sex: str  # "M" | "F", as our records say it


def citizen_id(rng: random.Random, province: str, birth: date, sex: str, used: set[str]) -> str:
    """DOMAIN §3: birth-registration province (3), century/sex digit (even = male), 2 digits of the
    birth year, 6 random digits."""
    century_sex = 2 * ((birth.year - 1900) // 100) + (1 if sex == "F" else 0)
    while True:
        value = f"{province}{century_sex}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
        if value not in used:
            used.add(value)
            return value


def generate_people(seed: int, size: int) -> list[Person]:
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not crypto
    others = sorted(set(BIRTH_PROVINCES) - {HANOI_BIRTH})
    used: set[str] = set()
    people = []
    for _ in range(size):
        sex = rng.choice("MF")
        birth = date(rng.randint(*BIRTH_YEARS), rng.randint(1, 12), rng.randint(1, 28))
        province = HANOI_BIRTH if rng.random() < HANOI_SHARE else rng.choice(others)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        people.append(Person(citizen_id(rng, province, birth, sex, used), name, birth, sex))
    return people
