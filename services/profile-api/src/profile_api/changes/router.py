from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Security

from hoso_shared.auth import AnyPrincipal, Principal, authorize
from hoso_shared.db import DbSession
from profile_api.changes import apply, propose
from profile_api.changes.errors import (
    ApprovalUnavailable,
    ChangeRequestNotApproved,
    InvalidChange,
    ProfileArchived,
    RowNotFound,
    StaleChangeRequest,
    UnknownAttachment,
)
from profile_api.changes.schemas import Applied, ChangeAccepted, ItemsChange, LifecycleChange, RowChange, RowRemoval
from profile_api.dependencies import Approval, Cipher
from profile_api.profiles.errors import ProfileNotFound

router = APIRouter(prefix="/api/v1/profiles", tags=["changes"])
internal = APIRouter(prefix="/internal/v1", tags=["internal"])
Applier = Annotated[Principal, Security(authorize, scopes=["profiles:apply"])]
PROPOSE_ERRORS = {**ProfileNotFound.openapi(), **InvalidChange.openapi(), **UnknownAttachment.openapi(),
                  **ProfileArchived.openapi(), **ApprovalUnavailable.openapi()}


@router.patch("/{profile_id}", status_code=202, responses=PROPOSE_ERRORS,
              summary="Propose changes to items of a record (becomes a change request; the record is unchanged).")
async def propose_items(profile_id: uuid.UUID, body: ItemsChange, principal: AnyPrincipal, session: DbSession,
                        cipher: Cipher, approval: Approval) -> ChangeAccepted:
    return await propose.propose_items(session, principal, profile_id, body, cipher, approval)


@router.post("/{profile_id}/lifecycle", status_code=202, responses=PROPOSE_ERRORS,
             summary="Propose a transfer, retirement, resignation or death (a change request for approval).")
async def propose_lifecycle(profile_id: uuid.UUID, body: LifecycleChange, principal: AnyPrincipal,
                            session: DbSession, approval: Approval) -> ChangeAccepted:
    return await propose.propose_lifecycle(session, principal, profile_id, body, approval)


@router.post("/{profile_id}/{section}", status_code=202, responses=PROPOSE_ERRORS,
             summary="Propose a new row in one of the record's tables.")
async def propose_row_added(profile_id: uuid.UUID, section: str, body: RowChange, principal: AnyPrincipal,
                            session: DbSession, cipher: Cipher, approval: Approval) -> ChangeAccepted:
    return await propose.propose_row(session, principal, profile_id, section, None, body, cipher, approval)


@router.put("/{profile_id}/{section}/{row_id}", status_code=202, responses={**PROPOSE_ERRORS, **RowNotFound.openapi()},
            summary="Propose replacing one row of the record's tables.")
async def propose_row_replaced(profile_id: uuid.UUID, section: str, row_id: uuid.UUID, body: RowChange,
                               principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                               approval: Approval) -> ChangeAccepted:
    return await propose.propose_row(session, principal, profile_id, section, row_id, body, cipher, approval)


@router.delete("/{profile_id}/{section}/{row_id}", status_code=202,
               responses={**PROPOSE_ERRORS, **RowNotFound.openapi()},
               summary="Propose removing one row of the record's tables (profiles themselves are never deleted).")
async def propose_row_removed(profile_id: uuid.UUID, section: str, row_id: uuid.UUID, principal: AnyPrincipal,
                              session: DbSession, cipher: Cipher, approval: Approval,
                              body: RowRemoval | None = None) -> ChangeAccepted:
    return await propose.propose_row(session, principal, profile_id, section, row_id, body or RowRemoval(), cipher,
                                     approval)


@internal.post("/change-requests/{change_request_id}/apply", summary="Apply an approved change request (service).",
               description="Writes the new version and its outbox row in one transaction; idempotent by id.",
               responses={**ChangeRequestNotApproved.openapi(), **StaleChangeRequest.openapi()})
async def apply_change_request(change_request_id: uuid.UUID, principal: Applier, session: DbSession,
                               cipher: Cipher) -> Applied:
    return await apply.apply_change_request(session, principal, change_request_id, cipher)
