"""approval-api's call to apply a request: which answers it retries (hoso_shared.http) and what each
final answer means for the request."""

from __future__ import annotations

import uuid

import httpx
import pytest

from approval_api.applying.client import Applied, ProfileClient, Refused, Unreachable

APPLIED = {"version": 2, "already_applied": False}


def profile_api(*answers: int | Exception) -> tuple[ProfileClient, list[httpx.Request]]:
    """A ProfileClient on a fake profile-api answering `answers` in turn (the last one again after that)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        given = answers[min(len(seen), len(answers) - 1)]
        seen.append(request)
        if isinstance(given, Exception):
            raise given
        return httpx.Response(given, json=APPLIED if given == 200 else {"type": "about:blank", "status": given})

    async def token() -> str:
        return "service-token"

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://profile-api.test")
    return ProfileClient(http, token), seen


class TestApply:
    @pytest.mark.parametrize("first", [500, 502, 503, 504, 408, 429, httpx.ConnectError("refused"),
                                       httpx.ReadTimeout("timed out")], ids=repr)
    async def test_a_transient_failure_is_retried(self, first: int | Exception) -> None:
        client, seen = profile_api(first, 200)
        assert await client.apply(uuid.uuid4()) == Applied(version=2, already_applied=False)
        assert len(seen) == 2

    async def test_still_failing_after_the_attempts_is_unreachable(self) -> None:
        client, seen = profile_api(500)
        result = await client.apply(uuid.uuid4())
        assert isinstance(result, Unreachable) and "500" in result.reason
        assert len(seen) == client.attempts == 3

    async def test_another_5xx_is_unreachable_at_once(self) -> None:
        client, seen = profile_api(501, 200)
        assert isinstance(await client.apply(uuid.uuid4()), Unreachable)
        assert len(seen) == 1

    @pytest.mark.parametrize("status", [409, 422])
    async def test_a_refusal_is_final_at_once(self, status: int) -> None:
        client, seen = profile_api(status, 200)
        result = await client.apply(uuid.uuid4())
        assert isinstance(result, Refused) and result.status == status
        assert len(seen) == 1
