"""Pure-ASGI cross-cutting middleware: correlation id, access log, body limit, last-resort errors.

Pure ASGI (not BaseHTTPMiddleware) so streaming and exceptions pass through untouched.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hoso_shared.logging import correlation_id, get_logger
from hoso_shared.metrics import HttpMetrics, route_template
from hoso_shared.problems import InternalError, PayloadTooLarge, problem_response

HEADER = "x-correlation-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
log = get_logger("hoso.access")


class CorrelationIdMiddleware:
    """Takes a sane caller-given id or makes one; echoes it; puts it in every log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER.encode(), b"").decode("latin-1")
        cid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = correlation_id.set(cid)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER.encode(), cid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            correlation_id.reset(token)


class ObserveMiddleware:
    """One line of log and the RED metrics per request; any escaped exception becomes a 500
    problem without a trace (the log keeps the trace, under the same correlation id)."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            log.error("unhandled_error", path=scope["path"], exc_info=exc)
            if status:  # the response had begun; nothing more can be said to the client
                raise
            status = 500
            await problem_response(InternalError())(scope, receive, send)
        finally:
            elapsed = time.perf_counter() - start
            route = route_template(scope)
            self.metrics.observe(scope["method"], route, status or 500, elapsed)
            log.info("request", method=scope["method"], route=route, status=status,
                     ms=round(elapsed * 1000, 2))


class BodyLimitMiddleware:
    """Refuses bodies over the limit, by Content-Length up front and by counting while streaming.

    `overrides` give some paths their own limit: (regex matched against the whole path, bytes),
    first match wins; e.g. `[(r"/api/v1/profiles/[^/]+/attachments", 10 << 20)]` for scans.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, overrides: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = [(re.compile(pattern), limit) for pattern, limit in overrides]

    def limit_for(self, path: str) -> int:
        return next((limit for pattern, limit in self.overrides if pattern.fullmatch(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if _declared_length(scope) > limit:
            await _refuse(limit, scope, receive, send)
            return
        counted = _CountedBody(receive, send, limit)
        try:
            await self.app(scope, counted.receive, counted.send)
        except _TooLarge:
            if counted.started:
                raise
        if counted.exceeded and not counted.started:
            await _refuse(limit, scope, receive, send)


class _CountedBody:
    """One request's body, counted as the app reads it. Past the limit, reading raises, and the
    app's own answer to the cut-off body (FastAPI makes it a 400) is held back for the 413."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive, self._send, self.limit = receive, send, limit
        self.seen, self.exceeded, self.started = 0, False, False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                self.exceeded = True
                raise _TooLarge
        return message

    async def send(self, message: Message) -> None:
        if self.exceeded and not self.started:
            return
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


def _declared_length(scope: Scope) -> int:
    length = dict(scope["headers"]).get(b"content-length", b"")
    return int(length) if length.isdigit() else 0


async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    await problem_response(PayloadTooLarge(f"The limit is {limit} bytes."))(scope, receive, send)


class _TooLarge(Exception):
    pass
