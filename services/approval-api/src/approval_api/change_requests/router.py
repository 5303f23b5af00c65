from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, Security

from approval_api.change_requests import service
from approval_api.change_requests.errors import ChangeRequestIdReused, ChangeRequestNotFound
from approval_api.change_requests.schemas import ChangeRequestRead, ForwardedChange
from hoso_shared.auth import AnyPrincipal, Principal, authorize
from hoso_shared.db import DbSession

router = APIRouter(prefix="/api/v1/change-requests", tags=["change-requests"])
Forwarder = Annotated[Principal, Security(authorize, scopes=["change-requests:forward"])]


@router.post("", status_code=201, summary="Take a change forwarded by profile-api (service token).",
             description="Idempotent by `id`: a retry returns the stored request with 200.",
             responses=ChangeRequestIdReused.openapi())
async def create_change_request(body: ForwardedChange, principal: Forwarder, session: DbSession,
                                response: Response) -> ChangeRequestRead:
    stored, created = await service.accept_forwarded(session, body)
    response.status_code = 201 if created else 200
    return stored


@router.get("/{change_request_id}", summary="Read one change request (its requester, or a reader of its subtree).",
            responses=ChangeRequestNotFound.openapi())
async def get_change_request(change_request_id: uuid.UUID, principal: AnyPrincipal,
                             session: DbSession) -> ChangeRequestRead:
    return await service.get_change_request(session, principal, change_request_id)
