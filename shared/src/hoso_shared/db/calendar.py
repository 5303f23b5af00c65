"""The working-day calendar as it stands in the database: the law's holidays with DOHA's overrides
(profile-api owns and edits `working_day_overrides`; every service reads it through here). Read once per
request or task: the table is a few rows a year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import WorkingDayOverride
from hoso_shared.time.calendar import Calendar


async def load_calendar(session: AsyncSession) -> Calendar:
    rows = (await session.execute(select(WorkingDayOverride.day, WorkingDayOverride.kind))).all()
    return Calendar(extra_holidays=frozenset(d for d, k in rows if k == "holiday"),
                    extra_working_days=frozenset(d for d, k in rows if k == "working_day"))
