"""The province's signing identity for exports that stand as originals: an EC P-256 or RSA key and its
X.509 certificate (with the chain up to the province root), PEM or PKCS#12. Only `cryptography` here, so the
dev stack and every service can make or load one; PDF and JWS signing live with the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hoso_shared.signing.errors import IdentityInvalid
from hoso_shared.signing.material import KeyMaterial, PrivateKey, check_key
from hoso_shared.time import utc_now

DEV_ROOT_NAME = "Sở Nội vụ thành phố Hà Nội — test CA"
DEV_SIGNER_NAME = "Sở Nội vụ thành phố Hà Nội"
DEV_ORGANISATION = "Sở Nội vụ thành phố Hà Nội"


@dataclass(frozen=True)
class SigningIdentity:
    key: PrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # issuers above `cert`, nearest first; may end with the root
    roots: tuple[x509.Certificate, ...]  # the trust anchors a verifier accepts

    @property
    def certificates(self) -> tuple[x509.Certificate, ...]:
        """The signer certificate first, then its issuers: what an x5c header or a CMS bag carries."""
        return (self.cert, *self.chain)


@dataclass(frozen=True)
class IdentityPem:
    key: str
    cert: str
    chain: str  # intermediates and the root, PEM, concatenated


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Hà Nội"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def generate_dev_identity(*, now: datetime | None = None, years: int = 5) -> IdentityPem:
    """A self-signed test root and a signer certificate under it, for dev and test only: nothing
    trusts this root outside the installation that made it."""
    now = now or utc_now()
    start, end = now - timedelta(minutes=5), now + timedelta(days=365 * years)
    root_key, signer_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root = (x509.CertificateBuilder().subject_name(_name(DEV_ROOT_NAME)).issuer_name(_name(DEV_ROOT_NAME))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(root_ski, critical=False)
            .sign(root_key, hashes.SHA256()))
    signer = (x509.CertificateBuilder().subject_name(_name(DEV_SIGNER_NAME)).issuer_name(root.subject)
              .public_key(signer_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(start).not_valid_after(end)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(_key_usage(ca=False), critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
              .sign(root_key, hashes.SHA256()))
    key_pem = signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()).decode()
    return IdentityPem(key=key_pem, cert=_pem(signer), chain=_pem(root))


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def load_identity(key_pem: str, cert_pem: str, chain_pem: str = "", roots_pem: str = "") -> SigningIdentity:
    """The identity from PEM text. Trust roots are those of `roots_pem` (e.g. a retired root, so older
    exports keep verifying) and the self-signed certificate the chain ends with, if it does."""
    try:
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
        chain = tuple(x509.load_pem_x509_certificates(chain_pem.encode())) if chain_pem.strip() else ()
        roots = tuple(x509.load_pem_x509_certificates(roots_pem.encode())) if roots_pem.strip() else ()
    except ValueError as exc:
        raise IdentityInvalid(f"the signing key or a certificate is not valid PEM: {exc}") from None
    key = check_key(key)
    if cert.public_key() != key.public_key():
        raise IdentityInvalid("the export signing certificate is not the signing key's")
    return SigningIdentity(key=key, cert=cert, chain=chain, roots=(*roots, *(c for c in chain if _self_signed(c))))


def load_roots(roots_pem: str) -> tuple[x509.Certificate, ...]:
    """Trust anchors alone, for a verifier that holds no key."""
    try:
        return tuple(x509.load_pem_x509_certificates(roots_pem.encode())) if roots_pem.strip() else ()
    except ValueError as exc:
        raise IdentityInvalid(f"a trust root is not valid PEM: {exc}") from None


def identity_from_material(material: KeyMaterial, roots_pem: str = "") -> SigningIdentity:
    """The identity of a key loaded as issued (e.g. a PKCS#12): its certificate, the issuers above it, and
    as trust roots those of `roots_pem` and the self-signed one its chain ends with."""
    if material.cert is None:
        raise IdentityInvalid("the signing key came without its certificate")
    chain, roots = material.certificates[1:], load_roots(roots_pem)
    return SigningIdentity(key=material.key, cert=material.cert, chain=chain,
                           roots=(*roots, *(c for c in chain if _self_signed(c))))
