"""Opaque access tokens, kept in memory with their expiry, and the client authentication of the
token endpoint (form fields or HTTP Basic, RFC 6749 §2.3.1)."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, unquote_plus

from ndxp_sim.errors import NdxpError


@dataclass
class TokenStore:
    ttl_seconds: int
    clock: Callable[[], datetime]
    expiries: dict[str, datetime] = field(default_factory=dict)

    def issue(self) -> str:
        now = self.clock()
        # Expired tokens are forgotten here, so a long dev run doesn't grow without bound.
        self.expiries = {t: exp for t, exp in self.expiries.items() if exp > now}
        token = secrets.token_urlsafe(32)
        self.expiries[token] = now + timedelta(seconds=self.ttl_seconds)
        return token

    def valid(self, token: str) -> bool:
        expiry = self.expiries.get(token)
        return expiry is not None and self.clock() < expiry


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str
    grant_type: str


def credentials_from(headers: Mapping[str, str], form_body: bytes) -> ClientCredentials:
    """HTTP Basic wins over form fields, as the RFC lets a server prefer it."""
    form = dict(parse_qsl(form_body.decode("utf-8", "replace"), keep_blank_values=True))
    client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise NdxpError(400, "invalid_request") from exc
        client_id, client_secret = unquote_plus(user), unquote_plus(password)  # RFC 6749 form-encodes both
    return ClientCredentials(client_id, client_secret, form.get("grant_type", ""))


def check_client(given: ClientCredentials, client_id: str, client_secret: str) -> None:
    if given.grant_type != "client_credentials":
        raise NdxpError(400, "unsupported_grant_type")
    good_id = hmac.compare_digest(given.client_id.encode(), client_id.encode())
    good_secret = hmac.compare_digest(given.client_secret.encode(), client_secret.encode())
    if not (good_id and good_secret):
        raise NdxpError(401, "invalid_client", headers={"WWW-Authenticate": 'Basic realm="ndxp"'})


def bearer_from(headers: Mapping[str, str], header_name: str) -> str | None:
    """`Authorization: Bearer <token>`, or the raw token in the configured header (a `Bearer `
    prefix there is tolerated, since LGSP adapters differ)."""
    value = headers.get(header_name.lower(), "").strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip() or None
    if header_name.lower() == "authorization":
        return None
    return value or None
