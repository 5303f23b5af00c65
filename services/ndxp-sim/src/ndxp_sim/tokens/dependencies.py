"""The token check of the national routes: NDXP's bearer, or in LGSP mode the LGSP's raw token and its routing
headers (docs/ndxp.md "LGSP mode")."""
from __future__ import annotations

from fastapi import Depends, Request

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import NdxpError
from ndxp_sim.lgsp import service as lgsp
from ndxp_sim.tokens.service import bearer_from

_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


async def require_bearer(request: Request, sim: SimDep) -> None:
    if sim.settings.sim_mode == "lgsp":
        token = lgsp.lgsp_token_from(request.headers)
        if token is None:  # named, so a caller sending `Authorization: Bearer` learns where the token goes
            raise NdxpError(401, "missing_token", header=lgsp.TOKEN_HEADER)
    else:
        token = bearer_from(request.headers, sim.settings.sim_token_header)
        if token is None:
            raise NdxpError(401, "missing_token", headers={"WWW-Authenticate": "Bearer"})
    if not sim.tokens.valid(token):
        raise NdxpError(401, "invalid_token", headers=_CHALLENGE)
    if sim.settings.sim_mode == "lgsp":  # after the token, as an API gateway authenticates before it routes
        lgsp.check_routing(request.headers, sim.settings.sim_lgsp_routing)


BEARER = Depends(require_bearer)
