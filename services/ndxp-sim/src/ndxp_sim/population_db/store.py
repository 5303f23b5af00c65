"""The population register, in memory: one bytes value per citizen ID (birth date, sex, name).

A test environment teaches the simulator its province's people (`hoso_devstack.stack` posts the demo's),
so the register can reach 200,000 people. As `Person` objects with a date and a name string each,
that took ~335 bytes a person. As one short bytes value, it takes ~185, and `get` builds the `Person`
again for the check that asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ndxp_sim.population_db.register import Person

DATE_CHARS = 10  # YYYY-MM-DD, then the one-letter sex, then the name


def _packed(person: Person) -> bytes:
    if len(person.sex) != 1:
        raise ValueError(f"sex must be one letter, not {person.sex!r}")
    return f"{person.birth_date.isoformat()}{person.sex}{person.full_name}".encode()


@dataclass
class PopulationStore:
    records: dict[str, bytes] = field(default_factory=dict)  # citizen ID → birth date, sex and name

    @classmethod
    def of(cls, people: Iterable[Person]) -> PopulationStore:
        store = cls()
        for person in people:
            store.put(person)
        return store

    def get(self, citizen_id: str) -> Person | None:
        raw = self.records.get(citizen_id)
        if raw is None:
            return None
        text = raw.decode()
        return Person(citizen_id, text[DATE_CHARS + 1:], date.fromisoformat(text[:DATE_CHARS]), text[DATE_CHARS])

    def put(self, person: Person) -> bool:
        """Adds or replaces the person; returns whether it replaced one."""
        replaced = person.citizen_id in self.records
        self.records[person.citizen_id] = _packed(person)
        return replaced

    def __contains__(self, citizen_id: object) -> bool:
        return citizen_id in self.records

    def __len__(self) -> int:
        return len(self.records)
