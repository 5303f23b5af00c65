from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth.subtree import escape_like
from hoso_shared.db.models import Account, OrgUnit, OutboxRow, SyncBatch

# The approved changes of a unit's subtree not yet in a batch — except those of sub-units that have
# their own agency account (they submit their own batches; a parent submits only for those without).
_TAKE = text("""
UPDATE outbox SET sync_batch_id = :batch
WHERE id IN (
    SELECT o.id FROM outbox o JOIN org_units u ON u.id = o.org_unit_id
    WHERE o.sync_batch_id IS NULL AND o.released_at IS NULL AND u.path LIKE :prefix ESCAPE '\\'
      AND NOT EXISTS (
          SELECT 1 FROM accounts a JOIN org_units au ON au.id = a.org_unit_id
          WHERE a.kind = 'agency' AND 'agency_admin' = ANY(a.roles) AND a.disabled_at IS NULL AND au.id <> :unit
            AND au.path LIKE :prefix ESCAPE '\\' AND starts_with(u.path, au.path))
    FOR UPDATE OF o SKIP LOCKED)
""")


async def take_rows(session: AsyncSession, batch_id: uuid.UUID, unit_id: uuid.UUID, path: str) -> int:
    result = await session.execute(_TAKE, {"batch": batch_id, "unit": unit_id, "prefix": escape_like(path) + "%"})
    return int(result.rowcount)  # type: ignore[attr-defined]


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


async def release(session: AsyncSession, batch_id: uuid.UUID, now: datetime) -> int:
    result = await session.execute(update(OutboxRow).where(OutboxRow.sync_batch_id == batch_id)
                                   .values(released_at=now))
    # The gateway LISTENs; the notification is delivered when this transaction commits.
    await session.execute(text("SELECT pg_notify('hoso_outbox', :batch)"), {"batch": str(batch_id)})
    return int(result.rowcount)  # type: ignore[attr-defined]


async def detach(session: AsyncSession, batch_id: uuid.UUID) -> None:
    await session.execute(update(OutboxRow).where(OutboxRow.sync_batch_id == batch_id, OutboxRow.released_at.is_(None))
                          .values(sync_batch_id=None))


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
