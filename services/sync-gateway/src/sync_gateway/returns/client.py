"""approval-api's door for records that go back: one call per record, idempotent there for the same
reason, so a retry after a lost answer is harmless."""

from __future__ import annotations

import uuid

import httpx

from hoso_shared.oauth import TokenSource


class ApprovalClient:
    def __init__(self, http: httpx.AsyncClient, token: TokenSource) -> None:
        self.http, self.token = http, token

    async def give_back(self, change_request_id: uuid.UUID, reason: str, packet_id: uuid.UUID | None) -> bool | None:
        """True: taken back; False: approval-api will never take it (not applied any more); None: try later."""
        try:
            response = await self.http.post(
                f"/internal/v1/change-requests/{change_request_id}/national-rejection",
                json={"reason": reason, "packet_id": str(packet_id) if packet_id else None},
                headers={"Authorization": f"Bearer {await self.token()}"})
        except httpx.HTTPError:
            return None
        if response.is_success:
            return True
        if response.status_code in (404, 409):
            return False
        return None
