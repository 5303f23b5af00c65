"""docs/metrics.md read as data, and an app's registry read into the same shape, so the two can be
compared family by family (name as exposed, type, label names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "docs" / "metrics.md"
COLUMNS = ["name", "type", "labels", "service", "meaning"]
# The backup job's gauges: no service serves them, the job writes them to a textfile (its own table).
JOB_COLUMNS = ["name", "type", "labels", "job", "meaning"]
NO_LABELS = "—"


@dataclass(frozen=True)
class Family:
    name: str  # as a scrape shows it: a counter with its `_total`
    type: str
    labels: frozenset[str]  # declared label names; histograms' `le` is implied


@dataclass(frozen=True)
class Entry:
    family: Family
    services: frozenset[str]
    meaning: str


def read_catalogue(path: Path = CATALOGUE, columns: list[str] = COLUMNS) -> dict[str, Entry]:
    """Every row of every table whose header is `columns`; other tables and prose are skipped."""
    entries: dict[str, Entry] = {}
    header: list[str] | None = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif header == columns and not set("".join(cells)) <= set("-: "):
            entry = _entry(cells, f"{path.name}:{number}")
            assert entry.family.name not in entries, f"{path.name}:{number}: {entry.family.name} listed twice"
            entries[entry.family.name] = entry
    return entries


def _entry(cells: list[str], where: str) -> Entry:
    assert len(cells) == len(COLUMNS), f"{where}: {len(cells)} cells, expected {COLUMNS}"
    name, kind, labels, services, meaning = cells
    assert meaning, f"{where}: {name} has no meaning"
    return Entry(Family(name, kind, _names(labels)), _names(services), meaning)


def _names(cell: str) -> frozenset[str]:
    return frozenset() if cell == NO_LABELS else frozenset(part.strip() for part in cell.split(","))


def exposed_name(name: str, kind: str) -> str:
    """prometheus_client keeps a counter's family name without `_total`; a scrape shows it with."""
    return f"{name}_total" if kind == "counter" else name


def declared_families(registry: CollectorRegistry) -> dict[str, Family]:
    """Every family in the registry with its *declared* label names, known before any sample exists
    (a labelled gauge set by a background task has none in a fresh app). Declared names live only on
    the collector objects, so this reads the registry's private map of them."""
    declared = {collector._name: frozenset(collector._labelnames)
                for collector in registry._collector_to_names if isinstance(collector, MetricWrapperBase)}
    families: dict[str, Family] = {}
    for metric in registry.collect():
        sampled = {key for sample in metric.samples for key in sample.labels if key != "le"}
        name = exposed_name(metric.name, metric.type)
        families[name] = Family(name, metric.type, declared.get(metric.name, frozenset(sampled)))
    return families
