from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Interval, case, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, AccountDelegation, LoginThrottle, OrgUnit


async def account_by_username(session: AsyncSession, username: str) -> tuple[Account, str] | None:
    """The account and its unit's org path, locked: concurrent failed logins must all count."""
    row = (await session.execute(
        select(Account, OrgUnit.path).join(OrgUnit, OrgUnit.id == Account.org_unit_id)
        .where(Account.username == username.strip().lower()).with_for_update(of=Account)
    )).first()
    return (row[0], row[1]) if row else None


async def holds_delegation(session: AsyncSession, account_id: uuid.UUID) -> bool:
    """Does the account hold an active delegation to create personal accounts?"""
    stmt = select(AccountDelegation.id).where(AccountDelegation.delegate_id == account_id,
                                              AccountDelegation.revoked_at.is_(None)).limit(1)
    return (await session.execute(stmt)).first() is not None


async def account_by_id(session: AsyncSession, account_id: uuid.UUID) -> Account | None:
    return await session.get(Account, account_id, with_for_update=True)


async def record_login(session: AsyncSession, account: Account, *, failed: int,
                       locked_until: datetime | None) -> None:
    await session.execute(update(Account).where(Account.id == account.id)
                          .values(failed_logins=failed, locked_until=locked_until))


async def set_secret(session: AsyncSession, account: Account, secret_hash: str) -> None:
    await session.execute(update(Account).where(Account.id == account.id)
                          .values(secret_hash=secret_hash, must_change_password=False,
                                  failed_logins=0, locked_until=None))


async def blocked_until(session: AsyncSession, keys: Collection[str], now: datetime) -> datetime | None:
    """The latest end of a block on any of the keys still running at `now`, or None."""
    stmt = select(func.max(LoginThrottle.blocked_until)).where(LoginThrottle.key.in_(keys),
                                                               LoginThrottle.blocked_until > now)
    return (await session.execute(stmt)).scalar_one()


async def count_failure(session: AsyncSession, key: str, *, now: datetime, window: timedelta,
                        limit: int) -> datetime | None:
    """One failure on `key`, counted in one statement (concurrent replicas each add theirs): a window that has
    ended starts again at `now`; reaching `limit` blocks the key until its window ends. Returns that end."""
    at, span = literal(now, DateTime(timezone=True)), literal(window, Interval())
    ended = LoginThrottle.window_start + span <= at
    start = case((ended, at), else_=LoginThrottle.window_start)
    failures = case((ended, 1), else_=LoginThrottle.failures + 1)
    stmt = insert(LoginThrottle).values(key=key, window_start=now, failures=1,
                                        blocked_until=now + window if limit <= 1 else None)
    upsert = stmt.on_conflict_do_update(index_elements=[LoginThrottle.key], set_={
        "window_start": start, "failures": failures,
        "blocked_until": case((failures >= limit, start + span), else_=None),
    }).returning(LoginThrottle.blocked_until)
    blocked: datetime | None = (await session.execute(upsert)).scalar_one()
    return blocked


async def forget_failures(session: AsyncSession, keys: Collection[str]) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
