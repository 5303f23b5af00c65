from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, Attachment, ChangeRequest, OrgUnit, Profile, ProfileAssignment
from hoso_shared.time import utc_now


async def attachment_ids(session: AsyncSession, profile_id: uuid.UUID) -> set[uuid.UUID]:
    stmt = select(Attachment.id).where(Attachment.profile_id == profile_id)
    return set((await session.execute(stmt)).scalars())


async def change_request(session: AsyncSession, change_request_id: uuid.UUID) -> ChangeRequest | None:
    found: ChangeRequest | None = await session.get(ChangeRequest, change_request_id)
    return found


async def lock_profile(session: AsyncSession, profile_id: uuid.UUID) -> tuple[Profile, str] | None:
    stmt = (select(Profile, OrgUnit.path).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.id == profile_id).with_for_update(of=Profile))
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def unit_path(session: AsyncSession, org_unit_id: uuid.UUID) -> str | None:
    return (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar()


async def reassign(session: AsyncSession, profile: Profile, to_unit: uuid.UUID, on: date, reason: str) -> None:
    await session.execute(update(ProfileAssignment)
                          .where(ProfileAssignment.profile_id == profile.id, ProfileAssignment.valid_to.is_(None))
                          .values(valid_to=on))
    session.add(ProfileAssignment(profile_id=profile.id, org_unit_id=to_unit, valid_from=on, reason=reason))
    await session.execute(update(Account).where(Account.profile_id == profile.id).values(org_unit_id=to_unit))


async def close_assignment(session: AsyncSession, profile: Profile, on: date) -> None:
    await session.execute(update(ProfileAssignment)
                          .where(ProfileAssignment.profile_id == profile.id, ProfileAssignment.valid_to.is_(None))
                          .values(valid_to=on))


async def disable_accounts(session: AsyncSession, profile: Profile) -> None:
    await session.execute(update(Account).where(Account.profile_id == profile.id, Account.disabled_at.is_(None))
                          .values(disabled_at=utc_now()))
