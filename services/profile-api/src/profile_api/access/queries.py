"""The reads and writes of grants and clearances: where a unit, an account, people and a scan sit (their org
paths, to check them against the caller's subtree), and the grants over a subtree, newest first."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.auth.subtree import escape_like
from hoso_shared.db.models import AccessGrant, Account, Attachment, OrgUnit, Profile


async def unit_path(session: AsyncSession, unit_id: uuid.UUID) -> str | None:
    return (await session.execute(select(OrgUnit.path).where(OrgUnit.id == unit_id))).scalar_one_or_none()


async def account_at(session: AsyncSession, account_id: uuid.UUID, *, lock: bool = False) -> tuple[Account, str] | None:
    stmt = (select(Account, OrgUnit.path).join(OrgUnit, OrgUnit.id == Account.org_unit_id)
            .where(Account.id == account_id))
    if lock:
        stmt = stmt.with_for_update(of=Account)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def profile_paths(session: AsyncSession, profile_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    stmt = (select(Profile.id, OrgUnit.path).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.id.in_(profile_ids)))
    return {pid: path for pid, path in (await session.execute(stmt)).all()}


async def attachment_path(session: AsyncSession, attachment_id: uuid.UUID) -> str | None:
    """The org path of the record a scan belongs to."""
    stmt = (select(OrgUnit.path).join(Profile, Profile.org_unit_id == OrgUnit.id)
            .join(Attachment, Attachment.profile_id == Profile.id).where(Attachment.id == attachment_id))
    return (await session.execute(stmt)).scalar_one_or_none()


def _over_subtree(principal: Principal) -> ColumnElement[bool]:
    """A grant lies over the caller's subtree: its unit does, or every person it names does."""
    prefix = escape_like(principal.org_path) + "%"
    unit_inside = exists().where(OrgUnit.id == AccessGrant.org_unit_id, OrgUnit.path.like(prefix, escape="\\"))
    person_outside = (exists().where(Profile.id == func.any(AccessGrant.profile_ids))
                      .where(OrgUnit.id == Profile.org_unit_id, not_(OrgUnit.path.like(prefix, escape="\\"))))
    return or_(and_(AccessGrant.org_unit_id.is_not(None), unit_inside),
               and_(AccessGrant.profile_ids.is_not(None), not_(person_outside)))


async def grant_over(session: AsyncSession, principal: Principal, grant_id: uuid.UUID, *,
                     lock: bool = False) -> AccessGrant | None:
    stmt = select(AccessGrant).where(AccessGrant.id == grant_id, _over_subtree(principal))
    if lock:
        stmt = stmt.with_for_update(of=AccessGrant)
    grant: AccessGrant | None = (await session.execute(stmt)).scalar_one_or_none()
    return grant


async def grants_over(session: AsyncSession, principal: Principal, *, grantee_id: uuid.UUID | None,
                      after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[AccessGrant]:
    stmt = select(AccessGrant).where(_over_subtree(principal))
    if grantee_id is not None:
        stmt = stmt.where(AccessGrant.grantee_id == grantee_id)
    if after is not None:
        stmt = stmt.where(tuple_(AccessGrant.granted_at, AccessGrant.id) < tuple_(*after))
    stmt = stmt.order_by(AccessGrant.granted_at.desc(), AccessGrant.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars())
