"""Every way a request can go wrong gets problem+json with the right status, on every service."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from httpx import AsyncClient
from joserfc import jwt

from hoso_shared.auth import TokenIssuer
from hoso_shared.auth.tokens import generate_signing_key
from hoso_shared.problems import MEDIA_TYPE
from tests.conftest import AUDIENCE, ISSUER, SERVICES, SIGNING_KEY


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": str(uuid.uuid4()), "iat": now, "exp": now + 300,
            "scope": "profiles:read", "roles": ["agency_admin"], "org_unit_id": str(uuid.uuid4()),
            "org_path": "/x/"}
    return {**base, **overrides}


def sign(payload: dict[str, Any], key: Any = SIGNING_KEY, kid: str | None = None) -> str:
    return jwt.encode({"alg": "ES256", "kid": kid or key.kid}, payload, key)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:hoso:problem:")
    assert "Traceback" not in response.text
    return body


@pytest.fixture(params=SERVICES)
async def client(request: pytest.FixtureRequest, client_for: Callable[..., Any]) -> AsyncClient:
    c: AsyncClient = await client_for(request.param)
    return c


class TestProblemResponses:
    async def test_unknown_route_is_404(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/no-such-thing"), 404)

    async def test_wrong_method_is_405(self, client: AsyncClient) -> None:
        assert_problem(await client.delete("/healthz"), 405)

    async def test_missing_token_is_401(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/me")
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_garbage_token_is_401(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/me", headers={"Authorization": "Bearer x.y"}), 401)

    async def test_expired_token_is_401(self, client: AsyncClient) -> None:
        token = sign(claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600))
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        body = assert_problem(response, 401)
        assert "expired" in body["detail"]

    async def test_token_of_another_key_is_401(self, client: AsyncClient) -> None:
        other = generate_signing_key()
        for kid in (None, SIGNING_KEY.kid):  # its own kid, and ours forged onto it
            token = sign(claims(), key=other, kid=kid)
            assert_problem(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)

    async def test_wrong_audience_is_401(self, client: AsyncClient) -> None:
        token = sign(claims(aud="another-system"))
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        body = assert_problem(response, 401)
        assert "aud" in body["detail"]

    async def test_wrong_issuer_is_401(self, client: AsyncClient) -> None:
        token = sign(claims(iss="someone-else"))
        assert_problem(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)

    async def test_valid_token_is_accepted(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {sign(claims())}"})
        assert response.status_code == 200
        assert response.json()["scopes"] == ["profiles:read"]

    async def test_body_over_limit_is_413(self, client_for: Callable[..., Any]) -> None:
        client = await client_for("profile-api", max_body_bytes=1000)
        response = await client.post("/api/v1/auth/token", content=b"x" * 5000,
                                     headers={"content-type": "application/x-www-form-urlencoded"})
        assert_problem(response, 413)


class TestMalformedBodies:
    async def test_malformed_json_is_422(self, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        token = sign(claims(scope="account:password"))
        response = await profile_api.post("/api/v1/auth/password", content=b"{not json",
                                          headers={"Authorization": f"Bearer {token}",
                                                   "content-type": "application/json"})
        body = assert_problem(response, 422)
        assert body["errors"]

    async def test_missing_form_field_is_422(self, profile_api: AsyncClient) -> None:
        body = assert_problem(await profile_api.post("/api/v1/auth/token", data={}), 422)
        assert any("grant_type" in e["loc"] for e in body["errors"])

    async def test_bad_query_parameter_is_422(self, profile_api: AsyncClient) -> None:
        token = sign(claims())
        response = await profile_api.get("/api/v1/profiles?limit=100000",
                                         headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 422)

    async def test_bad_path_parameter_is_422(self, profile_api: AsyncClient) -> None:
        token = sign(claims())
        response = await profile_api.get("/api/v1/profiles/not-a-uuid",
                                         headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 422)
