"""Sync progress per unit — the table the ministry publishes three times a week: records, changed this
month, approved, synced, acknowledged, rejected. Months are Hà Nội months."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.models import OrgUnit
from hoso_shared.problems import Forbidden, NotFound
from sync_gateway.clock import LOCAL

STAGES = ("total", "changed_this_month", "approved", "synced", "acknowledged", "rejected")

# Per target unit (the unit and its direct children), counts over its whole subtree.
_PROGRESS = text("""
WITH targets AS (SELECT id, code, name, path FROM org_units WHERE id = :unit OR parent_id = :unit)
SELECT t.id, t.code, t.name,
  (SELECT count(*) FROM profiles p JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL) AS total,
  (SELECT count(DISTINCT o.profile_id) FROM outbox o JOIN org_units u ON u.id = o.org_unit_id
    WHERE starts_with(u.path, t.path) AND o.created_at >= :since) AS changed_this_month,
  (SELECT count(*) FROM change_requests c JOIN org_units u ON u.id = c.org_unit_id
    WHERE starts_with(u.path, t.path) AND c.state IN ('approved', 'applied') AND c.decided_at >= :since) AS approved,
  (SELECT count(*) FROM packet_records r JOIN packets k ON k.id = r.packet_id JOIN org_units u ON u.id = r.org_unit_id
    WHERE starts_with(u.path, t.path) AND k.state IN ('delivered', 'acknowledged') AND r.created_at >= :since)
    AS synced,
  (SELECT count(*) FROM packet_records r JOIN org_units u ON u.id = r.org_unit_id
    WHERE starts_with(u.path, t.path) AND r.status = 'accepted' AND r.created_at >= :since) AS acknowledged,
  (SELECT count(*) FROM packet_records r JOIN org_units u ON u.id = r.org_unit_id
    WHERE starts_with(u.path, t.path) AND r.status IN ('rejected', 'blocked') AND r.created_at >= :since) AS rejected
FROM targets t ORDER BY t.path
""")


class UnitProgress(BaseModel):
    org_unit_id: uuid.UUID
    org_unit_code: str
    org_unit_name: str
    total: int
    changed_this_month: int
    approved: int
    synced: int
    acknowledged: int
    rejected: int


class Progress(BaseModel):
    month: str
    units: list[UnitProgress]


def month_start(now: datetime) -> datetime:
    local = now.astimezone(LOCAL)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


async def progress(session: AsyncSession, unit_id: uuid.UUID, now: datetime) -> Progress:
    since = month_start(now)
    rows = await session.execute(_PROGRESS, {"unit": unit_id, "since": since})
    units = [UnitProgress(org_unit_id=r[0], org_unit_code=r[1], org_unit_name=r[2],
                          **{stage: int(r[3 + i]) for i, stage in enumerate(STAGES)}) for r in rows]
    return Progress(month=since.astimezone(LOCAL).strftime("%Y-%m"), units=units)


async def for_caller(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID | None,
                     now: datetime) -> Progress:
    if not (principal.has_scopes("reports:read") or principal.has_scopes("sync-batches:read")):
        raise Forbidden("Sync progress needs reports:read.", missing_scopes=["reports:read"])
    unit_id = org_unit_id or principal.org_unit_id
    path = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == unit_id))).scalar_one_or_none()
    if path is None or not principal.covers(path):
        raise NotFound("No such unit in your subtree.")
    return await progress(session, unit_id, now)


async def roots(session: AsyncSession) -> list[Any]:
    return list((await session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))).all())
