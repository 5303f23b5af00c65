"""The province's signing identity (key, certificate, chain, trust roots) for signed exports."""

from hoso_shared.signing.identity import (
    IdentityInvalid,
    IdentityPem,
    SigningIdentity,
    generate_dev_identity,
    load_identity,
    load_roots,
)

__all__ = ["IdentityInvalid", "IdentityPem", "SigningIdentity", "generate_dev_identity", "load_identity",
           "load_roots"]
