"""Token issuance: password and client-credentials grants, forced password change, lockout."""

from __future__ import annotations

import base64
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account
from tests.factories import make_account, make_unit

PASSWORD = "correct horse battery"


async def login(client: AsyncClient, username: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/v1/auth/token",
                             data={"grant_type": "password", "username": username, "password": password})


class TestPasswordGrant:
    async def test_issues_a_token_the_services_accept(
        self, session: AsyncSession, profile_api: AsyncClient, client_for: Any
    ) -> None:
        account = await make_account(session, unit=await make_unit(session), role="approver")
        response = await login(profile_api, account.username.upper())  # usernames are case-blind
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer" and body["password_change_required"] is False
        assert "change-requests:decide" in body["scope"].split()
        assert response.headers["cache-control"] == "no-store"
        approval = await client_for("approval-api")
        auth = {"Authorization": f"Bearer {body['access_token']}"}
        me = await approval.get("/api/v1/me", headers=auth)
        assert me.status_code == 200 and me.json()["username"] == account.username

    async def test_wrong_password_is_invalid_grant(
        self, session: AsyncSession, profile_api: AsyncClient
    ) -> None:
        account = await make_account(session, unit=await make_unit(session))
        response = await login(profile_api, account.username, "wrong")
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"
        unknown = await login(profile_api, "nobody-here", "wrong")
        assert unknown.status_code == 400 and unknown.json()["detail"] == response.json()["detail"]

    async def test_unsupported_grant_type(self, profile_api: AsyncClient) -> None:
        response = await profile_api.post("/api/v1/auth/token", data={"grant_type": "implicit"})
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"


class TestDefaultPassword:
    async def test_allows_only_changing_it(self, session: AsyncSession, profile_api: AsyncClient) -> None:
        account = await make_account(session, unit=await make_unit(session), must_change=True)
        first = (await login(profile_api, account.username)).json()
        assert first["password_change_required"] is True
        assert first["scope"] == "account:password"
        auth = {"Authorization": f"Bearer {first['access_token']}"}

        blocked = await profile_api.get("/api/v1/profiles", headers=auth)
        assert blocked.status_code == 403
        assert blocked.json()["type"] == "urn:hoso:problem:password-change-required"

        weak = await profile_api.post("/api/v1/auth/password", headers=auth,
                                      json={"current_password": PASSWORD, "new_password": "short"})
        assert weak.status_code == 422
        changed = await profile_api.post("/api/v1/auth/password", headers=auth, json={
            "current_password": PASSWORD, "new_password": "a much longer passphrase"})
        assert changed.status_code == 204

        assert (await login(profile_api, account.username)).status_code == 400  # old one is gone
        second = (await login(profile_api, account.username, "a much longer passphrase")).json()
        assert second["password_change_required"] is False
        assert "profiles:read" in second["scope"].split()
        listed = await profile_api.get("/api/v1/profiles",
                                       headers={"Authorization": f"Bearer {second['access_token']}"})
        assert listed.status_code == 200


class TestLockout:
    async def test_max_failed_logins_lock_the_account(self, session: AsyncSession, client_for: Any) -> None:
        # The lock's default is 50 now (the per-address throttle does the daily work, test_throttling.py);
        # set to 5 here, with the per-address limit above it, so the lock itself answers.
        profile_api = await client_for("profile-api", max_failed_logins=5, login_account_source_max_failures=10)
        account = await make_account(session, unit=await make_unit(session))
        for attempt in range(1, 6):
            response = await login(profile_api, account.username, f"wrong-{attempt}")
            assert response.status_code == 400
        assert response.json()["type"] == "urn:hoso:problem:account-locked"
        assert "locked_until" in response.json()

        refused = await login(profile_api, account.username)  # even the right password now
        assert refused.status_code == 400
        assert refused.json()["type"] == "urn:hoso:problem:account-locked"
        await session.refresh(account)
        assert account.locked_until is not None

    async def test_success_resets_the_count(self, session: AsyncSession, profile_api: AsyncClient) -> None:
        account = await make_account(session, unit=await make_unit(session))
        for _ in range(4):
            await login(profile_api, account.username, "wrong")
        assert (await login(profile_api, account.username)).status_code == 200
        for _ in range(4):
            await login(profile_api, account.username, "wrong")
        assert (await login(profile_api, account.username)).status_code == 200
        fresh = await session.get(Account, account.id, populate_existing=True)
        assert fresh is not None and fresh.failed_logins == 0


class TestClientCredentials:
    async def _client(self, session: AsyncSession) -> Account:
        return await make_account(session, unit=await make_unit(session), role="hr_system", kind="client",
                                  scopes=["profiles:read", "org-units:read"], password="client-secret-1")

    async def test_form_and_basic_credentials(self, session: AsyncSession, profile_api: AsyncClient) -> None:
        client = await self._client(session)
        form = await profile_api.post("/api/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": client.username,
            "client_secret": "client-secret-1", "scope": "profiles:read"})
        assert form.status_code == 200 and form.json()["scope"] == "profiles:read"
        basic = base64.b64encode(f"{client.username}:client-secret-1".encode()).decode()
        response = await profile_api.post("/api/v1/auth/token", data={"grant_type": "client_credentials"},
                                          headers={"Authorization": f"Basic {basic}"})
        assert response.status_code == 200
        assert set(response.json()["scope"].split()) == {"profiles:read", "org-units:read"}

    async def test_refusals(self, session: AsyncSession, profile_api: AsyncClient) -> None:
        client = await self._client(session)
        wrong = await profile_api.post("/api/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": client.username, "client_secret": "nope"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        greedy = await profile_api.post("/api/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": client.username,
            "client_secret": "client-secret-1", "scope": "profiles:read accounts:write"})
        assert greedy.status_code == 400 and greedy.json()["error"] == "invalid_scope"
        as_person = await login(profile_api, client.username, "client-secret-1")
        assert as_person.status_code == 400


class TestJwks:
    async def test_publishes_public_keys_only(self, profile_api: AsyncClient) -> None:
        keys = (await profile_api.get("/.well-known/jwks.json")).json()["keys"]
        assert keys and all("d" not in k and k["kid"] for k in keys)
