"""profile-api's collaborators as route parameters; the shared ones (`Now`, `Today`, `Deadlines`) are
`hoso_shared.dependencies`'."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from hoso_shared.auth.tokens import TokenIssuer
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker
from hoso_shared.signing import SigningIdentity
from hoso_shared.web import collaborators_of
from profile_api.changes.clients import ApprovalClient
from profile_api.collaborators import Collaborators
from profile_api.reports.exports.signer import ExportIdentity
from profile_api.settings import Settings
from profile_api.tokens.service import LoginPolicy


async def collaborators(request: Request) -> Collaborators:
    return collaborators_of(request.app, Collaborators)


Wiring = Annotated[Collaborators, Depends(collaborators)]


async def settings(wiring: Wiring) -> Settings:
    return wiring.settings


async def sessionmaker(wiring: Wiring) -> SessionMaker:
    """For work that outlives the request (a background import): the request's own session is `DbSession`."""
    return wiring.sessionmaker


async def cipher(request: Request) -> FieldCipher:
    """From the request, not `Wiring`: every read of a record asks for it, and each dependency level costs FastAPI
    a resolution per request."""
    return collaborators_of(request.app, Collaborators).cipher


async def approval(wiring: Wiring) -> ApprovalClient:
    return wiring.approval


async def export_identity(wiring: Wiring) -> ExportIdentity:
    return wiring.export_identity


def signing_identity(wiring: Wiring) -> SigningIdentity:
    """Not async: in dev/test the first call makes a throwaway CA, off the event loop (FastAPI's threadpool)."""
    return wiring.export_identity()


async def token_issuer(wiring: Wiring) -> TokenIssuer:
    return wiring.token_issuer


async def login_policy(wiring: Wiring) -> LoginPolicy:
    return wiring.login_policy


async def jwks(wiring: Wiring) -> dict[str, Any]:
    return wiring.jwks


AppSettings = Annotated[Settings, Depends(settings)]
Sessions = Annotated[SessionMaker, Depends(sessionmaker)]
Cipher = Annotated[FieldCipher, Depends(cipher)]
Approval = Annotated[ApprovalClient, Depends(approval)]
Identity = Annotated[SigningIdentity, Depends(signing_identity)]
LazyIdentity = Annotated[ExportIdentity, Depends(export_identity)]  # for routes that sign only on request
Issuer = Annotated[TokenIssuer, Depends(token_issuer)]
Logins = Annotated[LoginPolicy, Depends(login_policy)]
Jwks = Annotated[dict[str, Any], Depends(jwks)]
