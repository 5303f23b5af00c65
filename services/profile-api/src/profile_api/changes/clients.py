"""The HTTP client profile-api uses to forward proposed changes to approval-api, with a service
token it mints itself (it is the token issuer) and a short retry for transient failures."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from hoso_shared import http as peer
from hoso_shared.auth import Principal, TokenIssuer
from profile_api.changes.errors import ApprovalUnavailable

SERVICE_ID = uuid.uuid5(uuid.NAMESPACE_URL, "hoso-gateway:profile-api")
FORWARD_SCOPE = "change-requests:forward"


class ApprovalClient:
    def __init__(self, client: httpx.AsyncClient, issuer: TokenIssuer, audience: str, root_path: str = "/") -> None:
        self.client, self.issuer, self.audience = client, issuer, audience
        self.service = Principal(subject=SERVICE_ID, username="svc.profile-api", roles=frozenset({"service"}),
                                 scopes=frozenset({FORWARD_SCOPE}), org_unit_id=SERVICE_ID, org_path=root_path)

    async def forward(self, change: dict[str, Any]) -> dict[str, Any]:
        """POSTs the change; idempotent by its id, so retrying after a lost answer is safe."""
        token, _ = self.issuer.mint(principal=self.service, audience=self.audience)
        try:
            async for attempt in peer.retrying():
                with attempt:
                    response = await self.client.post("/api/v1/change-requests", json=change,
                                                      headers={"Authorization": f"Bearer {token}"})
                    response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ApprovalUnavailable(f"approval-api answered: {type(exc).__name__}") from exc
        body: dict[str, Any] = response.json()
        return body

    async def forward_many(self, changes: list[dict[str, Any]]) -> list[str]:
        """POSTs up to 1,000 changes in one call (all taken or none; idempotent by each id); the stored ids."""
        token, _ = self.issuer.mint(principal=self.service, audience=self.audience)
        try:
            async for attempt in peer.retrying():
                with attempt:
                    response = await self.client.post("/api/v1/change-requests/batch", json={"changes": changes},
                                                      headers={"Authorization": f"Bearer {token}"})
                    response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ApprovalUnavailable(f"approval-api answered: {type(exc).__name__}") from exc
        ids: list[str] = response.json()["ids"]
        return ids
