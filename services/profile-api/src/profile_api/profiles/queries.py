from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import OrgUnit, Profile
from profile_api.profiles.schemas import ProfileFilter


def _visible(principal: Principal, *, self_only: bool) -> Select[Any]:
    stmt = select(Profile).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
    if self_only:
        return stmt.where(Profile.id == principal.profile_id)
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


async def visible_profile(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                          self_only: bool) -> Profile | None:
    stmt = _visible(principal, self_only=self_only).where(Profile.id == profile_id)
    profile: Profile | None = (await session.execute(stmt)).scalar_one_or_none()
    return profile


async def unit_path(session: AsyncSession, org_unit_id: uuid.UUID) -> str | None:
    return (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar()


async def list_visible_profiles(session: AsyncSession, principal: Principal, flt: ProfileFilter, *,
                                self_only: bool, after: uuid.UUID | None, limit: int,
                                within_path: str | None) -> list[Profile]:
    stmt = _visible(principal, self_only=self_only)
    if within_path is not None:
        stmt = stmt.where(OrgUnit.path.startswith(within_path, autoescape=True))
    if flt.status:
        stmt = stmt.where(Profile.status == flt.status)
    if flt.category:
        stmt = stmt.where(Profile.category == flt.category)
    if flt.name_prefix:
        stmt = stmt.where(Profile.full_name.startswith(flt.name_prefix, autoescape=True))
    if after is not None:
        stmt = stmt.where(Profile.id > after)
    stmt = stmt.order_by(Profile.id).limit(limit)
    return list((await session.execute(stmt)).scalars())
