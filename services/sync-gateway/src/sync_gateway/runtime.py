"""What a gateway process runs: its signer, transports and clients, built from settings; and the
background loops (packet builder, delivery workers, returner, gauges), each woken by NOTIFY and polling
as a fallback; the gauges are read again only when what they count was written (progress.freshness).
The web app and `python -m sync_gateway.worker` share it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import structlog

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.oauth import ClientCredentials
from hoso_shared.time import Clock, local_day, utc_now
from sync_gateway.delivery import queries as delivery_queries
from sync_gateway.delivery.breaker import Breaker, State
from sync_gateway.delivery.lease import lease_length
from sync_gateway.delivery.retry_policy import RetryPolicy
from sync_gateway.delivery.transport import Route, Transport
from sync_gateway.delivery.worker import Deliverer
from sync_gateway.keys import identity
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.notify import Waker, wait
from sync_gateway.packets.builder import Signer, build_once
from sync_gateway.progress import queries as progress_queries
from sync_gateway.progress import service as progress
from sync_gateway.progress.freshness import Freshness
from sync_gateway.returns.client import ApprovalClient
from sync_gateway.returns.service import return_once
from sync_gateway.settings import Settings

log = structlog.get_logger()


@dataclass
class Runtime:
    settings: Settings
    sessionmaker: SessionMaker
    metrics: GatewayMetrics
    cipher: FieldCipher
    signer: Signer | None
    transport: Transport
    breaker: Breaker
    policy: RetryPolicy
    approval: ApprovalClient
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    clock: Clock = utc_now
    freshness: Freshness = field(kw_only=True)  # when the gauges are read again

    async def build(self) -> int:
        """Packs what is released; returns the number of packets made."""
        if self.signer is None:
            return 0
        now = self.clock()
        async with session_scope(self.sessionmaker) as session:
            built = await build_once(session, self.signer, self.cipher, self.settings.deadline_policy, now,
                                     local_day(now))
        self.metrics.records.labels("packed").inc(built.records)
        self.metrics.records.labels("blocked").inc(built.blocked)
        return built.packets + built.blocked

    def deliverer(self, name: str) -> Deliverer:
        return Deliverer(self.sessionmaker, self.transport, self.breaker, self.policy, self.metrics, name,
                         lease_length(self.settings.ndxp_timeout_seconds, self.policy,
                                      self.settings.delivery_lease_seconds))

    async def refresh_gauges(self) -> None:
        now = self.clock()
        async with session_scope(self.sessionmaker) as session:
            depth = await delivery_queries.depth(session)
            tables = [await progress.progress(session, root, now) for root in await progress.roots(session)]
            waiting = await delivery_queries.outbox_waiting(session)
        for state in ("queued", "delivered", "acknowledged", "dead"):
            self.metrics.packets.labels(state).set(depth.get(state, 0))
        self.metrics.outbox_waiting.set(waiting)
        self.metrics.progress.clear()
        for table in tables:
            for unit in table.units:
                for stage in progress.STAGES:
                    self.metrics.progress.labels(unit.org_unit_code, stage).set(getattr(unit, stage))

    async def refresh_gauges_when_due(self) -> bool:
        """Reads the gauges again when a counted table was written since the last reading or a month began
        (`Freshness` says when); returns whether it read them."""
        month = progress.month_start(self.clock())
        async with session_scope(self.sessionmaker) as session:
            basis = (await progress_queries.writes_seen(session), month)
        if not self.freshness.due(basis):
            return False
        began = self.freshness.clock()
        await self.refresh_gauges()
        self.freshness.read(basis, began)
        return True

    async def aclose(self) -> None:
        for close in self.closers:
            with contextlib.suppress(Exception):
                await close()


def make_runtime(settings: Settings, sessionmaker: SessionMaker, metrics: GatewayMetrics) -> Runtime:
    key = identity.load_key(identity.KeySource.of(settings), env=settings.env, now=utc_now())
    if key is not None:
        metrics.observe_signing_key(key.kid, identity.certificate(key).not_after)
    ndxp_http = httpx.AsyncClient(timeout=httpx.Timeout(settings.ndxp_timeout_seconds, connect=3.0))
    ndxp_token = ClientCredentials(settings.ndxp_token_url, settings.ndxp_client_id,
                                   settings.ndxp_client_secret.get_secret_value(),
                                   timeout=settings.ndxp_timeout_seconds, on_fetch=metrics.token_refreshes.inc,
                                   auth_method=settings.ndxp_token_auth)
    route = Route(settings.ndxp_url, settings.ndxp_packets_path, settings.ndxp_token_header, settings.ndxp_headers)
    peer = httpx.URL(settings.ndxp_url).host or "ndxp"
    breaker = Breaker(settings.breaker_failures, settings.breaker_cooldown_seconds,
                      on_change=lambda state: metrics.breaker.labels(peer).set(int(state)))
    metrics.breaker.labels(peer).set(int(State.CLOSED))
    service_token = ClientCredentials(settings.profile_api_url.rstrip("/") + "/api/v1/auth/token",
                                      settings.service_client_id, settings.service_client_secret.get_secret_value(),
                                      scope="change-requests:return")
    approval_http = httpx.AsyncClient(base_url=settings.approval_api_url, timeout=httpx.Timeout(10.0, connect=3.0))
    policy = RetryPolicy(max_attempts=settings.delivery_max_attempts, base=settings.delivery_backoff_base_seconds,
                    cap=settings.delivery_backoff_max_seconds)
    runtime = Runtime(settings, sessionmaker, metrics, FieldCipher.from_settings(settings),
                      # builder.Signer still names ECKey; wire.sign takes any PacketKey (EC or RSA).
                      Signer(key, settings.province_code, settings.packet_size, settings.wire_format) if key else None,
                      Transport(ndxp_http, ndxp_token, route), breaker, policy,
                      ApprovalClient(approval_http, service_token),
                      freshness=Freshness(max_age=settings.gauges_max_age_seconds))
    runtime.closers += [ndxp_http.aclose, ndxp_token.aclose, approval_http.aclose, service_token.aclose]
    return runtime


async def _loop(name: str, step: Callable[[], Awaitable[bool]], wake: asyncio.Event, poll: float) -> None:
    """Runs `step` while it finds work; then sleeps until woken or `poll` seconds pass."""
    while True:
        try:
            busy = await step()
        except Exception:  # a failed step (database restart, bug) must not end the loop
            log.exception("loop_step_failed", loop=name)
            busy = False
        if not busy:
            await wait(wake, poll)


@dataclass
class Loops:
    tasks: list[asyncio.Task[None]]
    waker: Waker

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.waker.stop()


async def start_loops(runtime: Runtime, *, workers: int, build: bool = True) -> Loops:
    settings, poll = runtime.settings, runtime.settings.poll_interval_seconds
    waker = Waker(settings.database_url, ("hoso_outbox", "hoso_packets"))
    await waker.start()
    host = f"{socket.gethostname()}:{os.getpid()}"  # worker names stay distinct across processes
    tasks = []
    if build:
        tasks.append(asyncio.create_task(_loop("builder", lambda: _positive(runtime.build()),
                                               waker.subscribe("hoso_outbox"), poll)))
        tasks.append(asyncio.create_task(_loop("returner", lambda: _positive(return_once(runtime.sessionmaker,
                                                                                          runtime.approval)),
                                               asyncio.Event(), max(poll, 5.0))))
        tasks.append(asyncio.create_task(_loop("gauges", _gauges(runtime), asyncio.Event(), max(poll, 5.0))))
    for i in range(workers):
        deliverer = runtime.deliverer(f"{host}:{i}")
        tasks.append(asyncio.create_task(_loop(f"worker-{i}", deliverer.deliver_one,
                                               waker.subscribe("hoso_packets"), poll)))
    return Loops(tasks, waker)


async def _positive(count: Awaitable[int]) -> bool:
    return await count > 0


def _gauges(runtime: Runtime) -> Callable[[], Awaitable[bool]]:
    async def step() -> bool:
        await runtime.refresh_gauges_when_due()
        return False

    return step
