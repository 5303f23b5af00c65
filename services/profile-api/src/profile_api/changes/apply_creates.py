"""Applying many approved `create` requests at once (a bulk approval of new records, hanoi-2024 Điều 7): what
`apply._apply_create` does for one, with a fixed number of statements per batch instead of a dozen round trips
(and a savepoint) per record, so a batch's time does not depend on how many records wait elsewhere.

The requests are read, their records locked (in id order, so two batches over the same records take turns) and
checked first; a request refused (not approved, stale, applied already) is answered alone and nothing of it is
written. The others then become version 1 in one UPDATE, with their sealed versions, outbox rows and audit entries
inserted a statement each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import ChangeRequest, OrgUnit, Profile, ProfileSectionRow, ProfileVersion
from hoso_shared.form import ProfileItems
from hoso_shared.problems import Problem
from profile_api.audit import service as audit
from profile_api.changes.errors import ChangeRequestNotApproved, ChangeRequestUnknown, StaleChangeRequest
from profile_api.changes.schemas import Applied
from profile_api.profiles import versions

CHANGED = sorted(ProfileItems.model_fields)  # all new, as creation always said


@dataclass(frozen=True)
class Checked:
    """The outcome of each create request of a batch, before anything is written: applied already, refused, or
    to apply (with its locked record)."""

    answered: dict[uuid.UUID, Applied | Problem]
    to_apply: list[tuple[ChangeRequest, Profile]]


async def check_creates(session: AsyncSession, principal: Principal, requests: list[ChangeRequest]) -> Checked:
    """Locks the records of `requests` (all `create`) and sorts them out as `apply_change_request` would one by
    one; a record missing or outside the caller's reach refuses the whole call (ChangeRequestUnknown)."""
    stmt = (select(Profile, OrgUnit.path).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.id.in_({r.profile_id for r in requests})).order_by(Profile.id)
            .with_for_update(of=Profile))
    locked = {profile.id: (profile, path) for profile, path in await session.execute(stmt)}
    stmt_done = select(ProfileVersion.change_request_id, ProfileVersion.version).where(
        ProfileVersion.change_request_id.in_([r.id for r in requests]))
    done = {row[0]: row[1] for row in await session.execute(stmt_done)}
    answered: dict[uuid.UUID, Applied | Problem] = {}
    to_apply: list[tuple[ChangeRequest, Profile]] = []
    for request in requests:
        found = locked.get(request.profile_id)
        if found is None or not principal.covers(found[1]):
            raise ChangeRequestUnknown()
        profile = found[0]
        if request.id in done:
            answered[request.id] = Applied(change_request_id=request.id, profile_id=profile.id,
                                           version=done[request.id], already_applied=True)
        elif request.state != "approved":
            answered[request.id] = ChangeRequestNotApproved(state=request.state)
        elif request.base_version != profile.version:
            answered[request.id] = StaleChangeRequest(base_version=request.base_version,
                                                      current_version=profile.version)
        else:
            to_apply.append((request, profile))
    return Checked(answered, to_apply)


async def apply_creates(session: AsyncSession, principal: Principal, to_apply: list[tuple[ChangeRequest, Profile]],
                        cipher: FieldCipher) -> dict[uuid.UUID, Applied]:
    """The checked pending records become version 1, each with its sealed version, outbox row and audit entry."""
    if not to_apply:
        return {}
    ids = [profile.id for _, profile in to_apply]
    await session.execute(update(Profile).where(Profile.id.in_(ids)).values(version=1))
    rows: dict[uuid.UUID, list[ProfileSectionRow]] = {}
    for row in (await session.execute(select(ProfileSectionRow).where(ProfileSectionRow.profile_id.in_(ids)))
                ).scalars():
        rows.setdefault(row.profile_id, []).append(row)
    written, entries = [], []
    for request, profile in to_apply:
        record = records.snapshot(profile, records.read_items(profile, cipher, sensitive=True),
                                  records.read_sections(rows.get(profile.id, []), cipher, sensitive=True))
        written.append(versions.VersionToWrite(profile, record, reason="created", changed=CHANGED,
                                               change_request_id=request.id, actor_id=request.decided_by))
        entries.append(audit.entry(principal, "apply_create_request", "profile", profile.id, after=record))
    await versions.write_versions(session, written, cipher)
    await audit.record_many(session, entries)
    return {request.id: Applied(change_request_id=request.id, profile_id=profile.id, version=1,
                                already_applied=False) for request, profile in to_apply}
