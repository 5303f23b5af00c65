"""People who came from another province get an account within the policy's working days of arriving
(Điều 12; 10 under both presets): the list of those whose deadline has passed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.calendar import load_calendar
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import local_today
from profile_api.accounts import queries
from profile_api.accounts.schemas import IncomingPage, IncomingWithoutAccount, OverdueIncoming, OverdueIncomingPage
from profile_api.profiles import service as profiles


async def list_overdue_incoming(session: AsyncSession, principal: Principal, policy: DeadlinePolicy, *,
                                as_of: date | None, cursor: str | None, limit: int) -> OverdueIncomingPage:
    today = as_of or local_today()
    after = profiles.decode_cursor(cursor) if cursor else None
    days = await load_calendar(session)
    rows = await queries.overdue_incoming(session, principal, arrived_by=policy.latest_overdue_arrival(today, days),
                                          after=after, limit=limit + 1)
    items = [OverdueIncoming(profile_id=pid, full_name=name, org_unit_id=unit, incoming_on=arrived,
                             due_on=policy.account_due(arrived, days))
             for pid, name, unit, arrived in rows[:limit]]
    next_cursor = profiles.encode_cursor(rows[limit - 1][0]) if len(rows) > limit else None
    return OverdueIncomingPage(as_of=today, items=items, next_cursor=next_cursor)


async def list_incoming(session: AsyncSession, principal: Principal, policy: DeadlinePolicy, *, as_of: date,
                        cursor: str | None, limit: int) -> IncomingPage:
    """Everyone who came in and has no account yet, due or not (Điều 12 khoản 2.2 điểm a), late ones first."""
    after = profiles.decode_cursor(cursor) if cursor else None
    days = await load_calendar(session)
    rows = await queries.incoming_without_account(session, principal, after=after, limit=limit + 1)
    items = []
    for pid, name, unit, arrived in rows[:limit]:
        due = policy.account_due(arrived, days)
        items.append(IncomingWithoutAccount(profile_id=pid, full_name=name, org_unit_id=unit, incoming_on=arrived,
                                            due_on=due, overdue=as_of > due))
    next_cursor = profiles.encode_cursor(rows[limit - 1][0]) if len(rows) > limit else None
    return IncomingPage(as_of=as_of, items=items, next_cursor=next_cursor)
