"""The national CBCCVC store: one record per person of the register whose profile another province
keeps (every fifth person, so tests can find one without asking), plus records added by admin."""

from __future__ import annotations

import random

from ndxp_sim.national_db.schemas import NationalProfile, ProfilesAdded
from ndxp_sim.population_db.names import BIRTH_PROVINCES, HANOI, PROVINCES
from ndxp_sim.population_db.register import Person

EVERY = 5


def from_another_province(index: int) -> bool:
    return index % EVERY == EVERY - 1


def national_profile(seed: int, person: Person) -> NationalProfile:
    # Per person, so adding people moves no one else; a simulation, not crypto.
    rng = random.Random(f"{seed}:{person.citizen_id}")  # noqa: S311
    source = rng.choice(sorted(set(PROVINCES) - {HANOI}))
    birth_province = BIRTH_PROVINCES.get(person.citizen_id[:3], PROVINCES[source])
    items = {
        "full_name": person.full_name, "sex": person.sex, "birth_date": person.birth_date.isoformat(),
        "citizen_id": person.citizen_id, "ethnicity_code": "01", "religion_code": "00",
        "birth_place": {"province": birth_province}, "home_town": {"province": birth_province},
        "residence": {"province": PROVINCES[source]},
    }
    return NationalProfile(citizen_id=person.citizen_id, source_province=source, items=items, sections={})


def seed_profiles(seed: int, people: list[Person]) -> dict[str, NationalProfile]:
    return {p.citizen_id: national_profile(seed, p) for i, p in enumerate(people) if from_another_province(i)}


def add_profiles(profiles: dict[str, NationalProfile], given: list[NationalProfile]) -> ProfilesAdded:
    replaced = sum(p.citizen_id in profiles for p in given)
    profiles.update({p.citizen_id: p for p in given})
    return ProfilesAdded(added=len(given) - replaced, replaced=replaced, total=len(profiles))
