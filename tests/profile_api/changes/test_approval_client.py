"""profile-api's call forwarding a change to approval-api: which answers it retries (hoso_shared.http)."""

from __future__ import annotations

import httpx
import pytest

from hoso_shared.auth import TokenIssuer
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.errors import ApprovalUnavailable

CHANGE = {"id": "4a1b7c3e-0000-4000-8000-000000000001"}


def approval_api(issuer: TokenIssuer, *answers: int | Exception) -> tuple[ApprovalClient, list[httpx.Request]]:
    """An ApprovalClient on a fake approval-api answering `answers` in turn (the last one again after that)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        given = answers[min(len(seen), len(answers) - 1)]
        seen.append(request)
        if isinstance(given, Exception):
            raise given
        return httpx.Response(given, json=CHANGE if given == 201 else {"status": given})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://approval-api.test")
    return ApprovalClient(http, issuer, "hoso-api"), seen


class TestForward:
    @pytest.mark.parametrize("first", [500, 502, 503, 504, 408, 429, httpx.ConnectError("refused"),
                                       httpx.ReadTimeout("timed out")], ids=repr)
    async def test_a_transient_failure_is_retried(self, token_issuer: TokenIssuer, first: int | Exception) -> None:
        client, seen = approval_api(token_issuer, first, 201)
        assert await client.forward(CHANGE) == CHANGE
        assert len(seen) == 2

    async def test_still_failing_after_the_attempts_is_unavailable(self, token_issuer: TokenIssuer) -> None:
        client, seen = approval_api(token_issuer, 500)
        with pytest.raises(ApprovalUnavailable):
            await client.forward(CHANGE)
        assert len(seen) == 3

    @pytest.mark.parametrize("status", [400, 403, 409, 422, 501])
    async def test_a_final_answer_is_not_retried(self, token_issuer: TokenIssuer, status: int) -> None:
        client, seen = approval_api(token_issuer, status, 201)
        with pytest.raises(ApprovalUnavailable):
            await client.forward(CHANGE)
        assert len(seen) == 1
