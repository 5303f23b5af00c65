from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Security

from hoso_shared.auth import AnyPrincipal, Principal, authorize
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Today
from profile_api.changes import apply, propose
from profile_api.changes.errors import (
    ApprovalUnavailable,
    ChangeRequestNotApproved,
    ChangeRequestUnknown,
    EvidenceRequired,
    InvalidChange,
    OccurredInFuture,
    ProfileArchived,
    RowNotFound,
    StaleChangeRequest,
    UnknownAttachment,
)
from profile_api.changes.schemas import (
    Applied,
    AppliedBatch,
    ApplyBatch,
    ChangeAccepted,
    ItemsChange,
    LifecycleChange,
    RowChange,
    RowRemoval,
)
from profile_api.dependencies import Approval, Cipher
from profile_api.profiles.errors import ProfileNotFound

router = APIRouter(prefix="/api/v1/profiles", tags=["changes"])
internal = APIRouter(prefix="/internal/v1", tags=["internal"])
Applier = Annotated[Principal, Security(authorize, scopes=["profiles:apply"])]
PROPOSE_ERRORS = {**ProfileNotFound.openapi(), **InvalidChange.openapi(), **UnknownAttachment.openapi(),
                  **ProfileArchived.openapi(), **ApprovalUnavailable.openapi()}
# Every proposal: `occurred_on` (required, not in the future) and its evidence as the policy asks (hanoi-2024
# Điều 6 khoản 3); a late one is taken and flagged.
PROPOSAL = ("Every proposal names `occurred_on`, the day the information changed (not in the future: 422 "
            "occurred-in-future), and carries its evidence as the deadline policy asks (hanoi-2024: every change, "
            "Điều 6 khoản 3; else the changes DOMAIN lists and lifecycle events): without it, 422 evidence-required "
            "citing rule DU-MINHCHUNG-001. Entered more than the policy's working days after `occurred_on`, it is "
            "taken and flagged (`late_working_days`). The answer carries what the Đúng–Đủ–Sạch–Sống rules find in "
            "the record the change would produce (`findings`, `blocking_codes`), and the change request keeps them "
            "for the approver.")
PROPOSAL_ERRORS = {**PROPOSE_ERRORS, **EvidenceRequired.openapi(), **OccurredInFuture.openapi()}
DryRun = Annotated[bool, Query(description=(
    "Check it and answer with the findings it would carry (`change_request_id` null, state `not-submitted`) "
    "without making a change request: a \"check your answers\" page shows them before the person sends it"))]


@router.patch("/{profile_id}", status_code=202, responses=PROPOSAL_ERRORS, description=PROPOSAL,
              summary="Propose changes to items of a record (becomes a change request; the record is unchanged).")
async def propose_items(profile_id: uuid.UUID, body: ItemsChange, principal: AnyPrincipal, session: DbSession,
                        cipher: Cipher, approval: Approval, policy: Deadlines, today: Today,
                        dry_run: DryRun = False) -> ChangeAccepted:
    return await propose.propose_items(session, principal, profile_id, body, cipher, approval, policy, today,
                                       dry_run=dry_run)


@router.post("/{profile_id}/lifecycle", status_code=202, responses=PROPOSAL_ERRORS,
             summary="Propose a transfer, retirement, resignation or death (a change request for approval).",
             description=PROPOSAL + " A lifecycle event names its decision (số, ngày, cơ quan ban hành: hanoi-2024 "
                                    "Điều 12) and attaches its scan, under every policy.")
async def propose_lifecycle(profile_id: uuid.UUID, body: LifecycleChange, principal: AnyPrincipal,
                            session: DbSession, approval: Approval, policy: Deadlines,
                            today: Today, cipher: Cipher) -> ChangeAccepted:
    return await propose.propose_lifecycle(session, principal, profile_id, body, approval, policy, today, cipher)


@router.post("/{profile_id}/{section}", status_code=202, responses=PROPOSAL_ERRORS, description=PROPOSAL,
             summary="Propose a new row in one of the record's tables.")
async def propose_row_added(profile_id: uuid.UUID, section: str, body: RowChange, principal: AnyPrincipal,
                            session: DbSession, cipher: Cipher, approval: Approval, policy: Deadlines,
                            today: Today, dry_run: DryRun = False) -> ChangeAccepted:
    return await propose.propose_row(session, principal, profile_id, section, None, body, cipher, approval, policy,
                                     today, dry_run=dry_run)


@router.put("/{profile_id}/{section}/{row_id}", status_code=202,
            responses={**PROPOSAL_ERRORS, **RowNotFound.openapi()}, description=PROPOSAL,
            summary="Propose replacing one row of the record's tables.")
async def propose_row_replaced(profile_id: uuid.UUID, section: str, row_id: uuid.UUID, body: RowChange,
                               principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                               approval: Approval, policy: Deadlines, today: Today,
                               dry_run: DryRun = False) -> ChangeAccepted:
    return await propose.propose_row(session, principal, profile_id, section, row_id, body, cipher, approval, policy,
                                     today, dry_run=dry_run)


@router.delete("/{profile_id}/{section}/{row_id}", status_code=202,
               responses={**PROPOSAL_ERRORS, **RowNotFound.openapi()}, description=PROPOSAL,
               summary="Propose removing one row of the record's tables (profiles themselves are never deleted).")
async def propose_row_removed(profile_id: uuid.UUID, section: str, row_id: uuid.UUID, body: RowRemoval,
                              principal: AnyPrincipal, session: DbSession, cipher: Cipher, approval: Approval,
                              policy: Deadlines, today: Today, dry_run: DryRun = False) -> ChangeAccepted:
    return await propose.propose_row(session, principal, profile_id, section, row_id, body, cipher, approval, policy,
                                     today, dry_run=dry_run)


@internal.post("/change-requests/{change_request_id}/apply", summary="Apply an approved change request (service).",
               description="Writes the new version and its outbox row in one transaction; idempotent by id.",
               responses={**ChangeRequestNotApproved.openapi(), **StaleChangeRequest.openapi()})
async def apply_change_request(change_request_id: uuid.UUID, principal: Applier, session: DbSession,
                               cipher: Cipher) -> Applied:
    return await apply.apply_change_request(session, principal, change_request_id, cipher)


@internal.post("/change-requests/apply", summary="Apply many approved change requests in one call (service).",
               description="For a bulk approval (e.g. an agency's initial migration of new records, hanoi-2024 Điều "
                           "7): each id answered as the single route would, a result per distinct id; `create` "
                           "requests are checked first and applied together (a statement per kind of row, not per "
                           "record), any other in its own savepoint. An id unknown or outside the caller's reach: 404 "
                           "and nothing applied.",
               responses=ChangeRequestUnknown.openapi())
async def apply_change_requests(body: ApplyBatch, principal: Applier, session: DbSession,
                                cipher: Cipher) -> AppliedBatch:
    return await apply.apply_many(session, principal, body.ids, cipher)
