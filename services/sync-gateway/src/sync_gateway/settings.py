from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from hoso_shared.settings import CommonSettings
from sync_gateway.national.formats import ADAPTERS


class Settings(CommonSettings):
    service_name: str = "sync-gateway"
    province_code: str = "01"  # Hà Nội
    # The ministry-issued signing key (docs/keys.md), inline or in a file (the file wins): a private JWK, a PEM
    # key, or (file only) a PKCS#12 with its password; RSA ≥ 2048 bits or EC P-256. The certificate chain comes
    # in the PKCS#12, after the PEM key, or in `signing_certificates(_file)` (PEM).
    signing_key: SecretStr = SecretStr("")
    signing_key_file: str = ""
    signing_key_password: SecretStr = SecretStr("")  # of the PKCS#12 file or an encrypted PEM key
    signing_certificates: str = ""
    signing_certificates_file: str = ""
    signing_alg: str = "PS256"  # what an RSA key signs with: PS256 or RS256 (EC P-256 keys sign ES256)
    packet_size: int = 500  # records per packet at most
    # The wire format each record travels in (docs/national-format.md): a version `sync_gateway.national` knows.
    wire_format: str = "v1"

    @field_validator("wire_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        """Refused at start, not at the first packet: a format no adapter is registered for."""
        if value not in ADAPTERS:
            raise ValueError(f"HOSO_WIRE_FORMAT {value!r}: no such format (known: {', '.join(sorted(ADAPTERS))})")
        return value

    # NDXP / LGSP: where, and how we authenticate (docs/ndxp.md). The token header and the routing
    # headers are configuration, so an LGSP that wants `lgspaccesstoken` needs no code change.
    ndxp_url: str = "http://127.0.0.1:8009"
    ndxp_packets_path: str = "/ndxp/v1/packets"
    ndxp_token_url: str = "http://127.0.0.1:8009/oauth/token"  # noqa: S105 - a URL
    ndxp_client_id: str = "hoso-gateway"
    ndxp_client_secret: SecretStr = SecretStr("")
    # How the id and secret reach the token endpoint: form fields, or HTTP Basic (WSO2-based LGSPs want Basic)
    ndxp_token_auth: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post"  # noqa: S105
    # "authorization" (Bearer), or e.g. "lgspaccesstoken": the raw token in that header
    ndxp_token_header: str = "authorization"  # noqa: S105 - a header name
    # Routing headers sent with every call, e.g. {"SENDER_CODE": "...", "TRAN_CODE": "...", "RECEIVER_CODE": "..."}
    ndxp_headers: dict[str, str] = Field(default_factory=dict)
    ndxp_timeout_seconds: float = 10.0
    ndxp_jwks: str = ""  # the national side's public keys (inline JWKS) — wins over the URL
    ndxp_jwks_url: str = "http://127.0.0.1:8009/.well-known/jwks.json"
    receipt_max_age_seconds: int = 300

    # Delivery: attempts in all (then a dead letter), the backoff (full jitter) and the breaker.
    delivery_workers: int = 2  # per process; 0 = this process delivers nothing
    delivery_max_attempts: int = 8
    delivery_backoff_base_seconds: float = 0.5
    delivery_backoff_max_seconds: float = 60.0
    # How long a worker's claim on a packet lasts (docs/ndxp.md "Leases"): unset, or shorter than a whole claim's
    # calls (3 × (ndxp_timeout_seconds + 2 s of inline waits) + 5 s), it is that; after a crash it is also how
    # long the packet waits before another worker takes it.
    delivery_lease_seconds: float | None = None
    breaker_failures: int = 5  # consecutive failures that open the breaker
    breaker_cooldown_seconds: float = 10.0
    poll_interval_seconds: float = 2.0  # the fallback when no NOTIFY arrives; 0 = no background work
    # The gauges are read again after a write to what they count (progress.freshness), and at the latest when
    # their last reading is this old.
    gauges_max_age_seconds: float = 900.0
    worker_metrics_port: int = 0  # `python -m sync_gateway.worker` serves /metrics here when set (e.g. 9103)

    # Our own services: profile-api issues our token and takes pulled profiles; approval-api takes back
    # records that are blocked by a rule or rejected nationally.
    profile_api_url: str = "http://127.0.0.1:8001"
    approval_api_url: str = "http://127.0.0.1:8002"
    service_client_id: str = "svc.sync-gateway"
    service_client_secret: SecretStr = SecretStr("")
