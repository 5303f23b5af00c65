"""Profile versions: each change writes a sealed snapshot and, in the same transaction, the outbox
row that announces it to the gateway (DESIGN, step 2)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records as record
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import outbox
from hoso_shared.db.models import Profile, ProfileVersion
from profile_api.profiles import queries
from profile_api.profiles.errors import VersionNotFound
from profile_api.profiles.schemas import VersionDiff, VersionSummary


@dataclass(frozen=True)
class VersionToWrite:
    profile: Profile  # at the version to write
    snapshot: record.Record
    reason: str
    changed: list[str]
    change_request_id: uuid.UUID | None
    actor_id: uuid.UUID | None


def _rows(item: VersionToWrite, cipher: FieldCipher) -> tuple[ProfileVersion, dict[str, Any]]:
    """The sealed version and the outbox row announcing it."""
    profile, changed = item.profile, sorted(item.changed)
    sealed, key_id, digest = record.seal_snapshot(item.snapshot, cipher)
    version = ProfileVersion(profile_id=profile.id, version=profile.version, snapshot_enc=sealed, key_id=key_id,
                             digest=digest, changed=changed, reason=item.reason,
                             change_request_id=item.change_request_id, created_by=item.actor_id)
    return version, outbox.announcing(profile_id=profile.id, version=profile.version,
                                      change_request_id=item.change_request_id, org_unit_id=profile.org_unit_id,
                                      reason=item.reason, changed=changed, digest=digest)


async def write_version(session: AsyncSession, profile: Profile, snapshot: record.Record, cipher: FieldCipher, *,
                        reason: str, changed: list[str], change_request_id: uuid.UUID | None,
                        actor_id: uuid.UUID | None) -> ProfileVersion:
    version, announced = _rows(VersionToWrite(profile, snapshot, reason, changed, change_request_id, actor_id),
                               cipher)
    await queries.add_version(session, version)
    await outbox.append(session, [announced])
    return version


async def write_versions(session: AsyncSession, items: list[VersionToWrite], cipher: FieldCipher) -> None:
    """`write_version` for many records: their versions in one flush, their outbox rows in one INSERT."""
    written = [_rows(item, cipher) for item in items]
    session.add_all([version for version, _ in written])
    await session.flush()
    await outbox.append(session, [announced for _, announced in written])


async def list_versions(session: AsyncSession, profile: Profile) -> list[VersionSummary]:
    return [VersionSummary.model_validate(v) for v in await queries.versions(session, profile.id)]


async def diff_versions(session: AsyncSession, profile: Profile, a: int, b: int, cipher: FieldCipher) -> VersionDiff:
    snapshots: list[dict[str, Any]] = []
    for number in (a, b):
        found = await queries.version(session, profile.id, number)
        if found is None:
            raise VersionNotFound(f"Version {number} does not exist.")
        snapshots.append(record.open_snapshot(found.snapshot_enc, found.key_id, cipher))
    return VersionDiff(profile_id=profile.id, from_version=a, to_version=b,
                       changes=record.diff(snapshots[0], snapshots[1]))
