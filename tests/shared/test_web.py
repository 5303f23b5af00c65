"""The app factory's own parts: last-resort errors, SQLSTATE mapping, metrics, correlation ids."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from hoso_shared.db import DbSession
from hoso_shared.db.models import OrgUnit
from hoso_shared.problems import problem_from_db_error
from hoso_shared.settings import CommonSettings
from hoso_shared.web import build_app
from tests.conftest import settings_env
from tests.factories import make_unit

boom = APIRouter()


@boom.get("/boom/{n}")
async def explode(n: int) -> None:
    raise RuntimeError(f"secret internals {n}")


@boom.post("/units/{code}")
async def duplicate_unit(code: str, session: DbSession) -> None:
    for _ in range(2):
        await session.execute(insert(OrgUnit).values(code=code, name="x", type="department", path="/p/"))


@pytest.fixture
async def app_client(db_url: str, sessionmaker: Any) -> Any:
    app = build_app(CommonSettings(**settings_env(db_url)), title="t", description="t",
                    routers=[boom], sessionmaker=sessionmaker)
    async with LifespanManager(app) as manager:
        async with AsyncClient(transport=ASGITransport(app=manager.app), base_url="http://t") as c:
            yield c


class TestLastResort:
    async def test_unhandled_exception_is_500_problem_without_trace(
        self, app_client: AsyncClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        response = await app_client.get("/boom/1", headers={"x-correlation-id": "abc-123"})
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["correlation_id"] == "abc-123"
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert "secret internals" in capsys.readouterr().out  # the log keeps what the client is not told

    async def test_unique_violation_is_409_by_sqlstate(self, app_client: AsyncClient) -> None:
        response = await app_client.post("/units/dup-1")
        assert response.status_code == 409
        assert response.json()["sqlstate"] == "23505"


class TestSqlstateMapping:
    async def test_real_driver_errors_map_by_code(self, session: Any) -> None:
        unit = await make_unit(session)
        nested = await session.begin_nested()
        with pytest.raises(DBAPIError) as caught:
            await session.execute(insert(OrgUnit).values(code=unit.code, name="x", type="t", path="/y/"))
        await nested.rollback()
        problem = problem_from_db_error(caught.value)
        assert problem is not None and problem.status == 409


class TestMetricsAndCorrelation:
    async def test_metrics_use_route_templates(self, client_for: Callable[..., Any]) -> None:
        client = await client_for("profile-api")
        for _ in range(3):
            await client.get("/api/v1/profiles/6f1e8a52-0000-4000-8000-000000000001")
        await client.get("/no/such/path/123")
        text = (await client.get("/metrics")).text
        assert 'route="/api/v1/profiles/{profile_id}"' in text
        assert "6f1e8a52" not in text and "/no/such/path" not in text
        assert 'route="<unmatched>"' in text
        assert "http_request_duration_seconds_bucket" in text

    async def test_correlation_id_is_echoed_or_made(self, client_for: Callable[..., Any]) -> None:
        client = await client_for("approval-api")
        given = await client.get("/healthz", headers={"x-correlation-id": "req-42"})
        assert given.headers["x-correlation-id"] == "req-42"
        made = await client.get("/healthz", headers={"x-correlation-id": "bad id with spaces"})
        assert made.headers["x-correlation-id"] != "bad id with spaces"
        assert len(made.headers["x-correlation-id"]) == 32

    async def test_cors_is_configurable(self, client_for: Callable[..., Any]) -> None:
        client = await client_for("profile-api", cors_origins=["https://hoso.hanoi.gov.vn"])
        response = await client.options("/api/v1/profiles", headers={
            "Origin": "https://hoso.hanoi.gov.vn", "Access-Control-Request-Method": "GET"})
        assert response.headers["access-control-allow-origin"] == "https://hoso.hanoi.gov.vn"

    async def test_openapi_and_docs_are_served(self, client_for: Callable[..., Any]) -> None:
        client = await client_for("sync-gateway")
        spec = (await client.get("/openapi.json")).json()
        assert "/readyz" in spec["paths"]
        assert (await client.get("/docs")).status_code == 200
        json.dumps(spec)
