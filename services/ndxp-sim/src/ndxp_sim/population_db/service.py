"""The identity check of the population database: does what the caller holds agree with the register?"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from ndxp_sim.population_db.lookup import citizen_record
from ndxp_sim.population_db.register import Person
from ndxp_sim.population_db.schemas import CitizenCheck, CitizenCheckRead, PeopleAdded, PersonIn
from ndxp_sim.population_db.store import PopulationStore

SEX_WORDS = {"m": "M", "nam": "M", "male": "M", "f": "F", "nữ": "F", "nu": "F", "female": "F"}


def same_name(a: str, b: str) -> bool:
    """Names agree when they differ only in Unicode composition, case or spacing: 'NGUYỄN VĂN AN'
    typed with combining marks is the same person as 'Nguyễn Văn An'. Diacritics still count."""
    def norm(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())
    return norm(a) == norm(b)


def check_citizen(people: PopulationStore, query: CitizenCheck, now: datetime) -> CitizenCheckRead:
    checked_at = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    person = people.get(query.citizen_id)
    if person is None:
        return CitizenCheckRead(result="not_found", mismatched=[], checked_at=checked_at)
    mismatched: list[str] = []
    if not same_name(person.full_name, query.full_name):
        mismatched.append("full_name")
    if person.birth_date != query.birth_date:
        mismatched.append("birth_date")
    if SEX_WORDS.get(unicodedata.normalize("NFC", query.sex).strip().casefold()) != person.sex:
        mismatched.append("sex")
    if query.ethnicity_code is not None or query.religion_code is not None:  # compared only when sent
        held = citizen_record(person, now)
        if query.ethnicity_code not in (None, held.ethnicity.code):
            mismatched.append("ethnicity_code")
        if query.religion_code not in (None, held.religion.code):
            mismatched.append("religion_code")
    return CitizenCheckRead.model_validate({"result": "mismatch" if mismatched else "match",
                                            "mismatched": mismatched, "checked_at": checked_at})


def add_people(people: PopulationStore, given: list[PersonIn]) -> PeopleAdded:
    replaced = sum(p.citizen_id in people for p in given)
    for p in given:
        people.put(Person(p.citizen_id, unicodedata.normalize("NFC", p.full_name), p.birth_date, p.sex))
    return PeopleAdded(added=len(given) - replaced, replaced=replaced, total=len(people))
