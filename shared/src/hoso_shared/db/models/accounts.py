"""Written by profile-api. People's, agencies' and clients' accounts (password or client secret), the delegations
to create personal accounts, and the record of every change to an account's access."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey


class Account(UUIDKey, Timestamps, Base):
    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(Text, unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)  # person | agency | client
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    # Clients are given exactly these scopes; people get their roles' scopes.
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    profile_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("profiles.id"))
    secret_hash: Mapped[str] = mapped_column(Text)  # argon2 of the password or client secret
    must_change_password: Mapped[bool] = mapped_column(server_default=text("true"))
    failed_logins: Mapped[int] = mapped_column(server_default=text("0"))
    locked_until: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    # The highest degree of access restriction it reads in its subtree (hoso_shared.auth.clearance); None: its
    # roles' default. Set by an admin over the account, up to the admin's own (issue 21).
    clearance: Mapped[int | None] = mapped_column(SmallInteger)

    __table_args__ = (
        CheckConstraint("kind IN ('person', 'agency', 'client')", name="kind"),
        CheckConstraint("clearance BETWEEN 0 AND 3", name="clearance"),
        CheckConstraint("username = lower(username)", name="username_lower"),
    )


class AccountDelegation(UUIDKey, Base):
    """Ủy quyền tạo lập tài khoản cá nhân (Điều 9 khoản 2): while not revoked, `delegate_id` (a person, an agency's
    HR staff) may create officers' personal accounts in the subtree of `org_unit_id`. At most one is active per
    delegate. The written requests behind granting and revoking are in `account_access_changes`."""

    __tablename__ = "account_delegations"

    delegate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    granted_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    granted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    revoked_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_account_delegations_active", "delegate_id", unique=True, postgresql_where="revoked_at IS NULL"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revoked_by_whom"),
    )


class AccountAccessChange(UUIDKey, Base):
    """One restriction, extension or revocation of an account's access (Điều 18 khoản 1), with the written request
    it rests on (số và ngày văn bản đề nghị, Điều 19 khoản 4). Append-only (a trigger refuses UPDATE and DELETE).
    `before` and `after` hold what changed (roles, scopes, disabled, a delegation): no personal data."""

    __tablename__ = "account_access_changes"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    action: Mapped[str] = mapped_column(Text)  # disable | enable | roles | delegate | undelegate
    request_no: Mapped[str] = mapped_column(Text)
    request_date: Mapped[date]
    before: Mapped[dict[str, Any]] = mapped_column(JSONB)
    after: Mapped[dict[str, Any]] = mapped_column(JSONB)
    changed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        CheckConstraint("action IN ('disable', 'enable', 'roles', 'delegate', 'undelegate')", name="action"),
        CheckConstraint("length(btrim(request_no)) > 0", name="request_no"),
    )
