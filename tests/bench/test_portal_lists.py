"""The portal list benchmark's pure parts (bench/portal_lists.py, bench/portal_lists_pages.py): its percentiles, its
table of each page beside its API call against the 300 ms goal, the pages' "next" links and the API's cursors, and
the document it writes. The benchmark itself (`make bench`) prints figures and asserts nothing; it is not run here."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bench.portal_lists import Config, Timing, control_of, finish, percentile, rows_of, table
from bench.portal_lists_pages import PAGES, api_next, portal_next


def test_percentiles_are_nearest_rank() -> None:
    values = [float(x) for x in range(1, 21)]
    assert (percentile(values, 0.5), percentile(values, 0.95)) == (10.0, 19.0)
    assert percentile([7.0], 0.95) == 7.0
    assert math.isnan(percentile([], 0.5))


def _timings() -> list[Timing]:
    return [Timing("people", "first", "portal", "/nhan-su", [200] * 4, [100.0, 120.0, 110.0, 400.0]),
            Timing("people", "first", "api", "/api/v1/profiles?limit=50", [200] * 4, [20.0, 30.0, 25.0, 35.0], 50),
            Timing("people", "later", "portal", "/nhan-su?cursor=x", [200] * 2, [90.0, 95.0]),
            Timing("windows", "first", "portal", "/lich/cua-so", [403, 403], [3.0, 3.0]),
            Timing("windows", "first", "api", "/api/v1/approval-windows", [403, 403], [1.0, 1.0])]


def test_each_page_is_set_beside_its_api_call_and_judged_on_its_p95() -> None:
    rows = rows_of(_timings(), {"people": "paged (next link followed)", "windows": "control shown"})
    assert [(r.page, r.which) for r in rows] == [("people", "first"), ("people", "later"), ("windows", "first")]
    first, later, refused = rows
    assert (first.portal_p50, first.portal_p95, first.api_p50, first.own_p50) == (110.0, 400.0, 25.0, 85.0)
    assert (first.met, first.listed, first.statuses) == (False, 50, "portal:200/api:200")
    assert later.met is True and math.isnan(later.api_p50)  # the API had no later page: no figure, not a zero
    assert refused.met is None and refused.statuses == "portal:403/api:403"  # no answer, no verdict
    printed = table(rows)
    assert "p95 ≤ 300 ms" in printed and " NO " in printed and "paged (next link followed)" in printed


def test_pages_say_whether_they_paginate() -> None:
    whole = next(p for p in PAGES if p.name == "quality")
    paged = next(p for p in PAGES if p.name == "people")
    nav = '<nav><ul class="pages"><li><a href="/nhan-su?cursor=a&amp;trang=2">Trang sau</a></li></ul></nav>'
    assert portal_next(nav) == "/nhan-su?cursor=a&trang=2"
    assert control_of(paged, nav, "/nhan-su?cursor=a&trang=2") == "paged (next link followed)"
    assert control_of(paged, "<table></table>", None) == "paginated, one page only here"
    assert control_of(whole, "<table></table>", None).startswith("NOT paginated")


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/api/v1/profiles?limit=50", {"items": [], "next_cursor": "abc"}, "/api/v1/profiles?limit=50&cursor=abc"),
    ("/api/v1/profiles?limit=50&cursor=old", {"next_cursor": "new"}, "/api/v1/profiles?limit=50&cursor=new"),
    ("/api/v1/reports/progress/page.json", {"items": [], "next_cursor": None}, None),
    ("/api/v1/org-units/x/people", [], None),
])
def test_the_api_s_later_page_follows_its_cursor(path: str, body: object, expected: str | None) -> None:
    assert api_next(path, body) == expected


def test_the_document_is_written_under_the_benchmark_s_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bench.report.RESULTS", tmp_path)
    started = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    path = finish(Config(people=10000, repeats=4, warmup=0, fill_inbox=False), _timings(),
                  {"people": "paged (next link followed)", "quality": "NOT paginated: whole"}, started,
                  database="embedded", people=10000, load_s=30.0)
    assert path.name == "20261205T080000Z-portal-lists.json"
    document = json.loads(path.read_text())
    assert document["config"]["goal_ms"] == 300.0 and document["not_paginated"] == ["quality"]
    assert [r["met"] for r in document["rows"]] == [False, True, None]
