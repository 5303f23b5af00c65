from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hoso_shared.db import DbSession
from sync_gateway.keys import service

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", summary="The public keys that verify our packets (every key ever used).",
            description="Every key that ever signed a packet stays here after a rotation, so old packets stay "
                        "verifiable: EC P-256 (`alg` ES256) or RSA (`alg` PS256 or RS256). A key the ministry's CA "
                        "certified carries `x5c` (its certificate first, then the chain; base64 DER) and "
                        "`x5t#S256`, as the header of each packet it signs does.")
async def read_jwks(session: DbSession) -> dict[str, Any]:
    return await service.jwks(session)
