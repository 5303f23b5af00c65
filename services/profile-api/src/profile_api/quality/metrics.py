"""Prometheus gauges of data quality, set from each unit's latest snapshot. Labels stay bounded: unit
codes and the four criteria, never anything about a person."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Gauge

from hoso_shared.db.models import QualitySnapshot
from hoso_shared.validation import Criterion
from profile_api.quality.snapshots import PASSING_COLUMN


class QualityGauges:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.pass_ratio = Gauge(
            "hoso_quality_pass_ratio", "Share of a unit's records (its whole subtree) passing a criterion, "
            "from its latest quality snapshot.", ["org_unit", "criterion"], registry=registry)
        self.records = Gauge(
            "hoso_quality_records", "Records in a unit's subtree at its latest quality snapshot.", ["org_unit"],
            registry=registry)
        self.pending = Gauge(
            "hoso_quality_pending_records", "Records changed (or on a new day, under new rules) and not judged yet: "
            "the background judge's backlog; it should fall to 0 within minutes.", registry=registry)
        self.taken = Gauge(
            "hoso_quality_snapshot_timestamp_seconds", "When the newest quality snapshot was taken (alert when "
            "it grows old: the daily snapshot stopped).", registry=registry)

    def publish(self, latest: Iterable[tuple[str, QualitySnapshot]]) -> None:
        """Replaces every series (units closed since drop out). No await inside: a scrape sees all or none."""
        self.pass_ratio.clear()
        self.records.clear()
        newest = 0.0
        for code, snapshot in latest:
            self.records.labels(code).set(snapshot.records)
            newest = max(newest, snapshot.taken_at.timestamp())
            if snapshot.records:
                for criterion, column in PASSING_COLUMN.items():
                    self.pass_ratio.labels(code, criterion_label(criterion)).set(
                        getattr(snapshot, column) / snapshot.records)
        self.taken.set(newest)


def criterion_label(criterion: Criterion) -> str:
    """DUNG, DU, SACH, SONG: the prefixes of the rule codes, easy to type in PromQL."""
    return criterion.name
