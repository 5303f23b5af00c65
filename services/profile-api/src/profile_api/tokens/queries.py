from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, AccountDelegation, OrgUnit


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
