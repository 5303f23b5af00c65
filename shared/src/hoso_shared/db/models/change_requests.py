"""Written by approval-api. A proposed change to a profile, and its decision trail."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, validates

from hoso_shared.db.base import Base, Timestamps, UUIDKey
from hoso_shared.db.sealed import SealedJSON, SealedText


class ChangeRequestState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    returned = "returned"
    applied = "applied"
    withdrawn = "withdrawn"


def outline(payload: dict[str, Any]) -> dict[str, list[str]]:
    """The keys a change request's payload touches: its own, its items' and its tables'."""
    return {"keys": sorted(payload), "items": sorted(payload.get("items") or {}),
            "sections": sorted(payload.get("sections") or {})}


class ChangeRequest(UUIDKey, Timestamps, Base):
    __tablename__ = "change_requests"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    base_version: Mapped[int]  # 0 for a `create`: the pending record has no approved version yet
    # `update` changes an approved record; `create` approves a new one (hanoi-2024 Điều 7: "dữ liệu mới").
    kind: Mapped[str] = mapped_column(Text, server_default="update")
    state: Mapped[str] = mapped_column(Text, server_default=ChangeRequestState.draft.value)
    # Sealed: a proposal carries the values it sets, sensitive ones included (a phone number, a family table).
    payload: Mapped[dict[str, Any]] = mapped_column(SealedJSON("change_requests.payload"))
    # Which keys the proposal touches, never their values: what SQL may ask of it (set with `payload`).
    outline: Mapped[dict[str, Any]] = mapped_column(JSONB)
    attachment_ids: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    decided_on_behalf_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    applied_version: Mapped[int | None]  # the profile version profile-api wrote for it
    applied_at: Mapped[datetime | None]
    # Why the national side rejected it: its free text about the person, sealed (migration w19reasons).
    national_reason: Mapped[str | None] = mapped_column(SealedText("change_requests.national_reason"))
    # What the Đúng–Đủ–Sạch–Sống rules found in the record this request would produce, judged by profile-api
    # when it was proposed (on `base_version`): codes, severities, fields and non-personal message parameters
    # only (hoso_shared.findings). NULL: not judged (made before findings were kept, or by another sender).
    findings: Mapped[list[Any] | None] = mapped_column(JSONB)
    # The day the information changed (Điều 6 khoản 3: entered within the policy's working days of it).
    # Required of every request made since; NULL only on requests older than the field.
    occurred_on: Mapped[date | None]
    # Working days past the policy's self-update deadline at its (latest) submission; NULL when on time.
    late_working_days: Mapped[int | None]

    @validates("payload")
    def _outline(self, _key: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.outline = outline(payload)
        return payload

    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{s.value}'" for s in ChangeRequestState) + ")", name="state"
        ),
        CheckConstraint("late_working_days > 0", name="late_working_days"),
        CheckConstraint("kind IN ('update', 'create')", name="kind"),
        Index("ix_change_requests_state_org", "state", "org_unit_id"),
    )


class Decision(Base):
    """One transition of a change request, by whom (and for whom, under a delegation) and why.
    Appended only: the request's trail."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    change_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("change_requests.id"), index=True)
    action: Mapped[str] = mapped_column(Text)  # submit | approve | reject | return | withdraw | apply | national_return
    from_state: Mapped[str] = mapped_column(Text)
    to_state: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))  # None: a service or the system
    actor_name: Mapped[str] = mapped_column(Text)
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    on_behalf_of_name: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    # An approval over error findings: the approver's reason and the rule codes it overrode.
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden: Mapped[list[Any] | None] = mapped_column(JSONB)
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class Delegation(UUIDKey, Base):
    """Ủy quyền: `delegate_id` decides for `delegator_id` (in the delegator's subtree) from `starts_on`
    to `ends_on` inclusive, unless revoked."""

    __tablename__ = "delegations"

    delegator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    delegate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revoked_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="ordered"),
        CheckConstraint("delegator_id <> delegate_id", name="not_self"),
    )


class ApprovalWindow(UUIDKey, Base):
    """An extraordinary window DOHA opens for a unit subtree, outside the policy's monthly one."""

    __tablename__ = "approval_windows"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (CheckConstraint("opens_at < closes_at", name="ordered"),)
