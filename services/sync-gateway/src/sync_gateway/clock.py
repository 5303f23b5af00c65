"""Dates at the edges are Vietnamese: the rule engine judges records as of Hà Nội's today."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    return datetime.now(UTC).astimezone(LOCAL).date()
