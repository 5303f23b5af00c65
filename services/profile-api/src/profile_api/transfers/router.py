from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Security

from hoso_shared.auth import Principal, authorize
from hoso_shared.cursors import InvalidCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Days, Deadlines, Now, Today
from profile_api.changes.errors import ProfileArchived, UnknownAttachment
from profile_api.dependencies import Cipher
from profile_api.profiles.errors import ProfileNotFound
from profile_api.transfers import service
from profile_api.transfers.errors import (
    InvalidReceiver,
    NotTheReceiver,
    NotTheSender,
    TransferNotFound,
    TransferNotOpen,
    TransferPending,
)
from profile_api.transfers.schemas import (
    Acceptance,
    HandOver,
    ReceiverPage,
    Refusal,
    State,
    TransferPage,
    TransferProposal,
    TransferRead,
)

router = APIRouter(prefix="/api/v1/transfers", tags=["transfers"])
Reader = Annotated[Principal, Security(authorize, scopes=["profiles:read"])]
Sender = Annotated[Principal, Security(authorize, scopes=["transfers:write"])]
Receiver = Annotated[Principal, Security(authorize, scopes=["transfers:decide"])]
National = Annotated[Principal, Security(authorize, scopes=["transfers:national"])]
STEP_ERRORS = {**TransferNotFound.openapi(), **TransferNotOpen.openapi()}


@router.post("", status_code=201, summary="Propose moving a person to another agency of the province.",
             description=(
                 "Điều 12 khoản 1 điểm a: the sending agency proposes the move with its decision (số, ngày, cơ quan "
                 "ban hành) and the decision's scan on the record. The record stays the sender's until the "
                 "receiving agency accepts, within the policy's working days (`due_on`); meanwhile no other change "
                 "of it can be proposed (409 transfer-pending). The person's open change requests must be decided "
                 "or withdrawn first (409 open-change-requests). A unit inside the caller's own subtree is not a "
                 "hand-over (422 invalid-receiver): use the lifecycle `transfer_within_province`."),
             responses={**ProfileNotFound.openapi(), **InvalidReceiver.openapi(), **UnknownAttachment.openapi(),
                        **TransferPending.openapi(), **ProfileArchived.openapi()})
async def propose_transfer(body: TransferProposal, principal: Sender, session: DbSession, policy: Deadlines,
                           days: Days, today: Today) -> TransferRead:
    return await service.propose(session, principal, body, policy, days, today)


@router.get("", summary="Transfers from or to the caller's subtree, newest first.",
            description="`direction=incoming`: addressed to the caller's subtree (to accept or refuse); `outgoing`: "
                        "sent from it. Without it, both. Follow `next_cursor`.",
            responses=InvalidCursor.openapi())
async def list_transfers(
    principal: Reader, session: DbSession, policy: Deadlines, days: Days, today: Today,
    direction: Annotated[service.Direction | None, Query(description="incoming or outgoing")] = None,
    state: Annotated[State | None, Query(description="Only this state")] = None,
    cursor: Annotated[str | None, Query(max_length=200, description="From the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
) -> TransferPage:
    return await service.list_transfers(session, principal, direction=direction, state=state, cursor=cursor,
                                        limit=limit, policy=policy, days=days, today=today)


@router.get("/receivers", summary="The agencies a person may be transferred to: a searchable directory.",
            description="Điều 12 khoản 1 điểm a: the sending agency picks the receiving agency here instead of typing "
                        "its id. Current units with an agency account, outside the caller's subtree (a move inside "
                        "it is a lifecycle `transfer_within_province`), by code; `q` matches a part of the name or "
                        "the start of the code. Names and codes only. Follow `next_cursor`.",
            responses=InvalidCursor.openapi())
async def list_receivers(
    principal: Sender, session: DbSession,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Part of the name, or start of the "
                                                                            "code")] = None,
    cursor: Annotated[str | None, Query(max_length=200, description="From the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
) -> ReceiverPage:
    return await service.list_receivers(session, principal, search=q, cursor=cursor, limit=limit)


@router.get("/{transfer_id}", summary="One transfer (its sender's and receiver's subtrees see it).",
            responses=TransferNotFound.openapi())
async def get_transfer(transfer_id: uuid.UUID, principal: Reader, session: DbSession, policy: Deadlines, days: Days,
                       today: Today) -> TransferRead:
    return await service.get(session, principal, transfer_id, policy, days, today)


@router.post("/{transfer_id}/accept", summary="Accept a transfer: the record and account move to the receiver.",
             description=(
                 "Điều 12 khoản 1 điểm a: in one transaction the record (a new version, synced in the receiver's "
                 "batch), its history, its assignment and the person's accounts move to the receiving unit (or "
                 "`org_unit_id` under it); roles the person held at the sender end, recorded on the decision. The "
                 "sender loses access at once; the person gets a re-check task (điểm b)."),
             responses={**STEP_ERRORS, **NotTheReceiver.openapi(), **InvalidReceiver.openapi(),
                        **ProfileArchived.openapi()})
async def accept_transfer(transfer_id: uuid.UUID, principal: Receiver, session: DbSession, cipher: Cipher,
                          policy: Deadlines, days: Days, now: Now, body: Acceptance | None = None) -> TransferRead:
    return await service.accept(session, principal, transfer_id, body or Acceptance(), cipher, policy, days, now)


@router.post("/{transfer_id}/refuse", summary="Refuse a transfer, with the reason; nothing moves.",
             responses={**STEP_ERRORS, **NotTheReceiver.openapi()})
async def refuse_transfer(transfer_id: uuid.UUID, body: Refusal, principal: Receiver, session: DbSession,
                          policy: Deadlines, days: Days, now: Now) -> TransferRead:
    return await service.refuse(session, principal, transfer_id, body, policy, days, now)


@router.post("/{transfer_id}/cancel", summary="Withdraw a proposed transfer (the sender); nothing moves.",
             responses={**STEP_ERRORS, **NotTheSender.openapi()})
async def cancel_transfer(transfer_id: uuid.UUID, principal: Sender, session: DbSession, policy: Deadlines,
                          days: Days, now: Now) -> TransferRead:
    return await service.cancel(session, principal, transfer_id, policy, days, now)


@router.post("/{transfer_id}/hand-over", summary="Record DOHA's national hand-over of a move to a central body.",
             description="Điều 12 khoản 2.1 điểm b: the agency reported the move (its approved `transfer_out` "
                         "naming `to_central_body`); DOHA hands the data over nationally and records the reference.",
             responses=STEP_ERRORS)
async def record_hand_over(transfer_id: uuid.UUID, body: HandOver, principal: National, session: DbSession,
                             policy: Deadlines, days: Days, now: Now) -> TransferRead:
    return await service.hand_over(session, principal, transfer_id, body, policy, days, now)
