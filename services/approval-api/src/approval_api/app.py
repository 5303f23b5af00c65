"""approval-api: the service app factory."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI

from approval_api import tasks
from approval_api.applying.client import ProfileClient
from approval_api.change_requests.router import internal as change_requests_internal
from approval_api.change_requests.router import router as change_requests_router
from approval_api.change_requests.service import Env
from approval_api.delegations.router import router as delegations_router
from approval_api.metrics import ApprovalMetrics
from approval_api.settings import Settings
from approval_api.sync_batches.router import router as sync_batches_router
from approval_api.windows.router import router as windows_router
from hoso_shared.db.engine import SessionMaker
from hoso_shared.oauth import ClientCredentials
from hoso_shared.validation import POLICIES
from hoso_shared.web import build_app

DESCRIPTION = """The change-request workflow: officers' and agencies' proposed changes, their approval by
the owning agency (or a delegate) in the monthly window, and the monthly sync batches DOHA approves.
Every error is `application/problem+json` (RFC 9457)."""


def _now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None) -> FastAPI:
    settings = settings or Settings()
    token = ClientCredentials(settings.profile_api_url.rstrip("/") + "/api/v1/auth/token",
                              settings.profile_api_client_id, settings.profile_api_client_secret.get_secret_value(),
                              scope="profiles:apply")
    http = httpx.AsyncClient(base_url=settings.profile_api_url, timeout=httpx.Timeout(10.0, connect=3.0))

    async def start(app: FastAPI) -> None:
        app.state.env = Env(app.state.sessionmaker, POLICIES[settings.policy], app.state.profiles, app.state.metrics)
        app.state.task = tasks.start(app.state.env, lambda: app.state.clock(), settings.reconcile_interval_seconds)

    async def stop(app: FastAPI) -> None:
        await tasks.stop(getattr(app.state, "task", None))
        await app.state.profiles.aclose()
        await token.aclose()

    app = build_app(settings, title="Hồ sơ Gateway — approval-api", description=DESCRIPTION,
                    routers=[change_requests_router, change_requests_internal, delegations_router, windows_router,
                             sync_batches_router],
                    sessionmaker=sessionmaker, on_startup=start, on_shutdown=stop)
    app.state.clock = _now  # tests set another clock to stand inside or outside the window
    app.state.profiles = ProfileClient(http, token)
    app.state.metrics = ApprovalMetrics(app.state.metrics_registry)
    return app
