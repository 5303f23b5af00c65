"""The record of access changes: each restriction, extension or revocation of an account's access (Điều 18
khoản 1) is stored with the number and date of the written request it rests on (Điều 19 khoản 4), in the
same transaction as the change, and read back as the account's history."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.time import utc_now
from profile_api.accounts import queries
from profile_api.accounts.errors import AccountNotFound, RequestDateInFuture
from profile_api.accounts.schemas import AccessChangeRead, AccountRead, WrittenRequest

REQUEST_FIELDS = ["request_date", "request_no"]


def check_request(request: WrittenRequest, today: date) -> None:
    if request.request_date > today:
        raise RequestDateInFuture(f"The request is dated {request.request_date}, after today ({today}).")


def state_of(account: AccountRead) -> dict[str, Any]:
    """The part of an account an access change moves."""
    return {"roles": account.roles, "scopes": account.scopes, "disabled": account.disabled_at is not None}


def request_of(request: WrittenRequest) -> dict[str, str]:
    return {"request_no": request.request_no, "request_date": request.request_date.isoformat()}


async def record(session: AsyncSession, principal: Principal, account_id: uuid.UUID, action: str,
                 request: WrittenRequest, *, before: dict[str, Any], after: dict[str, Any]) -> AccessChangeRead:
    row = await queries.insert_access_change(session, {
        "account_id": account_id, "action": action, "request_no": request.request_no,
        "request_date": request.request_date, "before": before, "after": after, "changed_by": principal.subject,
        "changed_at": utc_now(),  # the moment itself, not the transaction's start: the history's order
    })
    return AccessChangeRead.model_validate(row)


async def list_access_changes(session: AsyncSession, principal: Principal, account_id: uuid.UUID, *,
                              limit: int) -> list[AccessChangeRead]:
    """The account's access changes, newest first: 404 outside the caller's subtree."""
    if await queries.visible_account(session, principal, account_id) is None:
        raise AccountNotFound()
    return [AccessChangeRead.model_validate(c) for c in await queries.access_changes(session, account_id, limit)]
