"""The audit benchmark's pure parts (bench/audit_cases.py): the generated log's parameters, the pages it times (who
asks, which filters, the cursor carried), the percentiles and the table against the 200 ms goal. The benchmark
itself (`python -m bench.audit`, in `make bench`) prints figures and asserts nothing; it is not run here."""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from bench.audit_cases import DAYS, END, GOAL_MS, cases, load_args, percentile, row, table, week_before


def test_the_log_spans_its_days_evenly() -> None:
    end, entries, step = load_args(100_000)
    assert (end, entries) == (END, 100_000)
    assert math.isclose(step * entries, DAYS * 86400)
    since, until = week_before()
    assert until - since == timedelta(days=7) and END - timedelta(days=DAYS) < since < until < END


def test_the_cases_cover_the_issues_filters_for_each_auditor() -> None:
    found = cases("p-1", "admin:1")
    assert {(c.auditor, c.name) for c in found} >= {("root", "no filter"), ("root", "by person"), ("root", "by actor"),
                                                    ("root", "action + week"), ("quiet", "no filter")}
    person = next(c for c in found if c.name == "by person")
    query = parse_qs(urlsplit(person.path("abc")).query)
    assert query == {"profile_id": ["p-1"], "limit": ["50"], "cursor": ["abc"]}
    ranged = parse_qs(urlsplit(next(c for c in found if c.name == "action + week").path()).query)
    assert ranged["action"] == ["read_sensitive"] and "since" in ranged and "until" in ranged
    assert all(int(parse_qs(urlsplit(c.path()).query)["limit"][0]) <= 500 for c in found)


def test_percentiles_and_the_goal() -> None:
    values = [float(x) for x in range(1, 21)]
    assert (percentile(values, 0.5), percentile(values, 0.95)) == (10.0, 19.0)
    assert math.isnan(percentile([], 0.5))
    case = cases("p", "a")[0]
    fast, slow = row(case, [10.0, 20.0], [1.0, 2.0], 2, 100), row(case, [150.0, GOAL_MS], [1.0], 1, 50)
    assert fast.met and not slow.met  # the goal is p95 under 200 ms
    printed = table([fast, slow]).splitlines()
    assert printed[0].split()[:2] == ["auditor", "filter"] and printed[1].rstrip().endswith("yes")
    assert printed[2].rstrip().endswith("NO")
