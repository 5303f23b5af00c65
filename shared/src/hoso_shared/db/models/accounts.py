"""Written by profile-api. People's, agencies' and clients' accounts (password or client secret)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
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

    __table_args__ = (
        CheckConstraint("kind IN ('person', 'agency', 'client')", name="kind"),
        CheckConstraint("username = lower(username)", name="username_lower"),
    )
