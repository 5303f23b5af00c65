"""People who came from another province get an account within 10 working days of arriving
(DOMAIN "decisions", preset hanoi-2024): the list of those whose deadline has passed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.workdays import add_working_days
from profile_api.accounts import queries
from profile_api.accounts.schemas import OverdueIncoming, OverdueIncomingPage
from profile_api.profiles import service as profiles

ACCOUNT_WITHIN_WORKING_DAYS = 10
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()


def latest_overdue_arrival(today: date, n: int = ACCOUNT_WITHIN_WORKING_DAYS) -> date:
    """The last arrival date whose deadline (the n-th working day after it) is before `today`.
    The deadline only moves forward with the arrival date, so one cut-off splits the profiles."""
    arrival = today - timedelta(days=n + 1)  # n working days take at least n calendar days
    while add_working_days(arrival, n) >= today:
        arrival -= timedelta(days=1)
    return arrival


async def list_overdue_incoming(session: AsyncSession, principal: Principal, *, as_of: date | None,
                                cursor: str | None, limit: int) -> OverdueIncomingPage:
    today = as_of or local_today()
    after = profiles.decode_cursor(cursor) if cursor else None
    rows = await queries.overdue_incoming(session, principal, arrived_by=latest_overdue_arrival(today),
                                          after=after, limit=limit + 1)
    items = [OverdueIncoming(profile_id=pid, full_name=name, org_unit_id=unit, incoming_on=arrived,
                             due_on=add_working_days(arrived, ACCOUNT_WITHIN_WORKING_DAYS))
             for pid, name, unit, arrived in rows[:limit]]
    next_cursor = profiles.encode_cursor(rows[limit - 1][0]) if len(rows) > limit else None
    return OverdueIncomingPage(as_of=today, items=items, next_cursor=next_cursor)
