"""Written by profile-api. HR's requests that a person fix what a data-quality rule found in their own record
("Đề nghị cập nhật", issue 16): the rule's code, its Vietnamese message as the judge wrote it for this record
(it may quote the record's values, so it is sealed), and the day the person's self-update is due (Điều 6
khoản 1: the policy's `self_update_due`).

One open request per (record, rule): asking again returns it. A request closes when the rule no longer fails on
the record: PostgreSQL closes it itself (a trigger on `profile_findings`, o16fixtask1) when the judge writes a
current verdict without the rule, whoever fixed the record (the person's approved change request, or HR).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text, Uuid, func, text
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey
from hoso_shared.db.sealed import SealedText


class FixRequest(UUIDKey, Base):
    __tablename__ = "fix_requests"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    rule_code: Mapped[str] = mapped_column(Text)
    # Sealed: the finding's message may quote the record's values (a birth year, a code).
    message: Mapped[str] = mapped_column(SealedText("fix_requests.message"))
    requested_by: Mapped[uuid.UUID] = mapped_column(Uuid)  # the HR account that asked
    requested_at: Mapped[datetime] = mapped_column(server_default=func.now())
    due_on: Mapped[date]
    closed_at: Mapped[datetime | None]  # set by the trigger when the rule no longer fails

    __table_args__ = (
        Index("ix_fix_requests_open", "profile_id", "rule_code", unique=True,
              postgresql_where=text("closed_at IS NULL")),
    )
