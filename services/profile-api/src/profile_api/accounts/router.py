from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Today
from profile_api.accounts import incoming, service
from profile_api.accounts.auth import AccountsRead, AccountsWrite
from profile_api.accounts.errors import (
    AccountNotFound,
    AccountShapeInvalid,
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
    OverdueIncomingPage,
    PasswordReset,
    RoleName,
)
from profile_api.profiles.errors import InvalidCursor

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])
Cursor = Annotated[str | None, Query(max_length=64, description="`next_cursor` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]
MANAGE_ERRORS = {**AccountNotFound.openapi(), **OwnAccount.openapi()}
NO_STORE = "no-store"


@router.post("", status_code=201, summary="Create an account; its initial password is returned once.",
             description="doha_admin: agency accounts, personal accounts and system clients; agency_admin: "
                         "personal accounts (officer, approver). Always inside the caller's subtree.",
             responses={**UsernameTaken.openapi(), **RoleNotGrantable.openapi(), **OrgUnitNotFound.openapi(),
                        **AccountShapeInvalid.openapi(), **ProfileAlreadyLinked.openapi()})
async def create_account(body: AccountCreate, principal: AccountsWrite, session: DbSession,
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
                                as_of: date | None = None, cursor: Cursor = None,
                                limit: Limit = 50) -> OverdueIncomingPage:
    return await incoming.list_overdue_incoming(session, principal, policy, as_of=as_of or today, cursor=cursor,
                                                limit=limit)


@router.get("/{account_id}", summary="Read one account of the caller's subtree.",
            responses=AccountNotFound.openapi())
async def get_account(account_id: uuid.UUID, principal: AccountsRead, session: DbSession) -> AccountRead:
    return await service.get_account(session, principal, account_id)


@router.post("/{account_id}/disable", summary="Disable an account: it can no longer obtain tokens.",
             responses=MANAGE_ERRORS)
async def disable_account(account_id: uuid.UUID, principal: AccountsWrite, session: DbSession) -> AccountRead:
    return await service.disable_account(session, principal, account_id)


@router.post("/{account_id}/enable", summary="Enable a disabled account again.", responses=MANAGE_ERRORS)
async def enable_account(account_id: uuid.UUID, principal: AccountsWrite, session: DbSession) -> AccountRead:
    return await service.enable_account(session, principal, account_id)


@router.post("/{account_id}/reset-password", summary="Give an account a new temporary password (returned once).",
             description="Also unlocks it; the account must change the password at its next login.",
             responses=MANAGE_ERRORS)
async def reset_password(account_id: uuid.UUID, principal: AccountsWrite, session: DbSession,
                         response: Response) -> PasswordReset:
    response.headers["Cache-Control"] = NO_STORE
    return await service.reset_password(session, principal, account_id)


@router.post("/{account_id}/move", summary="Move an account to another unit of the caller's subtree.",
             responses={**MANAGE_ERRORS, **OrgUnitNotFound.openapi()})
async def move_account(account_id: uuid.UUID, body: AccountMove, principal: AccountsWrite,
                       session: DbSession) -> AccountRead:
    return await service.move_account(session, principal, account_id, body)
