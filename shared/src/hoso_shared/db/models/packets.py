"""Written by sync-gateway. Signed packets, their delivery attempts, the national side's receipts,
and the gateway's signing keys. Packet bytes and signatures are immutable once stored."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey


class Packet(UUIDKey, Base):
    __tablename__ = "packets"

    agency_code: Mapped[str] = mapped_column(Text)
    sequence: Mapped[int]
    prev_hash: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)  # RFC 8785 canonical JSON
    body_hash: Mapped[str] = mapped_column(Text)
    jws: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(Text)
    record_count: Mapped[int]
    state: Mapped[str] = mapped_column(Text, server_default="queued")
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    delivered_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("agency_code", "sequence"),
        Index("ix_packets_claim", "state", "next_attempt_at"),
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
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    signed_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SigningKey(Base):
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(Text, primary_key=True)
    alg: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    activated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    retired_at: Mapped[datetime | None]
