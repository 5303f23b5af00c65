"""Written by approval-api. An agency's monthly batch of approved changes, approved by DOHA."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey


class SyncBatch(UUIDKey, Timestamps, Base):
    __tablename__ = "sync_batches"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    period: Mapped[str] = mapped_column(Text)  # YYYY-MM
    state: Mapped[str] = mapped_column(Text, server_default="submitted")
    submitted_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    record_count: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (
        CheckConstraint("state IN ('submitted', 'approved', 'returned')", name="state"),
    )
