"""Re-verifies the packets the gateway stored, agency by agency in sequence, as the national side would:
each body against its sha256, each link to the previous packet, each signature against the keys we
publish (`sync_gateway.keys`), and, given trust anchors, each signing key's certificate chain to them; then the
agency's head (what the builder chains the next packet to)
against its last packet. Stops at the first break and says where it is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from sqlalchemy.ext.asyncio import AsyncSession

from sync_gateway.chain import certificates, queries
from sync_gateway.chain.checks import HASH, LINK, START, Fault, Key, Previous, check, published_keys
from sync_gateway.keys import service as signing


@dataclass
class AgencySummary:
    agency_code: str
    packets: int = 0
    records: int = 0
    first_sequence: int | None = None
    last_sequence: int | None = None


@dataclass(frozen=True)
class Break:
    agency_code: str
    sequence: int
    packet_id: uuid.UUID | None  # None: the head names a packet that is not stored
    kind: str  # checks.HASH | LINK | SIGNATURE
    detail: str


@dataclass
class Report:
    agencies: list[AgencySummary] = field(default_factory=list)
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


async def verify_chains(session: AsyncSession, agency_code: str | None = None,
                        anchors: certificates.Anchors | None = None) -> Report:
    """Every agency's chain (or only `agency_code`'s), until the first break."""
    keys = published_keys(await signing.jwks(session))
    report = Report()
    for code in await queries.agencies(session, agency_code):
        summary = AgencySummary(code)
        report.agencies.append(summary)
        report.broken = await _verify_agency(session, summary, keys, anchors)
        if report.broken is not None:
            break
    return report


async def _verify_agency(session: AsyncSession, summary: AgencySummary, keys: dict[str, Key],
                         anchors: certificates.Anchors | None) -> Break | None:
    previous = START
    async for packet in queries.packets(session, summary.agency_code):
        try:
            body, token = await queries.sealed(session, packet.id)
        except (InvalidTag, KeyError, ValueError):
            fault: Fault | None = Fault(HASH, "nội dung niêm phong không mở được bằng khoá trường đã cấu hình / the "
                                              "sealed body does not open with the configured field keys")
        else:
            fault = check(packet, body, token, previous, keys, anchors)
        if fault is not None:
            return Break(summary.agency_code, packet.sequence, packet.id, fault.kind, fault.detail)
        previous = Previous(packet.sequence, packet.body_hash)
        summary.packets += 1
        summary.records += packet.record_count
        summary.first_sequence = summary.first_sequence or packet.sequence
        summary.last_sequence = packet.sequence
    return await _head_follows(session, summary.agency_code, previous)


async def _head_follows(session: AsyncSession, agency_code: str, last: Previous) -> Break | None:
    """The builder chains the agency's next packet to its head: a head past the last stored packet means
    packets are missing; a head with another hash would fork the chain."""
    head = await queries.head(session, agency_code)
    if head is None or head == (last.sequence, last.hash):
        return None
    return Break(agency_code, head[0], None, LINK,
                 f"đầu chuỗi ghi số {head[0]} (hash {head[1]}), gói cuối đã lưu là số {last.sequence} / the chain "
                 f"head names sequence {head[0]}, the last stored packet is {last.sequence}")
