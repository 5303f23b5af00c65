from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Security

from approval_api.windows import service
from approval_api.windows.schemas import WindowOpen, WindowRead, WindowStatus
from hoso_shared.auth import AnyPrincipal, Principal, authorize
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


@router.get("/status", responses=service.UnitNotFound.openapi(),
            summary="Is the approval window open for a unit now (the policy's, or an extraordinary one)?")
async def read_window_status(principal: AnyPrincipal, session: DbSession, policy: Deadlines, now: Now,
                             org_unit_id: uuid.UUID | None = None) -> WindowStatus:
    return await service.status(session, principal, org_unit_id, policy, now)
