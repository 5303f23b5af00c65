"""The reads and writes of grants and clearances: where a unit, an account, people and a scan sit (their org
paths, to check them against the caller's subtree), the grants over a subtree, newest first, and the written
decisions' scans."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, insert, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.auth.subtree import escape_like
from hoso_shared.db.models import AccessGrant, Account, Attachment, GrantDecision, OrgUnit, Profile


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


async def insert_decision(session: AsyncSession, values: dict[str, Any]) -> tuple[uuid.UUID, datetime]:
    stmt = insert(GrantDecision).values(**values).returning(GrantDecision.id, GrantDecision.created_at)
    row = (await session.execute(stmt)).one()
    return row[0], row[1]


async def decision_path(session: AsyncSession, decision_id: uuid.UUID) -> str | None:
    """The org path of the unit a decision was uploaded from."""
    stmt = (select(OrgUnit.path).join(GrantDecision, GrantDecision.org_unit_id == OrgUnit.id)
            .where(GrantDecision.id == decision_id))
    return (await session.execute(stmt)).scalar_one_or_none()


async def decision_file(session: AsyncSession, decision_id: uuid.UUID) -> GrantDecision | None:
    found: GrantDecision | None = await session.get(GrantDecision, decision_id)
    return found


async def attachment_file(session: AsyncSession, attachment_id: uuid.UUID) -> Attachment | None:
    """The scan of a grant made before decisions were stored on their own."""
    found: Attachment | None = await session.get(Attachment, attachment_id)
    return found


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


async def grant_seen_by(session: AsyncSession, principal: Principal, grant_id: uuid.UUID, *,
                        manages: bool) -> AccessGrant | None:
    """The grant, if it is over the caller's subtree (`manages`: the caller reads accounts) or to the caller."""
    seen = AccessGrant.grantee_id == principal.subject
    stmt = select(AccessGrant).where(AccessGrant.id == grant_id, or_(seen, _over_subtree(principal)) if manages
                                     else seen)
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
