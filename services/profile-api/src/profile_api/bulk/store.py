"""The batched write path of an import: for each good row exactly the rows `profiles.service.create_profile`
writes (the pending profile at version 0, its assignment, the audit entry; no version and no outbox row until
its `create` request is approved: hanoi-2024 Điều 7), but built in memory and inserted with one executemany per
table instead of ~10 round trips per person.

`tests/profile_api/bulk/test_store.py` compares both paths column by column, so they can't drift.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records as record
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import AuditEntry, Profile, ProfileAssignment
from hoso_shared.time import utc_now
from profile_api.audit import service as audit
from profile_api.bulk import queries
from profile_api.bulk.rows import CheckedRow

PROFILE_COLUMNS = ("id", "org_unit_id", "category", "status", "version", "incoming_on", "data", "full_name", "sex",
                   "rank_code", "birth_date", "citizen_id_enc", "key_id", "citizen_id_hmac", "sensitive_enc",
                   "created_by")


@dataclass(frozen=True, slots=True)
class NewProfile:
    number: int  # the file row it came from
    citizen_id_hmac: bytes
    profile: dict[str, Any]
    assignment: dict[str, Any]
    digest: str  # of the pending record's snapshot, which the audit entry's after_digest is too


def build_profile(row: CheckedRow, actor_id: uuid.UUID, cipher: FieldCipher, today: date) -> NewProfile:
    """CPU only (sealing, hashing): run it off the event loop."""
    assert row.items is not None and row.unit_id is not None and row.category is not None
    profile = Profile(id=uuid.uuid4(), org_unit_id=row.unit_id, category=row.category, status="active", version=0,
                      incoming_on=None, data={}, created_by=actor_id)
    record.apply_items(profile, row.items, cipher)
    snapshot = record.snapshot(profile, row.items, record.read_sections([], cipher, sensitive=True))
    _, _, digest = record.seal_snapshot(snapshot, cipher)
    return NewProfile(
        number=row.number, citizen_id_hmac=profile.citizen_id_hmac, digest=digest,
        profile={name: getattr(profile, name) for name in PROFILE_COLUMNS},
        assignment={"profile_id": profile.id, "org_unit_id": row.unit_id, "valid_from": today, "reason": "created"},
    )


def audit_entries(principal: Principal, new: list[NewProfile]) -> list[dict[str, Any]]:
    """The "create" entries `audit.record(session, principal, "create", "profile", id, after=snapshot)`
    appends one by one (unsealed: the audit sealer numbers and chains them after the commit)."""
    actor = audit.actor_of(principal)
    return [{"at": utc_now(), "actor": actor, "action": "create", "entity": "profile",
             "entity_id": str(item.profile["id"]), "fields": [], "before_digest": None, "after_digest": item.digest}
            for item in new]


async def insert_profiles(session: AsyncSession, principal: Principal, new: list[NewProfile]) -> None:
    await queries.insert_many(session, Profile, [n.profile for n in new])
    await queries.insert_many(session, ProfileAssignment, [n.assignment for n in new])
    await queries.insert_many(session, AuditEntry, audit_entries(principal, new))
