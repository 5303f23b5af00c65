"""From released outbox rows to signed packets (DESIGN step 4): each row's record is judged by the
Đúng–Đủ–Sạch–Sống rules (an error keeps it out and sends it back; warnings travel with it), grouped
per agency into packets of at most `packet_size`, chained to the agency's previous packet,
canonicalised (RFC 8785), signed (JWS ES256) and stored, in one transaction with the rows' consumption:
a crash leaves either nothing or everything, and no row is ever packed twice."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from joserfc.jwk import ECKey
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.canonical import canonical
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import outbox
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.models import OutboxRow, Packet, PacketRecord
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.validation import Context, Severity, judge
from sync_gateway.packets import queries, wire

NO_REQUEST = "không có yêu cầu thay đổi để trả lại / no change request to return"


@dataclass(frozen=True)
class Signer:
    key: ECKey
    province_code: str
    packet_size: int


@dataclass(frozen=True)
class Built:
    packets: int
    records: int
    blocked: int


def _record(row: OutboxRow, snapshot: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    request = str(row.change_request_id) if row.change_request_id else None
    return {"record_id": str(row.id), "change_request_id": request,
            "citizen_id": snapshot.get("items", {}).get("citizen_id"), "profile_version": row.profile_version,
            "kind": row.payload.get("kind", "change"), "changed": row.payload.get("changed", []),
            "record": {"items": snapshot.get("items", {}), "sections": snapshot.get("sections", {})},
            "warnings": warnings}


async def build_once(session: AsyncSession, signer: Signer, cipher: FieldCipher, policy: DeadlinePolicy,
                     now: datetime, today: date) -> Built:
    """Packs up to one packet's worth of released rows; returns what it did (all zero: nothing waiting).
    One packet per transaction lets delivery start on the first packet while the next is built, and
    lets several builders (every gateway process runs one) share a large release."""
    claimed = await queries.claim_released(session, signer.packet_size)
    if not claimed:
        return Built(0, 0, 0)
    snapshots = await queries.versions(session, [(r.profile_id, r.profile_version) for r, _ in claimed])
    context = Context(today=today, policy=policy, calendar=await load_calendar(session))
    per_agency: dict[str, list[tuple[OutboxRow, dict[str, Any]]]] = defaultdict(list)
    blocked = 0
    for row, agency in claimed:
        version = snapshots[(row.profile_id, row.profile_version)]
        snapshot = records.open_snapshot(version.snapshot_enc, version.key_id, cipher)
        findings = judge(snapshot, context).findings
        errors = sorted({f.code for f in findings if f.severity is Severity.ERROR})
        if errors:
            blocked += 1
            session.add(PacketRecord(outbox_id=row.id, profile_id=row.profile_id, org_unit_id=row.org_unit_id,
                                     change_request_id=row.change_request_id, status="blocked", findings=errors,
                                     reason="; ".join(f"{f.code}: {f.message_vi}" for f in findings
                                                      if f.severity is Severity.ERROR)[:2000],
                                     returned_at=None if row.change_request_id else now))
            continue
        warnings = sorted({f.code for f in findings if f.severity is Severity.WARNING})
        per_agency[agency].append((row, _record(row, snapshot, warnings)))
    packed = 0
    packets = 0
    for agency, items in sorted(per_agency.items()):
        for start in range(0, len(items), signer.packet_size):
            chunk = items[start:start + signer.packet_size]
            await _pack(session, signer, agency, chunk, now)
            packed += len(chunk)
            packets += 1
    await outbox.consume(session, [r.id for r, _ in claimed], now)
    if packets:
        await queries.notify_packets(session)
    return Built(packets, packed, blocked)


async def _pack(session: AsyncSession, signer: Signer, agency: str, chunk: list[tuple[OutboxRow, dict[str, Any]]],
                now: datetime) -> None:
    last_sequence, last_hash = await queries.chain_head(session, agency)
    packet_id, sequence = uuid.uuid4(), last_sequence + 1
    payload = canonical(wire.document(
        packet_id=packet_id, province_code=signer.province_code, agency_code=agency, sequence=sequence,
        prev_hash=last_hash, created_at=now, records=[record for _, record in chunk]))
    digest = wire.digest(payload)
    session.add(Packet(id=packet_id, agency_code=agency, sequence=sequence, prev_hash=last_hash, body=payload,
                       body_hash=digest, jws=wire.sign(payload, signer.key), kid=signer.key.kid,
                       record_count=len(chunk), next_attempt_at=now))
    await session.flush()
    await session.execute(insert(PacketRecord), [
        {"outbox_id": row.id, "packet_id": packet_id, "profile_id": row.profile_id, "org_unit_id": row.org_unit_id,
         "change_request_id": row.change_request_id, "status": "packed", "findings": record["warnings"]}
        for row, record in chunk])
    await queries.advance_chain(session, agency, sequence, digest)
