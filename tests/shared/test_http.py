"""One classification of failed calls between our services, and the one short retry built on it."""

from __future__ import annotations

import httpx
import pytest

from hoso_shared import http as peer

REQUEST = httpx.Request("POST", "http://peer.test/api/v1/things")
TRANSIENT_STATUS = [408, 429, 500, 502, 503, 504]
FINAL_STATUS = [200, 201, 204, 301, 400, 401, 403, 404, 409, 410, 412, 413, 422, 501, 505, 507]
TRANSIENT_ERRORS = [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect"), httpx.ReadTimeout("read"),
                    httpx.WriteTimeout("write"), httpx.PoolTimeout("pool"), httpx.ReadError("reset"),
                    httpx.WriteError("broken pipe"), httpx.CloseError("close"),
                    httpx.RemoteProtocolError("server disconnected"), httpx.ProxyError("proxy")]
FINAL_ERRORS = [httpx.LocalProtocolError("bad request line"), httpx.UnsupportedProtocol("ftp://"),
                httpx.DecodingError("gzip"), httpx.TooManyRedirects("loop"), httpx.InvalidURL("x"),
                ValueError("not http"), RuntimeError("bug")]


def status_error(status: int) -> httpx.HTTPStatusError:
    return httpx.HTTPStatusError(f"{status}", request=REQUEST, response=httpx.Response(status, request=REQUEST))


class TestIsTransient:
    @pytest.mark.parametrize("status", TRANSIENT_STATUS)
    def test_these_answers_are_worth_another_try(self, status: int) -> None:
        assert peer.is_transient_status(status)
        assert peer.is_transient(status_error(status))

    @pytest.mark.parametrize("status", FINAL_STATUS)
    def test_other_answers_are_final(self, status: int) -> None:
        assert not peer.is_transient_status(status)
        assert not peer.is_transient(status_error(status))

    @pytest.mark.parametrize("error", TRANSIENT_ERRORS, ids=lambda e: type(e).__name__)
    def test_no_answer_is_worth_another_try(self, error: Exception) -> None:
        assert peer.is_transient(error)

    @pytest.mark.parametrize("error", FINAL_ERRORS, ids=lambda e: type(e).__name__)
    def test_errors_about_our_own_request_are_final(self, error: Exception) -> None:
        assert not peer.is_transient(error)


class Peer:
    """Answers with the given statuses (or raises the given errors) in turn, counting the calls."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers, self.calls = list(answers), 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, request=request)


async def call(peer_app: Peer, attempts: int = 3) -> int:
    async with httpx.AsyncClient(transport=httpx.MockTransport(peer_app), base_url="http://peer.test") as client:
        async for attempt in peer.retrying(attempts):
            with attempt:
                response = await client.post("/api/v1/things")
                response.raise_for_status()
    return response.status_code


class TestRetrying:
    async def test_transient_failures_are_retried_until_an_answer(self) -> None:
        app = Peer(500, httpx.ConnectError("refused"), 200)
        assert await call(app) == 200
        assert app.calls == 3

    async def test_the_last_transient_failure_is_raised_after_the_attempts(self) -> None:
        app = Peer(503)
        with pytest.raises(httpx.HTTPStatusError) as raised:
            await call(app, attempts=2)
        assert (raised.value.response.status_code, app.calls) == (503, 2)

    @pytest.mark.parametrize("answer", [422, 501, httpx.UnsupportedProtocol("ftp://")], ids=repr)
    async def test_final_failures_are_raised_at_once(self, answer: int | Exception) -> None:
        app = Peer(answer, 200)
        with pytest.raises(httpx.HTTPError):
            await call(app)
        assert app.calls == 1
