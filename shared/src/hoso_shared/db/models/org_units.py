"""Written by profile-api. The organisation tree, effective-dated.

`path` is the materialised chain of ids from the root ("/<id>/<id>/"), so a subtree is one
indexed prefix match: the single choke point for "what may this principal see".
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey


class OrgUnit(UUIDKey, Timestamps, Base):
    __tablename__ = "org_units"

    code: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    # doha | department | commune | ward | district (legacy) | sub_unit | agency
    type: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    path: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(server_default=text("CURRENT_DATE"))
    valid_to: Mapped[date | None]

    __table_args__ = (
        Index("ix_org_units_path_prefix", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )


class OrgUnitPeriod(UUIDKey, Base):
    """One period of a unit's life: its name, type, parent and path while they held.
    The tree as of a date is the periods that cover it; nothing here is ever updated but `valid_to`."""

    __tablename__ = "org_unit_periods"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    path: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]  # exclusive; NULL while current
    event: Mapped[str] = mapped_column(Text)  # created | renamed | moved | merged | split | dissolved
    event_ref: Mapped[uuid.UUID | None]  # the other unit of a merge or split
