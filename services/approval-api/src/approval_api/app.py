"""approval-api: the service app factory."""

from __future__ import annotations

from fastapi import FastAPI

from approval_api.change_requests.router import router as change_requests_router
from approval_api.settings import Settings
from hoso_shared.db.engine import SessionMaker
from hoso_shared.web import build_app

DESCRIPTION = """The change-request workflow: officers' and agencies' proposed changes, their approval by
the owning agency (or a delegate) in the monthly window, and the monthly sync batches DOHA approves.
Every error is `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(settings, title="Hồ sơ Gateway — approval-api", description=DESCRIPTION,
                     routers=[change_requests_router], sessionmaker=sessionmaker)
