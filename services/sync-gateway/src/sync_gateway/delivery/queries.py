from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OutboxRow, Packet, PacketRecord


async def claim(session: AsyncSession, now: datetime) -> Packet | None:
    """The packet due soonest that no worker holds: unleased, or its lease expired (the worker died or
    hung). Locked only until this short transaction ends, in which the caller writes its lease; FOR NO KEY
    UPDATE, so rows inserted meanwhile that reference the packet (receipts, deliveries) do not wait."""
    stmt = (select(Packet).where(Packet.state == "queued", Packet.next_attempt_at <= now,
                                 or_(Packet.lease_until.is_(None), Packet.lease_until < now))
            .order_by(Packet.next_attempt_at).limit(1).with_for_update(skip_locked=True, key_share=True))
    return (await session.scalars(stmt)).first()


async def held(session: AsyncSession, packet_id: uuid.UUID, token: uuid.UUID) -> Packet | None:
    """The packet if this lease still holds it (locked for the outcome's short transaction); None when the
    lease was lost — expired and claimed by another worker, who now owns the outcome."""
    stmt = (select(Packet).where(Packet.id == packet_id, Packet.lease_token == token)
            .with_for_update(key_share=True))
    return (await session.scalars(stmt)).first()


async def release(session: AsyncSession, packet_id: uuid.UUID, token: uuid.UUID) -> bool:
    """Ends this lease, if it still holds the packet: due again now, by any worker."""
    stmt = (update(Packet).where(Packet.id == packet_id, Packet.lease_token == token)
            .values(lease_token=None, lease_until=None).returning(Packet.id))
    return (await session.execute(stmt)).first() is not None


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
