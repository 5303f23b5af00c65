"""What the chain verifier reads: stored packets in sequence per agency, their sealed bytes one packet at
a time (so an unreadable one is named, and memory stays bounded at province scale), and each agency's head."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet, PacketChain

PAGE = 200  # packet headers read per query (no bodies)


@dataclass(frozen=True)
class StoredPacket:
    id: uuid.UUID
    agency_code: str
    sequence: int
    prev_hash: str | None
    body_hash: str
    kid: str
    record_count: int
    created_at: datetime  # the day its certificate must have been valid on (chain.certificates)


async def snapshot(session: AsyncSession) -> None:
    """One consistent, read-only view for the whole run while builders keep appending: the heads read at
    the end belong to the same moment as the packets read before them."""
    await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))


async def agencies(session: AsyncSession, agency_code: str | None) -> list[str]:
    """Agencies with stored packets or a chain head, in code order (only `agency_code` when given)."""
    codes = select(Packet.agency_code).union(select(PacketChain.agency_code)).subquery()
    stmt = select(codes.c.agency_code).order_by(codes.c.agency_code)
    if agency_code is not None:
        stmt = stmt.where(codes.c.agency_code == agency_code)
    return list((await session.scalars(stmt)).all())


async def packets(session: AsyncSession, agency_code: str) -> AsyncIterator[StoredPacket]:
    """The agency's packets in sequence order, a page of headers at a time."""
    after = 0
    while True:
        stmt = (select(Packet.id, Packet.agency_code, Packet.sequence, Packet.prev_hash, Packet.body_hash, Packet.kid,
                       Packet.record_count, Packet.created_at)
                .where(Packet.agency_code == agency_code, Packet.sequence > after)
                .order_by(Packet.sequence).limit(PAGE))
        page = [StoredPacket(*row) for row in await session.execute(stmt)]
        for packet in page:
            yield packet
        if len(page) < PAGE:
            return
        after = page[-1].sequence


async def sealed(session: AsyncSession, packet_id: uuid.UUID) -> tuple[bytes, str]:
    """The packet's canonical bytes and its compact JWS, opened (the engine's field cipher)."""
    row = (await session.execute(select(Packet.body, Packet.jws).where(Packet.id == packet_id))).one()
    return row[0], row[1]


async def head(session: AsyncSession, agency_code: str) -> tuple[int, str | None] | None:
    """(last sequence, last hash) the builder recorded for the agency, or None when it has no head."""
    chain = await session.get(PacketChain, agency_code)
    return None if chain is None else (chain.last_sequence, chain.last_hash or None)
