"""Điều 11 khoản 1: backups are kept at least three months. Every place that sets how long a backup lives
is read here, so none can drop below it unnoticed: the dump jobs' keep-months (compose and the Kubernetes
CronJob, and the schedule's default), the backup tool's floor, and CloudNativePG's retentionPolicy in every
rendering of deploy/k8s."""

from __future__ import annotations

import re

import pytest

from hoso_backup.retention import MIN_MONTHS
from hoso_backup.schedule import config_from_env
from tests.ops.kustomize import KUSTOMIZATIONS, containers, docs_of, load_docs
from tests.ops.test_compose import compose_default, compose_services

THREE_MONTHS_DAYS = 90
UNIT_DAYS = {"d": 1, "w": 7, "m": 30}  # CNPG's retentionPolicy units: days, weeks, months


def retention_days(policy: str) -> int:
    """CloudNativePG's `retentionPolicy` (`^[1-9][0-9]*[dwm]$`) in days."""
    match = re.fullmatch(r"([1-9][0-9]*)([dwm])", policy)
    assert match, f"not a retentionPolicy: {policy!r}"
    return int(match.group(1)) * UNIT_DAYS[match.group(2)]


def keep_months(env: dict[str, str]) -> int:
    return config_from_env(env).keep_months  # the schedule's reading, default included


def test_the_backup_tool_refuses_fewer_than_three_months() -> None:
    assert MIN_MONTHS >= 3
    assert keep_months({}) >= 3


def test_compose_keeps_dumps_three_months() -> None:
    env = {key: compose_default(value) for key, value in compose_services()["backup"]["environment"].items()}
    assert keep_months(env) >= 3


@pytest.mark.parametrize("which", KUSTOMIZATIONS)
def test_kubernetes_keeps_every_backup_three_months(which: str) -> None:
    (cluster,) = docs_of(which, "Cluster").values()
    assert retention_days(cluster["spec"]["backup"]["retentionPolicy"]) >= THREE_MONTHS_DAYS
    assert docs_of(which, "ScheduledBackup"), "the physical backups run on a schedule"
    dumps = [c for job in docs_of(which, "CronJob").values() for c in containers(job) if "dump" in c["command"]]
    assert dumps, "a CronJob dumps"
    for container in dumps:
        env = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
        assert keep_months(env) >= 3, container["name"]


def test_the_production_overlay_states_the_window_itself() -> None:
    """A shorter window put in base for a staging cluster must not reach production."""
    (patch,) = [d for d in load_docs(KUSTOMIZATIONS["production"] / "patches" / "database.yaml")
                if d["kind"] == "Cluster"]
    assert retention_days(patch["spec"]["backup"]["retentionPolicy"]) >= THREE_MONTHS_DAYS


@pytest.mark.parametrize(("policy", "days"), [("30d", 30), ("12w", 84), ("3m", 90), ("100d", 100)])
def test_the_check_reads_every_unit(policy: str, days: int) -> None:
    """The checks above are not blind: today's 30 days, and twelve weeks, are under three months."""
    assert retention_days(policy) == days
    assert (days >= THREE_MONTHS_DAYS) == (policy in {"3m", "100d"})
