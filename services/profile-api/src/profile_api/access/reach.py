"""The level a caller reads one record at (Quy chế Hà Nội 2024 Điều 4 khoản 3): the person, their whole record;
in the caller's subtree, their clearance (hoso_shared.auth.clearance); anywhere, what an active written grant
gives them (Điều 8 khoản 3), the best of these. Grants are looked up on every read that could use one (no job
expires or applies them), with the day of the injected clock, so one revoked or past its last day stops at once;
a caller already at the top level in their subtree asks nothing more."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, clearance_of
from hoso_shared.auth.clearance import OWN_RECORD
from hoso_shared.db.models import AccessGrant
from hoso_shared.form.levels import TOP_LEVEL


def is_active(grant: AccessGrant, today: date) -> bool:
    """A grant works from its first day to the end of its last (Hà Nội days), until revoked (`GRANT_LEVEL` asks
    the same in SQL)."""
    return grant.revoked_at is None and grant.starts_on <= today <= grant.ends_on


# Written once as SQL, so no statement is built per request: it runs on most reads by callers below the top level.
GRANT_LEVEL = text("""
SELECT max(g.level) FROM access_grants g
JOIN profiles p ON p.id = :profile_id
JOIN org_units pu ON pu.id = p.org_unit_id
LEFT JOIN org_units gu ON gu.id = g.org_unit_id
WHERE g.grantee_id = :grantee_id AND g.revoked_at IS NULL AND g.starts_on <= :today AND g.ends_on >= :today
  AND (p.id = ANY(g.profile_ids) OR starts_with(pu.path, gu.path))
""")


async def grant_level(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, today: date) -> int | None:
    """The best level the caller's grants active `today` give over this record (its subtree or the person named);
    None if none covers it."""
    params = {"profile_id": profile_id, "grantee_id": principal.subject, "today": today}
    level: int | None = (await session.execute(GRANT_LEVEL, params)).scalar_one_or_none()
    return level


async def level_within_reach(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, today: date) -> int:
    """The level of a record already in the caller's reach: their own record whole, else their clearance,
    raised by a grant over it."""
    if principal.profile_id == profile_id:
        return OWN_RECORD
    own = clearance_of(principal)
    if own >= TOP_LEVEL:
        return own
    granted = await grant_level(session, principal, profile_id, today)
    return own if granted is None else max(own, granted)


def granted_reader(principal: Principal, level: int) -> Principal:
    """The caller reading one record a grant covers, beyond their subtree: that record is loaded by its id with no
    subtree bound (`org_path` "/", every path's prefix), at the grant's level. Used only after `grant_level`
    found a grant over that very record, and only to load it."""
    return replace(principal, org_path="/", clearance=level, scopes=principal.scopes | {"profiles:read"})
