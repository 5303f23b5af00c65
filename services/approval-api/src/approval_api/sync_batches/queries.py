from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth.subtree import escape_like
from hoso_shared.db import outbox
from hoso_shared.db.models import Account, OrgUnit, OutboxRow, SyncBatch


async def take_rows(session: AsyncSession, batch_id: uuid.UUID, unit_id: uuid.UUID, path: str) -> int:
    return await outbox.take(session, batch_id, outbox.units_synced_by(unit_id, path))


async def has_agency_account(session: AsyncSession, unit_id: uuid.UUID) -> bool:
    """Does the unit sync for itself (an enabled agency account of an agency admin sits there)?"""
    stmt = select(Account.id).where(Account.org_unit_id == unit_id, Account.kind == "agency",
                                    Account.roles.contains(["agency_admin"]), Account.disabled_at.is_(None)).limit(1)
    return (await session.execute(stmt)).first() is not None


async def open_batch(session: AsyncSession, unit_id: uuid.UUID) -> uuid.UUID | None:
    stmt = select(SyncBatch.id).where(SyncBatch.org_unit_id == unit_id, SyncBatch.state == "submitted")
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_id(session: AsyncSession, batch_id: uuid.UUID, *, lock: bool = False) -> tuple[SyncBatch, str] | None:
    stmt = (select(SyncBatch, OrgUnit.path).join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id)
            .where(SyncBatch.id == batch_id))
    if lock:
        stmt = stmt.with_for_update(of=SyncBatch)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


def _filtered(stmt: Any, prefix: str, states: list[str]) -> Any:
    stmt = stmt.join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id).where(
        OrgUnit.path.like(escape_like(prefix) + "%", escape="\\"))
    return stmt.where(SyncBatch.state.in_(states)) if states else stmt


async def listing(session: AsyncSession, prefix: str, states: list[str], limit: int) -> list[tuple[SyncBatch, int]]:
    consumed = (select(func.count()).where(OutboxRow.sync_batch_id == SyncBatch.id, OutboxRow.consumed_at.is_not(None))
                .correlate(SyncBatch).scalar_subquery())
    stmt = (_filtered(select(SyncBatch, consumed), prefix, states)
            .order_by(SyncBatch.created_at.desc(), SyncBatch.id).limit(limit))
    return [(row[0], int(row[1])) for row in await session.execute(stmt)]


async def counts(session: AsyncSession, prefix: str, states: list[str]) -> dict[str, int]:
    stmt = _filtered(select(SyncBatch.state, func.count()), prefix, states).group_by(SyncBatch.state)
    return {state: int(n) for state, n in await session.execute(stmt)}


async def consumed(session: AsyncSession, batch_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(OutboxRow.sync_batch_id == batch_id, OutboxRow.consumed_at.is_not(None))
    return int((await session.execute(stmt)).scalar_one())
