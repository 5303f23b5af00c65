"""Sync progress per unit — the table the ministry publishes three times a week: records, changed this
month, approved, synced, acknowledged, rejected. Months are Hà Nội months. What each column counts is
`hoso_shared.db.progress`'s (as on the public progress page): records kept and records changed, then the
changes approved, synced, acknowledged and rejected, as the national side counts them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db import progress as sync_progress
from hoso_shared.db.models import OrgUnit
from hoso_shared.problems import Forbidden, NotFound
from hoso_shared.time import ZONE

STAGES = ("total", "changed_this_month", "approved", "synced", "acknowledged", "rejected")


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
    local = now.astimezone(ZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _row(unit: Any, counts: sync_progress.Counts) -> UnitProgress:
    return UnitProgress(org_unit_id=unit.id, org_unit_code=unit.code, org_unit_name=unit.name, total=counts.total,
                        changed_this_month=counts.records["changed"], approved=counts.changes["approved"],
                        synced=counts.changes["synced"], acknowledged=counts.changes["acknowledged"],
                        rejected=counts.changes["rejected"])


async def progress(session: AsyncSession, unit_id: uuid.UUID, now: datetime) -> Progress:
    """The unit, then its direct children, each counting its whole subtree."""
    since = month_start(now)
    units = (await session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name)
                                   .where(or_(OrgUnit.id == unit_id, OrgUnit.parent_id == unit_id))
                                   .order_by(OrgUnit.path))).all()
    counts = await sync_progress.counts(session, [u.id for u in units], since)
    return Progress(month=since.astimezone(ZONE).strftime("%Y-%m"), units=[_row(u, counts[u.id]) for u in units])


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
