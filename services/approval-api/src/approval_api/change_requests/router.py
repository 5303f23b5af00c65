from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, Security

from approval_api.change_requests import bulk, intake, service
from approval_api.change_requests.errors import (
    ChangeRequestIdReused,
    ChangeRequestNotFound,
    CommentRequired,
    EvidenceRequired,
    OccurredInFuture,
    OwnRequest,
    RoleNotAllowed,
    RuleErrorsBlockApproval,
    StaleRequest,
    TransitionNotAllowed,
    WindowClosed,
)
from approval_api.change_requests.schemas import (
    ActionBody,
    ApproveBody,
    Backlog,
    BulkAction,
    BulkResult,
    ChangeRequestDetail,
    ChangeRequestPage,
    ChangeRequestRead,
    ForwardedBatch,
    ForwardedChange,
    ForwardedChanges,
    NationalRejection,
    State,
)
from approval_api.change_requests.service import Workflow
from approval_api.change_requests.workflow import Action
from approval_api.dependencies import AppWorkflow
from hoso_shared.auth import AnyPrincipal, Principal, authorize
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now

router = APIRouter(prefix="/api/v1/change-requests", tags=["change-requests"])
internal = APIRouter(prefix="/internal/v1/change-requests", tags=["internal"])
Forwarder = Annotated[Principal, Security(authorize, scopes=["change-requests:forward"])]
ACTION_ERRORS = {**ChangeRequestNotFound.openapi(), **TransitionNotAllowed.openapi(), **RoleNotAllowed.openapi(),
                 **OwnRequest.openapi(), **CommentRequired.openapi()}


@router.post("", status_code=201, summary="Take a change forwarded by profile-api (service token).",
             description="Idempotent by `id`: a retry returns the stored request with 200. A change that needs "
                         "evidence is refused for submission without an attachment (422, rule DU-MINHCHUNG-001): "
                         "under `hanoi-2024` every change (Điều 6 khoản 3), under every policy the changes DOMAIN "
                         "lists (identity, diplomas, rank and salary, position, awards, discipline) and lifecycle "
                         "events. `occurred_on` (the day the information changed) is required and not in the "
                         "future; a submission past the policy's self-update deadline is taken and flagged with "
                         "`late_working_days`.",
             responses={**ChangeRequestIdReused.openapi(), **EvidenceRequired.openapi(),
                        **OccurredInFuture.openapi()})
async def create_change_request(body: ForwardedChange, principal: Forwarder, session: DbSession, now: Now,
                                policy: Deadlines, response: Response) -> ChangeRequestRead:
    stored, created = await service.accept_forwarded(session, body, now, policy)
    response.status_code = 201 if created else 200
    return stored


@router.post("/batch", summary="Take many changes forwarded by profile-api at once (service token).",
             description="For a bulk import's `create` requests (hanoi-2024 Điều 7: new records are approved like "
                         "updates): up to 1,000, each checked as `POST /change-requests` checks it; all are taken "
                         "or none. Idempotent by each `id`.",
             responses={**EvidenceRequired.openapi(), **OccurredInFuture.openapi()})
async def create_change_requests(body: ForwardedChanges, principal: Forwarder, session: DbSession, now: Now,
                                 policy: Deadlines) -> ForwardedBatch:
    return await intake.accept_many(session, body.changes, now, policy)


@router.get("", summary="List change requests: yours, or your subtree's with change-requests:read.",
            description="Filters: `state` (repeatable), `org_unit_id` (a unit subtree), `older_than_days` (submitted "
                        "at least that long ago). Oldest first; follow `next_cursor`.")
async def list_change_requests(principal: AnyPrincipal, session: DbSession, now: Now,
                               state: Annotated[list[State], Query()] = [],  # noqa: B006 - FastAPI copies it
                               org_unit_id: uuid.UUID | None = None,
                               older_than_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
                               cursor: Annotated[str | None, Query(max_length=200)] = None,
                               limit: Annotated[int, Query(ge=1, le=500)] = 100) -> ChangeRequestPage:
    return await service.list_page(session, principal, states=list(state), org_unit_id=org_unit_id,
                                   older_than_days=older_than_days, cursor=cursor, limit=limit, now=now)


@router.get("/backlog", summary="Open requests per unit and state, with the oldest and the overdue count.",
            description="Overdue follows the deadline policy: under `hanoi-2024` a request not decided by the end of "
                        "its month's window; under `nd27-2026` one waiting more than 3 working days.")
async def read_backlog(principal: AnyPrincipal, session: DbSession, policy: Deadlines, now: Now,
                       org_unit_id: uuid.UUID | None = None) -> Backlog:
    return await service.backlog(session, principal, org_unit_id, policy, now)


@router.post("/bulk", summary="Approve, reject or return many requests; a result per item.",
             description="Every item is checked by the rules of a single decision, and a refused one fails alone "
                         "(nothing of it is written) while the others are done, in one transaction. An "
                         "approval here never overrides findings: a request with error findings fails its item "
                         "(rule-errors-block-approval) and is approved on its own, with a reason.")
async def decide_in_bulk(body: BulkAction, principal: AnyPrincipal, workflow: AppWorkflow, now: Now) -> BulkResult:
    return await bulk.decide_many(workflow, principal, body, now)


@router.get("/{change_request_id}", summary="Read one change request with its decision trail.",
            responses=ChangeRequestNotFound.openapi())
async def get_change_request(change_request_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                             now: Now) -> ChangeRequestDetail:
    return await service.get_detail(session, principal, change_request_id, now)


async def _act(workflow: Workflow, principal: Principal, change_request_id: uuid.UUID, action: Action,
               body: ActionBody | None, now: datetime) -> ChangeRequestRead:
    comment = body.comment if body else None
    return await service.act(workflow, principal, change_request_id, action, comment, now)


@router.post("/{change_request_id}/submit", responses={**ACTION_ERRORS, **EvidenceRequired.openapi()},
             summary="Submit a draft or a returned request (its requester, or the agency's HR staff).",
             description="Refused without evidence where the policy asks it (422, rule DU-MINHCHUNG-001). The "
                         "submission day is measured against the policy's self-update deadline from "
                         "`occurred_on`: `late_working_days` is set (or cleared) at each submission.")
async def submit_change_request(change_request_id: uuid.UUID, principal: AnyPrincipal, workflow: AppWorkflow,
                                now: Now, body: ActionBody | None = None) -> ChangeRequestRead:
    return await _act(workflow, principal, change_request_id, Action.SUBMIT, body, now)


@router.post("/{change_request_id}/approve",
             responses={**ACTION_ERRORS, **WindowClosed.openapi(), **StaleRequest.openapi(),
                        **RuleErrorsBlockApproval.openapi()},
             summary="Approve, then apply: profile-api writes the new version (an approver of the unit or a "
                     "delegate; never one's own request; inside the approval window).",
             description="A request made on an older version is returned for rebasing (409). A request whose record "
                         "would have Đúng–Đủ–Sạch–Sống errors (its `blocking_codes`, judged when it was proposed) is "
                         "refused (422 rule-errors-block-approval, with the `codes`) unless the body gives "
                         "`override_reason`, which the decision keeps with the codes it overrode (hanoi-2024 "
                         "Điều 7). If profile-api does not answer, the request stays approved and the reconciler "
                         "applies it.")
async def approve_change_request(change_request_id: uuid.UUID, principal: AnyPrincipal, workflow: AppWorkflow,
                                 now: Now, body: ApproveBody | None = None) -> ChangeRequestRead:
    return await service.act(workflow, principal, change_request_id, Action.APPROVE, body.comment if body else None,
                             now, override_reason=body.override_reason if body else None)


@router.post("/{change_request_id}/reject", responses=ACTION_ERRORS,
             summary="Reject a submitted request (a comment is required).")
async def reject_change_request(change_request_id: uuid.UUID, body: ActionBody, principal: AnyPrincipal,
                                workflow: AppWorkflow, now: Now) -> ChangeRequestRead:
    return await _act(workflow, principal, change_request_id, Action.REJECT, body, now)


@router.post("/{change_request_id}/return", responses=ACTION_ERRORS,
             summary="Return a submitted request for correction (a comment is required).")
async def return_change_request(change_request_id: uuid.UUID, body: ActionBody, principal: AnyPrincipal,
                                workflow: AppWorkflow, now: Now) -> ChangeRequestRead:
    return await _act(workflow, principal, change_request_id, Action.RETURN, body, now)


@router.post("/{change_request_id}/withdraw", responses=ACTION_ERRORS,
             summary="Withdraw a request not yet decided (its requester, or the agency's HR staff).")
async def withdraw_change_request(change_request_id: uuid.UUID, principal: AnyPrincipal, workflow: AppWorkflow,
                                  now: Now, body: ActionBody | None = None) -> ChangeRequestRead:
    return await _act(workflow, principal, change_request_id, Action.WITHDRAW, body, now)


@internal.post("/{change_request_id}/national-rejection", responses=ACTION_ERRORS,
               summary="The national side rejected this applied change: return it with the reason (sync-gateway).",
               description="Idempotent: the same rejection twice is a no-op.")
async def return_nationally_rejected(change_request_id: uuid.UUID, body: NationalRejection, principal: AnyPrincipal,
                                     workflow: AppWorkflow, now: Now) -> ChangeRequestRead:
    return await service.national_return(workflow, principal, change_request_id, body, now)
