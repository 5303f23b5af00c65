"""The province's signing identity (key, certificate, chain, trust roots) for signed exports, and a
signing key as issued (PKCS#12 or PEM, RSA or EC P-256) for whatever signs with it."""

from hoso_shared.signing.errors import IdentityInvalid
from hoso_shared.signing.identity import (
    IdentityPem,
    SigningIdentity,
    generate_dev_identity,
    identity_from_material,
    load_identity,
    load_roots,
)
from hoso_shared.signing.material import KeyMaterial, PrivateKey, check_key, from_pem, from_pkcs12, load_material

__all__ = ["IdentityInvalid", "IdentityPem", "KeyMaterial", "PrivateKey", "SigningIdentity", "check_key", "from_pem",
           "from_pkcs12", "generate_dev_identity", "identity_from_material", "load_identity", "load_material",
           "load_roots"]
