"""Accounts: created and managed by admins inside their own org subtree, per `policy`, and created by
the people they delegated that to (`delegation`).

Every write is audited; every change of access (disable, enable, roles) is also recorded with its
written request (`access`). Generated passwords are returned once and never stored in clear; the
account must change them at its next login.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, Role
from hoso_shared.auth.passwords import hash_secret, new_password
from hoso_shared.db.models import Account
from hoso_shared.time import utc_now
from profile_api.accounts import access, last_admin, policy, queries
from profile_api.accounts.errors import (
    AccessUnchanged,
    AccountNotFound,
    AccountShapeInvalid,
    LinkedProfileNotFound,
    OrgUnitNotFound,
    OwnAccount,
    ProfileAlreadyLinked,
    RoleNotGrantable,
    ServiceClientProtected,
    UsernameTaken,
)
from profile_api.accounts.schemas import (
    AccountChanged,
    AccountCreate,
    AccountCreated,
    AccountFilter,
    AccountMove,
    AccountPage,
    AccountRead,
    PasswordReset,
    RolesChange,
    WrittenRequest,
)
from profile_api.audit import service as audit
from profile_api.profiles import service as profiles

PASSWORD_LENGTH, CLIENT_SECRET_LENGTH = 16, 40


def _generate_secret(kind: str) -> str:
    return new_password(CLIENT_SECRET_LENGTH if kind == "client" else PASSWORD_LENGTH)


async def _require_unit(session: AsyncSession, reach: str, org_unit_id: uuid.UUID) -> str:
    """The unit's current path, if it lies within `reach` (else 404)."""
    path = await queries.unit_path(session, org_unit_id)
    if path is None or not path.startswith(reach):
        raise OrgUnitNotFound()
    return path


async def _require_linkable(session: AsyncSession, reach: str, profile_id: uuid.UUID) -> None:
    path = await queries.lock_profile(session, profile_id)
    if path is None or not path.startswith(reach):
        raise LinkedProfileNotFound()
    if await queries.profile_has_account(session, profile_id):
        raise ProfileAlreadyLinked()


def _check_shape(kind: str, roles: Sequence[str], scopes: Sequence[str], *, has_profile: bool) -> None:
    problem = policy.shape_problem(kind, roles, scopes, has_profile=has_profile)
    if problem:
        raise AccountShapeInvalid(problem)


def _not_grantable(principal: Principal, kind: str, roles: Sequence[str], *,
                   at_own_unit: bool) -> RoleNotGrantable:
    if at_own_unit and policy.may_grant(principal.roles, kind, roles):
        return RoleNotGrantable(f"A {kind} account you give these roles goes to a unit below your own, never to "
                                "your own unit (Điều 9 khoản 2).")
    allowed = sorted(policy.grantable_roles(principal.roles, kind, at_own_unit=at_own_unit))
    return RoleNotGrantable(f"As {', '.join(sorted(principal.roles))} you may give a {kind} account "
                            f"{'at your own unit ' if at_own_unit else ''}these roles only: "
                            f"{', '.join(allowed) or 'none'}.")


async def _reach(session: AsyncSession, principal: Principal, data: AccountCreate) -> str:
    """The subtree the caller may create this account in: their own, as an admin who may give these roles there,
    or, for an officer's personal account, the one an active delegation lends them (Điều 9 khoản 2)."""
    at_own_unit = data.org_unit_id == principal.org_unit_id
    if policy.may_grant(principal.roles, data.kind, data.roles, at_own_unit=at_own_unit):
        return principal.org_path
    if policy.delegated(data.kind, data.roles):
        delegated = await queries.delegated_reach(session, principal.subject)
        if delegated is not None:
            return delegated
    raise _not_grantable(principal, data.kind, data.roles, at_own_unit=at_own_unit)


async def create_account(session: AsyncSession, principal: Principal, data: AccountCreate) -> AccountCreated:
    _check_shape(data.kind, data.roles, data.scopes, has_profile=data.profile_id is not None)
    reach = await _reach(session, principal, data)
    await _require_unit(session, reach, data.org_unit_id)
    if data.profile_id is not None:
        await _require_linkable(session, reach, data.profile_id)
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
    if Role.service.value in account.roles:  # the pipeline's own clients: a stolen admin token must not stop it
        raise ServiceClientProtected("Rotate or disable a service client with `python -m profile_api.accounts` on "
                                     "a host with database access (docs/operations.md, Accounts).",
                                     rule="service-clients-by-operators-only")
    at_own_unit = account.org_unit_id == principal.org_unit_id
    if not policy.may_grant(principal.roles, account.kind, account.roles, at_own_unit=at_own_unit):
        raise RoleNotGrantable("You manage only the accounts you could have created where they sit: this one is "
                               "for the level above you.")
    return account


async def _change(session: AsyncSession, principal: Principal, account: Account, action: str,
                  values: dict[str, Any], *, request: WrittenRequest | None = None) -> tuple[AccountRead, AccountRead]:
    """Updates the account and audits it (with the written request, when the change rests on one): (before,
    after)."""
    before = AccountRead.model_validate(account)
    after = AccountRead.model_validate(await queries.update_account(session, account.id, values))
    extra = access.request_of(request) if request else {}
    await audit.record(session, principal, f"account.{action}", "account", account.id,
                       before=before.model_dump(mode="json"), after={**after.model_dump(mode="json"), **extra},
                       fields=sorted([*values, *extra]))
    return before, after


async def _change_access(session: AsyncSession, principal: Principal, account: Account, action: str,
                         values: dict[str, Any], request: WrittenRequest) -> AccountChanged:
    """An access change (Điều 18 khoản 1): the update, its audit entry and its record with the written request."""
    before, after = await _change(session, principal, account, action, values, request=request)
    change = await access.record(session, principal, account.id, action, request, before=access.state_of(before),
                                 after=access.state_of(after))
    return AccountChanged(**after.model_dump(), access_change=change)


async def disable_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                          request: WrittenRequest, today: date) -> AccountChanged:
    """Revoke access (hủy quyền truy cập): the account can no longer obtain tokens."""
    access.check_request(request, today)
    await queries.queue_admin_changes(session)
    account = await _managed(session, principal, account_id)
    await last_admin.keep_covered(session, account)
    return await _change_access(session, principal, account, "disable",
                                {"disabled_at": account.disabled_at or utc_now()}, request)


async def enable_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                         request: WrittenRequest, today: date) -> AccountChanged:
    access.check_request(request, today)
    account = await _managed(session, principal, account_id)
    return await _change_access(session, principal, account, "enable", {"disabled_at": None}, request)


async def change_roles(session: AsyncSession, principal: Principal, account_id: uuid.UUID, data: RolesChange,
                       today: date) -> AccountChanged:
    """Restrict or extend access (hạn chế, mở rộng): new roles (a client's: new scopes) within what the caller may
    give an account of this kind where it sits."""
    access.check_request(data, today)
    await queries.queue_admin_changes(session)
    account = await _managed(session, principal, account_id)
    _check_shape(account.kind, data.roles, data.scopes, has_profile=account.profile_id is not None)
    at_own_unit = account.org_unit_id == principal.org_unit_id
    if not policy.may_grant(principal.roles, account.kind, data.roles, at_own_unit=at_own_unit):
        raise _not_grantable(principal, account.kind, data.roles, at_own_unit=at_own_unit)
    roles, scopes = sorted(set(data.roles)), sorted(set(data.scopes))
    if roles == sorted(account.roles) and scopes == sorted(account.scopes):
        raise AccessUnchanged("The account already has exactly these roles and scopes.")
    await last_admin.keep_covered(session, account, roles)
    return await _change_access(session, principal, account, "roles", {"roles": roles, "scopes": scopes}, data)


async def reset_password(session: AsyncSession, principal: Principal, account_id: uuid.UUID) -> PasswordReset:
    account = await _managed(session, principal, account_id)
    password = _generate_secret(account.kind)
    _, read = await _change(session, principal, account, "reset_password", {
        "secret_hash": await hash_secret(password), "must_change_password": account.kind != "client",
        "failed_logins": 0, "locked_until": None,
    })
    return PasswordReset(account=read, temporary_password=password)


async def move_account(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                       data: AccountMove) -> AccountRead:
    await queries.queue_admin_changes(session)
    account = await _managed(session, principal, account_id)
    to_path = await _require_unit(session, principal.org_path, data.org_unit_id)
    if data.org_unit_id == principal.org_unit_id and not policy.may_grant(
            principal.roles, account.kind, account.roles, at_own_unit=True):
        raise _not_grantable(principal, account.kind, account.roles, at_own_unit=True)
    if not (await queries.unit_path(session, account.org_unit_id) or "").startswith(to_path):
        await last_admin.keep_covered(session, account)  # only moving up keeps its unit covered
    _, moved = await _change(session, principal, account, "move", {"org_unit_id": data.org_unit_id})
    return moved
