"""The national CBCCVC store, in memory: one record per citizen ID, kept as its JSON bytes.

A parsed `NationalProfile` (a model over nested dicts) takes ~1.4 KB and its JSON ~0.45 KB, and a
register of a province's size seeds 40,000 of them. A record is read only when someone pulls it, so
each pull parses it again, into the same model the route answered with before records were kept this way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ndxp_sim.national_db.schemas import NationalProfile


@dataclass
class NationalStore:
    records: dict[str, bytes] = field(default_factory=dict)  # citizen ID → the record's JSON

    def get(self, citizen_id: str) -> NationalProfile | None:
        raw = self.records.get(citizen_id)
        return None if raw is None else NationalProfile.model_validate_json(raw)

    def put(self, profile: NationalProfile) -> bool:
        """Adds or replaces the person's record; returns whether it replaced one."""
        replaced = profile.citizen_id in self.records
        self.records[profile.citizen_id] = profile.model_dump_json().encode()
        return replaced

    def __contains__(self, citizen_id: object) -> bool:
        return citizen_id in self.records

    def __len__(self) -> int:
        return len(self.records)
