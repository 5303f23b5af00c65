"""profile-api's series about pending new records (hanoi-2024 Điều 7). No labels: nothing about a person."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class PendingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.reforwarded = Counter(
            "hoso_profile_create_requests_reforwarded_total", "Pending new records whose create request had not "
            "reached approval-api and that the reconciler forwarded again.", registry=registry)
        self.refused = Counter(
            "hoso_profile_create_requests_refused_total", "Re-forwarded create requests approval-api refused "
            "(the record stays pending and is tried again each tick; see the log).", registry=registry)
        self.archived = Counter(
            "hoso_profile_pending_archived_total", "Pending new records archived because their create request was "
            "rejected or withdrawn.", registry=registry)
