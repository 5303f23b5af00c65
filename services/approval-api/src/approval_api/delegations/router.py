from __future__ import annotations

import uuid

from fastapi import APIRouter

from approval_api.delegations import service
from approval_api.delegations.schemas import DelegationCreate, DelegationRead
from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Now, Today

router = APIRouter(prefix="/api/v1/delegations", tags=["delegations"])


@router.post("", status_code=201, responses={**service.DelegateNotFound.openapi()},
             summary="Delegate your decisions (ủy quyền) to a person in your subtree for a date range.",
             description="While it runs (Asia/Ho_Chi_Minh dates, inclusive) the delegate may approve, reject or "
                         "return what you could; each decision records both names.")
async def create_delegation(body: DelegationCreate, principal: AnyPrincipal, session: DbSession,
                            today: Today) -> DelegationRead:
    return await service.create(session, principal, body, today)


@router.get("", summary="Delegations you gave or received.")
async def list_delegations(principal: AnyPrincipal, session: DbSession) -> list[DelegationRead]:
    return await service.listing(session, principal)


@router.post("/{delegation_id}/revoke", responses=service.DelegationNotFound.openapi(),
             summary="End a delegation now (its delegator, or its delegate handing it back).")
async def revoke_delegation(delegation_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                            now: Now) -> DelegationRead:
    return await service.revoke(session, principal, delegation_id, now)
