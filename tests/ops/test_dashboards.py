"""The Grafana dashboards and their provisioning: well-formed dashboard JSON, every metric an
expression names is in docs/metrics.md, every catalogued metric is charted somewhere (or listed in
NOT_CHARTED with why), and, where promtool is at hand (`make tools`), every expression parses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.catalogue import JOB_COLUMNS, ROOT, Entry, read_catalogue

DASHBOARDS = ROOT / "deploy" / "grafana" / "dashboards"
PROVISIONING = ROOT / "deploy" / "grafana" / "provisioning"
EXPECTED = {"service-red.json", "sync-pipeline.json", "data-quality.json", "approvals.json", "backups.json"}
PANEL_TYPES = {"timeseries", "stat", "table", "bargauge", "row"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
METRIC = re.compile(r"\b(?:hoso|http)_[a-z0-9_]+")
VARIABLE = re.compile(r"\$(?:\{(\w+)(?::\w+)?\}|(\w+))")
BUILTIN_VARIABLES = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s"}
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")
# Catalogued metrics no dashboard shows, each with the reason. Empty: everything is charted.
NOT_CHARTED: dict[str, str] = {}
PATHS = sorted(DASHBOARDS.glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    board: dict[str, Any] = json.loads(path.read_text())
    return board


def panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Top-level panels and those folded into collapsed rows."""
    for panel in board.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def expressions(board: dict[str, Any]) -> list[str]:
    """Every PromQL of the panels, and the template variables' `label_values(…)` queries."""
    exprs = [target.get("expr", "") for panel in panels(board) for target in panel.get("targets", [])]
    queries = [var.get("definition", "") for var in board.get("templating", {}).get("list", [])
               if var.get("type") == "query"]
    return exprs + queries


def metric_names(expr: str, catalogue: dict[str, Entry]) -> set[str]:
    """The catalogue names an expression uses: a histogram's _bucket/_sum/_count map to the histogram."""
    names = set()
    for name in METRIC.findall(expr):
        for suffix in HISTOGRAM_SERIES:
            base = name.removesuffix(suffix)
            if base != name and base in catalogue and catalogue[base].family.type == "histogram":
                name = base
        names.add(name)
    return names


def variables(board: dict[str, Any]) -> set[str]:
    return {var["name"] for var in board.get("templating", {}).get("list", [])}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Entry]:
    """The services' metrics and the backup job's (a textfile, docs/metrics.md "hoso-backup")."""
    return {**read_catalogue(), **read_catalogue(columns=JOB_COLUMNS)}


def test_the_five_dashboards_are_there() -> None:
    assert {path.name for path in PATHS} >= EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
class TestDashboard:
    def test_has_the_required_fields(self, path: Path) -> None:
        board = load(path)
        assert isinstance(board.get("uid"), str) and 0 < len(board["uid"]) <= 40
        assert board.get("title") and isinstance(board.get("schemaVersion"), int) and board["schemaVersion"] >= 36
        datasource = next(var for var in board["templating"]["list"] if var["name"] == "datasource")
        assert datasource["type"] == "datasource" and datasource["query"] == "prometheus"
        assert board["panels"]

    def test_panels_are_well_formed(self, path: Path) -> None:
        board = load(path)
        ids = [panel["id"] for panel in panels(board)]
        assert len(ids) == len(set(ids)), f"duplicate panel ids: {sorted(ids)}"
        for panel in panels(board):
            where = f"panel {panel['id']} ({panel.get('title')})"
            assert panel["type"] in PANEL_TYPES, where
            assert panel.get("title"), where
            pos = panel["gridPos"]
            assert all(isinstance(pos[key], int) for key in "hwxy") and pos["x"] + pos["w"] <= 24, where
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == DATASOURCE, where
            assert panel["targets"], where
            refs = [target["refId"] for target in panel["targets"]]
            assert len(refs) == len(set(refs)), where
            for target in panel["targets"]:
                assert target["expr"].strip() and target["datasource"] == DATASOURCE, where

    def test_uses_only_defined_variables(self, path: Path) -> None:
        board = load(path)
        defined = variables(board) | BUILTIN_VARIABLES
        texts = [*expressions(board), *(panel.get("title", "") for panel in panels(board))]
        used = {a or b for text in texts for a, b in VARIABLE.findall(text)}
        used |= {panel["repeat"] for panel in panels(board) if panel.get("repeat")}
        assert used <= defined, f"undefined variables: {sorted(used - defined)}"


def test_uids_and_titles_are_unique() -> None:
    boards = [load(path) for path in PATHS]
    assert len({board["uid"] for board in boards}) == len(boards)
    assert len({board["title"] for board in boards}) == len(boards)


def test_every_charted_metric_is_catalogued(catalogue: dict[str, Entry]) -> None:
    unknown = {f"{path.name}: {name}" for path in PATHS for expr in expressions(load(path))
               for name in metric_names(expr, catalogue) if name not in catalogue}
    assert not unknown, f"metrics not in docs/metrics.md: {sorted(unknown)}"


def test_every_catalogued_metric_is_charted(catalogue: dict[str, Entry]) -> None:
    charted = {name for path in PATHS for expr in expressions(load(path)) for name in metric_names(expr, catalogue)}
    assert not set(NOT_CHARTED) & charted, "NOT_CHARTED lists a metric a dashboard shows"
    uncharted = set(catalogue) - charted - set(NOT_CHARTED)
    assert not uncharted, f"on no dashboard (chart it, or add it to NOT_CHARTED with why): {sorted(uncharted)}"


def promtool() -> str | None:
    local = ROOT / ".data" / "bin" / "promtool"
    return shutil.which("promtool") or (str(local) if local.exists() else None)


def test_every_expression_parses(tmp_path: Path) -> None:
    """promtool parses PromQL only inside rules, so each panel expression becomes a recording rule, with
    Grafana's variables replaced by values of the right shape."""
    tool = promtool()
    if tool is None:
        pytest.skip("promtool not found (make tools): PromQL not parsed")
    rules = []
    for path in PATHS:
        for panel in panels(load(path)):
            for target in panel.get("targets", []):
                expr = re.sub(r"\$\{?__\w+\}?", "5m", target["expr"])  # the interval variables
                expr = VARIABLE.sub(".*", expr)  # a label value (always inside a =~ or = matcher)
                rules.append({"record": f"dashboard:{path.stem.replace('-', '_')}:{panel['id']}_{target['refId']}",
                              "expr": expr})
    file = tmp_path / "dashboards.yml"
    file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    checked = subprocess.run([tool, "check", "rules", str(file)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


class TestProvisioning:
    def test_the_datasource_is_the_compose_prometheus(self) -> None:
        config = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yaml").read_text())
        (source,) = config["datasources"]
        assert config["apiVersion"] == 1
        assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090" and source["isDefault"]

    def test_the_dashboards_are_provisioned_from_files(self) -> None:
        config = yaml.safe_load((PROVISIONING / "dashboards" / "hoso.yaml").read_text())
        (provider,) = config["providers"]
        assert config["apiVersion"] == 1
        assert provider["type"] == "file" and provider["options"]["path"].startswith("/")

    def test_compose_mounts_them_where_grafana_looks(self) -> None:
        """The provider's path and the compose mount are written in two files; a mismatch is an empty folder."""
        compose = ROOT / "deploy" / "compose.yaml"
        grafana = yaml.safe_load(compose.read_text())["services"].get("grafana") if compose.exists() else None
        if grafana is None:
            pytest.skip("no grafana service in deploy/compose.yaml")
        mounts = dict(volume.split(":")[:2] for volume in grafana["volumes"] if isinstance(volume, str))
        (provider,) = yaml.safe_load((PROVISIONING / "dashboards" / "hoso.yaml").read_text())["providers"]
        assert mounts.get("./grafana/dashboards") == provider["options"]["path"]
        assert mounts.get("./grafana/provisioning") == "/etc/grafana/provisioning"
