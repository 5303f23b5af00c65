"""The Prometheus alert rules (deploy/prometheus/rules/hoso.yml) and the scrape config.

Pure Python: every alert has a summary, a one-line runbook and a severity; every metric it reads is one
the services define; every alert is unit-tested both firing and silent. With promtool (`make tools`
unpacks it from Debian's `prometheus` package into .data/bin): `promtool check rules`, `check config`
and `test rules` on the unit tests in deploy/prometheus/tests/. Without promtool those three skip and
say how to get it."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.catalogue import JOB_COLUMNS, read_catalogue

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS / "rules" / "hoso.yml"
CONFIG = PROMETHEUS / "prometheus.yml"
UNIT_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
SOURCES = [ROOT / "shared" / "src", *sorted((ROOT / "services").glob("*/src"))]

# Series Prometheus makes itself, not the services.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "ALERTS", "ALERTS_FOR_STATE"}
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                   "unless", "offset", "inf", "nan"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
SEVERITIES = {"critical", "warning"}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def alerting_rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(RULES)["groups"] for rule in group["rules"] if "alert" in rule]


def metric_names(expr: str) -> set[str]:
    """The series names a PromQL expression reads: identifiers that are not functions, keywords, label
    names (in `{…}` or `by (…)`), durations or strings."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)  # label lists
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        name, rest = match.group(), text[match.end():]
        if rest.lstrip().startswith("(") or name.lower() in PROMQL_KEYWORDS:
            continue  # a function or an aggregation
        if re.fullmatch(r"\d+[smhdwy]", name) or text[max(match.start() - 1, 0)].isdigit():
            continue  # a duration (`offset 1d`) or an exponent
        names.add(name)
    return names


@cache
def defined_metric_names() -> frozenset[str]:
    """Every string literal passed as a metric name to Counter/Gauge/Histogram/Summary in our code, and the
    backup job's textfile gauges as docs/metrics.md lists them."""
    found: set[str] = set()
    pattern = re.compile(r"\b(?:Counter|Gauge|Histogram|Summary)\(\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"", re.S)
    for src in SOURCES:
        for path in src.rglob("*.py"):
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return frozenset(found | set(read_catalogue(columns=JOB_COLUMNS)))


def base_name(series: str) -> str:
    defined = defined_metric_names()
    if series in defined:
        return series
    for suffix in HISTOGRAM_SUFFIXES:
        if series.endswith(suffix) and series.removesuffix(suffix) in defined:
            return series.removesuffix(suffix)
    return series


class TestRuleFile:
    def test_names_are_unique_and_there_is_one_alert_per_concern(self) -> None:
        names = [rule["alert"] for rule in alerting_rules()]
        assert len(names) == len(set(names)), names
        assert len(names) >= 9

    @pytest.mark.parametrize("rule", alerting_rules(), ids=lambda r: r["alert"])
    def test_every_alert_has_a_summary_a_one_line_runbook_and_a_severity(self, rule: dict[str, Any]) -> None:
        annotations = rule.get("annotations", {})
        assert annotations.get("summary", "").strip(), f"{rule['alert']}: no summary"
        runbook = annotations.get("runbook", "").strip()
        assert runbook, f"{rule['alert']}: no runbook"
        assert "\n" not in runbook, f"{rule['alert']}: the runbook must be one line"
        assert rule.get("labels", {}).get("severity") in SEVERITIES, f"{rule['alert']}: severity"

    @pytest.mark.parametrize("rule", alerting_rules(), ids=lambda r: r["alert"])
    def test_every_metric_an_alert_reads_is_defined_by_the_services(self, rule: dict[str, Any]) -> None:
        names = metric_names(rule["expr"])
        assert names, f"{rule['alert']}: reads no metric?"
        unknown = sorted(n for n in names - PROMETHEUS_SERIES if base_name(n) not in defined_metric_names())
        assert not unknown, f"{rule['alert']} reads metrics no service defines: {unknown}"

    def test_the_metric_scanner_sees_through_promql(self) -> None:
        expr = ('histogram_quantile(0.95, sum by (le) (rate(a_seconds_bucket{job="x"}[30m]))) > 1800 '
                'and on () max(b_total offset 1d) > 1e3 or day_of_month(vector(time() + 7 * 3600)) < 2')
        assert metric_names(expr) == {"a_seconds_bucket", "b_total"}

    def test_every_alert_is_unit_tested_firing_and_silent(self) -> None:
        fired: set[str] = set()
        silent: set[str] = set()
        for path in UNIT_TESTS:
            unit = load_yaml(path)
            assert unit["rule_files"] == ["../rules/hoso.yml"], path.name
            for case in unit["tests"]:
                for check in case.get("alert_rule_test", []):
                    (fired if check.get("exp_alerts") else silent).add(check["alertname"])
        alerts = {rule["alert"] for rule in alerting_rules()}
        assert alerts - fired == set(), "never seen firing"
        assert alerts - silent == set(), "never seen silent"
        assert (fired | silent) - alerts == set(), "tests of alerts that no longer exist"


class TestBackupAlerts:
    """Điều 11 khoản 1: backups monthly, kept three months; Điều 19 khoản 8 and Điều 20 khoản 3: checked
    periodically. A month without a good backup or drill is an alert, and so is the job going silent."""

    def test_the_job_s_gauges_are_catalogued_and_written_by_the_backup_tool(self) -> None:
        job = read_catalogue(columns=JOB_COLUMNS)
        assert set(job) == {"hoso_backup_last_success_timestamp_seconds", "hoso_backup_size_bytes",
                            "hoso_restore_drill_last_success_timestamp_seconds"}
        assert all(entry.family.type == "gauge" and entry.services == {"backup"} for entry in job.values())
        tool = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tools" / "backup" / "src").rglob("*.py"))
        assert not [name for name in job if name not in tool], "the backup tool must write every catalogued gauge"

    @pytest.mark.parametrize(("alert", "metric"), [("HosoBackupStale", "hoso_backup_last_success_timestamp_seconds"),
                                                   ("HosoRestoreDrillStale",
                                                    "hoso_restore_drill_last_success_timestamp_seconds")])
    def test_stale_past_35_days_or_absent_for_a_day(self, alert: str, metric: str) -> None:
        (rule,) = [r for r in alerting_rules() if r["alert"] == alert]
        expr = " ".join(rule["expr"].split())
        assert f"time() - max({metric}) > 35 * 86400" in expr
        assert f"absent_over_time({metric}[1d])" in expr
        assert "docs/operations.md#backup-and-restore" in rule["annotations"]["runbook"]

    def test_the_backup_job_is_scraped(self) -> None:
        (job,) = [job for job in load_yaml(CONFIG)["scrape_configs"] if job["job_name"] == "backup"]
        assert job["static_configs"] == [{"targets": ["backup:9105"]}]


class TestScrapeConfig:
    def test_jobs_the_alerts_name_are_scraped(self) -> None:
        jobs = {job["job_name"] for job in load_yaml(CONFIG)["scrape_configs"]}
        for rule in alerting_rules():
            for selector in re.findall(r'job=~?"([^"]+)"', rule["expr"]):
                assert set(selector.split("|")) <= jobs, rule["alert"]

    def test_scrapes_every_service_on_its_port_and_loads_the_rules(self) -> None:
        config = load_yaml(CONFIG)
        targets = {job["job_name"]: target for job in config["scrape_configs"]
                   for static in job.get("static_configs", []) for target in static["targets"]}
        assert targets["profile-api"] == "profile-api:8001"
        assert targets["approval-api"] == "approval-api:8002"
        assert targets["sync-gateway"] == "sync-gateway:8003"
        assert targets["ndxp-sim"] == "ndxp-sim:8009"
        (worker,) = [job for job in config["scrape_configs"] if job["job_name"] == "sync-gateway-worker"]
        assert worker["dns_sd_configs"] == [{"names": ["sync-gateway-worker"], "type": "A", "port": 9103}]
        assert any((PROMETHEUS / pattern).parent == RULES.parent and RULES.match(pattern)
                   for pattern in config["rule_files"])


# --- promtool ----------------------------------------------------------------------------------------

def promtool() -> str:
    local = ROOT / ".data" / "bin" / "promtool"
    found = str(local) if local.is_file() else shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed: run `make tools` (it unpacks promtool from Debian's "
                    "`prometheus` package into .data/bin with apt-get download + dpkg-deb), or put promtool on "
                    "PATH; without it the rules are checked only by the pure-Python tests")
    return found


def run_promtool(*args: str) -> str:
    result = subprocess.run([promtool(), *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output


class TestPromtool:
    def test_rules_are_valid(self) -> None:
        output = run_promtool("check", "rules", str(RULES.relative_to(ROOT)))
        rules = sum(len(group["rules"]) for group in load_yaml(RULES)["groups"])
        assert f"SUCCESS: {rules} rules found" in output

    def test_config_is_valid(self) -> None:
        run_promtool("check", "config", str(CONFIG.relative_to(ROOT)))

    def test_unit_tests_pass(self) -> None:
        assert UNIT_TESTS, "no unit tests in deploy/prometheus/tests"
        output = run_promtool("test", "rules", *(str(p.relative_to(ROOT)) for p in UNIT_TESTS))
        assert "FAILED" not in output
