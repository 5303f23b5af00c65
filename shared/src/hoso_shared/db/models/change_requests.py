"""Written by approval-api. A proposed change to a profile, and its decision trail."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey


class ChangeRequestState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    returned = "returned"
    applied = "applied"
    withdrawn = "withdrawn"


class ChangeRequest(UUIDKey, Timestamps, Base):
    __tablename__ = "change_requests"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    base_version: Mapped[int]
    state: Mapped[str] = mapped_column(Text, server_default=ChangeRequestState.draft.value)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    attachment_ids: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    decided_on_behalf_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{s.value}'" for s in ChangeRequestState) + ")", name="state"
        ),
        Index("ix_change_requests_state_org", "state", "org_unit_id"),
    )
