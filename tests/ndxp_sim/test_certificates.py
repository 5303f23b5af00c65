"""The simulator's check of the gateway's key as the ministry's CA issued it: RSA (PS256, RS256) and EC
(ES256) signatures, and, with a trust anchor configured, the header's x5c chain from the signing key to
it. Packets are signed here with joserfc, checked there with PyJWT and `cryptography`."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from ndxp_sim.errors import NdxpError
from ndxp_sim.keys.gateway import GatewayKeys, verify_packet
from tests.ndxp_sim.conftest import SimFactory
from tests.ndxp_sim.helpers import canonical, make_packet
from tests.pki import CA, Key, ec_key, key_pem, pem, rsa_key

NOW = datetime.now(UTC)
ROOT = CA.make("Test Government Root CA")


def b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def jose_key(key: Key, kid: str) -> ECKey | RSAKey:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return ECKey.import_key(key_pem(key), parameters={"kid": kid})
    return RSAKey.import_key(key_pem(key), parameters={"kid": kid})


def signed(key: Key, alg: str, chain: list[x509.Certificate] | None, kid: str = "k1",
           **header: Any) -> tuple[str, GatewayKeys]:
    """A packet signed by `key` with `chain` as x5c, and keys that know `kid` and trust ROOT."""
    jose = jose_key(key, kid)
    protected = {"alg": alg, "kid": kid, "typ": "hoso-packet+jws", **header}
    if chain is not None:
        protected["x5c"] = [b64(c) for c in chain]
    token = jws.serialize_compact(protected, canonical(make_packet()), jose, algorithms=[alg])
    keys = GatewayKeys(inline=json.dumps({"keys": [jose.as_dict(private=False)]}), url="", fetch=_no_fetch,
                       anchors=(ROOT.cert,))
    return token, keys


async def _no_fetch(url: str) -> dict[str, Any]:
    raise AssertionError("inline keys are never refetched")


async def refused(token: str, keys: GatewayKeys) -> NdxpError:
    with pytest.raises(NdxpError) as caught:
        await verify_packet(token, keys, NOW)
    return caught.value


class TestAccepted:
    @pytest.mark.parametrize("alg", ["PS256", "RS256"])
    async def test_an_rsa_3072_key_certified_by_the_anchor(self, alg: str) -> None:
        key = rsa_key()
        token, keys = signed(key, alg, [ROOT.issue(key), ROOT.cert])
        assert (await verify_packet(token, keys, NOW)).header["alg"] == alg

    async def test_an_ec_key_through_an_intermediate_without_the_root_in_x5c(self) -> None:
        issuing, key = ROOT.intermediate(), ec_key()
        token, keys = signed(key, "ES256", [issuing.issue(key), issuing.cert])
        assert (await verify_packet(token, keys, NOW)).payload

    async def test_no_anchor_no_certificate_needed(self) -> None:
        token, keys = signed(rsa_key(), "PS256", None)
        keys.anchors = ()
        assert (await verify_packet(token, keys, NOW)).payload


class TestRefused:
    async def test_a_certificate_from_another_ca(self) -> None:
        other, key = CA.make("Some Other CA"), ec_key()
        error = await refused(*signed(key, "ES256", [other.issue(key), other.cert]))
        assert (error.status, error.error) == (400, "untrusted_certificate")
        assert "Some Other CA" in error.extra["detail"] and "not a CA trusted here" in error.extra["detail"]

    async def test_no_x5c_where_an_anchor_is_set(self) -> None:
        error = await refused(*signed(ec_key(), "ES256", None))
        assert error.error == "untrusted_certificate" and "no x5c" in error.extra["detail"]

    async def test_a_certificate_of_another_key_in_front(self) -> None:
        error = await refused(*signed(ec_key(), "ES256", [ROOT.issue(ec_key()), ROOT.cert]))
        assert "not the signing key's" in error.extra["detail"]

    async def test_a_wrong_thumbprint(self) -> None:
        key = ec_key()
        error = await refused(*signed(key, "ES256", [ROOT.issue(key)], **{"x5t#S256": "A" * 43}))
        assert "x5t#S256" in error.extra["detail"]

    async def test_an_expired_certificate(self) -> None:
        key = ec_key()
        old = ROOT.issue(key, days=10, not_before=NOW - timedelta(days=30))
        error = await refused(*signed(key, "ES256", [old, ROOT.cert]))
        assert "is not valid now" in error.extra["detail"]

    async def test_an_issuer_that_is_not_a_ca(self) -> None:
        """A leaf certificate must not issue another: a look-alike chain through it is refused."""
        middle_key, key = ec_key(), ec_key()
        middle = ROOT.issue(middle_key, "Not a CA")  # ca=False
        fake = CA(middle_key, middle).issue(key)
        error = await refused(*signed(key, "ES256", [fake, middle]))
        assert "is not issued by the next certificate" in error.extra["detail"]

    async def test_a_key_of_the_wrong_type_for_the_alg(self) -> None:
        key = ec_key()
        jose = jose_key(key, "k1")
        keys = GatewayKeys(inline=json.dumps({"keys": [jose.as_dict(private=False)]}), url="", fetch=_no_fetch)
        token = jws.serialize_compact({"alg": "ES256", "kid": "k1", "typ": "hoso-packet+jws"}, b"{}", jose)
        _, body, sig = token.split(".")
        forged = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "kid": "k1", "typ": "hoso-packet+jws"})
                                          .encode()).rstrip(b"=").decode()
        error = await refused(f"{forged}.{body}.{sig}", keys)
        assert (error.error, error.extra["detail"]) == ("bad_signature", "the key k1 does not sign RS256")


class TestIntake:
    async def test_the_simulator_counts_and_answers_an_untrusted_certificate(self, make_sim: SimFactory) -> None:
        other, key = CA.make("Some Other CA"), rsa_key()
        jose = jose_key(key, "k9")
        sim = await make_sim(sim_gateway_jwks=json.dumps({"keys": [jose.as_dict(private=False)]}),
                             sim_trust_anchors=pem(ROOT.cert))
        packet = make_packet()
        token = jws.serialize_compact({"alg": "PS256", "kid": "k9", "typ": "hoso-packet+jws",
                                       "x5c": [b64(other.issue(key)), b64(other.cert)]}, canonical(packet), jose,
                                      algorithms=["PS256"])
        answer = await sim.post_jws(token, packet["packet_id"])
        assert answer.status_code == 400 and answer.json()["error"] == "untrusted_certificate"
        assert (await sim.stats())["bad_signatures"] == 1
