"""The golden set: records in tests/data/golden/*.jsonl, each with the context it is judged in and
exactly the rule codes it must produce. Together they cover every rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hoso_shared.validation import RULES, Context, judge

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
MIN_RECORDS = 200


def load() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(GOLDEN.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                cases.append({**json.loads(line), "where": f"{path.name}:{number}"})
    return cases


CASES = load()


@pytest.mark.parametrize("case", CASES, ids=[c["where"] + " " + c["name"] for c in CASES])
def test_record_gives_exactly_its_findings(case: dict[str, Any]) -> None:
    report = judge(case["record"], Context.from_json(case["context"]))
    assert report.codes() == set(case["expect"]), [f.message_en for f in report.findings]


def test_the_set_is_large_and_covers_every_rule() -> None:
    assert len(CASES) >= MIN_RECORDS
    expected = {code for case in CASES for code in case["expect"]}
    assert set(RULES) <= expected, f"rules no golden record exercises: {sorted(set(RULES) - expected)}"
