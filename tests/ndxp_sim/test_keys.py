from __future__ import annotations

import json
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import ECKey

from ndxp_sim.errors import NdxpError
from ndxp_sim.keys.gateway import GatewayKeys, verify_packet
from ndxp_sim.keys.own import SimKey
from tests.ndxp_sim.conftest import Sim
from tests.ndxp_sim.helpers import canonical, make_packet, sign


class FakeJwksEndpoint:
    def __init__(self, *keys: ECKey) -> None:
        self.keys, self.calls, self.down = list(keys), 0, False

    async def __call__(self, url: str) -> dict[str, Any]:
        self.calls += 1
        if self.down:
            raise OSError("connection refused")
        return {"keys": [k.as_dict(private=False) for k in self.keys]}


class TestGatewayKeys:
    async def test_an_unknown_kid_refetches_at_most_every_30_seconds(self) -> None:
        old, new = (ECKey.generate_key("P-256", parameters={"kid": kid}) for kid in ("k1", "k2"))
        endpoint, now = FakeJwksEndpoint(old), [0.0]
        keys = GatewayKeys(inline="", url="http://gw/jwks", fetch=endpoint, clock=lambda: now[0])
        assert await keys.key_for("k1") is not None
        endpoint.keys.append(new)  # the gateway rotates a key in
        now[0] = 10.0
        assert await keys.key_for("k2") is None  # too soon after the last fetch
        assert await keys.key_for("k1") is not None  # known kids need no fetch
        assert endpoint.calls == 1
        now[0] = 31.0
        assert await keys.key_for("k2") is not None
        assert endpoint.calls == 2

    async def test_keys_that_cannot_be_fetched_are_transient(self) -> None:
        endpoint = FakeJwksEndpoint()
        endpoint.down = True
        keys = GatewayKeys(inline="", url="http://gw/jwks", fetch=endpoint)
        with pytest.raises(NdxpError) as refused:
            await verify_packet(sign(canonical(make_packet())), keys)
        assert (refused.value.status, refused.value.error) == (503, "keys_unavailable")

    async def test_the_payload_is_the_signed_bytes_not_a_reserialisation(self) -> None:
        key = ECKey.generate_key("P-256", parameters={"kid": "k1"})
        keys = GatewayKeys(inline=json.dumps({"keys": [key.as_dict(private=False)]}), url="", fetch=FakeJwksEndpoint())
        payload = b'{"b": 1,   "a": "\\u1ec5"}'  # neither sorted nor compact: the hash must see it as sent
        verified = await verify_packet(jws.serialize_compact(
            {"alg": "ES256", "kid": "k1", "typ": "hoso-packet+jws"}, payload, key), keys)
        assert verified.payload == payload


class TestOwnKey:
    def test_a_configured_key_is_used_with_its_kid(self) -> None:
        key = ECKey.generate_key("P-256", parameters={"kid": "ndxp-2026"})
        own = SimKey.load(json.dumps(key.as_dict(private=True)))
        assert own.kid == "ndxp-2026"
        assert own.jwks()["keys"][0]["x"] == key.as_dict(private=False)["x"]
        assert "d" not in own.jwks()["keys"][0]

    def test_a_public_key_is_refused(self) -> None:
        key = ECKey.generate_key("P-256")
        with pytest.raises(ValueError, match="private EC P-256"):
            SimKey.load(json.dumps(key.as_dict(private=False)))

    async def test_a_generated_key_is_named_by_its_thumbprint(self, sim: Sim) -> None:
        (published,) = (await sim.jwks())["keys"]
        assert published["kid"] == ECKey.import_key(published).thumbprint()
        assert published["alg"] == "ES256" and "d" not in published

