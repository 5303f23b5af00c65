"""Who signs an export: the province (its key and certificate, from settings) on behalf of the
logged-in person who asked for it. Both go into every signature."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from hoso_shared.signing import (
    IdentityInvalid,
    SigningIdentity,
    from_pkcs12,
    generate_dev_identity,
    identity_from_material,
    load_identity,
    load_roots,
)
from hoso_shared.signing.identity import DEV_ROOT_NAME
from hoso_shared.time import utc_now
from profile_api.reports.exports.schemas import SignerPerson
from profile_api.settings import Settings


@dataclass(frozen=True)
class Signer:
    identity: SigningIdentity
    person: SignerPerson
    purpose: str  # what the signature is for, in Vietnamese: printed and signed
    signed_at: datetime = field(default_factory=lambda: utc_now().replace(microsecond=0))

    @property
    def organisation(self) -> str:
        names = self.identity.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.identity.cert.subject.rfc4514_string()

    @property
    def locality(self) -> str | None:
        names = self.identity.cert.subject.get_attributes_for_oid(NameOID.LOCALITY_NAME)
        return str(names[0].value) if names else None

    def reason(self) -> str:
        """The PDF /Reason: the purpose, the person who asked and the province that signs."""
        return f"{self.purpose}. Người yêu cầu: {self.person.label()}. Ký số: {self.organisation}."


def configured(settings: Settings) -> bool:
    return bool(settings.export_signing_key.get_secret_value() or settings.export_signing_cert
                or settings.export_signing_pkcs12_file)


def _from_pkcs12(settings: Settings) -> SigningIdentity:
    try:
        data = Path(settings.export_signing_pkcs12_file).read_bytes()
    except OSError as exc:
        raise IdentityInvalid(f"{settings.export_signing_pkcs12_file} cannot be read: {exc.strerror}") from None
    material = from_pkcs12(data, settings.export_signing_pkcs12_password.get_secret_value())
    return identity_from_material(material, settings.export_trust_roots)


def identity_from_settings(settings: Settings) -> SigningIdentity:
    """The configured identity; a throwaway test CA and signer in dev/test when none is configured.
    Outside dev/test an identity is required, and it must name a root that is not the test CA."""
    if settings.export_signing_pkcs12_file:
        identity = _from_pkcs12(settings)
    elif configured(settings):
        identity = load_identity(settings.export_signing_key.get_secret_value(), settings.export_signing_cert,
                                 settings.export_signing_chain, settings.export_trust_roots)
    elif settings.env == "prod":
        raise IdentityInvalid("HOSO_EXPORT_SIGNING_KEY and HOSO_EXPORT_SIGNING_CERT are required outside dev/test")
    else:
        pem = generate_dev_identity()
        identity = load_identity(pem.key, pem.cert, pem.chain, settings.export_trust_roots)
    if settings.env == "prod":
        if not identity.roots:
            raise IdentityInvalid("HOSO_EXPORT_SIGNING_CHAIN must end with the province root, or "
                                  "HOSO_EXPORT_TRUST_ROOTS must hold it")
        if any(DEV_ROOT_NAME in root.subject.rfc4514_string() for root in identity.roots):
            raise IdentityInvalid("the dev/test CA is not a signing root for prod")
    return identity


class ExportIdentity:
    """An app's identity: loaded (or refused) at startup when configured, and always in prod; in dev/test
    without one, a throwaway test CA made on first use (not at startup: most test apps never export, and
    each would pay for two new certificates)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._identity: SigningIdentity | None = None

    def load(self) -> None:
        if configured(self.settings) or self.settings.env == "prod":
            self._identity = identity_from_settings(self.settings)

    def __call__(self) -> SigningIdentity:
        if self._identity is None:
            self._identity = identity_from_settings(self.settings)
        return self._identity


def trust_roots(chain_pem: str, roots_pem: str) -> tuple[x509.Certificate, ...]:
    """What a verifier without the key trusts: the configured extra roots and the chain's own root."""
    return (*load_roots(roots_pem), *(c for c in load_roots(chain_pem) if c.subject == c.issuer))
