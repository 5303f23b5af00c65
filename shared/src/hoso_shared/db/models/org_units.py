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
