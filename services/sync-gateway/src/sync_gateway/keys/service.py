"""The packet signing key (keys.identity loads it as issued) and the public keys we publish. Every key
that ever signed stays in `signing_keys` and in the JWKS, with its certificate chain when it has one, so
a rotation needs no downtime and old packets stay verifiable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import SigningKey
from hoso_shared.time import utc_now
from sync_gateway.keys.identity import KeySource, chain_of, load_key
from sync_gateway.packets.wire import PacketKey

ALG = "ES256"


def generate() -> ECKey:
    key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": ALG}, auto_kid=True)
    return key


def load(inline: str, path: str) -> PacketKey | None:
    """A key from a JWK or PEM text, or a file (JWK, PEM or PKCS#12 without a password); None when neither.
    The gateway itself loads through `identity.load_key` with every setting."""
    return load_key(KeySource(inline=inline, path=path), env="dev", now=utc_now())


def public(key: PacketKey) -> dict[str, Any]:
    jwk = key.as_dict(private=False)
    jwk.update(kid=str(key.kid), use="sig", alg=key.alg or ALG)
    return jwk


async def register(session: AsyncSession, key: PacketKey) -> None:
    """Publishes the key (once): the JWKS serves it, and its certificate chain, from now on."""
    await session.execute(insert(SigningKey).values(kid=key.kid, alg=key.alg or ALG, public_jwk=public(key))
                          .on_conflict_do_nothing(index_elements=[SigningKey.kid]))


async def jwks(session: AsyncSession) -> dict[str, Any]:
    rows = (await session.scalars(select(SigningKey).order_by(SigningKey.activated_at))).all()
    return {"keys": [row.public_jwk for row in rows]}


@dataclass(frozen=True)
class Published:
    kid: str
    alg: str
    activated_at: datetime
    subject: str | None  # the certificate's subject, when the key came with one
    issuer: str | None
    not_after: datetime | None


async def published(session: AsyncSession) -> list[Published]:
    """The published keys, oldest first, with what their certificates say."""
    listed = []
    for row in (await session.scalars(select(SigningKey).order_by(SigningKey.activated_at))).all():
        chain = chain_of(row.public_jwk)
        leaf = chain[0] if chain else None
        listed.append(Published(row.kid, row.alg, row.activated_at,
                                leaf.subject.rfc4514_string() if leaf else None,
                                leaf.issuer.rfc4514_string() if leaf else None,
                                leaf.not_valid_after_utc if leaf else None))
    return listed
