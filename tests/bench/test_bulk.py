"""The bulk benchmark's pure parts (bench/bulk.py): its command line, and its table written beside the scale
benchmark's under its own name. The benchmark itself (`make bench-bulk`) prints figures and asserts nothing; it is
not run here."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bench.bulk import Config
from bench.scale.report import Figure, write


def test_the_command_line() -> None:
    assert Config.parse([]) == Config(rows=20000, timeout_s=900.0, profile=False)
    assert Config.parse(["--rows", "100000", "--profile"]) == Config(rows=100000, timeout_s=900.0, profile=True)
    with pytest.raises(SystemExit):
        Config.parse(["--rows", "10"])


def test_the_table_is_written_under_the_benchmark_s_name(tmp_path: Path) -> None:
    started = datetime(2026, 12, 5, 6, 30, tzinfo=UTC)
    figures = [Figure("bulk export, csv", 2.0, "s", baseline=1.0, baseline_what="COPY out", goal="≤ 2×")]
    json_path, md_path = write(figures, {"rows": 20000}, started, ["a note"], results=tmp_path, kind="bulk")
    assert (json_path.name, md_path.name) == ("20261205T063000Z-bulk.json", "20261205T063000Z-bulk.md")
    assert json.loads(json_path.read_text())["figures"][0]["ratio"] == 2.0
    assert md_path.read_text().startswith("# Bulk benchmark, 2026-12-05T06:30:00+00:00")
