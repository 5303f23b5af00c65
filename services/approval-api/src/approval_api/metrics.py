"""approval-api's own Prometheus series. Labels stay bounded: states, actions and unit codes."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ApprovalMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.backlog = Gauge("hoso_approval_backlog_requests", "Open change requests per unit and state.",
                             ["org_unit", "state"], registry=registry)
        self.backlog_age = Gauge("hoso_approval_backlog_oldest_age_seconds",
                                 "Age of the oldest open change request per unit and state (since submission, "
                                 "or creation for drafts).", ["org_unit", "state"], registry=registry)
        self.overdue = Gauge("hoso_approval_overdue_requests",
                             "Submitted requests past the policy's deadline, per unit (a Sống signal).",
                             ["org_unit"], registry=registry)
        self.decision_latency = Histogram(
            "hoso_approval_decision_latency_seconds", "From submission to a decision (approve, reject, return).",
            ["action"], buckets=(3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 31 * 86400, 62 * 86400),
            registry=registry)
        self.window_breaches = Counter(
            "hoso_approval_window_refusals_total", "Approvals or batch submissions refused because no window "
            "was open.", ["action"], registry=registry)
        self.applied = Counter("hoso_approval_applied_total", "Approved requests profile-api confirmed applied, "
                               "by who drove it (decision or reconciler).", ["by"], registry=registry)
        self.apply_failures = Counter("hoso_approval_apply_failures_total", "Apply calls that did not get an "
                                      "answer (left for the reconciler).", registry=registry)

    def publish_backlog(self, rows: Iterable[tuple[str, str, int, float]],
                        overdue: Iterable[tuple[str, int]]) -> None:
        """(unit code, state, count, oldest age) rows replace every series: no await inside."""
        self.backlog.clear()
        self.backlog_age.clear()
        self.overdue.clear()
        for code, state, count, age in rows:
            self.backlog.labels(code, state).set(count)
            self.backlog_age.labels(code, state).set(age)
        for code, count in overdue:
            self.overdue.labels(code).set(count)
