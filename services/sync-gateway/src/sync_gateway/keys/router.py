from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hoso_shared.db import DbSession
from sync_gateway.keys import service

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", summary="The public keys that verify our packets (every key ever used).")
async def read_jwks(session: DbSession) -> dict[str, Any]:
    return await service.jwks(session)
