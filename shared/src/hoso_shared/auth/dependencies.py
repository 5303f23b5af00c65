"""The one dependency every protected route uses: bearer token → verified Principal with scopes.

Routes declare scopes with FastAPI `Security`, so OpenAPI shows them:
`ProfilesRead = Annotated[Principal, Security(authorize, scopes=["profiles:read"])]`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from hoso_shared.auth.principal import Principal
from hoso_shared.auth.scopes import CHANGE_PASSWORD
from hoso_shared.auth.tokens import TokenInvalid, TokenVerifier
from hoso_shared.problems import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="An access token from profile-api /api/v1/auth/token")


def token_verifier() -> TokenVerifier:
    """The app's verifier. `hoso_shared.web.build_app` provides it (a dependency override), so the
    verifier reaches every route typed, from the factory that built it."""
    raise RuntimeError("this app was not built with hoso_shared.web.build_app")


class PasswordChangeRequired(Forbidden):
    slug, title = "password-change-required", "Change the default password first"


async def authorize(
    security_scopes: SecurityScopes,
    verifier: Annotated[TokenVerifier, Depends(token_verifier)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("A bearer token is required.")
    try:
        principal = await verifier.verify(credentials.credentials)
    except TokenInvalid as exc:
        raise Unauthorized(f"The token is refused: {exc}.") from exc
    if principal.scopes == {CHANGE_PASSWORD} and CHANGE_PASSWORD not in security_scopes.scopes:
        raise PasswordChangeRequired("This account must change its password before anything else.")
    missing = [s for s in security_scopes.scopes if s not in principal.scopes]
    if missing:
        raise Forbidden("The token lacks a scope this route needs.", missing_scopes=missing)
    return principal


AnyPrincipal = Annotated[Principal, Security(authorize)]
