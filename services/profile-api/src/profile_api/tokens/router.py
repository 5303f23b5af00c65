from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, Security
from fastapi.responses import JSONResponse

from hoso_shared.auth import CHANGE_PASSWORD, Principal, authorize
from hoso_shared.db import DbSession
from hoso_shared.problems import Problem, problem_response
from profile_api.dependencies import AppSettings, Issuer, Jwks, Logins
from profile_api.tokens import service
from profile_api.tokens.dependencies import LoginGuard
from profile_api.tokens.errors import InvalidClient, TooManyAttempts, UnsupportedGrantType
from profile_api.tokens.schemas import PasswordChange, TokenResponse

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
jwks_router = APIRouter(tags=["auth"])
PasswordChanger = Annotated[Principal, Security(authorize, scopes=[CHANGE_PASSWORD])]


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient("Malformed Basic credentials.") from None
    return client_id, secret


@router.post("/token", summary="Issue an access token (OAuth2 password or client-credentials grant).",
             response_model=TokenResponse,
             responses={**InvalidClient.openapi(), **UnsupportedGrantType.openapi(), **TooManyAttempts.openapi()})
async def issue_token(
    request: Request, session: DbSession, settings: AppSettings, issuer: Issuer, logins: Logins, guard: LoginGuard,
    grant_type: Annotated[str, Form()],
    username: Annotated[str | None, Form(max_length=128)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    client_id: Annotated[str | None, Form(max_length=128)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    scope: Annotated[str | None, Form(max_length=2048)] = None,
) -> Any:
    audience = settings.auth_audience
    result: TokenResponse | Problem
    if grant_type == "password" and username is not None and password is not None:
        result = await service.password_grant(session, issuer, username=username, password=password,
                                              audience=audience, policy=logins, guard=guard)
    elif grant_type == "client_credentials":
        basic = _basic_credentials(request) or (client_id or "", client_secret or "")
        requested = set(scope.split()) if scope else None
        result = await service.client_credentials_grant(
            session, issuer, client_id=basic[0], client_secret=basic[1], requested=requested,
            audience=audience, guard=guard)
    else:
        result = UnsupportedGrantType("Use grant_type=password (with username and password) or "
                                      "client_credentials.")
    if isinstance(result, Problem):
        return problem_response(result)  # returned, not raised: the failure counts commit
    return JSONResponse(result.model_dump(), headers={"Cache-Control": "no-store"})


@router.post("/password", status_code=204, summary="Change the caller's own password.",
             description="The only call a token issued for a default password may make.")
async def change_password(principal: PasswordChanger, body: PasswordChange, session: DbSession) -> Response:
    await service.change_password(session, principal, current=body.current_password, new=body.new_password)
    return Response(status_code=204)


@jwks_router.get("/.well-known/jwks.json", summary="Public keys that verify this issuer's tokens.")
async def read_jwks(jwks: Jwks) -> dict[str, Any]:
    return jwks
