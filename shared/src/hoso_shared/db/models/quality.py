"""Written by profile-api. Daily data-quality snapshots (Đúng – Đủ – Sạch – Sống), one row per unit and
day, each describing the unit's whole subtree, so trends can be read without re-judging old records.

Taking a day's snapshot again replaces that day's row (unique per unit and day). The counts are of
records, never of people's data: nothing here is sensitive.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint, func
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


class ProfileFindings(Base):
    """Each record's Đúng–Đủ–Sạch–Sống verdict, judged once and summed many times (scorecards, snapshots, gauges
    are SQL over these rows). `stale_at` is set by PostgreSQL itself (triggers on every table a verdict depends
    on: the record, its tables, its change requests, releases, acknowledgements, population-DB checks, records
    born the same day, the calendar), so no writer can forget; profile-api's judge clears it, only if nothing
    touched the record while it judged. Rule codes and counts only: nothing here is a person's data."""

    __tablename__ = "profile_findings"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    stale_at: Mapped[datetime | None]  # when something it depends on last changed; NULL: the verdict is current
    judged_on: Mapped[date | None]  # the day it was judged as of; NULL: never judged
    basis: Mapped[str | None] = mapped_column(Text)  # the rule set and policy it was judged by (a digest)
    blocking: Mapped[bool] = mapped_column(server_default="false")
    passing_dung: Mapped[bool] = mapped_column(server_default="false")
    passing_du: Mapped[bool] = mapped_column(server_default="false")
    passing_sach: Mapped[bool] = mapped_column(server_default="false")
    passing_song: Mapped[bool] = mapped_column(server_default="false")
    errors: Mapped[int] = mapped_column(server_default="0")
    warnings: Mapped[int] = mapped_column(server_default="0")
    codes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")  # rule code → its findings
    judged_at: Mapped[datetime | None]

    # The judge claims in (stale_at, profile_id) order, each page after the last: the index seeks to it (l17judge01).
    __table_args__ = (Index("ix_profile_findings_stale", "stale_at", "profile_id",
                            postgresql_where="stale_at IS NOT NULL"),)
