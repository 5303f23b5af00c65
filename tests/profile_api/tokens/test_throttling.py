"""Failed sign-in throttling (profile_api.tokens.throttle): limits per address, per account and address, per
client id, counted in PostgreSQL, answered with 429 before any secret is checked."""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import passwords
from hoso_shared.db.models import Account, LoginThrottle
from hoso_shared.time import FixedClock
from profile_api.settings import Settings
from profile_api.tokens import service
from tests.conftest import AppClient
from tests.factories import make_account, make_unit

PASSWORD = "correct horse battery"
SECRET = "client-secret-1"
ATTACKER, OWNER = "10.0.0.1", "10.0.0.2"


@asynccontextmanager
async def from_address(client: AppClient, host: str) -> AsyncIterator[AsyncClient]:
    """The same app, reached from `host` (the socket peer the app sees)."""
    async with AsyncClient(transport=ASGITransport(app=client.app, client=(host, 123)),
                           base_url="http://test") as other:
        yield other


async def login(client: AsyncClient, username: str, password: str = PASSWORD, **headers: str) -> Response:
    return await client.post("/api/v1/auth/token", headers=headers,
                             data={"grant_type": "password", "username": username, "password": password})


async def client_login(client: AsyncClient, client_id: str, secret: str = SECRET) -> Response:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return await client.post("/api/v1/auth/token", data={"grant_type": "client_credentials"},
                             headers={"Authorization": f"Basic {basic}"})


async def metric(client: AsyncClient, grant: str) -> float:
    sample = f'hoso_login_throttled_total{{grant="{grant}"}} '
    lines = (await client.get("/metrics")).text.splitlines()
    return float(next((line.split()[-1] for line in lines if line.startswith(sample)), "0"))


async def throttle_row(session: AsyncSession, key: str) -> LoginThrottle | None:
    return (await session.execute(select(LoginThrottle).where(LoginThrottle.key == key)
                                  .execution_options(populate_existing=True))).scalar_one_or_none()


def assert_too_many(response: Response, retry_after: int) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["type"].endswith("too-many-attempts") and body["retry_after"] == retry_after
    assert "thử lại" in body["detail"] and "try again" in body["detail"]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(retry_after)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))


@pytest.fixture
async def api(client_for: Any, clock: FixedClock) -> AppClient:
    client: AppClient = await client_for("profile-api", wiring={"clock": clock})
    return client


class TestPasswordGrant:
    async def test_one_address_guessing_is_throttled_and_the_owner_elsewhere_still_signs_in(
        self, session: AsyncSession, api: AppClient
    ) -> None:
        """QĐ 6187/QĐ-UBND Điều 9 khoản 3 (each person keeps their own account) and Điều 19 khoản 7 (the system
        kept safe): 30 wrong passwords from one address meet the per-account-and-address limit (5) and then
        429s; the account itself is not locked, so its owner signing in from another address succeeds."""
        account = await make_account(session, unit=await make_unit(session))
        async with from_address(api, ATTACKER) as attacker, from_address(api, OWNER) as owner:
            answers = [await login(attacker, account.username, f"wrong-{n}") for n in range(30)]
            assert [a.status_code for a in answers[:5]] == [400] * 5
            assert all(a.json()["error"] == "invalid_grant" for a in answers[:5])
            for refused in answers[5:]:
                assert_too_many(refused, retry_after=600)  # the clock stands still: the whole window is left
            assert await metric(api, "password") == 25
            assert (await login(owner, account.username)).status_code == 200
        fresh = await session.get(Account, account.id, populate_existing=True)
        assert fresh is not None and fresh.locked_until is None

    async def test_one_address_across_many_usernames_meets_the_source_limit(
        self, session: AsyncSession, api: AppClient
    ) -> None:
        """Điều 19 khoản 7: an address trying many usernames (each below its own limit) is stopped at 30
        failures in all; another address is not."""
        account = await make_account(session, unit=await make_unit(session))
        async with from_address(api, ATTACKER) as attacker, from_address(api, OWNER) as owner:
            for n in range(30):
                assert (await login(attacker, f"nobody-{n // 3}", "guess")).status_code == 400
            assert_too_many(await login(attacker, account.username), retry_after=600)
            assert (await login(owner, account.username)).status_code == 200

    async def test_a_refusal_checks_no_password(
        self, session: AsyncSession, api: AppClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Điều 19 khoản 7: once throttled, even the right password is 429 (no oracle), and no hash is
        verified (no argon2 cost for whoever is guessing)."""
        account = await make_account(session, unit=await make_unit(session))
        checked: list[str] = []

        async def counting_verify(hashed: str, secret: str) -> bool:
            checked.append(secret)
            return await passwords.verify_secret(hashed, secret)

        monkeypatch.setattr(service, "verify_secret", counting_verify)
        async with from_address(api, ATTACKER) as attacker:
            for _ in range(5):
                await login(attacker, account.username, "wrong")
            assert len(checked) == 5
            assert_too_many(await login(attacker, account.username), retry_after=600)
            assert len(checked) == 5

    async def test_the_window_ending_lets_it_try_again_and_success_resets(
        self, session: AsyncSession, api: AppClient, clock: FixedClock
    ) -> None:
        """Điều 9 khoản 3: the block lasts only until the window that reached the limit ends (Retry-After
        counts it down); then the right password succeeds and forgets the account-and-address count."""
        account = await make_account(session, unit=await make_unit(session))
        async with from_address(api, ATTACKER) as same:
            for _ in range(5):
                await login(same, account.username, "wrong")
            clock.advance(timedelta(minutes=4))
            assert_too_many(await login(same, account.username), retry_after=360)
            clock.advance(timedelta(minutes=6))
            assert (await login(same, account.username)).status_code == 200
        assert await throttle_row(session, f"account-source:{account.username}|{ATTACKER}") is None
        source = await throttle_row(session, f"source:{ATTACKER}")
        assert source is not None and source.failures == 5  # an address's count is not forgiven by one success


class TestClientCredentials:
    async def test_thirty_wrong_secrets_are_throttled(self, session: AsyncSession, api: AppClient) -> None:
        """Điều 19 khoản 7: a system's secret cannot be guessed without limit: 10 failures per client id,
        from any address, then 429 (the right secret too) until the window ends."""
        client = await make_account(session, unit=await make_unit(session), role="hr_system", kind="client",
                                    scopes=["profiles:read"], password=SECRET)
        async with from_address(api, ATTACKER) as one, from_address(api, OWNER) as other:
            answers = [await client_login(one if n % 2 else other, client.username, f"nope-{n}")
                       for n in range(30)]
            assert [a.status_code for a in answers[:10]] == [401] * 10
            for refused in answers[10:]:
                assert_too_many(refused, retry_after=600)
            assert_too_many(await client_login(other, client.username), retry_after=600)
        assert await metric(api, "client_credentials") == 21

    async def test_an_overlong_client_id_is_counted_not_a_server_error(self, api: AppClient) -> None:
        """Điều 19 khoản 7: a Basic header's client id has no length limit; its count is keyed by a digest."""
        async with from_address(api, ATTACKER) as one:
            assert (await client_login(one, secrets.token_urlsafe(6000), "nope")).status_code == 401


class TestSharedCounters:
    async def test_a_second_replica_sees_the_counts(
        self, session: AsyncSession, client_for: Any, clock: FixedClock
    ) -> None:
        """Điều 19 khoản 7: the counts live in PostgreSQL, so a second app instance on the same database
        refuses what the first one counted (guessing is not multiplied by the number of replicas)."""
        first: AppClient = await client_for("profile-api", wiring={"clock": clock})
        second: AppClient = await client_for("profile-api", wiring={"clock": clock})
        account = await make_account(session, unit=await make_unit(session))
        async with from_address(first, ATTACKER) as one, from_address(second, ATTACKER) as two:
            for n in range(5):
                assert (await login(one if n % 2 else two, account.username, "wrong")).status_code == 400
            assert_too_many(await login(one, account.username), retry_after=600)
            assert_too_many(await login(two, account.username), retry_after=600)
        row = await throttle_row(session, f"account-source:{account.username}|{ATTACKER}")
        assert row is not None and row.failures == 5 and row.blocked_until == clock.at + timedelta(minutes=10)


class TestSourceAddress:
    async def test_only_a_trusted_proxy_names_the_caller(self, session: AsyncSession, client_for: Any) -> None:
        """Điều 9 khoản 3: behind the operator's proxy, the caller's own address is counted (its last
        X-Forwarded-For hop), not the proxy's; anyone else's X-Forwarded-For is ignored."""
        proxy = "10.9.9.9"
        api: AppClient = await client_for("profile-api", trusted_proxies=frozenset({proxy}))
        async with from_address(api, proxy) as via_proxy, from_address(api, ATTACKER) as direct:
            await login(via_proxy, "someone", "wrong", **{"X-Forwarded-For": "1.2.3.4, 172.16.0.7"})
            await login(direct, "someone", "wrong", **{"X-Forwarded-For": "172.16.0.8"})
        assert await throttle_row(session, "source:172.16.0.7") is not None
        assert await throttle_row(session, f"source:{ATTACKER}") is not None
        assert await throttle_row(session, f"source:{proxy}") is None
        assert await throttle_row(session, "source:172.16.0.8") is None

    async def test_a_proxy_network_names_the_caller_and_a_malformed_one_stops_the_start(
            self, session: AsyncSession, client_for: Any) -> None:
        """Điều 9 khoản 3: the portal's replicas come and go inside a network (compose's, a cluster's pod range);
        any of them names the person it signs in, an address outside it does not. A proxy list that is not
        addresses or networks is refused when the service starts, never silently trusting nobody."""
        api: AppClient = await client_for("profile-api", trusted_proxies=frozenset({"10.42.0.0/16"}))
        async with from_address(api, "10.42.7.8") as portal, from_address(api, "10.43.0.1") as outside:
            await login(portal, "someone", "wrong", **{"X-Forwarded-For": "172.16.1.1"})
            await login(outside, "someone", "wrong", **{"X-Forwarded-For": "172.16.1.2"})
        assert await throttle_row(session, "source:172.16.1.1") is not None
        assert await throttle_row(session, "source:10.42.7.8") is None
        assert await throttle_row(session, "source:10.43.0.1") is not None
        assert await throttle_row(session, "source:172.16.1.2") is None
        with pytest.raises(ValidationError):
            Settings(env="test", trusted_proxies=frozenset({"the portal"}))
