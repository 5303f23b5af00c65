from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ndxp_sim.dependencies import SimDep

router = APIRouter(tags=["national: keys"])


@router.get("/.well-known/jwks.json", summary="The national side's public keys (JWKS).",
            description="Receipts are ES256 compact JWS signed with the key of this set whose `kid` their "
                        "header names.")
async def read_jwks(sim: SimDep) -> dict[str, Any]:
    return sim.own_key.jwks()
