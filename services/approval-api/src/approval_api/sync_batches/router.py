from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from approval_api.dependencies import AppWorkflow
from approval_api.sync_batches import service
from approval_api.sync_batches.schemas import (
    BatchDecision,
    BatchPage,
    BatchRead,
    BatchRecordPage,
    BatchSubmit,
    Fate,
    WaitingPage,
)
from hoso_shared.auth import AnyPrincipal
from hoso_shared.cursors import InvalidCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now

router = APIRouter(prefix="/api/v1/sync-batches", tags=["sync-batches"])
DECIDE_ERRORS = {**service.BatchNotFound.openapi(), **service.BatchDecided.openapi(), **service.OwnBatch.openapi()}
DECIDERS = ("DOHA (`sync-batches:decide`), never the account that submitted the batch (403 `own-sync-batch`): DOHA's "
            "own unit's batch, submitted by its agency account, is decided by a DOHA administrator.")


@router.post("", status_code=201,
             responses={**service.NothingToSync.openapi(), **service.BatchOpen.openapi(),
                        **service.BatchWindowClosed.openapi(), **service.SyncedByParent.openapi(),
                        **service.AgencyIdentifierMissing.openapi()},
             summary="Submit the unit's monthly batch: its approved changes not yet synced (agency account).",
             description="Điều 15: an agency account (`sync-batches:submit`) submits its unit's batch; DOHA's own "
                         "unit too, through its agency account. Sub-units with their own agency account submit their "
                         "own; a parent's batch carries the rest of its subtree. Under `hanoi-2024` only in the last "
                         "5 days of the month, unless DOHA opened an extraordinary window. Điều 19 khoản 2: the unit "
                         "needs its QĐ 20/2020/QĐ-TTg electronic identifier (packets carry it as `agency_id`); "
                         "without it, 409 `agency-identifier-missing`, whose `units` (and Vietnamese-first "
                         "`detail`) name the units to identify.")
async def submit_batch(principal: AnyPrincipal, session: DbSession, policy: Deadlines, now: Now,
                       workflow: AppWorkflow, body: BatchSubmit | None = None) -> BatchRead:
    return await service.submit_batch(session, principal, body or BatchSubmit(), policy, now, workflow.metrics)


@router.get("", summary="Sync batches of your subtree, newest first, with counts per state.",
            description="A page at a time: pass `next_cursor` back as `cursor`.",
            responses=InvalidCursor.openapi())
async def list_batches(principal: AnyPrincipal, session: DbSession, org_unit_id: uuid.UUID | None = None,
                       state: Annotated[list[Literal["submitted", "approved", "returned"]], Query()] = [],  # noqa: B006
                       limit: Annotated[int, Query(ge=1, le=500)] = 100,
                       cursor: Annotated[str | None, Query(max_length=200, description=(
                           "`next_cursor` of the previous page"))] = None) -> BatchPage:
    return await service.listing(session, principal, org_unit_id, list(state), limit, cursor)


Cursor = Annotated[str | None, Query(max_length=20, description="`next_cursor` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]


@router.get("/waiting", responses=InvalidCursor.openapi(),
            summary="Approved changes applied and not yet in a batch: what the unit's next batch would take.",
            description="Điều 14 khoản 1: the month's changes an agency syncs. The rows `POST /api/v1/sync-batches` "
                        "would take for the unit now (its subtree, less sub-units with their own agency account), "
                        "oldest first, with the person's and the unit's names; `total` counts them all. Needs "
                        "`sync-batches:read`; a unit outside the caller's subtree is a 404.")
async def list_waiting_records(
    principal: AnyPrincipal, session: DbSession, cursor: Cursor = None, limit: Limit = 50,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="The submitting unit; default: yours")] = None,
) -> WaitingPage:
    return await service.list_waiting(session, principal, org_unit_id, cursor, limit)


@router.get("/{batch_id}", responses=service.BatchNotFound.openapi(), summary="Read one sync batch.")
async def get_batch(batch_id: uuid.UUID, principal: AnyPrincipal, session: DbSession) -> BatchRead:
    return await service.get(session, principal, batch_id)


@router.get("/{batch_id}/records", responses={**service.BatchNotFound.openapi(), **InvalidCursor.openapi()},
            summary="A batch's records: what the rules found in each, and what became of it nationally.",
            description="Điều 14 khoản 2: DOHA approves or returns the batch seeing each record's Đúng–Đủ–Sạch–Sống "
                        "findings (as judged when the change was proposed); afterwards each record's fate: released, "
                        "blocked by a rule at the gateway, in a queued, delivered or dead-lettered packet, accepted or "
                        "rejected by the national side with its reason. `fates` counts the whole batch. Readers of the "
                        "batch read its records; a returned batch has none (they wait for the next one).")
async def list_batch_records(
    batch_id: uuid.UUID, principal: AnyPrincipal, session: DbSession, cursor: Cursor = None, limit: Limit = 50,
    fate: Annotated[Fate | None, Query(description="Only records with this fate")] = None,
) -> BatchRecordPage:
    return await service.list_batch_records(session, principal, batch_id, fate, cursor, limit)


@router.post("/{batch_id}/approve", responses=DECIDE_ERRORS, description=DECIDERS,
             summary="Approve a batch (DOHA): its outbox rows are released to sync-gateway.")
async def approve_batch(batch_id: uuid.UUID, principal: AnyPrincipal, session: DbSession, now: Now,
                        body: BatchDecision | None = None) -> BatchRead:
    return await service.approve_batch(session, principal, batch_id, body, now)


@router.post("/{batch_id}/return", responses=DECIDE_ERRORS, description=DECIDERS,
             summary="Return a batch (DOHA, with a comment): its changes wait for the next batch.")
async def return_batch(batch_id: uuid.UUID, body: BatchDecision, principal: AnyPrincipal, session: DbSession,
                       now: Now) -> BatchRead:
    return await service.return_batch(session, principal, batch_id, body, now)
