"""Written by profile-api. The working-day calendar's overrides on top of the `holidays` package:
extra days off (a new holiday, a bridge day) and make-up working days (a Saturday worked in exchange),
which the government sets each year and an administrator enters here."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base


class WorkingDayOverride(Base):
    __tablename__ = "working_day_overrides"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)  # holiday | working_day
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (CheckConstraint("kind IN ('holiday', 'working_day')", name="kind"),)
