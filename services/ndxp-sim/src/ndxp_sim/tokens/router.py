from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import error_schema
from ndxp_sim.tokens.service import check_client, credentials_from

router = APIRouter(tags=["national: token"])

FORM = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["grant_type"],
    "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                   "client_id": {"type": "string"}, "client_secret": {"type": "string"}}}}}}}


class TokenRead(BaseModel):
    access_token: str
    token_type: str
    expires_in: int


@router.post("/oauth/token", summary="Issue an access token (OAuth2 client credentials).",
             description="Client id and secret as form fields or HTTP Basic. The token is opaque and "
                         "expires after `HOSO_SIM_TOKEN_TTL_SECONDS`.",
             openapi_extra=FORM,
             responses={400: error_schema("unsupported_grant_type / invalid_request"),
                        401: error_schema("invalid_client")})
async def issue_token(request: Request, sim: SimDep) -> TokenRead:
    given = credentials_from(request.headers, await request.body())
    check_client(given, sim.settings.sim_client_id, sim.settings.sim_client_secret.get_secret_value())
    token = sim.tokens.issue()
    sim.stats.tokens_issued += 1
    return TokenRead(access_token=token, token_type="Bearer",  # noqa: S106
                     expires_in=sim.settings.sim_token_ttl_seconds)


# LGSP mode's token endpoint, mounted instead of `router` (HOSO_SIM_MODE=lgsp; docs/ndxp.md "LGSP mode"): the same
# handler, since only the path and the header the token then travels in differ. WSO2-based LGSPs take the consumer
# key and secret as HTTP Basic; form fields work too.
lgsp_router = APIRouter(tags=["LGSP: token"])
lgsp_router.add_api_route(
    "/lgsp/token", issue_token, methods=["POST"], operation_id="issue_lgsp_token",
    summary="Issue an LGSP access token (OAuth2 client credentials).",
    description="LGSP mode only (`HOSO_SIM_MODE=lgsp`). Consumer key and secret as HTTP Basic or form fields "
                "(`HOSO_SIM_CLIENT_ID` / `HOSO_SIM_CLIENT_SECRET`). The token is opaque, goes raw in the "
                "`lgspaccesstoken` header of every call (never as `Authorization: Bearer`), and expires after "
                "`HOSO_SIM_TOKEN_TTL_SECONDS`.",
    openapi_extra=FORM,
    responses={400: error_schema("unsupported_grant_type / invalid_request"), 401: error_schema("invalid_client")})
