"""ndxp-sim: the service app factory."""

from __future__ import annotations

from fastapi import FastAPI

from hoso_shared.db.engine import SessionMaker
from hoso_shared.web import build_app
from ndxp_sim.settings import Settings

DESCRIPTION = """A stand-in for NDXP, the national CBCCVC database and the population database,
for development and tests. Not for production.
Every error is `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(settings, title="Hồ sơ Gateway — ndxp-sim", description=DESCRIPTION,
                     sessionmaker=sessionmaker)
