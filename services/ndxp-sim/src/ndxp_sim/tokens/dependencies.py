from __future__ import annotations

from fastapi import Depends, Request

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import NdxpError
from ndxp_sim.tokens.service import bearer_from

_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


async def require_bearer(request: Request, sim: SimDep) -> None:
    token = bearer_from(request.headers, sim.settings.sim_token_header)
    if token is None:
        raise NdxpError(401, "missing_token", headers={"WWW-Authenticate": "Bearer"})
    if not sim.tokens.valid(token):
        raise NdxpError(401, "invalid_token", headers=_CHALLENGE)


BEARER = Depends(require_bearer)
