"""A test CA made at test time with `cryptography` (no key file is ever committed): a root standing in
for the Vietnamese government CA, certificates it issues for RSA or EC P-256 keys, and the files a
ministry delivers (PKCS#12 with a password, PEM key + chain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ — test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, ca: bool) -> x509.KeyUsage:
    """A CA signs certificates; a signer's key signs documents that stand as originals (non-repudiation)."""
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


@cache
def rsa_key(bits: int = 3072, n: int = 0) -> rsa.RSAPrivateKey:
    """RSA keys are slow to make (a 3072-bit one takes ~0.5 s): each (size, n) is made once per run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class CA:
    key: Key
    cert: x509.Certificate

    @classmethod
    def make(cls, name: str = "Test Root CA", key: Key | None = None) -> CA:
        key = key or ec_key()
        now = datetime.now(UTC)
        cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(_usage(ca=True), critical=True)
                .sign(key, hashes.SHA256()))
        return cls(key, cert)

    def issue(self, key: Key, name: str = "Sở Nội vụ Hà Nội — hoso-gateway", *, days: int = 365,
              not_before: datetime | None = None, ca: bool = False) -> x509.Certificate:
        start = not_before or datetime.now(UTC) - timedelta(days=1)
        return (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(self.cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + timedelta(days=days))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .add_extension(_usage(ca=ca), critical=True)
                .sign(self.key, hashes.SHA256()))

    def intermediate(self, name: str = "Test Issuing CA") -> CA:
        key = ec_key()
        return CA(key, self.issue(key, name, days=3000, ca=True))

    def pem(self) -> str:
        return pem(self.cert)


def pem(*certs: x509.Certificate) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certs)


def key_pem(key: Key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def p12(key: Key, cert: x509.Certificate, chain: tuple[x509.Certificate, ...], password: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(b"hoso-gateway", key, cert, list(chain),
                                                 serialization.BestAvailableEncryption(password.encode()))
