"""sync-gateway: the service app factory."""

from __future__ import annotations

from fastapi import FastAPI

from hoso_shared.db.engine import SessionMaker
from hoso_shared.web import build_app
from sync_gateway.settings import Settings

DESCRIPTION = """Validates, signs (JWS over RFC 8785 canonical JSON), queues and delivers packets of approved
changes to NDXP, takes the national side's signed receipts, pulls profiles and checks citizens.
Every error is `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(settings, title="Hồ sơ Gateway — sync-gateway", description=DESCRIPTION,
                     sessionmaker=sessionmaker)
