"""Per-installation dev secrets, generated once into the data directory (git-ignored)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from hoso_shared.auth.tokens import generate_signing_key, public_jwks
from hoso_shared.crypto import new_key


def load_or_create(data_dir: Path) -> dict[str, Any]:
    path = data_dir / "secrets.json"
    if path.exists():
        loaded: dict[str, Any] = json.loads(path.read_text())
        return loaded
    key = generate_signing_key()
    values = {
        "token_signing_key": json.dumps(key.as_dict(private=True)),
        "jwks": json.dumps(public_jwks(key)),
        "field_keys": json.dumps({"k1": new_key()}),
        "lookup_hmac_key": secrets.token_urlsafe(32),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(values, f, indent=2)
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
    }
