"""The records waiting to go back: blocked before signing or rejected by the national side, not yet
returned. Claimed with SKIP LOCKED, so several returners share the work."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import PacketRecord


async def pending(session: AsyncSession, limit: int) -> list[PacketRecord]:
    stmt = (select(PacketRecord).where(PacketRecord.status.in_(("blocked", "rejected")),
                                       PacketRecord.returned_at.is_(None),
                                       PacketRecord.change_request_id.is_not(None))
            .order_by(PacketRecord.outbox_id).limit(limit).with_for_update(skip_locked=True))
    return list((await session.scalars(stmt)).all())
