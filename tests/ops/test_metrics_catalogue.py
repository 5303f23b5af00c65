"""docs/metrics.md against what the four services really serve, in both directions (a family missing
from the page, a page entry no service has, a type or label set that differs), and every name and
label against the Prometheus conventions the page states."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from approval_api import tasks as approval_tasks
from approval_api.collaborators import Collaborators as ApprovalCollaborators
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators as ProfileCollaborators
from profile_api.quality import tasks as quality_tasks
from sync_gateway.collaborators import Collaborators as GatewayCollaborators
from tests.conftest import SERVICES
from tests.ops.catalogue import Entry, Family, declared_families, exposed_name, read_catalogue

# Label names whose values come from a small closed set, and why. A new label must earn its place here.
BOUNDED_LABELS = {
    "service": "the four service names",
    "method": "HTTP methods; any other is counted as OTHER",
    "route": "the app's route templates, or <unmatched>",
    "status": "an HTTP status class (2xx…5xx), or a record outcome",
    "org_unit": "administrative unit codes: a few hundred, and never a person",
    "criterion": "DUNG, DU, SACH, SONG",
    "state": "packet or change-request states",
    "stage": "the six columns of the progress table",
    "action": "approve, reject, return, sync_batch",
    "by": "decision or reconciler",
    "outcome": "delivered, transient, refused",
    "result": "recorded or duplicate",
    "peer": "the NDXP host, from settings",
    "grant": "password or client_credentials (the only grants a 429 is counted for)",
    "kid": "the signing key ids a process signs with: one, two during a rotation",
}
NAME = re.compile(r"^(hoso|http)_[a-z][a-z0-9]*(_[a-z0-9]+)*$")
RESERVED_SUFFIXES = ("_bucket", "_count", "_sum", "_created", "_info")  # series a scrape already derives
TIME_WORDS = {"age", "latency", "duration", "lag", "timestamp", "delay", "uptime", "time"}
SIZE_WORDS = {"size", "bytes", "length"}
NON_BASE_UNITS = {"ms", "milliseconds", "minutes", "hours", "days", "kb", "mb", "kilobytes", "megabytes", "percent"}
TYPES = {"counter", "gauge", "histogram"}


async def _refresh_quality(app: FastAPI) -> None:
    await quality_tasks.refresh(collaborators_of(app, ProfileCollaborators).quality)


async def _refresh_backlog(app: FastAPI) -> None:
    await approval_tasks.refresh_gauges(collaborators_of(app, ApprovalCollaborators).workflow, datetime.now(UTC))


async def _refresh_queue(app: FastAPI) -> None:
    await collaborators_of(app, GatewayCollaborators).runtime.refresh_gauges()


# What each service's background loop would run: the gauges get their series from the database.
REFRESH: dict[str, Callable[[FastAPI], Awaitable[None]]] = {
    "profile-api": _refresh_quality, "approval-api": _refresh_backlog, "sync-gateway": _refresh_queue}


@dataclass(frozen=True)
class Scrape:
    families: dict[str, Family]  # from the registry, with declared label names
    text: str  # what GET /metrics answered


@pytest.fixture
async def scrapes(client_for: Callable[..., Any]) -> dict[str, Scrape]:
    """Each service built, asked a couple of things (a route, a 404) and its gauges refreshed, then scraped."""
    scraped = {}
    for service in SERVICES:
        client = await client_for(service)
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/no-such-route")).status_code == 404
        if service in REFRESH:
            await REFRESH[service](client.app)
        response = await client.get("/metrics")
        assert response.status_code == 200
        scraped[service] = Scrape(declared_families(client.app.state.metrics_registry), response.text)
    return scraped


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Entry]:
    return read_catalogue()


class TestCatalogue:
    async def test_every_served_family_is_listed_as_served(self, scrapes: dict[str, Scrape],
                                                           catalogue: dict[str, Entry]) -> None:
        wrong = []
        for service, scrape in scrapes.items():
            for name, family in scrape.families.items():
                entry = catalogue.get(name)
                if entry is None:
                    wrong.append(f"{service}: {name} ({family.type} {sorted(family.labels)}) is not on the page")
                elif entry.family != family:
                    wrong.append(f"{service}: {name} is {family.type} {sorted(family.labels)}, the page says "
                                 f"{entry.family.type} {sorted(entry.family.labels)}")
                elif service not in entry.services:
                    wrong.append(f"{service}: serves {name}, the page names only {sorted(entry.services)}")
        assert not wrong, "\n".join(wrong)

    async def test_every_listed_family_is_served_by_its_services(self, scrapes: dict[str, Scrape],
                                                                  catalogue: dict[str, Entry]) -> None:
        missing = [f"{name}: the page says {service} serves it; it does not"
                   for name, entry in catalogue.items() for service in sorted(entry.services)
                   if name not in scrapes[service].families]
        assert not missing, "\n".join(missing)

    async def test_the_scrape_shows_the_registry(self, scrapes: dict[str, Scrape]) -> None:
        """/metrics serves exactly the registry read above, and every sample carries the declared labels."""
        wrong = []
        for service, scrape in scrapes.items():
            seen = set()
            for parsed in text_string_to_metric_families(scrape.text):
                if parsed.name.endswith("_created") and _base_of_created(parsed.name, scrape.families):
                    continue  # prometheus_client's start time of a counter's or histogram's series
                name = exposed_name(parsed.name, parsed.type)
                seen.add(name)
                family = scrape.families.get(name)
                if family is None or family.type != parsed.type:
                    wrong.append(f"{service}: the scrape has {name} ({parsed.type}), the registry does not")
                    continue
                wrong += [f"{service}: {sample.name} has labels {sorted(sample.labels)}"
                          for sample in parsed.samples if set(sample.labels) - {"le"} != family.labels]
            wrong += [f"{service}: {name} is in the registry but not in the scrape"
                      for name in set(scrape.families) - seen]
        assert not wrong, "\n".join(wrong)

    def test_entries_are_well_formed(self, catalogue: dict[str, Entry]) -> None:
        assert catalogue, "docs/metrics.md has no table with the columns name | type | labels | service | meaning"
        for name, entry in catalogue.items():
            assert entry.family.type in TYPES, name
            assert entry.services and entry.services <= set(SERVICES), f"{name}: {sorted(entry.services)}"


def _base_of_created(name: str, families: dict[str, Family]) -> bool:
    base = name.removesuffix("_created")
    return f"{base}_total" in families or families.get(base, Family("", "", frozenset())).type == "histogram"


def naming_problems(family: Family) -> list[str]:
    name, parts = family.name, set(family.name.split("_"))
    unit = name.removesuffix("_total")  # a counter of seconds is `…_seconds_total`
    checks = [
        (bool(NAME.match(name)), "is not hoso_… or http_… in lower snake case"),
        (name.endswith("_total") == (family.type == "counter"), "ends in _total if and only if it is a counter"),
        (not unit.endswith(RESERVED_SUFFIXES), "ends in a suffix a scrape derives"),
        (family.type != "histogram" or unit.endswith(("_seconds", "_bytes")),
         "is a histogram of neither durations (_seconds) nor sizes (_bytes)"),
        (not parts & TIME_WORDS or unit.endswith("_seconds"), "measures time but not in _seconds"),
        (not parts & SIZE_WORDS or unit.endswith("_bytes"), "measures a size but not in _bytes"),
        ("ratio" not in parts or (name.endswith("_ratio") and family.type == "gauge"),
         "is a ratio but not a _ratio gauge"),
        (not parts & NON_BASE_UNITS, "uses a unit other than seconds or bytes"),
    ]
    return [f"{name} {why}" for ok, why in checks if not ok]


class TestConventions:
    async def test_names_follow_prometheus_conventions(self, scrapes: dict[str, Scrape]) -> None:
        families = {family for scrape in scrapes.values() for family in scrape.families.values()}
        problems = [problem for family in sorted(families, key=lambda f: f.name) for problem in naming_problems(family)]
        assert not problems, "\n".join(problems)

    async def test_labels_are_bounded(self, scrapes: dict[str, Scrape]) -> None:
        unknown = {f"{name}{{{label}}}" for scrape in scrapes.values() for name, family in scrape.families.items()
                   for label in family.labels if label not in BOUNDED_LABELS}
        assert not unknown, f"labels not known to be bounded (add to BOUNDED_LABELS with why): {sorted(unknown)}"

    def test_the_rules_catch_what_they_should(self) -> None:
        """The checks themselves: each of these names breaks exactly the rule it is named for."""
        bad = [Family("hoso_gateway_deliveries", "counter", frozenset()),
               Family("hoso_gateway_delivery_ms", "histogram", frozenset()),
               Family("hoso_approval_oldest_age", "gauge", frozenset()),
               Family("hoso_gateway_packet_size", "histogram", frozenset()),
               Family("hoso_quality_pass_ratio_total", "counter", frozenset()),
               Family("hoso_gateway_backlog_count", "gauge", frozenset())]
        assert all(naming_problems(family) for family in bad)
        assert not naming_problems(Family("hoso_gateway_delivery_seconds", "histogram", frozenset()))

    async def test_unknown_http_methods_share_one_series(self, client_for: Callable[..., Any]) -> None:
        client = await client_for("ndxp-sim")
        for method in ("BREW", "PROPFIND", "X-SCAN-1"):
            await client.request(method, "/healthz")
        text = (await client.get("/metrics")).text
        methods = {sample.labels["method"] for family in text_string_to_metric_families(text)
                   if family.name == "http_requests" for sample in family.samples}
        assert methods == {"OTHER"}
