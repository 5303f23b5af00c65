"""Prometheus RED metrics for HTTP, labelled by route template (bounded), never by raw path."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import Scope

UNMATCHED = "<unmatched>"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# The server passes any token as a method ("BREW", a scanner's garbage), and every new label value is a
# new series: methods outside this set are counted as one.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"


class HttpMetrics:
    """The RED set, on a registry of the app's own so two apps in one process never clash."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.service = service
        self.requests = Counter(
            "http_requests_total", "HTTP requests handled, by route template and status class.",
            ["service", "method", "route", "status"], registry=registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds", "Time from request start to the end of the response.",
            ["service", "method", "route"], registry=registry, buckets=LATENCY_BUCKETS,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        if route == "/metrics":  # scrapes would drown the signal
            return
        method = method_label(method)
        self.duration.labels(self.service, method, route).observe(seconds)
        self.requests.labels(self.service, method, route, f"{status // 100}xx").inc()


def method_label(method: str) -> str:
    return method if method in METHODS else OTHER_METHOD


def route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED
