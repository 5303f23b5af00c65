"""The one row three services write, each move through `hoso_shared.db.outbox`: appended by profile-api
in the same transaction as the profile version it announces; batched and released by approval-api when
an agency submits its batch and DOHA approves it; consumed by sync-gateway when it builds packets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    profile_version: Mapped[int]
    change_request_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    sync_batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sync_batches.id"))
    released_at: Mapped[datetime | None]
    consumed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        # The gateway's hot path: released rows it has not yet taken.
        Index("ix_outbox_pending", "id", postgresql_where="released_at IS NOT NULL AND consumed_at IS NULL"),
        # A sync batch's lookups: rows not yet in a batch, and a batch's rows.
        Index("ix_outbox_unbatched", "org_unit_id", postgresql_where="sync_batch_id IS NULL"),
        Index("ix_outbox_sync_batch_id", "sync_batch_id"),
        # The states a row can be in; the moves between them are the trigger's (hoso_shared.db.outbox).
        CheckConstraint("released_at IS NULL OR sync_batch_id IS NOT NULL", name="released_by_a_batch"),
        CheckConstraint("consumed_at IS NULL OR released_at IS NOT NULL", name="consumed_once_released"),
    )
