"""ndxp-sim: the service app factory."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from hoso_shared.db.engine import SessionMaker
from hoso_shared.time import Clock, utc_now
from hoso_shared.web import build_app, provide
from ndxp_sim.admin.router import router as admin_router
from ndxp_sim.collaborators import Collaborators
from ndxp_sim.errors import install_error_handlers
from ndxp_sim.faults.transport import DropConnectionMiddleware
from ndxp_sim.keys.router import router as keys_router
from ndxp_sim.national_db.router import router as national_router
from ndxp_sim.packets.router import router as packets_router
from ndxp_sim.population_db.router import router as population_router
from ndxp_sim.settings import Settings
from ndxp_sim.state import build_sim
from ndxp_sim.tokens.router import lgsp_router
from ndxp_sim.tokens.router import router as tokens_router

DESCRIPTION = """A stand-in for NDXP, the national CBCCVC database and the population database,
for development and tests. Not for production. It implements the national side of `docs/ndxp.md`:
tokens, signed packets in, signed receipts back to the gateway, identity checks, profile pulls,
and faults to inject on demand (`PUT /admin/faults`). State is in memory.
The national routes answer errors as the national side does, `{"error": "<code>"}`; the admin routes
answer `application/problem+json` (RFC 9457). With `HOSO_SIM_MODE=lgsp` it plays a province's LGSP in front
of NDXP: tokens from `/lgsp/token`, raw in `lgspaccesstoken`, and routing headers required (a missing or wrong
one is a problem+json naming it)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None,
               clock: Clock = utc_now, callback_client: httpx.AsyncClient | None = None) -> FastAPI:
    """`clock` and `callback_client` are for tests: a `FixedClock` to expire tokens, a client on an in-process
    gateway for the receipts (the test closes it)."""
    settings = settings or Settings()
    own_http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))
    callback = callback_client or own_http

    async def fetch_jwks(url: str) -> dict[str, Any]:
        response = await own_http.get(url)
        response.raise_for_status()
        jwks: dict[str, Any] = response.json()
        return jwks

    async def stop(app: FastAPI) -> None:
        await sim.deliveries.cancel_all()
        await own_http.aclose()

    app = build_app(settings, title="Hồ sơ Gateway — ndxp-sim", description=DESCRIPTION,
                    routers=[lgsp_router if settings.sim_mode == "lgsp" else tokens_router, packets_router,
                             population_router, national_router, keys_router, admin_router],
                    sessionmaker=sessionmaker, on_shutdown=stop)
    install_error_handlers(app)
    app.add_middleware(DropConnectionMiddleware)  # outermost, so it cuts whatever the stack answered
    sim = build_sim(settings, fetch_jwks, clock)
    sim.callback_client = lambda: callback
    provide(app, Collaborators(settings=settings, sessionmaker=app.state.sessionmaker, clock=clock, sim=sim))
    return app
