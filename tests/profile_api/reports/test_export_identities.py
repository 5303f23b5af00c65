"""The report signer with the province's key as the CA issued it: an RSA-3072 key in a PKCS#12 (PS256 in
JSON, RSA in the PDF's CMS), loaded through the same `hoso_shared.signing` as sync-gateway's packet key;
exports signed with it verify, and a wrong password stops the app at start."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth.tokens import TokenIssuer
from hoso_shared.signing import IdentityInvalid
from tests.pki import CA, p12, rsa_key
from tests.profile_api.reports.test_exports import World, reattached, verify

PASSWORD = "p12-test"
ROOT = CA.make("Test Government Root CA")


def pkcs12_settings(tmp_path: Path, password: str = PASSWORD) -> dict[str, Any]:
    key = rsa_key()
    path = tmp_path / "province.p12"
    path.write_bytes(p12(key, ROOT.issue(key, "Sở Nội vụ thành phố Hà Nội"), (ROOT.cert,), PASSWORD))
    return {"export_signing_pkcs12_file": str(path), "export_signing_pkcs12_password": password}


class TestPkcs12ExportIdentity:
    async def test_exports_signed_with_an_rsa_key_from_pkcs12_verify(
            self, session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer,
            tmp_path: Path) -> None:
        api = await client_for("profile-api", **pkcs12_settings(tmp_path))
        world = await World(api, token_issuer).build(session)
        doc = (await world.export("json")).json()
        signature = doc.pop("signature")
        header = jwt.get_unverified_header(reattached(signature, doc))
        leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        assert header["alg"] == "PS256" and leaf.issuer == ROOT.cert.subject
        public = leaf.public_key()
        assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 3072
        jwt.PyJWS().decode_complete(reattached(signature, doc), public, algorithms=["PS256"])
        for kind in ("pdf", "json"):
            result = await verify(api, (await world.export(kind)).content)
            assert result["valid"] and result["checks"]["trusted"], result
            assert result["signed_by"]["certificate"]["issuer"] == ROOT.cert.subject.rfc4514_string()

    async def test_a_wrong_password_stops_the_app(self, client_for: Callable[..., Any], tmp_path: Path) -> None:
        with pytest.raises(IdentityInvalid, match="password is wrong"):
            await client_for("profile-api", **pkcs12_settings(tmp_path, password="wrong"))
