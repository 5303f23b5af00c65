"""Written by profile-api. Append-only, hash-chained record of every write and sensitive read.

Entries are inserted unsealed (no `seq`, no hash) by the request that acts, so appending costs one
INSERT and never serialises requests; a sealer then numbers them (`seq`) and chains their hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")  # what was read or written
    before_digest: Mapped[str | None] = mapped_column(Text)
    after_digest: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # chain order, set when sealed
    prev_hash: Mapped[str | None] = mapped_column(Text)
    hash: Mapped[str | None] = mapped_column(Text, unique=True)

    # The auditor's reading (GET /api/v1/audit, /api/v1/me/record-reads), newest first by (at, id): one index per
    # filter that must stay fast at 100,000s of entries (a person's record, an actor, an action in a time range,
    # no filter). Each costs every append one more index entry.
    __table_args__ = (
        Index("ix_audit_log_at", "at", "id"),
        Index("ix_audit_log_entity", "entity", "entity_id", "at", "id"),
        Index("ix_audit_log_actor", "actor", "at", "id"),
        Index("ix_audit_log_action", "action", "at", "id"),
    )
