"""Written by profile-api. The organisation tree, effective-dated.

`path` is the materialised chain of ids from the root ("/<id>/<id>/"), so a subtree is one
indexed prefix match: the single choke point for "what may this principal see".
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey


class OrgUnit(UUIDKey, Timestamps, Base):
    __tablename__ = "org_units"

    code: Mapped[str] = mapped_column(Text, unique=True)
    # The QĐ 20/2020/QĐ-TTg electronic identifier (`hoso_shared.codes.agency_ids`); packets carry it as `agency_id`.
    electronic_id: Mapped[str | None] = mapped_column(Text, unique=True)
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


class OrgUnitChange(Base):
    """One change to the tree as it was recorded: who made it, when, and from which day it holds (create, rename,
    move, merge, split, dissolve). Agencies restructure their own subtree (Điều 21 khoản 2); DOHA reads every
    change of the province here. `path` is where the unit stood, `to_path` where it or its people went (a move's
    new path, a merge's or dissolution's target, a split's parent), so each side's subtree sees the change.
    Append-only (a trigger refuses UPDATE and DELETE); `detail` names units and counts, never people."""

    __tablename__ = "org_unit_changes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    action: Mapped[str] = mapped_column(Text)  # create | rename | move | merge | split | dissolve
    effective_on: Mapped[date]
    path: Mapped[str] = mapped_column(Text)
    to_path: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB)
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        CheckConstraint("action IN ('create', 'rename', 'move', 'merge', 'split', 'dissolve')", name="action"),
    )
