"""Helpers of the client-policy tests: NDXP's addresses, a fast policy, a hand-moved clock, one delivery
attempt through a `Transport`, /metrics samples, a second gateway, a packet made due."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet
from sync_gateway.delivery.breaker import Breaker, State
from sync_gateway.delivery.retry_policy import RetryPolicy, Tried, attempt
from sync_gateway.delivery.transport import Transport
from tests.conftest import AppClient
from tests.sync_gateway.conftest import GATEWAY_KEY, NDXP, Stack, national_jwks, released
from tests.sync_gateway.test_pipeline import packets

TOKEN_URL = f"{NDXP}/oauth/token"
PACKETS_URL = f"{NDXP}/ndxp/v1/packets"
PACKET_ID = "4f0c9a52-0000-4000-8000-000000000001"
JWS = "aGVhZA.Ym9keQ.c2ln"  # the transport sends it as it is; its content does not matter here
# Tiny backoff so retries cost no wall time; a breaker that never opens unless a test wants it to.
POLICY = RetryPolicy(max_attempts=8, attempts_per_claim=3, base=0.001, cap=0.01, inline_cap=2.0)
TRANSIENT = [500, 502, 503, 504, 408, 429]
REFUSED = [400, 403, 404, 409, 422]


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def state(breaker: Breaker) -> State:
    # Read through a call: mypy would otherwise keep the state narrowed from an earlier assert.
    return breaker.state


def calm_breaker() -> Breaker:
    return Breaker(failures=100, cooldown=10.0)


async def send(transport: Transport, breaker: Breaker, policy: RetryPolicy = POLICY, attempts_so_far: int = 0) -> Tried:
    return await attempt(lambda: transport.deliver(PACKET_ID, JWS), breaker, policy, attempts_so_far)


async def metric(client: AppClient, sample: str, **labels: str) -> float:
    """One sample of the app's /metrics, parsed as Prometheus would."""
    text = (await client.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == sample and s.labels == labels:
                return float(s.value)
    raise AssertionError(f"{sample}{labels} is not exposed")


async def gateway(client_for: Callable[..., Any], stack: Stack, **overrides: Any) -> Stack:
    """A second gateway on the test's transaction, configured as the conftest's plus `overrides`."""
    settings: dict[str, Any] = {
        "signing_key": json.dumps(GATEWAY_KEY.as_dict(private=True)), "ndxp_jwks": national_jwks(),
        "ndxp_url": NDXP, "ndxp_token_url": TOKEN_URL, "ndxp_client_secret": "s3cret",
        "delivery_backoff_base_seconds": 0.001}
    client: AppClient = await client_for("sync-gateway", **{**settings, **overrides})
    return Stack(stack.apis, client, stack.world)


async def one_packet(session: AsyncSession, stack: Stack) -> Packet:
    await released(session, stack, 1)
    assert await stack.runtime.build() == 1
    (packet,) = await packets(session)
    return packet


async def make_due(session: AsyncSession, packet: Packet) -> None:
    """What the clock would do: the rescheduled packet is due again."""
    await session.execute(update(Packet).where(Packet.id == packet.id)
                          .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))


def http_date(seconds_from_now: float) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)
