"""Dropped connections, which no FastAPI response can make: a pure-ASGI middleware that, when the
request's fault roll armed it, sends the real answer's status and headers with a Content-Length
larger than the body, half the body, and then raises, so the server closes the socket mid-answer.

The call itself has been processed by then (a packet stored, a receipt scheduled): the client can't
tell whether it was, which is the case the gateway's idempotent retries exist for.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SCOPE_KEY = "ndxp_sim.drop"
PROMISED_EXTRA_BYTES = 64


class ConnectionDropped(Exception):
    """Raised on purpose after a partial answer; uvicorn closes the connection, httpx's ASGI transport
    re-raises it to the test."""


@dataclass
class Drop:
    armed: bool = False  # the fault roll says: cut this answer
    cut: bool = False  # it has been cut


def drop_of(scope: Scope) -> Drop:
    """The request's drop switch (a throwaway one outside the middleware, e.g. in unit tests)."""
    drop = scope.get(SCOPE_KEY)
    return drop if isinstance(drop, Drop) else Drop()


class DropConnectionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        drop = Drop()
        scope[SCOPE_KEY] = drop
        held: Message | None = None

        async def send_or_cut(message: Message) -> None:
            nonlocal held
            if drop.cut:
                return  # the rest of the answer never leaves
            if not drop.armed:
                await send(message)
            elif message["type"] == "http.response.start":
                held = message  # its Content-Length is rewritten once the body's size is known
            elif message["type"] == "http.response.body" and held is not None:
                await _send_partial(send, held, message.get("body", b""))
                drop.cut = True
            else:
                await send(message)

        await self.app(scope, receive, send_or_cut)
        if drop.cut:
            # Raised here, outermost, rather than inside `send`: the inner stack finishes its answer
            # normally (its access log and metrics see the real status) and only the wire is cut.
            raise ConnectionDropped("fault injected: connection dropped mid-answer")


async def _send_partial(send: Send, start: Message, body: bytes) -> None:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body) + PROMISED_EXTRA_BYTES).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
