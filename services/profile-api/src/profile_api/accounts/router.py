from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Today
from hoso_shared.time import FIRST_DAY, LAST_DAY
from profile_api.accounts import access, delegation, incoming, last_admin, service
from profile_api.accounts.auth import AccountsCreate, AccountsRead, AccountsWrite
from profile_api.accounts.errors import (
    AccessUnchanged,
    AccountNotFound,
    AccountShapeInvalid,
    DelegateUnfit,
    DelegationExists,
    DelegationNotFound,
    OrgUnitNotFound,
    OwnAccount,
    ProfileAlreadyLinked,
    RequestDateInFuture,
    RoleNotGrantable,
    UsernameTaken,
)
from profile_api.accounts.schemas import (
    AccessChangeRead,
    AccountChanged,
    AccountCreate,
    AccountCreated,
    AccountFilter,
    AccountMove,
    AccountPage,
    AccountRead,
    DelegationChanged,
    DelegationGrant,
    DelegationRead,
    IncomingPage,
    OverdueIncomingPage,
    PasswordReset,
    RoleName,
    RolesChange,
    WrittenRequest,
)
from profile_api.profiles.errors import InvalidCursor

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])
Cursor = Annotated[str | None, Query(max_length=64, description="`next_cursor` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]
MANAGE_ERRORS = {**AccountNotFound.openapi(), **OwnAccount.openapi(), **RoleNotGrantable.openapi()}
# Every access change (Điều 18 khoản 1) rests on a written request (Điều 19 khoản 4).
ACCESS_ERRORS = {**MANAGE_ERRORS, **RequestDateInFuture.openapi()}
ACCESS = ("An access change (Điều 18 khoản 1): the body names the written request it rests on, its number and "
          "date (Điều 19 khoản 4), required; they are stored with the change, returned here as `access_change` "
          "and in `GET /api/v1/accounts/{account_id}/access-changes`, and audited.")
NO_STORE = "no-store"


@router.post("", status_code=201, summary="Create an account; its initial password is returned once.",
             description="Điều 9. doha_admin: agency accounts, personal accounts and system clients, anywhere in the "
                         "province. agency_admin: agency accounts (agency_admin, approver) for the units below its "
                         "own (its sub-units, never its own unit) and personal accounts (officer, approver) in its "
                         "subtree. A person holding a delegation (`POST /api/v1/accounts/{account_id}/delegation`): "
                         "officers' personal accounts in the delegation's subtree. Outside that reach the unit or "
                         "profile is 404 (its existence is not told); roles the caller may not give there are 403.",
             responses={**UsernameTaken.openapi(), **RoleNotGrantable.openapi(), **OrgUnitNotFound.openapi(),
                        **AccountShapeInvalid.openapi(), **ProfileAlreadyLinked.openapi()})
async def create_account(body: AccountCreate, principal: AccountsCreate, session: DbSession,
                         response: Response) -> AccountCreated:
    response.headers["Cache-Control"] = NO_STORE
    return await service.create_account(session, principal, body)


@router.get("", summary="List the accounts in the caller's subtree, a page at a time.",
            responses=InvalidCursor.openapi())
async def list_accounts(principal: AccountsRead, session: DbSession, role: RoleName | None = None,
                        disabled: bool | None = None, cursor: Cursor = None, limit: Limit = 50) -> AccountPage:
    flt = AccountFilter(role=role, disabled=disabled)
    return await service.list_accounts(session, principal, flt, cursor=cursor, limit=limit)


@router.get("/overdue-incoming", summary="Incoming people still without an account after 10 working days.",
            description="Active profiles in the caller's subtree with an arrival date (`incoming_on`) whose "
                        "10th working day after arrival (Vietnamese holidays) is before `as_of` (default: "
                        "today in Asia/Ho_Chi_Minh), and no account linked.",
            responses=InvalidCursor.openapi())
async def list_overdue_incoming(principal: AccountsRead, session: DbSession, policy: Deadlines, today: Today,
                                as_of: Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY,
                                                                    description="YYYY-MM-DD")] = None,
                                cursor: Cursor = None, limit: Limit = 50) -> OverdueIncomingPage:
    return await incoming.list_overdue_incoming(session, principal, policy, as_of=as_of or today, cursor=cursor,
                                                limit=limit)


@router.get("/incoming", summary="Incoming people without an account yet, due or not, a page at a time.",
            description="Active profiles in the caller's subtree with an arrival date (`incoming_on`) and no account "
                        "linked (Điều 12 khoản 2.2 điểm a: the account is due 10 working days after arrival, "
                        "Vietnamese holidays counted), by arrival day then record id, so the late come first; "
                        "`overdue` is judged on `as_of` (default: today in Asia/Ho_Chi_Minh). Pass `next_cursor` "
                        "back as `cursor` for the next page (400 `invalid-cursor` for one this list did not give).",
            responses=InvalidCursor.openapi())
async def list_incoming(principal: AccountsRead, session: DbSession, policy: Deadlines, today: Today,
                        as_of: Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY,
                                                            description="YYYY-MM-DD")] = None,
                        cursor: Cursor = None, limit: Limit = 50) -> IncomingPage:
    return await incoming.list_incoming(session, principal, policy, as_of=as_of or today, cursor=cursor, limit=limit)


@router.get("/delegations", summary="Delegations to create personal accounts, in the caller's subtree.",
            description="Ủy quyền tạo lập tài khoản cá nhân (Điều 9 khoản 2) whose unit lies in the caller's "
                        "subtree, newest first; `active=true` only those not revoked, `false` only revoked ones.")
async def list_account_delegations(principal: AccountsRead, session: DbSession, active: bool | None = None,
                                   limit: Limit = 100) -> list[DelegationRead]:
    return await delegation.list_delegations(session, principal, active=active, limit=limit)


@router.get("/{account_id}", summary="Read one account of the caller's subtree.",
            responses=AccountNotFound.openapi())
async def get_account(account_id: uuid.UUID, principal: AccountsRead, session: DbSession) -> AccountRead:
    return await service.get_account(session, principal, account_id)


@router.get("/{account_id}/access-changes", summary="The account's access changes with their written requests.",
            description="Each restriction, extension or revocation of the account's access (disable, enable, "
                        "roles, delegate, undelegate), newest first, with the number and date of the written "
                        "request it rests on, who made it and when. 404 outside the caller's subtree.",
            responses=AccountNotFound.openapi())
async def list_account_access_changes(account_id: uuid.UUID, principal: AccountsRead, session: DbSession,
                                      limit: Limit = 100) -> list[AccessChangeRead]:
    return await access.list_access_changes(session, principal, account_id, limit=limit)


@router.post("/{account_id}/disable", summary="Revoke access: disable an account, it can no longer obtain tokens.",
             description=ACCESS + " Tokens already issued lapse at their expiry (15 minutes). " + last_admin.RULE,
             responses=ACCESS_ERRORS)
async def disable_account(account_id: uuid.UUID, body: WrittenRequest, principal: AccountsWrite, session: DbSession,
                          today: Today) -> AccountChanged:
    return await service.disable_account(session, principal, account_id, body, today)


@router.post("/{account_id}/enable", summary="Restore access: enable a disabled account again.",
             description=ACCESS, responses=ACCESS_ERRORS)
async def enable_account(account_id: uuid.UUID, body: WrittenRequest, principal: AccountsWrite, session: DbSession,
                         today: Today) -> AccountChanged:
    return await service.enable_account(session, principal, account_id, body, today)


@router.post("/{account_id}/roles", summary="Restrict or extend access: give the account new roles (a client: "
                                            "new scopes).",
             description=ACCESS + " The new roles are within what the caller may give an account of this kind "
                         "where it sits (as when creating it). The account's next token carries them. "
                         + last_admin.RULE,
             responses={**ACCESS_ERRORS, **AccountShapeInvalid.openapi(), **AccessUnchanged.openapi()})
async def change_account_roles(account_id: uuid.UUID, body: RolesChange, principal: AccountsWrite,
                               session: DbSession, today: Today) -> AccountChanged:
    return await service.change_roles(session, principal, account_id, body, today)


@router.post("/{account_id}/delegation", status_code=201,
             summary="Delegate creating officers' personal accounts to this person (ủy quyền, Điều 9 khoản 2).",
             description=ACCESS + " The delegate is an enabled personal account of the caller's subtree working in "
                         "`org_unit_id` (default: the caller's unit) or below; until revoked, they may create "
                         "officers' personal accounts there (their token carries `accounts:create`). One active "
                         "delegation per person (409).",
             responses={**ACCESS_ERRORS, **OrgUnitNotFound.openapi(), **DelegateUnfit.openapi(),
                        **DelegationExists.openapi()})
async def create_account_delegation(account_id: uuid.UUID, body: DelegationGrant, principal: AccountsWrite,
                                    session: DbSession, today: Today) -> DelegationChanged:
    return await delegation.grant_delegation(session, principal, account_id, body, today)


@router.post("/{account_id}/delegation/revoke", summary="Revoke the person's delegation to create personal accounts.",
             description=ACCESS + " Takes effect at once, whatever tokens the delegate holds.",
             responses={**ACCESS_ERRORS, **DelegationNotFound.openapi()})
async def revoke_account_delegation(account_id: uuid.UUID, body: WrittenRequest, principal: AccountsWrite,
                                    session: DbSession, today: Today) -> DelegationChanged:
    return await delegation.revoke_delegation(session, principal, account_id, body, today)


@router.post("/{account_id}/reset-password", summary="Give an account a new temporary password (returned once).",
             description="Also unlocks it; the account must change the password at its next login.",
             responses=MANAGE_ERRORS)
async def reset_password(account_id: uuid.UUID, principal: AccountsWrite, session: DbSession,
                         response: Response) -> PasswordReset:
    response.headers["Cache-Control"] = NO_STORE
    return await service.reset_password(session, principal, account_id)


@router.post("/{account_id}/move", summary="Move an account to another unit of the caller's subtree.",
             description="An agency account an agency admin made for a sub-unit never moves to the admin's own unit "
                         "(403). " + last_admin.RULE,
             responses={**MANAGE_ERRORS, **OrgUnitNotFound.openapi()})
async def move_account(account_id: uuid.UUID, body: AccountMove, principal: AccountsWrite,
                       session: DbSession) -> AccountRead:
    return await service.move_account(session, principal, account_id, body)
