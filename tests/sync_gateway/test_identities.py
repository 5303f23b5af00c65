"""The packet signing key as the ministry issues it (Điều 13 khoản 3: the connection uses the key pair
the ministry provides; a government CA issues X.509 certificates for RSA or EC keys, as PKCS#12 or PEM).
Every CA, key and file here is made at test time (tests/pki.py); signatures are checked with PyJWT, not
the joserfc that made them."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import capture_logs

from hoso_shared.signing import IdentityInvalid
from sync_gateway.app import create_app
from sync_gateway.keys import __main__ as keys_cli
from sync_gateway.keys.identity import KeySource, certificate, load_key
from sync_gateway.keys.service import public
from sync_gateway.packets import wire
from sync_gateway.settings import Settings
from tests.pki import CA, ec_key, key_pem, p12, pem, rsa_key

NOW = datetime.now(UTC)
PASSWORD = "mật-khẩu-Bộ-Nội-vụ"  # a test PKCS#12's


def verify(token: str, jwk: dict[str, object], alg: str) -> bytes:
    payload: bytes = jwt.api_jws.decode(token, key=jwt.PyJWK(jwk).key, algorithms=[alg])
    return payload


def p12_file(tmp_path: Path, ca: CA, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, *,
             days: int = 365, not_before: datetime | None = None) -> Path:
    path = tmp_path / f"{ca.cert.serial_number}-{days}.p12"
    path.write_bytes(p12(key, ca.issue(key, days=days, not_before=not_before), (ca.cert,), PASSWORD))
    return path


class TestPkcs12:
    def test_an_rsa_3072_key_issued_by_the_ca_signs_ps256_with_its_chain_in_the_header(self, tmp_path: Path) -> None:
        """Điều 13 khoản 3: the ministry's RSA-3072 key from its PKCS#12 signs packets."""
        ca = CA.make()
        key = load_key(KeySource(path=str(p12_file(tmp_path, ca, rsa_key())), password=PASSWORD), env="prod",
                       now=NOW)
        assert key is not None and key.alg == "PS256" and key.kid == key.thumbprint()
        token = wire.sign(b'{"packet":1}', key)
        header = jwt.get_unverified_header(token)
        leaf, root = (x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"])
        assert root == ca.cert and leaf.issuer == ca.cert.subject
        assert header["x5t#S256"] == base64.urlsafe_b64encode(
            hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).digest()).rstrip(b"=").decode()
        published = public(key)
        assert "d" not in published and published["x5c"] == header["x5c"] and published["alg"] == "PS256"
        assert verify(token, published, "PS256") == b'{"packet":1}'

    def test_rs256_when_configured(self, tmp_path: Path) -> None:
        path = p12_file(tmp_path, CA.make(), rsa_key())
        key = load_key(KeySource(path=str(path), password=PASSWORD, rsa_alg="RS256"), env="prod", now=NOW)
        assert key is not None
        token = wire.sign(b"x", key)
        assert jwt.get_unverified_header(token)["alg"] == "RS256" and verify(token, public(key), "RS256") == b"x"
        with pytest.raises(IdentityInvalid, match="HOSO_SIGNING_ALG"):
            load_key(KeySource(path=str(path), password=PASSWORD, rsa_alg="HS256"), env="prod", now=NOW)

    def test_a_wrong_password_is_a_clear_startup_error_that_never_shows_the_password(self, tmp_path: Path) -> None:
        path = p12_file(tmp_path, CA.make(), rsa_key())
        settings = Settings(env="test", signing_key_file=str(path), signing_key_password="wrong-" + PASSWORD)
        with pytest.raises(IdentityInvalid, match="password is wrong") as refused:
            create_app(settings)
        assert PASSWORD not in str(refused.value)

    def test_an_expired_certificate_is_refused_in_prod_and_only_warned_about_in_dev(self, tmp_path: Path) -> None:
        path = p12_file(tmp_path, CA.make(), ec_key(), days=30, not_before=NOW - timedelta(days=60))
        source = KeySource(path=str(path), password=PASSWORD)
        with pytest.raises(IdentityInvalid, match="expired on"):
            load_key(source, env="prod", now=NOW)
        with capture_logs() as logs:
            key = load_key(source, env="dev", now=NOW)
        assert key is not None and key.alg == "ES256"
        assert [e["event"] for e in logs] == ["signing_certificate_not_valid"]


class TestPem:
    def test_an_ec_key_with_its_chain_in_any_order_signs_es256(self, tmp_path: Path) -> None:
        root = CA.make()
        issuing = root.intermediate()
        secret = ec_key()
        leaf = issuing.issue(secret)
        chain = tmp_path / "chain.pem"
        chain.write_text(pem(root.cert, leaf, issuing.cert))  # as files come: any order
        key = load_key(KeySource(inline=key_pem(secret), certificates_path=str(chain)), env="prod", now=NOW)
        assert key is not None and key.alg == "ES256"
        assert certificate(key).certificates == (leaf, issuing.cert, root.cert)
        assert verify(wire.sign(b"y", key), public(key), "ES256") == b"y"
        # The same key and chain in one PEM file: the same kid.
        both = tmp_path / "key.pem"
        both.write_text(key_pem(secret) + pem(leaf, issuing.cert))
        again = load_key(KeySource(path=str(both)), env="prod", now=NOW)
        assert again is not None and again.kid == key.kid and len(certificate(again).certificates) == 2

    def test_an_encrypted_pem_key_needs_its_password(self) -> None:
        secret, ca = ec_key(), CA.make()
        encrypted = secret.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(PASSWORD.encode())).decode()
        chain = pem(ca.issue(secret), ca.cert)
        key = load_key(KeySource(inline=encrypted, certificates=chain, password=PASSWORD), env="prod", now=NOW)
        assert key is not None and len(certificate(key).certificates) == 2
        with pytest.raises(IdentityInvalid, match="encrypted: set its password"):
            load_key(KeySource(inline=encrypted, certificates=chain), env="prod", now=NOW)

    def test_a_certificate_of_another_key_or_a_weak_key_is_refused(self) -> None:
        ca = CA.make()
        with pytest.raises(IdentityInvalid, match="none of the certificates"):
            load_key(KeySource(inline=key_pem(ec_key()) + pem(ca.issue(ec_key()))), env="prod", now=NOW)
        with pytest.raises(IdentityInvalid, match="at least 2048 bits"):
            load_key(KeySource(inline=key_pem(rsa_key(1024))), env="prod", now=NOW)
        with pytest.raises(IdentityInvalid, match="P-256"):
            load_key(KeySource(inline=key_pem(ec.generate_private_key(ec.SECP384R1()))), env="prod", now=NOW)


class TestJwk:
    def test_a_private_jwk_still_signs_without_a_certificate(self) -> None:
        from sync_gateway.keys import service

        jwk = service.generate()
        key = load_key(KeySource(inline=json.dumps(jwk.as_dict(private=True))), env="prod", now=NOW)
        assert key is not None and key.kid == jwk.kid and key.alg == "ES256"
        header = jwt.get_unverified_header(wire.sign(b"z", key))
        assert "x5c" not in header and certificate(key).not_after is None

    def test_a_jwk_may_carry_its_own_certificate_but_not_another_keys(self) -> None:
        ca, secret = CA.make(), ec_key()
        material = load_key(KeySource(inline=key_pem(secret) + pem(ca.issue(secret), ca.cert)), env="prod", now=NOW)
        assert material is not None
        jwk = material.as_dict(private=True)
        again = load_key(KeySource(inline=json.dumps(jwk)), env="prod", now=NOW)
        assert again is not None and again.get("x5c") == jwk["x5c"] and again.kid == material.kid
        other = ec_key()
        with_other = {**jwk, "x5c": [base64.b64encode(ca.issue(other).public_bytes(serialization.Encoding.DER))
                                     .decode()]}
        with pytest.raises(IdentityInvalid, match="none of the certificates given is the signing key"):
            load_key(KeySource(inline=json.dumps(with_other)), env="prod", now=NOW)


class TestExpiryGauge:
    def test_the_gauge_holds_the_certificate_expiry_of_the_key_in_use(self, tmp_path: Path) -> None:
        path = p12_file(tmp_path, CA.make(), ec_key(), days=40)
        app = create_app(Settings(env="test", signing_key_file=str(path), signing_key_password=PASSWORD))
        key = load_key(KeySource(path=str(path), password=PASSWORD), env="test", now=NOW)
        assert key is not None
        expiry = certificate(key).not_after
        assert expiry is not None
        value = app.state.metrics_registry.get_sample_value("hoso_signing_certificate_expiry_timestamp_seconds",
                                                            {"kid": key.kid})
        assert value == expiry.timestamp()

    def test_a_bare_key_has_no_series(self) -> None:
        from sync_gateway.keys import service

        app = create_app(Settings(env="test", signing_key=json.dumps(service.generate().as_dict(private=True))))
        families = {m.name for m in app.state.metrics_registry.collect()
                    if m.name == "hoso_signing_certificate_expiry_timestamp_seconds" and m.samples}
        assert families == set()


class TestCli:
    """`python -m sync_gateway.keys import | list | rotate`, each command run on the test's session."""

    async def run(self, session: AsyncSession, settings: Settings, *argv: str) -> int:
        return await keys_cli.run(keys_cli.parse(list(argv)), settings, session)

    async def test_import_list_and_rotate(self, session: AsyncSession, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        ca = CA.make()
        current = p12_file(tmp_path, ca, rsa_key(), days=20)
        settings = Settings(env="test", signing_key_file=str(current), signing_key_password=PASSWORD)
        monkeypatch.setenv("HOSO_SIGNING_KEY_PASSWORD", PASSWORD)
        assert await self.run(session, settings, "import", "--file", str(current)) == 0
        old = load_key(KeySource.of(settings), env="test", now=NOW)
        assert old is not None and f"published {old.kid} PS256 subject=" in capsys.readouterr().out
        # The next key, with its own password: rotate publishes it and keeps the one in use.
        (tmp_path / "next").mkdir()
        following = p12_file(tmp_path / "next", ca, ec_key(), days=400)
        monkeypatch.setenv("NEXT_PASSWORD", PASSWORD)
        assert await self.run(session, settings, "rotate", "--file", str(following), "--password-env",
                              "NEXT_PASSWORD") == 0
        out = capsys.readouterr().out
        assert f"kept {old.kid}" in out and "point HOSO_SIGNING_KEY_FILE at" in out
        assert await self.run(session, settings, "rotate", "--file", str(current)) == 1  # the key in use already
        capsys.readouterr()
        assert await self.run(session, settings, "list") == 0
        lines = {line.split("\t")[0]: line for line in capsys.readouterr().out.splitlines()}
        assert old.kid is not None and certificate(old).not_after is not None
        assert f"expires {certificate(old).not_after:%Y-%m-%dT%H:%M:%SZ}" in lines[old.kid]
        assert len([line for line in lines.values() if "Sở Nội vụ" in line]) == 2

    def test_a_refused_key_exits_1_and_says_why(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        path = p12_file(tmp_path, CA.make(), ec_key())
        monkeypatch.setenv("HOSO_SIGNING_KEY_PASSWORD", "wrong")
        monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")  # refused before any query
        monkeypatch.setenv("HOSO_ENV", "test")
        assert keys_cli.main(["import", "--file", str(path)]) == 1
        assert "refused: the PKCS#12 file cannot be opened" in capsys.readouterr().err
