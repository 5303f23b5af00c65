"""sync-gateway's Prometheus series. Labels stay bounded: states, outcomes, the peer, unit codes."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class GatewayMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.packets = Gauge("hoso_gateway_packets", "Packets by delivery state (the queue: queued, delivered, "
                             "acknowledged, dead).", ["state"], registry=registry)
        self.outbox_waiting = Gauge("hoso_gateway_outbox_waiting", "Released outbox rows not yet packed.",
                                    registry=registry)
        self.attempts = Counter("hoso_gateway_delivery_attempts_total", "Packet POSTs to NDXP by outcome.",
                                ["outcome"], registry=registry)
        self.latency = Histogram("hoso_gateway_delivery_seconds", "Duration of one packet POST to NDXP.",
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=registry)
        self.receipt_lag = Histogram("hoso_gateway_receipt_lag_seconds", "From a packet's creation to its receipt.",
                                     buckets=(0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600, 86400), registry=registry)
        self.breaker = Gauge("hoso_gateway_breaker_state", "Circuit breaker per peer: 0 closed, 1 half-open, "
                             "2 open.", ["peer"], registry=registry)
        self.dead_lettered = Counter("hoso_gateway_dead_letters_total", "Packets given up on (refused, or out of "
                                     "attempts).", registry=registry)
        self.token_refreshes = Counter("hoso_gateway_token_refreshes_total", "OAuth2 tokens fetched from the "
                                       "NDXP token endpoint.", registry=registry)
        self.signature_failures = Counter("hoso_gateway_signature_failures_total", "Receipts refused for a bad "
                                          "signature or an unknown key.", registry=registry)
        self.records = Counter("hoso_gateway_records_total", "Records handled by outcome: packed, blocked (a rule "
                               "error), accepted or rejected by the national side.", ["status"], registry=registry)
        self.receipts = Counter("hoso_gateway_receipts_total", "Receipts taken: recorded, or a duplicate.",
                                ["result"], registry=registry)
        self.progress = Gauge("hoso_sync_progress_records", "Sync progress per unit (the ministry's table): "
                              "total, changed_this_month, approved, synced, acknowledged, rejected.",
                              ["org_unit", "stage"], registry=registry)
        self.signing_expiry = Gauge("hoso_signing_certificate_expiry_timestamp_seconds", "When the certificate of "
                                    "the key this process signs with expires (Unix time), per key id.", ["kid"],
                                    registry=registry)

    def observe_signing_key(self, kid: str | None, not_after: datetime | None) -> None:
        """A bare key (a JWK without a certificate) has no expiry: no series, so no alert."""
        if kid and not_after is not None:
            self.signing_expiry.labels(kid).set(not_after.timestamp())
