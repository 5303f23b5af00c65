"""profile-api: records, org tree, accounts and token issuance."""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import timedelta

import httpx
from fastapi import FastAPI

from hoso_shared import periodic
from hoso_shared.auth.tokens import (
    TokenIssuer,
    TokenVerifier,
    generate_signing_key,
    load_signing_key,
    public_jwks,
)
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker
from hoso_shared.time import Clock, utc_now
from hoso_shared.web import build_app, provide
from profile_api.access.router import router as access_router
from profile_api.accounts.router import router as accounts_router
from profile_api.attachments.router import router as attachments_router
from profile_api.audit import sealer
from profile_api.audit_log.router import router as audit_log_router
from profile_api.bulk.router import router as bulk_router
from profile_api.calendar.router import router as calendar_router
from profile_api.changes import tasks as pending_tasks
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.metrics import PendingMetrics
from profile_api.changes.pending import Reconciler
from profile_api.changes.router import internal as changes_internal
from profile_api.changes.router import router as changes_router
from profile_api.collaborators import Collaborators
from profile_api.fix_requests.router import router as fix_requests_router
from profile_api.org_units.router import router as org_units_router
from profile_api.profiles.router import router as profiles_router
from profile_api.quality import tasks as quality_tasks
from profile_api.quality.metrics import QualityGauges
from profile_api.quality.router import profile_router as quality_profile_router
from profile_api.quality.router import router as quality_router
from profile_api.reports.exports.signer import ExportIdentity
from profile_api.reports.progress import tasks as progress_tasks
from profile_api.reports.router import router as reports_router
from profile_api.settings import Settings
from profile_api.tasks.router import router as tasks_router
from profile_api.tokens.metrics import ThrottleMetrics
from profile_api.tokens.router import jwks_router
from profile_api.tokens.router import router as tokens_router
from profile_api.tokens.service import LoginPolicy
from profile_api.tokens.throttle import Limit, Throttle, ThrottlePolicy
from profile_api.transfers.router import router as transfers_router

DESCRIPTION = """The record of every cadre, civil servant and public employee (CBCCVC) of the province,
kept per the unified sơ yếu lý lịch, with the organisation tree and accounts.
Also the token issuer: `POST /api/v1/auth/token` (password or client-credentials grant),
keys at `/.well-known/jwks.json`. Every error is `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, sessionmaker: SessionMaker | None = None,
               clock: Clock = utc_now) -> FastAPI:
    settings = settings or Settings()
    secret = settings.token_signing_key.get_secret_value()
    if not secret and settings.env == "prod":
        raise ValueError("HOSO_TOKEN_SIGNING_KEY is required outside dev/test")
    key = load_signing_key(secret) if secret else generate_signing_key()
    previous = json.loads(settings.token_previous_public_keys or '{"keys": []}')["keys"]

    jwks = {"keys": public_jwks(key)["keys"] + previous}
    verifier = None
    if not settings.auth_jwks and not settings.auth_jwks_url:
        # The issuer verifies its own tokens with the keys it publishes.
        verifier = TokenVerifier(issuer=settings.auth_issuer, audience=settings.auth_audience,
                                 jwks=jwks, leeway=settings.auth_leeway_seconds)
    issuer = TokenIssuer(key, settings.auth_issuer, settings.token_ttl_seconds)
    http = httpx.AsyncClient(base_url=settings.approval_api_url, timeout=httpx.Timeout(10.0, connect=3.0))
    sealing: asyncio.Task[None] | None = None
    snapshots: asyncio.Task[None] | None = None
    judging: asyncio.Task[None] | None = None
    reconciling: asyncio.Task[None] | None = None

    async def start_tasks(app: FastAPI) -> None:
        nonlocal sealing, snapshots, judging, reconciling
        collaborators.export_identity.load()  # a configured identity must load, and prod must have one
        sealing = periodic.start("audit-sealer", functools.partial(sealer.seal, collaborators.sessionmaker),
                                 settings.audit_seal_interval_seconds)
        judging = quality_tasks.start_judge(collaborators.quality, settings.quality_judge_interval_seconds)
        snapshots = await quality_tasks.start(collaborators.quality, settings.quality_interval_seconds)
        reconcile = functools.partial(pending_tasks.tick, collaborators.pending, collaborators.clock)
        reconciling = periodic.start("pending-records", reconcile, settings.pending_reconcile_interval_seconds)

    async def stop_tasks(app: FastAPI) -> None:
        # Before the client the reconciler forwards through closes.
        for task in (sealing, judging, snapshots, reconciling):
            await periodic.stop(task)
        await http.aclose()

    app = build_app(settings, title="Hồ sơ Gateway — profile-api", description=DESCRIPTION,
                    # The quality router's /profiles/{id}/quality goes before the profiles router, whose
                    # /profiles/{id}/{section} would answer it.
                    routers=[tokens_router, jwks_router, attachments_router, quality_profile_router, profiles_router,
                             changes_router, changes_internal, org_units_router, accounts_router, bulk_router,
                             quality_router, calendar_router, reports_router, tasks_router, transfers_router,
                             fix_requests_router, audit_log_router, access_router],
                    sessionmaker=sessionmaker, token_verifier=verifier, on_startup=start_tasks, on_shutdown=stop_tasks)
    maker: SessionMaker = app.state.sessionmaker
    cipher = FieldCipher.from_settings(settings)
    export_identity = ExportIdentity(settings)  # the one that signs exports also signs the progress editions
    progress = progress_tasks.Progress(maker, export_identity, settings.deadline_policy, clock)
    quality = quality_tasks.Quality(maker, cipher, settings.deadline_policy, QualityGauges(app.state.metrics_registry),
                                    after=progress.tick, clock=clock)
    approval = ApprovalClient(http, issuer, settings.auth_audience)
    pending = Reconciler(maker, approval, cipher, settings.deadline_policy, PendingMetrics(app.state.metrics_registry),
                         grace=timedelta(seconds=settings.pending_forward_grace_seconds))
    collaborators = Collaborators(
        settings=settings, sessionmaker=maker, clock=clock, cipher=cipher, token_issuer=issuer, jwks=jwks,
        login_policy=LoginPolicy(settings.max_failed_logins, timedelta(minutes=settings.lockout_minutes)),
        throttle=Throttle(throttle_policy(settings), ThrottleMetrics(app.state.metrics_registry)),
        approval=approval, export_identity=export_identity, quality=quality, pending=pending)
    provide(app, collaborators)
    return app


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    window = timedelta(seconds=settings.login_window_seconds)
    return ThrottlePolicy(per_source=Limit(settings.login_source_max_failures, window),
                          per_account_source=Limit(settings.login_account_source_max_failures, window),
                          per_client=Limit(settings.login_client_max_failures, window))
