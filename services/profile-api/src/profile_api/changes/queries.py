from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, Attachment, ChangeRequest, OrgUnit, Profile, ProfileAssignment
from hoso_shared.time import utc_now


async def attachment_ids(session: AsyncSession, profile_id: uuid.UUID) -> set[uuid.UUID]:
    stmt = select(Attachment.id).where(Attachment.profile_id == profile_id)
    return set((await session.execute(stmt)).scalars())


async def change_request(session: AsyncSession, change_request_id: uuid.UUID) -> ChangeRequest | None:
    found: ChangeRequest | None = await session.get(ChangeRequest, change_request_id)
    return found


async def change_requests(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, ChangeRequest]:
    """Many requests in one statement (a batch to apply), by id."""
    stmt = select(ChangeRequest).where(ChangeRequest.id.in_(ids))
    return {request.id: request for request in (await session.execute(stmt)).scalars()}


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


# --- pending new records (hanoi-2024 Điều 7): approval-api writes their create requests; we only read them ---

CLOSED_CREATES = ("rejected", "withdrawn")  # final: the record will never be approved


def _pending() -> ColumnElement[bool]:
    return and_(Profile.version == 0, Profile.archived_at.is_(None))


async def unforwarded_creates(session: AsyncSession, entered_before: datetime, limit: int) -> list[Profile]:
    """Pending records entered before `entered_before`, with a known creator, for which approval-api holds no
    create request: oldest first."""
    requested = exists().where(ChangeRequest.profile_id == Profile.id, ChangeRequest.kind == "create")
    stmt = (select(Profile).where(_pending(), Profile.created_at < entered_before, Profile.created_by.is_not(None),
                                  ~requested)
            .order_by(Profile.created_at, Profile.id).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def lock_closed_creates(session: AsyncSession, limit: int) -> list[tuple[Profile, str]]:
    """Pending records whose create request was rejected or withdrawn, with that state, locked until the
    transaction ends; rows another replica holds are skipped (it is archiving them)."""
    stmt = (select(Profile, ChangeRequest.state)
            .join(ChangeRequest, and_(ChangeRequest.profile_id == Profile.id, ChangeRequest.kind == "create"))
            .where(_pending(), ChangeRequest.state.in_(CLOSED_CREATES))
            .order_by(Profile.created_at, Profile.id).limit(limit)
            .with_for_update(of=Profile, skip_locked=True))
    return [(profile, state) for profile, state in await session.execute(stmt)]


async def end_unapproved_assignment(session: AsyncSession, profile_id: uuid.UUID) -> None:
    """The record was never approved: its assignment ends where it began (an empty period), so no list of a
    unit's people, for any day, counts the person through it."""
    await session.execute(update(ProfileAssignment)
                          .where(ProfileAssignment.profile_id == profile_id, ProfileAssignment.valid_to.is_(None))
                          .values(valid_to=ProfileAssignment.valid_from))
