"""Written by profile-api. The quarterly reviews units sign and submit to DOHA, and the cached public
progress page.

A review is drafted (its content generated, hashed) and then submitted once per unit and quarter with
a server-made signature on behalf of the unit's authorised person: a submitted review without a
signature, a signer and both times cannot be stored (the `signed` check). The progress page holds
aggregates only (counts and shares per unit), never a person's data.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey


class QuarterlyReview(UUIDKey, Timestamps, Base):
    __tablename__ = "quarterly_reviews"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    quarter: Mapped[str] = mapped_column(Text)  # "2026-Q4"
    state: Mapped[str] = mapped_column(Text, server_default="draft")  # draft | submitted
    # The review itself (quality, sync, change requests, overdue items): counts, never a person's data.
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    content_hash: Mapped[str] = mapped_column(Text)  # SHA-256 (hex) of the content's RFC 8785 canonical bytes
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    # A detached compact JWS (header..signature) over the canonical content, by the province's signing
    # identity; its protected header names the person it was signed for.
    signature: Mapped[str | None] = mapped_column(Text)
    signed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    signed_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(server_default=text("false"))  # submitted after the policy's deadline

    # Whatever the flush leaves to the server (`onupdate=now()` when a draft is regenerated without a new time) is
    # fetched back with RETURNING: loaded lazily afterwards, outside the async greenlet, it was a 500.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012

    __table_args__ = (
        CheckConstraint("state IN ('draft', 'submitted')", name="state"),
        CheckConstraint("quarter ~ '^[0-9]{4}-Q[1-4]$'", name="quarter"),
        CheckConstraint("state = 'draft' OR (signature IS NOT NULL AND signed_by IS NOT NULL "
                        "AND signed_at IS NOT NULL AND submitted_at IS NOT NULL)", name="signed"),
        # One submitted review per unit and quarter; drafts may be regenerated freely.
        Index("ix_quarterly_reviews_submitted", "org_unit_id", "quarter", unique=True,
              postgresql_where="state = 'submitted'"),
        Index("ix_quarterly_reviews_quarter", "quarter", "org_unit_id"),
    )


class ProgressPage(Base):
    """The public progress page as last rendered, per scope: "" (every province) or a unit's code."""

    __tablename__ = "progress_pages"

    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)  # the aggregates the page and its PDF are drawn from
    html: Mapped[str] = mapped_column(Text)
    generated_at: Mapped[datetime]


class ProgressEdition(UUIDKey, Base):
    """One published edition of the public progress page, for the slot it stands for (MOHA 1632: 12:00 every
    Monday, Wednesday and Friday; the schedule is the deadline policy's). Kept for good and never changed: a
    trigger refuses UPDATE, DELETE and TRUNCATE (migration s18editions). Aggregates only."""

    __tablename__ = "progress_editions"

    scope: Mapped[str] = mapped_column(Text)  # as ProgressPage.scope
    scheduled_for: Mapped[datetime]  # the scheduled publication time (UTC) it stands for
    published_at: Mapped[datetime]  # when it was published: later than its slot when the service was down
    late: Mapped[bool]  # published later than the policy allows after its slot
    # The signed JSON document without its `signature` member, and that member: a detached compact JWS over the
    # document's RFC 8785 canonical bytes (what POST /api/v1/reports/verify checks).
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    signature: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)  # the page as published
    pdf: Mapped[bytes] = mapped_column(LargeBinary)  # the same figures, signed (PAdES)

    __table_args__ = (
        CheckConstraint("published_at >= scheduled_for", name="after_its_slot"),
        UniqueConstraint("scope", "scheduled_for"),  # one edition per slot: a second replica's is a no-op
    )
