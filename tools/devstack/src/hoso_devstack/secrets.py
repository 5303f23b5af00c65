"""Per-installation dev secrets, generated once into the data directory (git-ignored)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from hoso_shared.auth.tokens import generate_signing_key, public_jwks
from hoso_shared.crypto import new_key
from hoso_shared.signing import generate_dev_identity


def _fresh() -> dict[str, str]:
    token_key, packet_key = generate_signing_key(), generate_signing_key()
    # Signed exports: a "Sở Nội vụ thành phố Hà Nội — test CA" root and the province signer under it.
    export = generate_dev_identity()
    return {
        "token_signing_key": json.dumps(token_key.as_dict(private=True)),
        "jwks": json.dumps(public_jwks(token_key)),
        "field_keys": json.dumps({"k1": new_key()}),
        "lookup_hmac_key": secrets.token_urlsafe(32),
        "packet_signing_key": json.dumps(packet_key.as_dict(private=True)),  # sync-gateway's, "from the ministry"
        "ndxp_client_secret": secrets.token_urlsafe(24),  # our client at the simulated NDXP
        "export_signing_key": export.key,
        "export_signing_cert": export.cert,
        "export_signing_chain": export.chain,
    }


def load_or_create(data_dir: Path) -> dict[str, Any]:
    """The data directory's secrets; those a newer version needs are added to an older file."""
    path = data_dir / "secrets.json"
    values: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    missing = {k: v for k, v in _fresh().items() if k not in values}
    if "token_signing_key" in values:
        missing.pop("jwks", None)  # the published keys must stay those of the existing token key
    if "export_signing_key" in values:  # the certificate and chain belong to the key already there
        missing.pop("export_signing_cert", None)
        missing.pop("export_signing_chain", None)
    if not missing:
        return values
    values.update(missing)
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(values, f, indent=2)
    tmp.replace(path)
    return values


def service_env(values: dict[str, Any], *, database_url: str) -> dict[str, str]:
    """The environment every service process of the dev stack gets."""
    return {
        "DATABASE_URL": database_url,
        "HOSO_ENV": "dev",
        "HOSO_AUTH_JWKS": values["jwks"],
        "HOSO_FIELD_KEYS": values["field_keys"],
        "HOSO_LOOKUP_HMAC_KEY": values["lookup_hmac_key"],
        "HOSO_TOKEN_SIGNING_KEY": values["token_signing_key"],
        "HOSO_SIGNING_KEY": values["packet_signing_key"],
        # The same secret on both sides of the simulated NDXP: what the gateway sends, the simulator accepts.
        "HOSO_NDXP_CLIENT_SECRET": values["ndxp_client_secret"],
        "HOSO_SIM_CLIENT_SECRET": values["ndxp_client_secret"],
        "HOSO_EXPORT_SIGNING_KEY": values["export_signing_key"],
        "HOSO_EXPORT_SIGNING_CERT": values["export_signing_cert"],
        "HOSO_EXPORT_SIGNING_CHAIN": values["export_signing_chain"],
    }
