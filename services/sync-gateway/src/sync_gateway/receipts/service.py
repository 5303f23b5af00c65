"""The national side's signed receipts (DESIGN step 6): verified against its JWKS before anything is
read, refused when stale (older than 5 minutes: a replay) or when the id was used for other content,
recorded exactly once (a repeat is a no-op), and turned into per-record verdicts; rejected records wait
for the returner to hand them back to approval-api with the national reason."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet, PacketRecord, Receipt
from hoso_shared.jwks import KeysUnavailable, RemoteKeySet
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.receipts.errors import (
    BadReceiptSignature,
    InvalidReceipt,
    MalformedReceipt,
    NationalKeysUnavailable,
    ReceiptForAnotherAgency,
    ReceiptIdReused,
    StaleReceipt,
    UnknownPacket,
)
from sync_gateway.receipts.schemas import ReceiptBody, ReceiptTaken

FUTURE_SKEW = timedelta(minutes=1)


async def verify(token: bytes, keys: RemoteKeySet, metrics: GatewayMetrics) -> dict[str, Any]:
    try:
        kid = jws.extract_compact(token).headers().get("kid")
    except (JoseError, ValueError) as exc:
        raise MalformedReceipt() from exc
    try:
        keyset = await keys.get(kid)
    except KeysUnavailable as exc:  # ours to fix, not the sender's: it must try again later
        raise NationalKeysUnavailable(str(exc)) from exc
    try:
        verified = jws.deserialize_compact(token, keyset, algorithms=["ES256", "EdDSA"])
    except (JoseError, ValueError) as exc:
        metrics.signature_failures.inc()
        raise BadReceiptSignature() from exc
    try:
        payload: dict[str, Any] = json.loads(verified.payload)
    except ValueError as exc:
        raise MalformedReceipt("The signed payload is not JSON.") from exc
    return payload


def parse(payload: dict[str, Any], now: datetime, max_age: timedelta) -> ReceiptBody:
    try:
        body = ReceiptBody.model_validate(payload)
    except ValidationError as exc:
        raise InvalidReceipt(errors=exc.errors(include_url=False, include_context=False, include_input=False)) from None
    if body.issued_at < now - max_age or body.issued_at > now + FUTURE_SKEW:
        raise StaleReceipt(issued_at=body.issued_at.isoformat())
    return body


async def record(session: AsyncSession, body: ReceiptBody, payload: dict[str, Any], now: datetime,
                 metrics: GatewayMetrics) -> ReceiptTaken:
    # FOR NO KEY UPDATE: no delivery holds the packet's row across its POST (delivery.lease), and this lock does
    # not conflict with the key-share locks of rows inserted beside it (deliveries, other receipts).
    packet = (await session.scalars(select(Packet).where(Packet.id == body.packet_id)
                                    .with_for_update(key_share=True))).first()
    if packet is None:
        raise UnknownPacket()
    if body.agency_code is not None and body.agency_code != packet.agency_code:
        # Signed by the national side, yet about another agency's chain: its verdicts cannot be this packet's.
        raise ReceiptForAnotherAgency(packet_agency=packet.agency_code, receipt_agency=body.agency_code)
    inserted = await session.execute(
        insert(Receipt).values(id=body.receipt_id, packet_id=packet.id, outcome=body.outcome, body=payload,
                               signed_at=body.issued_at).on_conflict_do_nothing(index_elements=[Receipt.id])
        .returning(Receipt.id))
    accepted = sum(r.status == "accepted" for r in body.records)
    taken = ReceiptTaken(receipt_id=body.receipt_id, packet_id=packet.id, duplicate=False, accepted=accepted,
                         rejected=len(body.records) - accepted)
    if inserted.first() is None:
        stored = await session.get(Receipt, body.receipt_id)
        if stored is None or _content(stored.body) != _content(payload):
            raise ReceiptIdReused()
        metrics.receipts.labels("duplicate").inc()
        return taken.model_copy(update={"duplicate": True})
    await _apply(session, packet, body, now, metrics)
    metrics.receipts.labels("recorded").inc()
    return taken


def _content(payload: dict[str, Any]) -> dict[str, Any]:
    """What a receipt says, without when it was signed: a sender that re-signs its retries sends the
    same receipt with a newer `issued_at`, which is a repeat, not a reuse of the id."""
    return {k: v for k, v in payload.items() if k != "issued_at"}


async def _apply(session: AsyncSession, packet: Packet, body: ReceiptBody, now: datetime,
                 metrics: GatewayMetrics) -> None:
    """Per-record verdicts onto the packet's records (a record is decided once: a second receipt for the
    same packet cannot flip it), and the packet acknowledged."""
    for status in ("accepted", "rejected"):
        # Our record ids are ASCII numerals: isdigit() alone also takes "²" or "①", which int() refuses.
        verdicts = {int(r.record_id): r.reason for r in body.records
                    if r.status == status and r.record_id.isascii() and r.record_id.isdigit()}
        if not verdicts:
            continue
        stmt = (update(PacketRecord).where(PacketRecord.packet_id == packet.id, PacketRecord.status == "packed",
                                           PacketRecord.outbox_id.in_(verdicts))
                .values(status=status, decided_at=now).returning(PacketRecord.outbox_id))
        decided = list((await session.scalars(stmt)).all())
        metrics.records.labels(status).inc(len(decided))
        if status == "rejected":
            for outbox_id in decided:
                await session.execute(update(PacketRecord).where(PacketRecord.outbox_id == outbox_id)
                                      .values(reason=(verdicts[outbox_id] or "bị từ chối / rejected")[:2000]))
    if packet.state != "acknowledged":
        if packet.delivered_at is None:  # our record of the delivery was lost (a dropped answer)
            packet.delivered_at = now
        packet.state, packet.acknowledged_at = "acknowledged", now
        metrics.receipt_lag.observe(max(0.0, (now - packet.created_at).total_seconds()))
