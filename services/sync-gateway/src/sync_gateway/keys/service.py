"""The packet signing key the ministry issues (ES256), and the public keys we publish. Every key that
ever signed stays in `signing_keys` and in the JWKS, so a rotation needs no downtime and old packets
stay verifiable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import SigningKey

ALG = "ES256"


def generate() -> ECKey:
    key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": ALG}, auto_kid=True)
    return key


def load(inline: str, path: str) -> ECKey | None:
    """The configured private key: the file when named, else the inline JWK; None when neither."""
    text = Path(path).read_text() if path else inline
    if not text.strip():
        return None
    key = ECKey.import_key(json.loads(text))
    if not key.is_private:
        raise ValueError("the signing key must be a private EC P-256 JWK")
    key.ensure_kid()
    return key


def public(key: ECKey) -> dict[str, Any]:
    jwk = key.as_dict(private=False)
    jwk.update(kid=str(key.kid), use="sig", alg=ALG)
    return jwk


async def register(session: AsyncSession, key: ECKey) -> None:
    """Publishes the key (once): the JWKS serves it from now on."""
    await session.execute(insert(SigningKey).values(kid=key.kid, alg=ALG, public_jwk=public(key))
                          .on_conflict_do_nothing(index_elements=[SigningKey.kid]))


async def jwks(session: AsyncSession) -> dict[str, Any]:
    rows = (await session.scalars(select(SigningKey).order_by(SigningKey.activated_at))).all()
    return {"keys": [row.public_jwk for row in rows]}
