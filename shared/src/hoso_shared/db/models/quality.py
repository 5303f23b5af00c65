"""Written by profile-api. Daily data-quality snapshots (Đúng – Đủ – Sạch – Sống), one row per unit and
day, each describing the unit's whole subtree, so trends can be read without re-judging old records.

Taking a day's snapshot again replaces that day's row (unique per unit and day). The counts are of
records, never of people's data: nothing here is sensitive.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey


class QualitySnapshot(UUIDKey, Base):
    __tablename__ = "quality_snapshots"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    day: Mapped[date]  # the day the records were judged as of (Asia/Ho_Chi_Minh)
    policy: Mapped[str] = mapped_column(Text)  # the deadline policy they were judged under
    records: Mapped[int]  # records in the subtree (archived ones excluded)
    blocking: Mapped[int]  # records with at least one error (kept out of the sync)
    # Records passing each criterion: no error or warning of it.
    passing_dung: Mapped[int]
    passing_du: Mapped[int]
    passing_sach: Mapped[int]
    passing_song: Mapped[int]
    # Rule code → {"records": records with a finding of it, "findings": its findings}.
    rule_counts: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    taken_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        UniqueConstraint("org_unit_id", "day"),
        CheckConstraint("blocking BETWEEN 0 AND records AND passing_dung BETWEEN 0 AND records "
                        "AND passing_du BETWEEN 0 AND records AND passing_sach BETWEEN 0 AND records "
                        "AND passing_song BETWEEN 0 AND records", name="counts"),
    )
