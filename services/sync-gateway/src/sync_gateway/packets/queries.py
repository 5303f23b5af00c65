from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit, OutboxRow, PacketChain, ProfileVersion, SyncBatch


async def claim_released(session: AsyncSession, limit: int) -> list[tuple[OutboxRow, str]]:
    """Released rows no builder has taken, each with the code of the agency whose batch released it;
    locked (others skip them) until this transaction marks them consumed."""
    stmt = (select(OutboxRow, OrgUnit.code)
            .join(SyncBatch, SyncBatch.id == OutboxRow.sync_batch_id)
            .join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id)
            .where(OutboxRow.released_at.is_not(None), OutboxRow.consumed_at.is_(None))
            .order_by(OutboxRow.id).limit(limit).with_for_update(of=OutboxRow, skip_locked=True))
    return [(row[0], row[1]) for row in await session.execute(stmt)]


async def versions(session: AsyncSession, keys: list[tuple[uuid.UUID, int]]) -> dict[tuple[uuid.UUID, int], Any]:
    if not keys:
        return {}
    stmt = select(ProfileVersion).where(tuple_(ProfileVersion.profile_id, ProfileVersion.version).in_(keys))
    return {(v.profile_id, v.version): v for v in (await session.scalars(stmt)).all()}


async def chain_head(session: AsyncSession, agency_code: str) -> tuple[int, str | None]:
    """(last sequence, last hash) of the agency, locked until the transaction ends: packets of one
    agency are built one at a time, so the chain has no gaps and no forks."""
    await session.execute(insert(PacketChain).values(agency_code=agency_code, last_sequence=0, last_hash="")
                          .on_conflict_do_nothing(index_elements=[PacketChain.agency_code]))
    stmt = select(PacketChain).where(PacketChain.agency_code == agency_code).with_for_update()
    chain = (await session.scalars(stmt)).one()
    return chain.last_sequence, chain.last_hash or None


async def advance_chain(session: AsyncSession, agency_code: str, sequence: int, digest: str) -> None:
    await session.execute(update(PacketChain).where(PacketChain.agency_code == agency_code)
                          .values(last_sequence=sequence, last_hash=digest))


async def notify_packets(session: AsyncSession) -> None:
    """Wakes delivery workers (delivered when the transaction commits)."""
    await session.execute(text("SELECT pg_notify('hoso_packets', '')"))
