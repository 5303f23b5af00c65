"""The call that applies an approved request: profile-api writes the version and the outbox row in
one transaction, idempotent by request id (DESIGN, step 2). Transient failures are retried briefly
here; what is still unapplied after that is the reconciler's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from hoso_shared import http as peer
from hoso_shared.oauth import TokenSource

STALE = "urn:hoso:problem:stale-change-request"
BATCH = 200  # profile-api's limit per batch apply call


@dataclass(frozen=True)
class Applied:
    version: int
    already_applied: bool


@dataclass(frozen=True)
class Refused:
    """profile-api will never apply it as it stands (stale base, invalid result): a final answer."""

    status: int
    problem: dict[str, Any]

    @property
    def stale(self) -> bool:
        return self.problem.get("type") == STALE


@dataclass(frozen=True)
class Unreachable:
    reason: str


ApplyResult = Applied | Refused | Unreachable


class ProfileClient:
    def __init__(self, http: httpx.AsyncClient, token: TokenSource, *, attempts: int = 3) -> None:
        self.http, self.token, self.attempts = http, token, attempts

    async def apply(self, change_request_id: uuid.UUID) -> ApplyResult:
        path = f"/internal/v1/change-requests/{change_request_id}/apply"
        try:
            async for attempt in peer.retrying(self.attempts):
                with attempt:
                    response = await self.http.post(path, headers={"Authorization": f"Bearer {await self.token()}"})
                    # Other 4xx are profile-api's answer (below); any other 5xx is unreachable, not retried.
                    if response.status_code >= 500 or peer.is_transient_status(response.status_code):
                        response.raise_for_status()
        except httpx.HTTPError as exc:
            return Unreachable(f"{type(exc).__name__}: {exc}"[:300])
        if response.status_code == 200:
            body = response.json()
            return Applied(int(body["version"]), bool(body["already_applied"]))
        if response.status_code in (401, 403):
            return Unreachable(f"profile-api refused our credentials ({response.status_code})")
        try:
            problem = response.json()
        except ValueError:
            problem = {"status": response.status_code}
        return Refused(response.status_code, problem)

    async def apply_many(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, ApplyResult]:
        """One call for up to BATCH requests (a bulk approval); a result per id. Unreachable: all of them."""
        try:
            async for attempt in peer.retrying(self.attempts):
                with attempt:
                    response = await self.http.post("/internal/v1/change-requests/apply",
                                                    json={"ids": [str(i) for i in ids]},
                                                    headers={"Authorization": f"Bearer {await self.token()}"})
                    response.raise_for_status()
        except httpx.HTTPError as exc:
            return dict.fromkeys(ids, Unreachable(f"{type(exc).__name__}: {exc}"[:300]))
        results: dict[uuid.UUID, ApplyResult] = {}
        for item in response.json()["results"]:
            done, problem = item.get("applied"), item.get("problem") or {}
            results[uuid.UUID(item["change_request_id"])] = (
                Applied(int(done["version"]), bool(done["already_applied"])) if done
                else Refused(int(problem.get("status") or 409), problem))
        return results

    async def aclose(self) -> None:
        await self.http.aclose()
