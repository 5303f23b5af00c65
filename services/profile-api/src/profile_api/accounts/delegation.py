"""Ủy quyền tạo lập tài khoản cá nhân (Điều 9 khoản 2): an admin who creates officers' personal accounts lends
that power to named HR staff of its subtree, and takes it back. The delegate's token then carries
`accounts:create`; each use is checked again against the live delegation (`queries.delegated_reach`), so a
revocation or a disabled delegate stops it at once. Granting and revoking are access changes: each rests on a
written request, recorded with it (`access`), and audited."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.models import Account, AccountDelegation
from hoso_shared.time import utc_now
from profile_api.accounts import access, policy, queries
from profile_api.accounts.errors import (
    AccountNotFound,
    DelegateUnfit,
    DelegationExists,
    DelegationNotFound,
    OrgUnitNotFound,
    OwnAccount,
    RoleNotGrantable,
)
from profile_api.accounts.schemas import (
    DelegationChanged,
    DelegationGrant,
    DelegationRead,
    WrittenRequest,
)
from profile_api.audit import service as audit


def _shown(delegation: AccountDelegation) -> dict[str, str]:
    return {"id": str(delegation.id), "org_unit_id": str(delegation.org_unit_id)}


async def _delegate(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                    request: WrittenRequest, today: date) -> Account:
    """The person to grant to or revoke from, locked: in the caller's subtree (else 404), not the caller, and only
    for a caller who may create officers' personal accounts (else 403)."""
    access.check_request(request, today)
    if not policy.may_delegate(principal.roles):
        raise RoleNotGrantable("Only an administrator who creates personal accounts can delegate that.")
    account = await queries.visible_account(session, principal, account_id, lock=True)
    if account is None:
        raise AccountNotFound()
    if account.id == principal.subject:
        raise OwnAccount("A delegation goes to someone else.")
    return account


async def _record(session: AsyncSession, principal: Principal, delegate: Account, action: str,
                  request: WrittenRequest, before: AccountDelegation | None,
                  after: AccountDelegation) -> DelegationChanged:
    was = _shown(before) if before else None
    now = None if action == "undelegate" else _shown(after)
    change = await access.record(session, principal, delegate.id, action, request,
                                 before={"delegation": was}, after={"delegation": now})
    await audit.record(session, principal, f"account.{action}", "account", delegate.id,
                       before={"delegation": was}, after={"delegation": now, **access.request_of(request)},
                       fields=["delegation", *access.REQUEST_FIELDS])
    return DelegationChanged(**DelegationRead.model_validate(after).model_dump(), access_change=change)


async def grant_delegation(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                           data: DelegationGrant, today: date) -> DelegationChanged:
    delegate = await _delegate(session, principal, account_id, data, today)
    if delegate.kind != "person" or delegate.disabled_at is not None:
        raise DelegateUnfit("Delegate to an enabled personal account.")
    unit_id = data.org_unit_id or principal.org_unit_id
    unit_path = await queries.unit_path(session, unit_id)
    if unit_path is None or not principal.covers(unit_path):
        raise OrgUnitNotFound()
    delegate_path = await queries.unit_path(session, delegate.org_unit_id) or ""
    if not delegate_path.startswith(unit_path):
        raise DelegateUnfit("The delegate must work in the unit (or below it) they will create accounts for.")
    if await queries.active_delegation(session, delegate.id) is not None:
        raise DelegationExists()
    granted = await queries.insert_delegation(session, {"delegate_id": delegate.id, "org_unit_id": unit_id,
                                                        "granted_by": principal.subject, "granted_at": utc_now()})
    return await _record(session, principal, delegate, "delegate", data, None, granted)


async def revoke_delegation(session: AsyncSession, principal: Principal, account_id: uuid.UUID,
                            request: WrittenRequest, today: date) -> DelegationChanged:
    delegate = await _delegate(session, principal, account_id, request, today)
    found = await queries.active_delegation(session, delegate.id)
    if found is None or not principal.covers(found[1]):
        raise DelegationNotFound()
    revoked = await queries.revoke_delegation(session, found[0].id, {"revoked_at": utc_now(),
                                                                     "revoked_by": principal.subject})
    return await _record(session, principal, delegate, "undelegate", request, found[0], revoked)


async def list_delegations(session: AsyncSession, principal: Principal, *, active: bool | None,
                           limit: int) -> list[DelegationRead]:
    rows = await queries.list_delegations(session, principal, active=active, limit=limit)
    return [DelegationRead.model_validate(d) for d in rows]
