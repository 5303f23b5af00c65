from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Security
from fastapi.responses import PlainTextResponse

from hoso_shared.auth import Principal, authorize
from hoso_shared.cursors import InvalidCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Now
from sync_gateway.delivery import operations
from sync_gateway.delivery.schemas import (
    PacketDetail,
    PacketPage,
    PacketRead,
    PacketRecordPage,
    PacketState,
    Replay,
    Replayed,
)

router = APIRouter(prefix="/api/v1/packets", tags=["packets"])
records_router = APIRouter(prefix="/api/v1/packet-records", tags=["packets"])
Operator = Annotated[Principal, Security(authorize, scopes=["sync:operate"])]


@router.get("", summary="The packet queue: newest first, with counts per state (operators).",
            description="A page at a time: pass `next_cursor` back as `cursor`.",
            responses=InvalidCursor.openapi())
async def list_packets(principal: Operator, session: DbSession, state: PacketState | None = None,
                       agency_code: Annotated[str | None, Query(max_length=64)] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100,
                       cursor: Annotated[str | None, Query(max_length=200, description=(
                           "`next_cursor` of the previous page"))] = None) -> PacketPage:
    return await operations.listing(session, state, agency_code, limit, cursor)


@router.post("/replay", summary="Send every dead letter again (optionally one agency's).",
             description="Re-queues them under their own ids: NDXP recognises any it had already taken.")
async def replay_dead_letters(principal: Operator, session: DbSession, now: Now,
                              body: Replay | None = None) -> Replayed:
    return await operations.replay(session, body or Replay(), now)


@router.get("/{packet_id}", responses=operations.PacketNotFound.openapi(),
            summary="One packet: its header, every delivery attempt, its receipts and its records' outcomes.")
async def get_packet(packet_id: uuid.UUID, principal: Operator, session: DbSession) -> PacketDetail:
    return await operations.detail(session, packet_id)


@router.get("/{packet_id}/jws", response_class=PlainTextResponse, responses=operations.PacketNotFound.openapi(),
            summary="The packet exactly as signed and sent (compact JWS), to verify independently.")
async def get_packet_jws(packet_id: uuid.UUID, principal: Operator, session: DbSession) -> str:
    return await operations.jws(session, packet_id)


@router.post("/{packet_id}/retry", responses={**operations.PacketNotFound.openapi(), **operations.NotDead.openapi()},
             summary="Send a dead-lettered packet again.")
async def retry_packet(packet_id: uuid.UUID, principal: Operator, session: DbSession, now: Now) -> PacketRead:
    return await operations.retry(session, packet_id, now)


@records_router.get("", summary="What became of released change requests' records (operators).",
                    description="One row per released record of the change requests named (`change_request_id`, "
                                "repeatable, 1 to 100): packed into which packet, blocked by a rule before signing "
                                "(with the rule codes, never packed), accepted or rejected by the national side, and "
                                "when its request went back to approval. None yet: not released, or not judged yet.")
async def list_packet_records(principal: Operator, session: DbSession, change_request_id: Annotated[
        list[uuid.UUID], Query(min_length=1, max_length=100)]) -> PacketRecordPage:
    return await operations.records(session, change_request_id)
