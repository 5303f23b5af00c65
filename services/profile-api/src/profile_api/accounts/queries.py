from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Select, Text, exists, func, insert, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import Account, AccountAccessChange, AccountDelegation, OrgUnit, Profile
from profile_api.accounts.schemas import AccountFilter


def _visible(principal: Principal) -> Select[Any]:
    stmt = select(Account).join(OrgUnit, OrgUnit.id == Account.org_unit_id)
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


async def visible_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID, *,
                          lock: bool = False) -> Account | None:
    stmt = _visible(principal).where(Account.id == account_id)
    if lock:
        stmt = stmt.with_for_update(of=Account)
    account: Account | None = (await session.execute(stmt)).scalar_one_or_none()
    return account


async def list_visible_accounts(session: AsyncSession, principal: Principal, flt: AccountFilter, *,
                                after: uuid.UUID | None, limit: int) -> list[Account]:
    stmt = _visible(principal)
    if flt.role is not None:
        stmt = stmt.where(Account.roles.contains([flt.role]))
    if flt.disabled is not None:
        stmt = stmt.where(Account.disabled_at.is_not(None) if flt.disabled else Account.disabled_at.is_(None))
    if after is not None:
        stmt = stmt.where(Account.id > after)
    return list((await session.execute(stmt.order_by(Account.id).limit(limit))).scalars())


async def unit_path(session: AsyncSession, org_unit_id: uuid.UUID) -> str | None:
    return (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar()


async def lock_profile(session: AsyncSession, profile_id: uuid.UUID) -> str | None:
    """The profile's unit path, with the profile row locked so two links cannot race; None if absent."""
    stmt = (select(OrgUnit.path).select_from(Profile).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.id == profile_id).with_for_update(of=Profile))
    return (await session.execute(stmt)).scalar()


async def profile_has_account(session: AsyncSession, profile_id: uuid.UUID) -> bool:
    return bool((await session.execute(select(exists().where(Account.profile_id == profile_id)))).scalar())


async def username_exists(session: AsyncSession, username: str) -> bool:
    return bool((await session.execute(select(exists().where(Account.username == username)))).scalar())


async def insert_account(session: AsyncSession, values: dict[str, Any]) -> Account:
    account: Account = (await session.execute(insert(Account).values(**values).returning(Account))).scalar_one()
    return account


async def update_account(session: AsyncSession, account_id: uuid.UUID, values: dict[str, Any]) -> Account:
    stmt = (update(Account).where(Account.id == account_id).values(**values).returning(Account)
            .execution_options(populate_existing=True))
    account: Account = (await session.execute(stmt)).scalar_one()
    return account


async def overdue_incoming(session: AsyncSession, principal: Principal, *, arrived_by: date,
                           after: uuid.UUID | None, limit: int) -> list[tuple[uuid.UUID, str, uuid.UUID, date]]:
    """Active profiles in the subtree that arrived on or before `arrived_by` and have no account yet."""
    stmt: Select[*tuple[Any, ...]] = (select(Profile.id, Profile.full_name, Profile.org_unit_id, Profile.incoming_on)
            .join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.incoming_on.is_not(None), Profile.incoming_on <= arrived_by,
                   Profile.status == "active", Profile.archived_at.is_(None),
                   ~exists().where(Account.profile_id == Profile.id)))
    stmt = scoped_to_subtree(stmt, principal, OrgUnit.path)
    if after is not None:
        stmt = stmt.where(Profile.id > after)
    rows = (await session.execute(stmt.order_by(Profile.id).limit(limit))).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows if r[3] is not None]


async def incoming_without_account(session: AsyncSession, principal: Principal, *, after: uuid.UUID | None,
                                   limit: int) -> list[tuple[uuid.UUID, str, uuid.UUID, date]]:
    """Active profiles in the subtree that came in and have no account yet, by arrival day then id (so the late
    first); `after`: the last of the page before, whose arrival day is read from its record."""
    stmt: Select[*tuple[Any, ...]] = (select(Profile.id, Profile.full_name, Profile.org_unit_id, Profile.incoming_on)
            .join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.incoming_on.is_not(None), Profile.status == "active", Profile.archived_at.is_(None),
                   ~exists().where(Account.profile_id == Profile.id)))
    stmt = scoped_to_subtree(stmt, principal, OrgUnit.path)
    if after is not None:
        last = select(Profile.incoming_on).where(Profile.id == after).scalar_subquery()
        stmt = stmt.where(tuple_(Profile.incoming_on, Profile.id) > tuple_(last, literal(after)))
    rows = (await session.execute(stmt.order_by(Profile.incoming_on, Profile.id).limit(limit))).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows if r[3] is not None]


# One arbitrary constant: the advisory lock that queues the changes able to remove an admin (`last_admin`).
ADMIN_CHANGES_LOCK = 0x686F736F61646D  # "hosoadm"


async def queue_admin_changes(session: AsyncSession) -> None:
    """Until this transaction ends, no other removes an admin: two admins disabling each other at once would each
    still see the other enabled. Taken before any account row is locked, so they queue rather than deadlock."""
    await session.execute(select(func.pg_advisory_xact_lock(ADMIN_CHANGES_LOCK)))


async def admin_covers(session: AsyncSession, path: str, roles: Collection[str], *, besides: uuid.UUID) -> bool:
    """Whether an enabled account other than `besides`, holding one of `roles`, sits at the unit of `path` or above."""
    stmt = select(exists().where(Account.org_unit_id == OrgUnit.id, Account.id != besides,
                                 Account.disabled_at.is_(None), Account.roles.overlap(sorted(roles)),
                                 func.starts_with(literal(path, Text), OrgUnit.path)))
    return bool((await session.execute(stmt)).scalar())


# --- access changes and delegations ----------------------------------------------------------------


async def insert_access_change(session: AsyncSession, values: dict[str, Any]) -> AccountAccessChange:
    stmt = insert(AccountAccessChange).values(**values).returning(AccountAccessChange)
    change: AccountAccessChange = (await session.execute(stmt)).scalar_one()
    return change


async def access_changes(session: AsyncSession, account_id: uuid.UUID, limit: int) -> list[AccountAccessChange]:
    stmt = (select(AccountAccessChange).where(AccountAccessChange.account_id == account_id)
            .order_by(AccountAccessChange.changed_at.desc(), AccountAccessChange.id).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def active_delegation(session: AsyncSession, delegate_id: uuid.UUID) -> tuple[AccountDelegation, str] | None:
    """The delegate's active delegation, locked, with its unit's current path."""
    stmt = (select(AccountDelegation, OrgUnit.path).join(OrgUnit, OrgUnit.id == AccountDelegation.org_unit_id)
            .where(AccountDelegation.delegate_id == delegate_id, AccountDelegation.revoked_at.is_(None))
            .with_for_update(of=AccountDelegation))
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def delegated_reach(session: AsyncSession, delegate_id: uuid.UUID) -> str | None:
    """The subtree (current path) in which the delegate may create personal accounts now: its active delegation's
    unit, while the delegate's account is enabled and still sits in that subtree; None otherwise."""
    unit, own = aliased(OrgUnit), aliased(OrgUnit)
    stmt = (select(unit.path).select_from(AccountDelegation)
            .join(unit, unit.id == AccountDelegation.org_unit_id)
            .join(Account, Account.id == AccountDelegation.delegate_id)
            .join(own, own.id == Account.org_unit_id)
            .where(AccountDelegation.delegate_id == delegate_id, AccountDelegation.revoked_at.is_(None),
                   Account.disabled_at.is_(None), func.starts_with(own.path, unit.path)))
    path: str | None = (await session.execute(stmt)).scalar()
    return path


async def insert_delegation(session: AsyncSession, values: dict[str, Any]) -> AccountDelegation:
    stmt = insert(AccountDelegation).values(**values).returning(AccountDelegation)
    delegation: AccountDelegation = (await session.execute(stmt)).scalar_one()
    return delegation


async def revoke_delegation(session: AsyncSession, delegation_id: uuid.UUID, values: dict[str, Any]
                            ) -> AccountDelegation:
    stmt = (update(AccountDelegation).where(AccountDelegation.id == delegation_id).values(**values)
            .returning(AccountDelegation).execution_options(populate_existing=True))
    delegation: AccountDelegation = (await session.execute(stmt)).scalar_one()
    return delegation


async def list_delegations(session: AsyncSession, principal: Principal, *, active: bool | None,
                           limit: int) -> list[AccountDelegation]:
    """Delegations whose unit lies in the caller's subtree, newest first."""
    stmt = select(AccountDelegation).join(OrgUnit, OrgUnit.id == AccountDelegation.org_unit_id)
    stmt = scoped_to_subtree(stmt, principal, OrgUnit.path)
    if active is not None:
        revoked = AccountDelegation.revoked_at
        stmt = stmt.where(revoked.is_(None) if active else revoked.is_not(None))
    stmt = stmt.order_by(AccountDelegation.granted_at.desc(), AccountDelegation.id).limit(limit)
    return list((await session.execute(stmt)).scalars())
