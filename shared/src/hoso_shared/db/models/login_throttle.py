"""Written by profile-api. Failed sign-in counters, one row per thing limited (`source:<ip>`,
`account-source:<username>|<ip>`, `client:<client_id>`), in the database so every replica counts the
same attempts (profile_api.tokens.throttle)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base


class LoginThrottle(Base):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    window_start: Mapped[datetime]
    failures: Mapped[int]
    blocked_until: Mapped[datetime | None]
