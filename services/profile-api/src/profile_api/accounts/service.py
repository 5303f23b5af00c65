"""Accounts: created and managed by admins inside their own org subtree, per `policy`.

Every write is audited. Generated passwords are returned once and never stored in clear; the
account must change them at its next login.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.auth.passwords import hash_secret, new_password
from hoso_shared.db.models import Account
from hoso_shared.time import utc_now
from profile_api.accounts import policy, queries
from profile_api.accounts.errors import (
    AccountNotFound,
    AccountShapeInvalid,
    LinkedProfileNotFound,
    OrgUnitNotFound,
    OwnAccount,
    ProfileAlreadyLinked,
    RoleNotGrantable,
    UsernameTaken,
)
from profile_api.accounts.schemas import (
    AccountCreate,
    AccountCreated,
    AccountFilter,
    AccountMove,
    AccountPage,
    AccountRead,
    PasswordReset,
)
from profile_api.audit import service as audit
from profile_api.profiles import service as profiles

PASSWORD_LENGTH, CLIENT_SECRET_LENGTH = 16, 40


def _generate_secret(kind: str) -> str:
    return new_password(CLIENT_SECRET_LENGTH if kind == "client" else PASSWORD_LENGTH)


async def _require_unit(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID) -> None:
    path = await queries.unit_path(session, org_unit_id)
    if path is None or not principal.covers(path):
        raise OrgUnitNotFound()


async def _require_linkable(session: AsyncSession, principal: Principal, profile_id: uuid.UUID) -> None:
    path = await queries.lock_profile(session, profile_id)
    if path is None or not principal.covers(path):
        raise LinkedProfileNotFound()
    if await queries.profile_has_account(session, profile_id):
        raise ProfileAlreadyLinked()


def _check_grant(principal: Principal, data: AccountCreate) -> None:
    problem = policy.shape_problem(data.kind, data.roles, data.scopes, has_profile=data.profile_id is not None)
    if problem:
        raise AccountShapeInvalid(problem)
    if not policy.may_grant(principal.roles, data.kind, data.roles):
        allowed = sorted(policy.grantable_roles(principal.roles, data.kind))
        raise RoleNotGrantable(f"As {', '.join(sorted(principal.roles))} you may give a {data.kind} account "
                               f"these roles only: {', '.join(allowed) or 'none'}.")


async def create_account(session: AsyncSession, principal: Principal, data: AccountCreate) -> AccountCreated:
    _check_grant(principal, data)
    await _require_unit(session, principal, data.org_unit_id)
    if data.profile_id is not None:
        await _require_linkable(session, principal, data.profile_id)
    if await queries.username_exists(session, data.username):
        raise UsernameTaken(f"The username {data.username!r} is already in use.")
    password = _generate_secret(data.kind)
    account = await queries.insert_account(session, {
        **data.model_dump(), "roles": sorted(set(data.roles)), "scopes": sorted(set(data.scopes)),
        "secret_hash": await hash_secret(password), "must_change_password": data.kind != "client",
        "created_by": principal.subject,
    })
    created = AccountRead.model_validate(account)
    await audit.record(session, principal, "account.create", "account", account.id,
                       after=created.model_dump(mode="json"), fields=sorted(AccountCreate.model_fields))
    return AccountCreated(account=created, initial_password=password)


async def get_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID) -> AccountRead:
    account = await queries.visible_account(session, principal, account_id)
    if account is None:
        raise AccountNotFound()
    return AccountRead.model_validate(account)


async def list_accounts(session: AsyncSession, principal: Principal, flt: AccountFilter, *,
                        cursor: str | None, limit: int) -> AccountPage:
    after = profiles.decode_cursor(cursor) if cursor else None
    rows = await queries.list_visible_accounts(session, principal, flt, after=after, limit=limit + 1)
    items = [AccountRead.model_validate(a) for a in rows[:limit]]
    next_cursor = profiles.encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return AccountPage(items=items, next_cursor=next_cursor)


async def _managed(session: AsyncSession, principal: Principal, account_id: uuid.UUID) -> Account:
    """The account, locked, if the caller may manage it: in their subtree (else 404), not their own,
    and one they could have created (else 403)."""
    account = await queries.visible_account(session, principal, account_id, lock=True)
    if account is None:
        raise AccountNotFound()
    if account.id == principal.subject:
        raise OwnAccount("Ask another administrator to do this to your account.")
    if not policy.may_grant(principal.roles, account.kind, account.roles):
        raise RoleNotGrantable()
    return account


async def _change(session: AsyncSession, principal: Principal, account: Account, action: str,
                  values: dict[str, Any]) -> AccountRead:
    before = AccountRead.model_validate(account).model_dump(mode="json")
    after = AccountRead.model_validate(await queries.update_account(session, account.id, values))
    await audit.record(session, principal, f"account.{action}", "account", account.id, before=before,
                       after=after.model_dump(mode="json"), fields=sorted(values))
    return after


async def disable_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID) -> AccountRead:
    account = await _managed(session, principal, account_id)
    return await _change(session, principal, account, "disable",
                         {"disabled_at": account.disabled_at or utc_now()})


async def enable_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID) -> AccountRead:
    account = await _managed(session, principal, account_id)
    return await _change(session, principal, account, "enable", {"disabled_at": None})


async def reset_password(session: AsyncSession, principal: Principal, account_id: uuid.UUID) -> PasswordReset:
    account = await _managed(session, principal, account_id)
    password = _generate_secret(account.kind)
    read = await _change(session, principal, account, "reset_password", {
        "secret_hash": await hash_secret(password), "must_change_password": account.kind != "client",
        "failed_logins": 0, "locked_until": None,
    })
    return PasswordReset(account=read, temporary_password=password)


async def move_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                       data: AccountMove) -> AccountRead:
    account = await _managed(session, principal, account_id)
    await _require_unit(session, principal, data.org_unit_id)
    return await _change(session, principal, account, "move", {"org_unit_id": data.org_unit_id})
