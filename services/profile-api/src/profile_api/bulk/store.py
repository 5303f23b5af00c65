"""The batched write path of an import: for each good row exactly the rows `profiles.service.create_profile`
writes (the pending profile at version 0, its table rows, its assignment, the audit entry; no version and no outbox
row until its `create` request is approved: hanoi-2024 Điều 7), but built in memory and written with one COPY per
table and chunk instead of ~10 round trips per person.

`tests/profile_api/bulk/test_store.py` compares both paths column by column, so they can't drift.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import crypto
from hoso_shared import records as record
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Profile
from profile_api.audit import service as audit
from profile_api.bulk import queries
from profile_api.bulk.rows import CheckedRow

PROFILE_COLUMNS = ("id", "org_unit_id", "category", "status", "version", "incoming_on", "data", "full_name", "sex",
                   "rank_code", "birth_date", "citizen_id_enc", "key_id", "citizen_id_hmac", "sensitive_enc",
                   "created_by")
SECTION_COLUMNS = ("id", "profile_id", "section", "position", "data", "data_enc", "key_id")
ASSIGNMENT_COLUMNS = ("id", "profile_id", "org_unit_id", "valid_from", "reason")
AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "fields", "before_digest", "after_digest")


@dataclass(frozen=True, slots=True)
class NewProfile:
    number: int  # the file row it came from
    id: uuid.UUID
    org_unit_id: uuid.UUID
    citizen_id_hmac: bytes
    profile: tuple[Any, ...]  # PROFILE_COLUMNS
    sections: list[tuple[Any, ...]]  # SECTION_COLUMNS, one per table row
    assignment: tuple[Any, ...]  # ASSIGNMENT_COLUMNS
    digest: str  # of the pending record's snapshot, which the audit entry's after_digest is too


class _Columns:
    """A profile row's values, for `records.apply_items` to write and `records.snapshot` to read, without an ORM
    entity: its instrumented attributes were a fifth of the build, and the row goes out by COPY anyway."""

    __slots__ = PROFILE_COLUMNS

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


def build_profile(row: CheckedRow, actor_id: uuid.UUID, cipher: FieldCipher, today: date) -> NewProfile:
    """CPU only (sealing, hashing): run it off the event loop."""
    assert row.items is not None and row.unit_id is not None and row.category is not None
    profile = cast(Profile, _Columns(id=uuid.uuid4(), org_unit_id=row.unit_id, category=row.category,
                                     status="active", version=0, incoming_on=None, data={}, created_by=actor_id))
    record.apply_items(profile, row.items, cipher)
    stored = record.section_rows(profile.id, row.sections, cipher)
    # What create_profile reads back (`read_sections` of the rows it wrote), from the clear content at hand.
    entries = (e for rows in row.sections.values() for e in rows)
    clear: list[record.SectionValues] = [(r.id, r.section, r.position, {k: v for k, v in e.items() if v is not None},
                                          None, None) for r, e in zip(stored, entries, strict=True)]
    snapshot = record.snapshot(profile, row.items, record.read_section_values(clear, cipher, sensitive=True))
    digest = crypto.digest(snapshot)  # what seal_snapshot's digest is, without sealing a version not yet written
    values = {name: getattr(profile, name) for name in PROFILE_COLUMNS}
    values["data"] = json.dumps(values["data"], ensure_ascii=False)
    return NewProfile(
        number=row.number, id=profile.id, org_unit_id=row.unit_id, citizen_id_hmac=profile.citizen_id_hmac,
        digest=digest, profile=tuple(values[name] for name in PROFILE_COLUMNS),
        sections=[(r.id, r.profile_id, r.section, r.position,
                   None if r.data is None else json.dumps(r.data, ensure_ascii=False), r.data_enc, r.key_id)
                  for r in stored],
        assignment=(uuid.uuid4(), profile.id, row.unit_id, today, "created"),
    )


def audit_entries(principal: Principal, new: list[NewProfile], at: datetime) -> list[tuple[Any, ...]]:
    """The "create" entries `audit.record(session, principal, "create", "profile", id, after=snapshot)`
    appends one by one (unsealed: the audit sealer numbers and chains them after the commit)."""
    actor = audit.actor_of(principal)
    return [(at, actor, "create", "profile", str(item.id), "[]", None, item.digest) for item in new]


async def insert_profiles(session: AsyncSession, principal: Principal, new: list[NewProfile], at: datetime) -> None:
    await queries.copy_rows(session, "profiles", PROFILE_COLUMNS, [n.profile for n in new])
    await queries.copy_rows(session, "profile_section_rows", SECTION_COLUMNS, [s for n in new for s in n.sections])
    await queries.copy_rows(session, "profile_assignments", ASSIGNMENT_COLUMNS, [n.assignment for n in new])
    await queries.copy_rows(session, "audit_log", AUDIT_COLUMNS, audit_entries(principal, new, at))
