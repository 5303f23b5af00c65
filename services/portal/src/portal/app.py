"""The portal's app factory: the one place its collaborators are made and given to the pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib.resources import files

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from hoso_shared.logging import configure_logging, get_logger
from hoso_shared.time import Clock, utc_now
from portal.access_grants.router import router as access_grants_router
from portal.accounts.create_router import router as accounts_create_router
from portal.accounts.router import router as accounts_router
from portal.api import Apis
from portal.audit_log.router import router as audit_log_router
from portal.bulk.router import router as bulk_router
from portal.calendar.router import router as calendar_router
from portal.changes.router import router as changes_router
from portal.changes.steps import router as changes_steps_router
from portal.collaborators import Collaborators
from portal.delegations.router import router as delegations_router
from portal.errors import install_handlers
from portal.home.router import router as home_router
from portal.i18n import environments
from portal.inbox.router import router as inbox_router
from portal.my_record.router import router as my_record_router
from portal.my_requests.router import router as my_requests_router
from portal.new_person.router import router as new_person_router
from portal.org.router import router as org_router
from portal.packets.router import router as packets_router
from portal.people.router import router as people_router
from portal.province.router import router as province_router
from portal.quality.router import router as quality_router
from portal.record_reads.router import router as record_reads_router
from portal.reports.router import router as reports_router
from portal.reviews.router import router as reviews_router
from portal.security import security_headers
from portal.sessions import SessionStore
from portal.settings import Settings
from portal.signin.router import router as signin_router
from portal.sync_batches.router import router as sync_batches_router
from portal.transfers.router import router as transfers_router
from portal.web import collaborators, session_middleware

log = get_logger("portal")


def create_app(settings: Settings, *, apis: Apis | None = None, clock: Clock = utc_now) -> FastAPI:
    configure_logging(settings.log_level, json=settings.log_json)
    timeout = httpx.Timeout(15.0, connect=3.0)
    wiring = Collaborators(
        settings=settings, clock=clock,
        apis=apis or Apis(httpx.AsyncClient(base_url=settings.profile_api_url, timeout=timeout),
                          httpx.AsyncClient(base_url=settings.approval_api_url, timeout=timeout),
                          httpx.AsyncClient(base_url=settings.sync_gateway_url, timeout=timeout), concurrent=True),
        sessions=SessionStore(idle=timedelta(minutes=settings.portal_idle_minutes),
                              capacity=settings.portal_max_sessions),
        templates=environments())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("started", service="portal")
        yield
        await wiring.apis.aclose()

    app = FastAPI(title="Hồ sơ Gateway — portal", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.dependency_overrides[collaborators] = lambda: wiring
    app.middleware("http")(session_middleware(wiring))
    app.middleware("http")(security_headers)
    app.mount("/static", StaticFiles(directory=str(files("portal").joinpath("static"))), name="static")
    for router in (signin_router, home_router, inbox_router, delegations_router, my_record_router, changes_router,
                   changes_steps_router, my_requests_router, people_router, accounts_create_router, accounts_router):
        app.include_router(router)
    for router in (transfers_router, sync_batches_router, packets_router):  # transfers, the monthly sync, packets
        app.include_router(router)
    for router in (calendar_router, province_router):  # DOHA's calendar and approval windows, its province dashboard
        app.include_router(router)
    for router in (bulk_router, quality_router):  # import/export, the quality scorecard
        app.include_router(router)
    for router in (reviews_router, org_router, reports_router):  # the quarterly review, the org tree, reports
        app.include_router(router)
    app.include_router(new_person_router)  # a new person's record, filled in from the population register
    app.include_router(record_reads_router)  # who read the sensitive parts of my record
    app.include_router(access_grants_router)  # written grants to read records beyond one's own
    app.include_router(audit_log_router)  # the audit log, for those who inspect and supervise

    @app.get("/healthz", include_in_schema=False)
    async def check_health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def check_ready() -> dict[str, str]:
        return {"status": "ready"}

    install_handlers(app, wiring)
    return app
