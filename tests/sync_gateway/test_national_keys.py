"""Packets signed with the ministry's key as issued, delivered by the real worker to ndxp-sim set up with
the test CA as its trust anchor (Điều 13 khoản 3): RSA-3072 from PKCS#12 (PS256), EC from PEM with its
chain (ES256) and a bare JWK are each accepted; a certificate from another CA is refused and the gateway
records why; a rotation keeps old packets verifiable."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import respx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet
from hoso_shared.web import collaborators_of
from sync_gateway.collaborators import Collaborators
from sync_gateway.keys import service
from tests.conftest import AppClient
from tests.ndxp_sim.conftest import Sim, SimFactory, make_sim  # noqa: F401 - fixture
from tests.pki import CA, ec_key, key_pem, p12, pem, rsa_key
from tests.sync_gateway.conftest import NDXP, Stack, national_jwks, released

PASSWORD = "test-p12"
TOKEN = {"access_token": "t0k3n", "token_type": "Bearer", "expires_in": 300}
ROOT = CA.make("Test Government Root CA")  # the CA the national side trusts
OTHER = CA.make("Some Other CA")


def identity(kind: str, tmp_path: Path, ca: CA = ROOT) -> dict[str, Any]:
    """The gateway's settings for a key of `kind` issued by `ca`."""
    if kind == "rsa-p12":
        key = rsa_key()
        path = tmp_path / "ministry.p12"
        path.write_bytes(p12(key, ca.issue(key), (ca.cert,), PASSWORD))
        return {"signing_key_file": str(path), "signing_key_password": PASSWORD, "signing_alg": "PS256"}
    if kind == "ec-pem":
        issuing, secret = ca.intermediate(), ec_key()
        (tmp_path / "chain.pem").write_text(pem(issuing.issue(secret), issuing.cert, ca.cert))
        return {"signing_key": key_pem(secret), "signing_certificates_file": str(tmp_path / "chain.pem")}
    jwk = service.generate()
    return {"signing_key": json.dumps(jwk.as_dict(private=True))}


async def gateway(client_for: Callable[..., Any], settings: dict[str, Any]) -> AppClient:
    client: AppClient = await client_for("sync-gateway", ndxp_jwks=national_jwks(), ndxp_url=NDXP,
                                         ndxp_token_url=f"{NDXP}/oauth/token", ndxp_client_secret="s3cret",
                                         **settings)
    return client


async def deliver(client: AppClient, sim: Sim) -> None:
    """The gateway's real worker posts the next packet; respx hands the call to the simulator."""
    async def forward(request: httpx.Request) -> httpx.Response:
        answer = await sim.post_jws(request.content.decode(), request.headers["Idempotency-Key"])
        return httpx.Response(answer.status_code, content=answer.content, headers={"Content-Type": "application/json"})

    with respx.mock(assert_all_called=False) as router:
        router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
        router.post(f"{NDXP}/ndxp/v1/packets").mock(side_effect=forward)
        assert await collaborators_of(client.app, Collaborators).runtime.deliverer("w").deliver_one()


async def sim_trusting(factory: SimFactory, client: AppClient, *anchors: CA) -> Sim:
    jwks = (await client.get("/.well-known/jwks.json")).text
    return await factory(sim_gateway_jwks=jwks, sim_trust_anchors=pem(*(a.cert for a in anchors)))


async def packets(session: AsyncSession) -> list[Packet]:
    return list((await session.scalars(select(Packet).order_by(Packet.sequence))).all())


class TestAccepted:
    @pytest.mark.parametrize(("kind", "alg"), [("rsa-p12", "PS256"), ("ec-pem", "ES256"), ("jwk", "ES256")])
    async def test_ndxp_sim_accepts_a_packet_signed_with_each_kind_of_key(
            self, kind: str, alg: str, session: AsyncSession, stack: Stack, client_for: Callable[..., Any],
            make_sim: SimFactory, tmp_path: Path) -> None:  # noqa: F811 - the fixture imported above
        """Điều 13 khoản 3: the key pair the ministry provides signs what the connection carries."""
        client = await gateway(client_for, identity(kind, tmp_path))
        await released(session, stack, 1)
        assert await collaborators_of(client.app, Collaborators).runtime.build() == 1
        (packet,) = await packets(session)
        header = jwt.get_unverified_header(packet.jws)
        assert header["alg"] == alg and ("x5c" in header) == (kind != "jwk")
        published = next(k for k in (await client.get("/.well-known/jwks.json")).json()["keys"]
                         if k["kid"] == packet.kid)
        assert published.get("x5c") == header.get("x5c") and "d" not in published
        # A bare JWK has no certificate to check: that simulator trusts the published key alone.
        sim = await (sim_trusting(make_sim, client, ROOT) if kind != "jwk" else
                     make_sim(sim_gateway_jwks=(await client.get("/.well-known/jwks.json")).text))
        await deliver(client, sim)
        await session.refresh(packet)
        assert packet.state == "delivered", packet.last_error
        assert (await sim.stats())["bad_signatures"] == 0


class TestRefused:
    async def test_a_certificate_from_another_ca_is_refused_and_the_gateway_records_why(
            self, session: AsyncSession, stack: Stack, client_for: Callable[..., Any],
            make_sim: SimFactory, tmp_path: Path) -> None:  # noqa: F811 - the fixture imported above
        client = await gateway(client_for, identity("rsa-p12", tmp_path, ca=OTHER))
        await released(session, stack, 1)
        assert await collaborators_of(client.app, Collaborators).runtime.build() == 1
        await deliver(client, await sim_trusting(make_sim, client, ROOT))
        (packet,) = await packets(session)
        assert packet.state == "dead"
        assert packet.last_error is not None and "HTTP 400" in packet.last_error
        assert "untrusted_certificate" in packet.last_error and "Some Other CA" in packet.last_error

    async def test_a_bare_key_is_refused_where_a_certificate_is_required(
            self, session: AsyncSession, stack: Stack, client_for: Callable[..., Any],
            make_sim: SimFactory, tmp_path: Path) -> None:  # noqa: F811 - the fixture imported above
        client = await gateway(client_for, identity("jwk", tmp_path))
        await released(session, stack, 1)
        await collaborators_of(client.app, Collaborators).runtime.build()
        await deliver(client, await sim_trusting(make_sim, client, ROOT))
        (packet,) = await packets(session)
        assert packet.state == "dead" and "no x5c" in (packet.last_error or "")


class TestRotation:
    async def test_old_packets_stay_verifiable_after_rotating_to_the_next_issued_key(
            self, session: AsyncSession, stack: Stack, client_for: Callable[..., Any],
            make_sim: SimFactory, tmp_path: Path) -> None:  # noqa: F811 - the fixture imported above
        (tmp_path / "old").mkdir()
        (tmp_path / "new").mkdir()
        old = await gateway(client_for, identity("rsa-p12", tmp_path / "old"))
        await released(session, stack, 1)
        assert await collaborators_of(old.app, Collaborators).runtime.build() == 1
        # The ministry issues the next key; the rolled gateway signs with it.
        new = await gateway(client_for, identity("ec-pem", tmp_path / "new"))
        await released(session, stack, 1, complete=False)
        assert await collaborators_of(new.app, Collaborators).runtime.build() == 1
        first, second = await packets(session)
        assert first.kid != second.kid and second.prev_hash == first.body_hash
        jwks = (await new.get("/.well-known/jwks.json")).json()
        for packet, alg in ((first, "PS256"), (second, "ES256")):
            key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == packet.kid))
            assert jwt.api_jws.decode(packet.jws, key=key.key, algorithms=[alg]) == packet.body
        # The national side, knowing both from the JWKS, takes them in order across the rotation.
        sim = await sim_trusting(make_sim, new, ROOT)
        await deliver(new, sim)
        await deliver(new, sim)
        for packet in (first, second):
            await session.refresh(packet)
            assert packet.state == "delivered", packet.last_error
