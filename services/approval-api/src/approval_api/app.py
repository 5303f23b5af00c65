"""approval-api: the service app factory."""

from __future__ import annotations

import asyncio
import functools

import httpx
from fastapi import FastAPI

from approval_api import tasks
from approval_api.applying.client import ProfileClient
from approval_api.change_requests.router import internal as change_requests_internal
from approval_api.change_requests.router import router as change_requests_router
from approval_api.change_requests.service import Workflow
from approval_api.collaborators import Collaborators
from approval_api.delegations.router import router as delegations_router
from approval_api.metrics import ApprovalMetrics
from approval_api.settings import Settings
from approval_api.sync_batches.router import router as sync_batches_router
from approval_api.windows.router import router as windows_router
from hoso_shared import periodic
from hoso_shared.db.engine import SessionMaker
from hoso_shared.oauth import ClientCredentials
from hoso_shared.time import Clock, utc_now
from hoso_shared.web import build_app, provide

DESCRIPTION = """The change-request workflow: officers' and agencies' proposed changes, their approval by
the owning agency (or a delegate) in the monthly window, and the monthly sync batches DOHA approves.
Every error is `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None,
               clock: Clock = utc_now, profiles: ProfileClient | None = None) -> FastAPI:
    """`clock` and `profiles` are for tests: a `FixedClock` to stand inside or outside the window, a client on
    an in-process profile-api. The app closes `profiles` when it stops."""
    settings = settings or Settings()
    token = ClientCredentials(settings.profile_api_url.rstrip("/") + "/api/v1/auth/token",
                              settings.profile_api_client_id, settings.profile_api_client_secret.get_secret_value(),
                              scope="profiles:apply")
    if profiles is None:
        profiles = ProfileClient(httpx.AsyncClient(base_url=settings.profile_api_url,
                                                   timeout=httpx.Timeout(10.0, connect=3.0)), token)
    loop: asyncio.Task[None] | None = None

    async def start(app: FastAPI) -> None:
        nonlocal loop
        loop = periodic.start("approval-reconciler", functools.partial(tasks.tick, collaborators.workflow,
                                                                   collaborators.clock),
                              settings.reconcile_interval_seconds)

    async def stop(app: FastAPI) -> None:
        await periodic.stop(loop)
        await collaborators.workflow.profiles.aclose()
        await token.aclose()

    app = build_app(settings, title="Hồ sơ Gateway — approval-api", description=DESCRIPTION,
                    routers=[change_requests_router, change_requests_internal, delegations_router, windows_router,
                             sync_batches_router],
                    sessionmaker=sessionmaker, on_startup=start, on_shutdown=stop)
    maker: SessionMaker = app.state.sessionmaker
    workflow = Workflow(maker, settings.deadline_policy, profiles, ApprovalMetrics(app.state.metrics_registry))
    collaborators = Collaborators(settings=settings, sessionmaker=maker, clock=clock, workflow=workflow)
    provide(app, collaborators)
    return app
