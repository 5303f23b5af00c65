"""Written by profile-api. Access granted on a written decision (Quy chế Hà Nội 2024 Điều 8 khoản 3: an officer
sees data beyond their own when the managing authority agrees in writing; Điều 18 khoản 1, Điều 19 khoản 4: the
managing level grants, restricts, extends or revokes access on a written request). A grant lets `grantee_id` read
the records of a subtree (`org_unit_id`) or of named people (`profile_ids`) up to `level`, from `starts_on` to the
end of `ends_on` (Hà Nội days); it works only while not revoked, checked on every read: no job expires it.

The decision's scan is a `GrantDecision` of its own (sealed, as evidence scans are), never an attachment of some
person's record: a grant over a whole unit concerns no one record. Grants made before it kept the scan as
`attachment_id`; exactly one of the two is set."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, Text, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey
from hoso_shared.db.sealed import SealedBytes


class GrantDecision(UUIDKey, Base):
    """A written decision's scan, uploaded before the grants that rest on it (one decision may grant several
    accounts). `org_unit_id` is the uploader's unit: the subtree whose admins may rest a grant on it (the uploader's
    agency, and DOHA above), known at upload, when the grants' targets are not yet."""

    __tablename__ = "grant_decisions"

    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(SealedBytes("grant_decisions.content"))  # the scan: sealed
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class AccessGrant(UUIDKey, Base):
    __tablename__ = "access_grants"

    grantee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    org_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))  # a subtree …
    profile_ids: Mapped[list[uuid.UUID] | None] = mapped_column(ARRAY(Uuid))  # … or named people
    level: Mapped[int] = mapped_column(SmallInteger)
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # the last day it works, to its end in Hà Nội
    decision_number: Mapped[str] = mapped_column(Text)  # the written decision: số, ngày, cơ quan ban hành
    decision_date: Mapped[date]
    issuing_body: Mapped[str] = mapped_column(Text)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("grant_decisions.id"), index=True)  # its scan
    attachment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("attachments.id"))  # … on grants made before
    granted_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    granted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    revoked_at: Mapped[datetime | None]
    revoke_request_no: Mapped[str | None] = mapped_column(Text)  # the written request a revocation rests on
    revoke_request_date: Mapped[date | None]

    __table_args__ = (
        Index("ix_access_grants_grantee_active", "grantee_id", postgresql_where="revoked_at IS NULL"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level"),
        CheckConstraint("starts_on <= ends_on", name="period"),
        CheckConstraint("(org_unit_id IS NULL) <> (profile_ids IS NULL)", name="subtree_or_people"),
        CheckConstraint("profile_ids IS NULL OR cardinality(profile_ids) > 0", name="people_named"),
        CheckConstraint("length(btrim(decision_number)) > 0 AND length(btrim(issuing_body)) > 0",
                        name="decision"),
        CheckConstraint("(decision_id IS NULL) <> (attachment_id IS NULL)", name="one_scan"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revoked_by_whom"),
        CheckConstraint("(revoked_at IS NULL) = (revoke_request_no IS NULL AND revoke_request_date IS NULL)",
                        name="revoked_on_request"),
    )
