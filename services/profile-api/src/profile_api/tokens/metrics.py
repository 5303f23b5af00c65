"""profile-api's series about sign-in throttling. The only label is the grant: never a username or an address."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class ThrottleMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.throttled = Counter(
            "hoso_login_throttled_total", "Token requests refused with 429 because a failed-attempt limit "
            "(per source address, account and source, or client id) was reached.", ["grant"], registry=registry)
