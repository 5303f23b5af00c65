from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Security

from approval_api.windows import service
from approval_api.windows.schemas import WindowOpen, WindowPage, WindowRead, WindowStatus
from hoso_shared.auth import AnyPrincipal, Principal, authorize
from hoso_shared.cursors import InvalidCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now

router = APIRouter(prefix="/api/v1/approval-windows", tags=["approval-windows"])
Opener = Annotated[Principal, Security(authorize, scopes=["approval-windows:write"])]


@router.post("", status_code=201, responses=service.UnitNotFound.openapi(),
             summary="Open an extraordinary approval window for a unit subtree (DOHA).",
             description=f"Outside the policy's monthly window, approvals and batch submissions in the subtree are "
                         f"allowed while it is open. At most {service.LONGEST_DAYS} days; it must not have ended.")
async def open_window(body: WindowOpen, principal: Opener, session: DbSession, now: Now) -> WindowRead:
    return await service.open_window(session, principal, body, now)


@router.get("", responses=InvalidCursor.openapi(),
            summary="The extraordinary windows opened over units of the caller's subtree (DOHA), latest first.",
            description="`state=open`: not closed yet (open now or to come); `state=past`: closed. A page at a "
                        "time: pass `next_cursor` back as `cursor`.")
async def list_windows(principal: Opener, session: DbSession, now: Now,
                       state: Annotated[Literal["open", "past"] | None, Query(
                           description="open: not closed yet; past: closed; absent: both")] = None,
                       limit: Annotated[int, Query(ge=1, le=200, description="Windows per page")] = 50,
                       cursor: Annotated[str | None, Query(max_length=200, description=(
                           "`next_cursor` of the previous page"))] = None) -> WindowPage:
    return await service.list_windows(session, principal, state, limit, cursor, now)


@router.get("/status", responses=service.UnitNotFound.openapi(),
            summary="Is the approval window open for a unit now (the policy's, or an extraordinary one)?")
async def read_window_status(principal: AnyPrincipal, session: DbSession, policy: Deadlines, now: Now,
                             org_unit_id: uuid.UUID | None = None) -> WindowStatus:
    return await service.status(session, principal, org_unit_id, policy, now)
