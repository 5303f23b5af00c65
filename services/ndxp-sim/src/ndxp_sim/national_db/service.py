"""The national CBCCVC store: one record per person of the register whose profile another province
keeps (every fifth person, so tests can find one without asking), plus records added by admin."""

from __future__ import annotations

import random

from ndxp_sim.national_db.schemas import NationalProfile, ProfilesAdded
from ndxp_sim.national_db.store import NationalStore
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


def seed_profiles(seed: int, people: list[Person]) -> NationalStore:
    store = NationalStore()
    for i, person in enumerate(people):
        if from_another_province(i):
            store.put(national_profile(seed, person))
    return store


def add_profiles(store: NationalStore, given: list[NationalProfile]) -> ProfilesAdded:
    replaced = sum(p.citizen_id in store for p in given)
    for profile in given:
        store.put(profile)
    return ProfilesAdded(added=len(given) - replaced, replaced=replaced, total=len(store))
