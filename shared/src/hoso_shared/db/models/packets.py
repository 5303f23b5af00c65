"""Written by sync-gateway. Signed packets, their delivery attempts, the national side's receipts,
and the gateway's signing keys. Packet bytes and signatures are immutable once stored."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey
from hoso_shared.db.sealed import SealedBytes, SealedJSON, SealedText


class Packet(UUIDKey, Base):
    __tablename__ = "packets"

    agency_code: Mapped[str] = mapped_column(Text)
    sequence: Mapped[int]
    prev_hash: Mapped[str | None] = mapped_column(Text)
    # Both sealed: the records synced, whole. The hash and the signature are over the clear canonical bytes.
    body: Mapped[bytes] = mapped_column(SealedBytes("packets.body"))  # RFC 8785 canonical JSON
    body_hash: Mapped[str] = mapped_column(Text)
    jws: Mapped[str] = mapped_column(SealedText("packets.jws"))
    kid: Mapped[str] = mapped_column(Text)
    record_count: Mapped[int]
    state: Mapped[str] = mapped_column(Text, server_default="queued")
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    delivered_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    # A delivery worker's claim (sync_gateway.delivery.lease): whose it is and until when. No row lock is held
    # across the POST; an expired lease makes the queued packet claimable again.
    lease_token: Mapped[uuid.UUID | None]
    lease_until: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("agency_code", "sequence"),
        Index("ix_packets_claim", "next_attempt_at", postgresql_where="state = 'queued'"),
        CheckConstraint("state IN ('queued', 'delivered', 'acknowledged', 'dead')", name="state"),
        CheckConstraint("(lease_token IS NULL) = (lease_until IS NULL)", name="lease_whole"),
    )


class PacketRecord(Base):
    """One released outbox row as the gateway handled it: packed into a packet (then accepted or
    rejected by the national side), or blocked by a rule error and returned to approval. The outbox
    id is the key, so a row is handled once whatever the number of builders."""

    __tablename__ = "packet_records"

    outbox_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("outbox.id"), primary_key=True)
    packet_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("packets.id"), index=True)
    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    change_request_id: Mapped[uuid.UUID | None]
    # packed | blocked (a rule error: never sent) | accepted | rejected (by the national side)
    status: Mapped[str] = mapped_column(Text)
    findings: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")  # rule codes (errors or warnings)
    # A rule's block or the national side's rejection, its free text about the person: sealed (w19reasons).
    reason: Mapped[str | None] = mapped_column(SealedText("packet_records.reason"))
    returned_at: Mapped[datetime | None]  # when approval-api took the request back (blocked or rejected)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('packed', 'blocked', 'accepted', 'rejected')", name="status"),
        Index("ix_packet_records_to_return", "outbox_id",
              postgresql_where="status IN ('blocked', 'rejected') AND returned_at IS NULL"),
    )


class PacketChain(Base):
    """Each agency's last packet: locked while the next one is built, so sequences have no gaps and
    each packet carries its predecessor's hash."""

    __tablename__ = "packet_chains"

    agency_code: Mapped[str] = mapped_column(Text, primary_key=True)
    last_sequence: Mapped[int]
    last_hash: Mapped[str] = mapped_column(Text)


class CitizenCheck(UUIDKey, Base):
    """A population-DB check of a record's citizen ID, name, birth date and sex, with its date."""

    __tablename__ = "citizen_checks"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"))
    checked_at: Mapped[datetime] = mapped_column(server_default=func.now())
    result: Mapped[str] = mapped_column(Text)  # match | mismatch | not_found
    mismatched: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")

    __table_args__ = (
        CheckConstraint("result IN ('match', 'mismatch', 'not_found')", name="result"),
        Index("ix_citizen_checks_latest", "profile_id", "checked_at"),
    )


class Delivery(UUIDKey, Base):
    __tablename__ = "deliveries"

    packet_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("packets.id"), index=True)
    attempt: Mapped[int]
    worker: Mapped[str] = mapped_column(Text)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # the national side's receipt id
    packet_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("packets.id"), index=True)
    outcome: Mapped[str] = mapped_column(Text)  # accepted | partially_rejected | rejected
    body: Mapped[dict[str, Any]] = mapped_column(SealedJSON("receipts.body"))  # sealed: reasons may quote values
    signed_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SigningKey(Base):
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(Text, primary_key=True)
    alg: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    activated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    retired_at: Mapped[datetime | None]
