from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, status

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import FAULT_RESPONSES, error_schema
from ndxp_sim.faults.dependencies import FAULTS
from ndxp_sim.lgsp.errors import LGSP_RESPONSES
from ndxp_sim.packets.schemas import PacketAnswer
from ndxp_sim.packets.service import receive_packet
from ndxp_sim.tokens.dependencies import BEARER

router = APIRouter(tags=["national: packets"])

JWS_BODY = {"requestBody": {"required": True, "description": "The packet as a compact JWS (ES256, typ "
                            "hoso-packet+jws) over its canonical JSON.",
                            "content": {"application/jose": {"schema": {"type": "string"}}}}}


@router.post(
    "/ndxp/v1/packets", status_code=status.HTTP_202_ACCEPTED, dependencies=[FAULTS, BEARER],
    summary="Deliver a signed packet (sync-gateway → NDXP).",
    description="Verified against the gateway's JWKS, deduplicated by `Idempotency-Key` (= `packet_id`), "
                "its agency hash chain followed; a signed receipt is posted back to the gateway after a delay. "
                "Faults from `PUT /admin/faults` apply first.",
    openapi_extra=JWS_BODY,
    responses={400: error_schema("bad_signature / malformed"), 401: error_schema("token missing or expired"),
               409: error_schema("idempotency_conflict / sequence_conflict"), **FAULT_RESPONSES, **LGSP_RESPONSES,
               503: error_schema("injected fault, or keys_unavailable: the gateway's JWKS could not be fetched")})
async def deliver_packet(request: Request, sim: SimDep,
                         idempotency_key: Annotated[str | None, Header()] = None) -> PacketAnswer:
    return await receive_packet(sim, await request.body(), idempotency_key)
