from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request

from hoso_shared.db import DbSession
from hoso_shared.dependencies import Now
from sync_gateway.dependencies import AppSettings, Metrics, NationalKeys
from sync_gateway.receipts import service
from sync_gateway.receipts.errors import (
    BadReceiptSignature,
    InvalidReceipt,
    MalformedReceipt,
    NationalKeysUnavailable,
    ReceiptForAnotherAgency,
    ReceiptIdReused,
    StaleReceipt,
    UnknownPacket,
)
from sync_gateway.receipts.schemas import ReceiptTaken

router = APIRouter(tags=["callbacks"])
MAX_RECEIPT_BYTES = 8 * 1024 * 1024


@router.post("/callbacks/ndxp/receipts", summary="Take a signed receipt from the national side.",
             description="Body: a compact JWS (`application/jose`) signed with a key of the national JWKS "
                         "(docs/ndxp.md). Refused: a bad signature (401), older than 5 minutes or reused id (409), "
                         "an unknown packet (404), one naming another agency than its packet (409), malformed "
                         "(400/422). A repeat of a recorded receipt is a 200 no-op. No bearer token: the signature is "
                         "the authentication.",
             openapi_extra={"requestBody": {"content": {"application/jose": {"schema": {"type": "string"}}},
                                            "required": True}},
             responses={**MalformedReceipt.openapi(), **InvalidReceipt.openapi(), **BadReceiptSignature.openapi(),
                        **StaleReceipt.openapi(), **ReceiptIdReused.openapi(), **UnknownPacket.openapi(),
                        **ReceiptForAnotherAgency.openapi(),
                        **NationalKeysUnavailable.openapi()})
async def take_receipt(request: Request, session: DbSession, settings: AppSettings, keys: NationalKeys,
                       metrics: Metrics, now: Now) -> ReceiptTaken:
    token = (await request.body()).strip()
    if not token or len(token) > MAX_RECEIPT_BYTES:
        raise MalformedReceipt("Send the receipt's compact JWS as the body.")
    payload = await service.verify(token, keys, metrics)
    body = service.parse(payload, now, timedelta(seconds=settings.receipt_max_age_seconds))
    return await service.record(session, body, payload, now, metrics)
