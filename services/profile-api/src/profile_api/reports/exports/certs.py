"""X.509 plumbing shared by the PDF and JSON paths: certificates between `cryptography` (ours) and
asn1crypto (pyHanko's), the path check to the province root, and a certificate described for people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathError,
    RevokedError,
    ValidationError,
)

from hoso_shared.signing import SigningIdentity
from profile_api.reports.exports.schemas import CertificateInfo

# The key usage a signature standing as an original needs (pyHanko's default for PDF signatures too).
SIGNING_USAGE = {"non_repudiation"}


def to_asn1(certs: Iterable[x509.Certificate]) -> list[Any]:
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    return list(load_certs_from_pemder_data(pem)) if pem else []


def key_to_asn1(identity: SigningIdentity) -> Any:
    der = identity.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    return load_private_key_from_pemder_data(der, None)


def from_asn1(cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def validation_context(roots: Iterable[x509.Certificate], others: Iterable[x509.Certificate] = ()) -> Any:
    """Trusts only the given roots; fetches nothing (no CRL/OCSP endpoints in our certificates, and a
    verifier must answer the same offline)."""
    return ValidationContext(trust_roots=to_asn1(roots), other_certs=to_asn1(others), allow_fetching=False)


async def chain_problem(leaf: x509.Certificate, others: Iterable[x509.Certificate],
                        roots: Iterable[x509.Certificate]) -> str | None:
    """None when `leaf` chains to one of `roots` (through `others`) and may sign originals; else why not."""
    # Any: pyhanko-certvalidator leaves this method unannotated.
    validator: Any = CertificateValidator(to_asn1([leaf])[0], to_asn1(others), validation_context(roots))
    try:
        await validator.async_validate_usage(SIGNING_USAGE)
    except (ExpiredError, NotYetValidError, RevokedError) as exc:
        return f"the signing certificate is not valid now: {exc}"
    except InvalidCertificateError:
        return "the signing certificate may not sign originals (key usage)"
    except (PathError, ValidationError):  # no path, or one that breaks (e.g. a look-alike root in x5c)
        return "the signing certificate does not chain to a trusted province root"
    return None


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def describe(cert: x509.Certificate) -> CertificateInfo:
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(), common_name=_attr(cert.subject, NameOID.COMMON_NAME),
        organization=_attr(cert.subject, NameOID.ORGANIZATION_NAME), issuer=cert.issuer.rfc4514_string(),
        serial_number=format(cert.serial_number, "x"), not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc)
