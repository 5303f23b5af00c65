"""sync-gateway: validate, sign, queue and deliver packets to NDXP; take its receipts; pull and check."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.jwks import RemoteKeySet
from hoso_shared.web import build_app
from sync_gateway import runtime as runtimes
from sync_gateway.citizens.router import router as citizens_router
from sync_gateway.delivery.router import router as packets_router
from sync_gateway.keys import service as keys
from sync_gateway.keys.router import router as keys_router
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.progress.router import router as progress_router
from sync_gateway.receipts.router import router as receipts_router
from sync_gateway.settings import Settings

DESCRIPTION = """Takes the changes DOHA released, checks them with the Đúng–Đủ–Sạch–Sống rules, packs them
per agency into hash-chained packets signed as JWS (keys at `/.well-known/jwks.json`), delivers them to
NDXP exactly once in effect, and takes the national side's signed receipts. Formats: docs/ndxp.md.
Every error is `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None) -> FastAPI:
    settings = settings or Settings()
    profile_api = httpx.AsyncClient(base_url=settings.profile_api_url, timeout=httpx.Timeout(15.0, connect=3.0))

    async def start(app: FastAPI) -> None:
        runtime = runtimes.make_runtime(settings, app.state.sessionmaker, app.state.metrics)
        app.state.runtime = runtime
        if runtime.signer is not None:
            async with session_scope(app.state.sessionmaker) as session:
                await keys.register(session, runtime.signer.key)
        if settings.poll_interval_seconds > 0:
            app.state.loops = await runtimes.start_loops(runtime, workers=settings.delivery_workers)

    async def stop(app: FastAPI) -> None:
        loops = getattr(app.state, "loops", None)
        if loops is not None:
            await loops.stop()
        await app.state.runtime.aclose()
        await profile_api.aclose()

    app = build_app(settings, title="Hồ sơ Gateway — sync-gateway", description=DESCRIPTION,
                    routers=[keys_router, receipts_router, packets_router, progress_router, citizens_router],
                    sessionmaker=sessionmaker, on_startup=start, on_shutdown=stop)
    app.state.metrics = GatewayMetrics(app.state.metrics_registry)
    app.state.national_keys = RemoteKeySet(json.loads(settings.ndxp_jwks) if settings.ndxp_jwks else None,
                                           settings.ndxp_jwks_url)
    app.state.profile_api = profile_api
    return app
