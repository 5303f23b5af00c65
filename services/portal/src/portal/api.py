"""The portal's one way to the data: profile-api, approval-api and sync-gateway, called with the signed-in person's
own token.
An API's refusal comes back as `ApiProblem` (its RFC 9457 body), shown to the person in their language; an
expired or refused token as `SignedOut`; an API that does not answer as `ApiDown`."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx

from portal.sessions import PortalSession

Service = Literal["profile", "approval", "sync"]
T = TypeVar("T")


class SignedOut(Exception):
    """The person's token is missing, expired or refused: they sign in again."""


class ApiDown(Exception):
    """An API did not answer (or answered 5xx): nothing was changed by this page."""


@dataclass
class ApiProblem(Exception):
    status: int
    body: dict[str, Any]

    @property
    def detail(self) -> str:
        return str(self.body.get("detail") or self.body.get("title") or "")

    @property
    def slug(self) -> str:
        return str(self.body.get("type", "")).rsplit(":", 1)[-1]


@dataclass
class Apis:
    profile: httpx.AsyncClient
    approval: httpx.AsyncClient
    sync: httpx.AsyncClient | None = None  # sync-gateway: the national sync's packets, pulls from the national DB
    # `gather` runs its calls at once only when True (the app's own clients over HTTP); in-process APIs sharing one
    # test transaction's connection must take them one at a time.
    concurrent: bool = False

    def client(self, service: Service) -> httpx.AsyncClient:
        if service == "sync":
            if self.sync is None:  # a portal given no gateway: its pages say the system is busy, change nothing
                raise ApiDown("sync: not configured")
            return self.sync
        return self.profile if service == "profile" else self.approval

    async def call(self, session: PortalSession | None, service: Service, method: str, path: str,
                   **kwargs: Any) -> httpx.Response:
        """One call as the person; raises on anything but success (2xx)."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if session is not None:
            if session.token is None:
                raise SignedOut()
            headers["Authorization"] = f"Bearer {session.token}"
            headers["Accept-Language"] = session.lang
        try:
            response = await self.client(service).request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiDown(f"{service}: {type(exc).__name__}") from exc
        if response.status_code == 401 and session is not None:
            raise SignedOut()
        if response.status_code >= 500:
            raise ApiDown(f"{service}: {response.status_code}")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"title": response.reason_phrase}
            raise ApiProblem(response.status_code, body if isinstance(body, dict) else {"detail": str(body)})
        return response

    async def stream(self, session: PortalSession, service: Service, path: str) -> httpx.Response:
        """A GET as the person whose body is passed on as it arrives (a signed PDF, a scan), never held whole:
        the caller closes the response once sent (`aclose`). A refusal raises as `call`'s does, before any byte
        is passed on."""
        if session.token is None:
            raise SignedOut()
        client = self.client(service)
        request = client.build_request("GET", path, headers={"Authorization": f"Bearer {session.token}",
                                                             "Accept-Language": session.lang})
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ApiDown(f"{service}: {type(exc).__name__}") from exc
        if response.status_code < 400:
            return response
        await response.aread()
        await response.aclose()
        if response.status_code == 401:
            raise SignedOut()
        if response.status_code >= 500:
            raise ApiDown(f"{service}: {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = {"title": response.reason_phrase}
        raise ApiProblem(response.status_code, body if isinstance(body, dict) else {"detail": str(body)})

    async def json(self, session: PortalSession | None, service: Service, method: str, path: str,
                   **kwargs: Any) -> Any:
        return (await self.call(session, service, method, path, **kwargs)).json()

    async def gather(self, *calls: Awaitable[T]) -> list[T]:
        """The answers of independent calls in order: made at once (a page's price is then its slowest call, not
        their sum), or one after another when not `concurrent`. The first failure is raised, as `call`'s."""
        if self.concurrent:
            return list(await asyncio.gather(*calls))
        done: list[T] = []
        try:
            for call in calls:
                done.append(await call)
        finally:
            for left in calls[len(done) + 1:]:  # after a failure: never started, closed unawaited
                if inspect.iscoroutine(left):
                    left.close()
        return done

    async def aclose(self) -> None:
        await self.profile.aclose()
        await self.approval.aclose()
        if self.sync is not None:
            await self.sync.aclose()
