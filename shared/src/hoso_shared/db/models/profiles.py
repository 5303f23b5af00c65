"""Written by profile-api. The sơ yếu lý lịch: the record, its repeating sections, versions, evidence.

The citizen ID is never stored in clear: `citizen_id_enc` is AES-GCM under key `key_id`, and
`citizen_id_hmac` is a keyed hash for exact lookup and uniqueness. A pending new record archived because its
`create` request was rejected or withdrawn holds a tombstone there instead (its id and the hash: 48 bytes, no
lookup matches it), so the person can be entered again (profile_api.changes.pending).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey
from hoso_shared.db.sealed import SealedBytes


class Profile(UUIDKey, Timestamps, Base):
    __tablename__ = "profiles"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    citizen_id_hmac: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    citizen_id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(index=True)  # duplicates are sought among those born the same day
    sex: Mapped[str] = mapped_column(Text)  # M | F
    category: Mapped[str] = mapped_column(Text)  # can_bo | cong_chuc | vien_chuc | cap_xa
    status: Mapped[str] = mapped_column(Text, server_default="active")
    rank_code: Mapped[str | None] = mapped_column(Text)
    # The non-sensitive scalar items of the form (1-38) that have no column of their own, by key.
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    # The sensitive items (DOMAIN "decisions"), as AES-GCM sealed JSON under `key_id`.
    sensitive_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(server_default="1")
    # Set when the person came from another province (pulled from the national DB).
    incoming_on: Mapped[date | None]
    reviewed_at: Mapped[datetime | None]
    # Per item, where its value came from when not typed (hoso_shared.provenance): {"full_name": {"source":
    # "population_register", "looked_up_on": "2026-12-05"}}; dropped for an item an approved change rewrites.
    item_sources: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    archived_at: Mapped[datetime | None]
    # The account that entered the record: its `create` change request is theirs (approval-api refuses them
    # the decision), also when profile-api's reconciler forwards it again. NULL on approved records older than it.
    created_by: Mapped[uuid.UUID | None]

    __table_args__ = (
        CheckConstraint("sex IN ('M', 'F')", name="sex"),
        CheckConstraint("category IN ('can_bo', 'cong_chuc', 'vien_chuc', 'cap_xa')", name="category"),
        CheckConstraint(
            "status IN ('active', 'transferred_out', 'retired', 'resigned', 'deceased')", name="status"
        ),
        Index("ix_profiles_full_name_prefix", "full_name",
              postgresql_ops={"full_name": "text_pattern_ops"}),
        # The pending records (a handful beside the province's ~200,000), which the reconciler reads each tick.
        Index("ix_profiles_pending", "created_at", postgresql_where=text("version = 0 AND archived_at IS NULL")),
        # A unit's kept records, from the index alone: what a scorecard sums (migration l17judge01).
        Index("ix_profiles_kept_unit", "org_unit_id", "id",
              postgresql_where=text("archived_at IS NULL AND version > 0")),
    )


class ProfileSectionRow(UUIDKey, Base):
    """One row of a repeating table of the form (training, work history, family, salary …).
    Rows of sensitive tables keep `data` empty and their content sealed in `data_enc`."""

    __tablename__ = "profile_section_rows"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"))
    section: Mapped[str] = mapped_column(Text)
    position: Mapped[int]
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    data_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_id: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_profile_section_rows_profile_section", "profile_id", "section", "position"),)


class ProfileAssignment(UUIDKey, Base):
    """Which unit a person belonged to, when: the history behind `profiles.org_unit_id`."""

    __tablename__ = "profile_assignments"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]  # exclusive; NULL while current
    reason: Mapped[str] = mapped_column(Text)


class ProfileVersion(UUIDKey, Base):
    """An immutable, sealed snapshot of the whole record (items + sections) after each change."""

    __tablename__ = "profile_versions"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"))
    version: Mapped[int]
    snapshot_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(Text)  # sha256 of the canonical snapshot
    changed: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")  # item / section names
    reason: Mapped[str] = mapped_column(Text, server_default="change")
    change_request_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (UniqueConstraint("profile_id", "version"),)


class Attachment(UUIDKey, Base):
    __tablename__ = "attachments"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(SealedBytes("attachments.content"))  # the scan: sealed
    uploaded_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
