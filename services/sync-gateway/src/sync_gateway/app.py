"""sync-gateway: validate, sign, queue and deliver packets to NDXP; take its receipts; pull and check."""

from __future__ import annotations

import dataclasses
import json

import httpx
from fastapi import FastAPI

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.jwks import RemoteKeySet
from hoso_shared.time import Clock, utc_now
from hoso_shared.web import build_app, provide
from sync_gateway import runtime as runtimes
from sync_gateway.citizens.router import router as citizens_router
from sync_gateway.collaborators import Collaborators
from sync_gateway.delivery.router import records_router
from sync_gateway.delivery.router import router as packets_router
from sync_gateway.keys import service as keys
from sync_gateway.keys.router import router as keys_router
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.national.router import router as national_router
from sync_gateway.progress.router import router as progress_router
from sync_gateway.receipts.router import router as receipts_router
from sync_gateway.returns.client import ApprovalClient
from sync_gateway.settings import Settings

DESCRIPTION = """Takes the changes DOHA released, checks them with the Đúng–Đủ–Sạch–Sống rules, packs them
per agency into hash-chained packets signed as JWS (keys at `/.well-known/jwks.json`), delivers them to
NDXP exactly once in effect, and takes the national side's signed receipts. Formats: docs/ndxp.md.
Every error is `application/problem+json` (RFC 9457)."""


def national_keys(settings: Settings) -> RemoteKeySet:
    """The national side's keys: an inline JWKS wins over the URL and is then the only source. Fetching
    as well would let whatever answers at the URL replace the configured keys (and, within the refetch
    quiet period, leave a genuine `kid` unknown)."""
    if settings.ndxp_jwks:
        return RemoteKeySet(json.loads(settings.ndxp_jwks))
    return RemoteKeySet(url=settings.ndxp_jwks_url)


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None,
               clock: Clock = utc_now, profile_api: httpx.AsyncClient | None = None,
               approval: ApprovalClient | None = None) -> FastAPI:
    """`clock`, `profile_api` and `approval` are for tests: clients on in-process apps, closed when it stops."""
    settings = settings or Settings()
    if profile_api is None:
        profile_api = httpx.AsyncClient(base_url=settings.profile_api_url, timeout=httpx.Timeout(15.0, connect=3.0))
    loops: runtimes.Loops | None = None

    async def start(app: FastAPI) -> None:
        nonlocal loops
        runtime = collaborators.runtime
        if runtime.signer is not None:
            async with session_scope(collaborators.sessionmaker) as session:
                await keys.register(session, runtime.signer.key)
        if settings.poll_interval_seconds > 0:
            loops = await runtimes.start_loops(runtime, workers=settings.delivery_workers)

    async def stop(app: FastAPI) -> None:
        if loops is not None:
            await loops.stop()
        await collaborators.runtime.aclose()
        await collaborators.profile_api.aclose()

    app = build_app(settings, title="Hồ sơ Gateway — sync-gateway", description=DESCRIPTION,
                    routers=[keys_router, receipts_router, packets_router, records_router, progress_router,
                             citizens_router, national_router],
                    sessionmaker=sessionmaker, on_startup=start, on_shutdown=stop)
    maker: SessionMaker = app.state.sessionmaker
    metrics = GatewayMetrics(app.state.metrics_registry)
    runtime = runtimes.make_runtime(settings, maker, metrics)
    if approval is not None:
        runtime.closers.append(approval.http.aclose)
    runtime = dataclasses.replace(runtime, clock=clock, approval=approval or runtime.approval)
    collaborators = Collaborators(settings=settings, sessionmaker=maker, clock=clock, metrics=metrics,
                                  national_keys=national_keys(settings), profile_api=profile_api, runtime=runtime)
    provide(app, collaborators)
    return app
