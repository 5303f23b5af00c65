"""Written by profile-api. Bulk import jobs: what was asked, how far it got, every bad row and why."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey


class ImportJob(UUIDKey, Base):
    __tablename__ = "import_jobs"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))  # the subtree it may write
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    filename: Mapped[str] = mapped_column(Text)
    file_format: Mapped[str] = mapped_column(Text)  # xlsx | csv
    mode: Mapped[str] = mapped_column(Text)  # all_or_nothing | valid_only
    dry_run: Mapped[bool]
    state: Mapped[str] = mapped_column(Text, server_default="queued")
    total_rows: Mapped[int | None]
    processed_rows: Mapped[int] = mapped_column(server_default="0")
    created_count: Mapped[int] = mapped_column(server_default="0")
    error_count: Mapped[int] = mapped_column(server_default="0")
    errors: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")  # [{row, reasons: [...]}]
    failure: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("mode IN ('all_or_nothing', 'valid_only')", name="mode"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
    )
