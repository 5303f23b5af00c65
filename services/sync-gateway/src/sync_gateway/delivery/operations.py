"""What an operator does with the queue: look at it, inspect a packet, follow a change request's record
(packed, blocked by a rule, accepted or rejected), and send dead letters again (retry one, or replay many).
Re-queued packets keep their id, so NDXP sees a repeat, not a new packet."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from hoso_shared import cursors
from hoso_shared.db.models import Delivery, Packet, PacketRecord, Receipt
from hoso_shared.problems import Conflict, NotFound
from sync_gateway.delivery import queries
from sync_gateway.delivery.schemas import (
    DeliveryRead,
    PacketDetail,
    PacketPage,
    PacketRead,
    PacketRecordPage,
    PacketRecordRead,
    Replay,
    Replayed,
)


class PacketNotFound(NotFound):
    slug, title = "packet-not-found", "No such packet"


class NotDead(Conflict):
    slug, title = "packet-not-dead", "Only a dead-lettered packet can be retried"


async def listing(session: AsyncSession, state: str | None, agency_code: str | None, limit: int,
                  cursor: str | None = None) -> PacketPage:
    # Not the sealed bodies and signatures: a listing would open every one of them to show none.
    stmt = (select(Packet).options(defer(Packet.body, raiseload=True), defer(Packet.jws, raiseload=True))
            .order_by(Packet.created_at.desc(), Packet.id.desc()).limit(limit + 1))
    if state:
        stmt = stmt.where(Packet.state == state)
    if agency_code:
        stmt = stmt.where(Packet.agency_code == agency_code)
    if cursor:
        stmt = stmt.where(tuple_(Packet.created_at, Packet.id) < tuple_(*cursors.decode(cursor)))
    found = list((await session.scalars(stmt)).all())
    return PacketPage(items=[PacketRead.model_validate(p) for p in found[:limit]], counts=await queries.depth(session),
                      next_cursor=cursors.following(found, limit, lambda p: (p.created_at, p.id)))


async def detail(session: AsyncSession, packet_id: uuid.UUID) -> PacketDetail:
    packet = await queries.by_id(session, packet_id)
    if packet is None:
        raise PacketNotFound()
    deliveries = (await session.scalars(select(Delivery).where(Delivery.packet_id == packet_id)
                                        .order_by(Delivery.attempt))).all()
    receipts = (await session.scalars(select(Receipt).where(Receipt.packet_id == packet_id)
                                      .order_by(Receipt.received_at))).all()
    counts = await session.execute(select(PacketRecord.status, func.count()).where(PacketRecord.packet_id == packet_id)
                                   .group_by(PacketRecord.status))
    return PacketDetail(**PacketRead.model_validate(packet).model_dump(),
                        deliveries=[DeliveryRead.model_validate(d) for d in deliveries],
                        receipts=[r.body for r in receipts], records={s: int(n) for s, n in counts})


async def records(session: AsyncSession, change_request_ids: list[uuid.UUID]) -> PacketRecordPage:
    found = await queries.records_of(session, change_request_ids)
    return PacketRecordPage(items=[PacketRecordRead.model_validate(r) for r in found])


async def jws(session: AsyncSession, packet_id: uuid.UUID) -> str:
    packet = await queries.by_id(session, packet_id)
    if packet is None:
        raise PacketNotFound()
    return packet.jws


async def retry(session: AsyncSession, packet_id: uuid.UUID, now: datetime) -> PacketRead:
    packet = await queries.by_id(session, packet_id, lock=True)
    if packet is None:
        raise PacketNotFound()
    if packet.state != "dead":
        raise NotDead(state=packet.state)
    packet.state, packet.attempts, packet.next_attempt_at = "queued", 0, now
    return PacketRead.model_validate(packet)


async def replay(session: AsyncSession, body: Replay, now: datetime) -> Replayed:
    stmt = update(Packet).where(Packet.state == "dead").values(state="queued", attempts=0, next_attempt_at=now)
    if body.agency_code:
        stmt = stmt.where(Packet.agency_code == body.agency_code)
    result = await session.execute(stmt.returning(Packet.id))
    return Replayed(requeued=len(result.all()))
