from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OutboxRow, Packet, PacketRecord


async def claim(session: AsyncSession, now: datetime) -> Packet | None:
    """The packet due soonest that no other worker holds; held (row lock) until this transaction ends —
    if the worker dies mid-delivery its connection drops, the lock with it, and another worker retries
    with the same Idempotency-Key."""
    stmt = (select(Packet).where(Packet.state == "queued", Packet.next_attempt_at <= now)
            .order_by(Packet.next_attempt_at).limit(1).with_for_update(skip_locked=True))
    return (await session.scalars(stmt)).first()


async def by_id(session: AsyncSession, packet_id: uuid.UUID, *, lock: bool = False) -> Packet | None:
    stmt = select(Packet).where(Packet.id == packet_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()


async def depth(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Packet.state, func.count()).group_by(Packet.state))
    return {state: int(n) for state, n in rows}


async def outbox_waiting(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(OutboxRow).where(OutboxRow.released_at.is_not(None),
                                                           OutboxRow.consumed_at.is_(None))
    return int((await session.execute(stmt)).scalar_one())


async def records_of(session: AsyncSession, change_request_ids: list[uuid.UUID]) -> list[PacketRecord]:
    """The records announcing these change requests, found through the outbox's unique index on the request
    (packet_records has none of its own)."""
    stmt = (select(PacketRecord).join(OutboxRow, OutboxRow.id == PacketRecord.outbox_id)
            .where(OutboxRow.change_request_id.in_(change_request_ids)).order_by(PacketRecord.outbox_id))
    return list((await session.scalars(stmt)).all())
