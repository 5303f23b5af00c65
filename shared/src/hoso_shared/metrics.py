"""Prometheus RED metrics for HTTP, labelled by route template (bounded), never by raw path."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "<unmatched>"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


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


def route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = route_template(scope)
            if route != "/metrics":
                labels = (self.metrics.service, scope["method"], route)
                self.metrics.duration.labels(*labels).observe(time.perf_counter() - start)
                self.metrics.requests.labels(*labels, f"{status // 100}xx").inc()
