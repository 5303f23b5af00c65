"""The app factory every service is built with: settings in, a complete FastAPI app out.

It owns the cross-cutting parts so no service can forget one: middleware order, problem
handlers, token verification, the database session, /healthz /readyz /metrics, CORS.

Collaborators reach routes typed, never as loose `app.state` attributes. A service's factory builds one
frozen dataclass of them (a subclass of `Collaborators`: settings, sessionmaker, clock and whatever else
its routes need) and `provide`s it; its `dependencies.py` turns it into `Annotated[..., Depends(...)]`
aliases through `collaborators_of(app, TheirClass)`, which checks the type, so mypy's view is true.
`hoso_shared.dependencies` holds the aliases every service shares (`Now`, `Today`, `Deadlines`). Tests
build the app with the collaborators they want (a `FixedClock`, a client on another in-process app).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError

from hoso_shared.auth import AnyPrincipal
from hoso_shared.auth.dependencies import token_verifier as auth_token_verifier
from hoso_shared.auth.tokens import TokenVerifier
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker, create_engine, create_sessionmaker, request_sessionmaker
from hoso_shared.db.migrate import current_revision, head_revision
from hoso_shared.logging import configure_logging, get_logger
from hoso_shared.metrics import HttpMetrics
from hoso_shared.middleware import BodyLimitMiddleware, CorrelationIdMiddleware, ObserveMiddleware
from hoso_shared.problems import MEDIA_TYPE, ServiceUnavailable, install_problem_handlers
from hoso_shared.settings import CommonSettings
from hoso_shared.time import Clock, utc_now

log = get_logger("hoso.web")
READY_TIMEOUT_SECONDS = 2.0
Hook = Callable[[FastAPI], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Collaborators:
    """What every service's routes may be given; a service subclasses it with its own."""

    settings: CommonSettings
    sessionmaker: SessionMaker
    clock: Clock = utc_now


C = TypeVar("C", bound=Collaborators)


def provide(app: FastAPI, collaborators: Collaborators) -> None:
    """The factory's last step: the one place an app's collaborators are kept."""
    app.state.collaborators = collaborators


def collaborators_of(app: FastAPI, kind: type[C]) -> C:
    """The collaborators `app` was built with, checked to be a `kind` (the service's class, or the base)."""
    found = getattr(app.state, "collaborators", None)
    if not isinstance(found, kind):
        raise TypeError(f"{app.title} was built without {kind.__module__}.{kind.__qualname__}")
    return found


class ProblemDocument(BaseModel):
    """RFC 9457 problem details, as every error of this API is returned (the body `hoso_shared.problems.Problem`
    exceptions are rendered as)."""

    model_config = ConfigDict(extra="allow", title="Problem")
    type: str = Field(description="A URI naming the kind of problem (urn:hoso:problem:…); stable, for code to test")
    title: str = Field(description="A short summary of the kind of problem, in English")
    status: int = Field(description="The HTTP status code")
    detail: str | None = Field(default=None, description="What went wrong this time, for a person to read")
    correlation_id: str | None = Field(default=None,
                                       description="The id of this request in the logs (X-Correlation-Id)")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "model": ProblemDocument, "content": {MEDIA_TYPE: {}}}
    for code, text in [(401, "No valid token"), (403, "Not allowed"), (422, "Invalid request")]
}


class Me(BaseModel):
    subject: str
    username: str
    roles: list[str]
    scopes: list[str]
    org_unit_id: str


def token_verifier_from(settings: CommonSettings) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.auth_issuer, audience=settings.auth_audience,
        jwks=json.loads(settings.auth_jwks) if settings.auth_jwks else None,
        jwks_url=settings.auth_jwks_url, leeway=settings.auth_leeway_seconds,
    )


async def database_ready(sessionmaker: SessionMaker, head: str) -> str | None:
    """None when the database answers and its schema is at `head`; else the reason. A second try
    gets a fresh connection when the first one was a stale leftover of a database restart."""
    for attempt in range(2):
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS), sessionmaker() as session:
                conn = await session.connection()
                revision = await current_revision(conn)
            break
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            if attempt == 1:
                return f"database unreachable ({type(exc).__name__})"
    if revision != head:
        return f"schema at {revision}, expected {head}"
    return None


def _ops_router(registry: CollectorRegistry) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers.")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: the database answers and its schema is at head.",
                responses={503: {"model": ProblemDocument, "description": "Not ready"}})
    async def readyz(request: Request) -> dict[str, str]:
        reason = await database_ready(request.app.state.sessionmaker, request.app.state.schema_head)
        if reason:
            raise ServiceUnavailable(f"Not ready: {reason}.")
        return {"status": "ready"}

    @router.get("/metrics", summary="Prometheus metrics of this service.", include_in_schema=True)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @router.get("/api/v1/me", summary="The caller as this service sees them (token verified locally).",
                tags=["auth"], responses=PROBLEM_RESPONSES)
    async def read_me(principal: AnyPrincipal) -> Me:
        return Me(subject=str(principal.subject), username=principal.username,
                  roles=sorted(principal.roles), scopes=sorted(principal.scopes),
                  org_unit_id=str(principal.org_unit_id))

    return router


def body_limit_overrides(settings: CommonSettings) -> list[tuple[str, int]]:
    """A service's settings may give some paths their own body limit with a `body_limit_overrides`
    mapping (full-match path regex → bytes), e.g. profile-api's evidence uploads."""
    overrides: Mapping[str, int] = getattr(settings, "body_limit_overrides", {})
    return list(overrides.items())


def build_app(
    settings: CommonSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    sessionmaker: SessionMaker | None = None,
    token_verifier: TokenVerifier | None = None,
    on_startup: Hook | None = None,
    on_shutdown: Hook | None = None,
) -> FastAPI:
    """`sessionmaker` is for tests, which bind it to a connection rolled back after each test. Without it,
    `app.state.sessionmaker` exists at once (for the service's collaborators) and is bound to an engine
    made at startup."""
    configure_logging(settings.log_level, json=settings.log_json)
    maker = sessionmaker or create_sessionmaker()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = None
        if sessionmaker is None:
            engine = create_engine(settings.database_url, pool_size=settings.db_pool_size,
                                   cipher=FieldCipher.from_settings(settings))
            maker.configure(bind=engine)
        if on_startup:
            await on_startup(app)
        log.info("started", service=settings.service_name)
        try:
            yield
        finally:
            if on_shutdown:
                await on_shutdown(app)
            if engine is not None:
                await engine.dispose()

    app = FastAPI(title=title, description=description, version="1", lifespan=lifespan)
    app.state.settings = settings
    app.state.sessionmaker = maker
    app.state.schema_head = head_revision()
    verifier = token_verifier or token_verifier_from(settings)

    # The request's session and the token check take these from the factory, typed (no state reads); async, so
    # FastAPI calls them on the event loop rather than in its threadpool.
    async def given_sessionmaker() -> SessionMaker:
        return maker

    async def given_verifier() -> TokenVerifier:
        return verifier

    app.dependency_overrides[request_sessionmaker] = given_sessionmaker
    app.dependency_overrides[auth_token_verifier] = given_verifier
    registry = CollectorRegistry()
    app.state.metrics_registry = registry

    install_problem_handlers(app)
    app.include_router(_ops_router(registry))
    for router in routers:
        app.include_router(router, responses=PROBLEM_RESPONSES)

    # add_middleware wraps: the last added runs first.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, overrides=body_limit_overrides(settings))
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True,
                           allow_methods=["*"], allow_headers=["*"], expose_headers=["x-correlation-id"])
    app.add_middleware(ObserveMiddleware, metrics=HttpMetrics(registry, settings.service_name))
    app.add_middleware(CorrelationIdMiddleware)
    return app
