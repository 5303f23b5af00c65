"""From released outbox rows to signed packets (DESIGN step 4): each row's record is judged by the
Đúng–Đủ–Sạch–Sống rules with the full context (its changes and their evidence, duplicates, the latest
population-DB check, acknowledgements; an error keeps it out and sends it back with the rule codes,
warnings travel with it), packed per agency into packets of `packet_size` (the agency's last one
excepted), chained to the agency's previous packet, canonicalised (RFC 8785), signed (JWS ES256) and
stored, in one transaction with the rows' consumption: a crash leaves either nothing or everything, and
no row is ever packed twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import findings as rule_findings
from hoso_shared import records
from hoso_shared.canonical import canonical
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import facts, outbox
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.models import OutboxRow, Packet, PacketRecord
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.validation import Severity
from sync_gateway.national import formats as national
from sync_gateway.packets import queries, wire

NO_REQUEST = "không có yêu cầu thay đổi để trả lại / no change request to return"


@dataclass(frozen=True)
class Signer:
    key: wire.PacketKey  # EC P-256 or RSA, as the ministry issued it
    province_code: str
    packet_size: int
    wire_format: str = national.CURRENT  # HOSO_WIRE_FORMAT: what each record's `record` holds


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
    """Packs one packet of one agency (`_take` says which): its rows in id order until `packet_size` pass
    the rules, a blocked row replaced by the next, so a packet is short only when the agency has no more
    waiting. Returns what it did (all zero: nothing waiting). One packet per transaction lets delivery
    start on the first packet while the next is built, and lets several builders (every gateway process
    runs one) share a large release, each filling its own packets."""
    taken = await _take(session, signer.packet_size)
    if taken is None:
        return Built(0, 0, 0)
    agency, claimed, held = taken
    items: list[tuple[OutboxRow, dict[str, Any]]] = []
    blocked = 0
    while claimed:
        for row, snapshot, found in await _judged(session, claimed, cipher, policy, today):
            errors = rule_findings.blocking(found)
            if errors:
                blocked += 1
                session.add(PacketRecord(outbox_id=row.id, profile_id=row.profile_id, org_unit_id=row.org_unit_id,
                                         change_request_id=row.change_request_id, status="blocked",
                                         findings=errors, reason=_reason(found),
                                         returned_at=None if row.change_request_id else now))
                continue
            warnings = sorted({f["code"] for f in found if f["severity"] == Severity.WARNING.value})
            items.append((row, _record(row, snapshot, warnings)))
        # Consumed at once, so the next claim of this transaction takes the rows after these.
        await outbox.consume(session, [row.id for row in claimed], now)
        # Only the agency's holder replaces blocked rows: a sharer could meet the end of the release.
        short = signer.packet_size - len(items)
        claimed = await queries.claim_released(session, agency, short) if held and short else []
    if not items:
        return Built(0, 0, blocked)
    await _pack(session, signer, agency, items, now)
    await queries.notify_packets(session)
    return Built(1, len(items), blocked)


async def _take(session: AsyncSession, size: int) -> tuple[str, list[OutboxRow], bool] | None:
    """The agency to pack, its first rows, and whether this builder holds it. It holds the longest-waiting
    agency no other builder holds; when others hold them all, it shares one, taking a whole packet's rows
    only, so several builders still speed a one-agency release and every packet but an agency's last is full."""
    waiting = await queries.waiting_agencies(session)
    if not waiting:
        return None
    if held := await queries.hold_agency(session, waiting, size):
        return *held, True
    for agency in waiting:
        if claimed := await queries.claim_full(session, agency, size):
            return agency, claimed, False
    return None


def _reason(found: list[dict[str, Any]]) -> str:
    """The errors, as the request goes back with them: each rule's code and message, the message written
    without the person's values (`hoso_shared.findings`), since the reason is kept in the clear."""
    return "; ".join(f"{f['code']}: {rule_findings.render(f)[0]}" for f in found
                     if f["severity"] == Severity.ERROR.value)[:2000]


def _subject(row: OutboxRow, snapshot: dict[str, Any], cipher: FieldCipher) -> facts.Subject:
    """Who the version is, by its own values (a later version may have changed them)."""
    items = snapshot.get("items", {})
    born = items.get("birth_date")
    return facts.Subject(row.profile_id, str(items.get("full_name") or ""),
                         date.fromisoformat(born) if isinstance(born, str) else date.min,
                         cipher.lookup_hash(str(items.get("citizen_id") or ""), field="citizen_id"))


async def _judged(session: AsyncSession, claimed: list[OutboxRow], cipher: FieldCipher, policy: DeadlinePolicy,
                  today: date) -> list[tuple[OutboxRow, dict[str, Any], list[dict[str, Any]]]]:
    """Each row's version judged with everything the rules may know (`hoso_shared.db.facts`, read for the
    whole page in a few bounded queries): its change history and evidence, duplicates in the province,
    its latest population-DB check, release, acknowledgement and review dates, so every rule that can
    block does. A check taken before the version changed the identity it compared is left out."""
    versions = await queries.versions(session, [(r.profile_id, r.profile_version) for r in claimed])
    opened = []
    for row in claimed:
        version = versions[(row.profile_id, row.profile_version)]
        snapshot = records.open_snapshot(version.snapshot_enc, version.key_id, cipher)
        opened.append((row, snapshot, version.created_at, _subject(row, snapshot, cipher)))
    known = await facts.load(session, [subject for *_, subject in opened], reviews=True)
    calendar = await load_calendar(session)
    judged = []
    for row, snapshot, written_at, subject in opened:
        identity_changed = facts.IDENTITY & set(row.payload.get("changed", []))
        context = known.context(subject, today=today, policy=policy, calendar=calendar,
                                identity_changed_at=written_at if identity_changed else None)
        judged.append((row, snapshot, [rule_findings.stored(rule, hit)
                                       for rule, hit in rule_findings.assess(snapshot, context)]))
    return judged


async def _pack(session: AsyncSession, signer: Signer, agency: str, chunk: list[tuple[OutboxRow, dict[str, Any]]],
                now: datetime) -> None:
    last_sequence, last_hash = await queries.chain_head(session, agency)
    packet_id, sequence = uuid.uuid4(), last_sequence + 1
    payload = canonical(national.encode_packet(wire.document(
        packet_id=packet_id, province_code=signer.province_code, agency_code=agency, sequence=sequence,
        prev_hash=last_hash, created_at=now, records=[record for _, record in chunk],
        agency_id=await queries.agency_identifier(session, agency)), signer.wire_format))
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
