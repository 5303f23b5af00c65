"""The simulator's settings: env `HOSO_SIM_*` (the common prefix `HOSO_` plus the `sim_` field names)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from hoso_shared.settings import CommonSettings

# What an LGSP-mode simulator asks of every call by default: the sender (Hà Nội's People's Committee, QĐ 20/2020),
# the receiver and the service's transaction code.
LGSP_ROUTING = {"SENDER_CODE": "000.00.00.H26", "RECEIVER_CODE": "NDXP", "TRAN_CODE": "CBCCVC_SYNC"}


class Settings(CommonSettings):
    service_name: str = "ndxp-sim"

    # The client the token endpoint accepts (sync-gateway's `ndxp_client_id` / `ndxp_client_secret`).
    sim_client_id: str = "hoso-gateway"
    sim_client_secret: SecretStr = SecretStr("dev-secret")
    sim_token_ttl_seconds: int = 300
    # Where the bearer token travels: `authorization` (as `Bearer <token>`) or another header, e.g.
    # `lgspaccesstoken`, that carries the token raw, as some LGSPs do (DOMAIN §6.2).
    sim_token_header: str = "authorization"  # noqa: S105 - a header name
    # `lgsp` plays the province's LGSP in front of NDXP (docs/ndxp.md "LGSP mode"): tokens from `POST /lgsp/token`
    # (there is no `/oauth/token`), accepted raw in `lgspaccesstoken` only (`sim_token_header` is not read), and
    # every national call must carry the routing headers below. `ndxp` (the default) changes nothing.
    sim_mode: Literal["ndxp", "lgsp"] = "ndxp"
    # LGSP mode's required routing headers → the value each must have (`""`: any non-empty value), as JSON in
    # `HOSO_SIM_LGSP_ROUTING`. The codes are examples: the LGSP operator assigns them (DOMAIN §6.2).
    sim_lgsp_routing: dict[str, str] = Field(default_factory=lambda: dict(LGSP_ROUTING))

    # The gateway's public keys, to verify packets; the inline JWKS wins when set (tests use it).
    sim_gateway_jwks_url: str = "http://127.0.0.1:8003/.well-known/jwks.json"
    sim_gateway_jwks: str = ""
    # The record formats' JSON Schemas (docs/national-format.md): inline `{"v1": {…}}` wins (tests); else fetched
    # once per version from this URL (`{version}` in it), by default the gateway's whose JWKS we fetch.
    sim_formats: str = ""
    sim_format_schema_url: str = ""
    # The CA certificates (PEM) that issue the ministries' keys, inline or in a file (the file wins). When set,
    # a packet must carry an `x5c` chain from its signing key to one of them (docs/keys.md); empty: no check.
    sim_trust_anchors: str = ""
    sim_trust_anchors_file: str = ""
    # Where receipts go, after how long, and the first retry pause (it doubles up to the max).
    sim_callback_url: str = "http://127.0.0.1:8003/callbacks/ndxp/receipts"
    sim_receipt_delay_ms: int = 200
    sim_callback_backoff_ms: int = 200
    sim_callback_backoff_max_ms: int = 5000
    # The national side's own key (a private EC P-256 JWK, JSON); a fresh one per start when empty.
    sim_signing_key: SecretStr = SecretStr("")

    # The seeded population register: who exists is a function of the seed, so runs are repeatable.
    sim_seed: int = 2026
    sim_population_size: int = 1000

    # The largest packet the intake takes (a 500-record packet is 1–2 MB); other bodies keep the common limit.
    sim_max_packet_bytes: int = 32 * 1024 * 1024
    # Compressed packet bodies kept for `GET /admin/packets/{id}`, newest first (~100 bytes a record: 32 MiB
    # hold ~300,000); an older packet shows `packet: null`. Everything else about a packet is always kept.
    sim_packet_bodies_bytes: int = Field(32 * 1024 * 1024, ge=0)

    # Admin routes need `X-Admin-Token` when this is set.
    sim_admin_token: SecretStr = SecretStr("")

    # Fault defaults (changed at run time by PUT /admin/faults): all off.
    sim_latency_ms: int = Field(0, ge=0)
    sim_error_rate: float = Field(0.0, ge=0, le=1)
    sim_timeout_rate: float = Field(0.0, ge=0, le=1)
    sim_timeout_seconds: float = Field(30.0, ge=0)
    sim_drop_rate: float = Field(0.0, ge=0, le=1)
    sim_duplicate_receipt_rate: float = Field(0.0, ge=0, le=1)
    sim_out_of_order_receipts: bool = False
    sim_reject_rate: float = Field(0.0, ge=0, le=1)
    sim_callback_attempts: int = Field(8, ge=1)

    @property
    def body_limit_overrides(self) -> dict[str, int]:
        """Read by `hoso_shared.web.build_app`: per-path body limits (full-match regex → bytes)."""
        return {r"/ndxp/v1/packets": self.sim_max_packet_bytes}
