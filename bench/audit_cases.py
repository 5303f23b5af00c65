"""bench.audit's pure parts: the generated audit log (one INSERT … SELECT over generate_series), the pages timed
(who asks, with which filters), their percentiles and the table. No I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

# The log spans DAYS days ending at END; entries are spread evenly over it, in insertion order.
END = datetime.fromisoformat("2026-12-01T00:00:00+00:00")
DAYS = 90
GOAL_MS = 200.0

# One INSERT … SELECT: entry g's action by g % 20 (12 of 20 sensitive reads, 3 applied changes, 2 creations, an
# account change, an export, a unit rename), its subject an existing record, account or unit picked by g, its actor
# one of the accounts (a few busier than the rest: the g % 7 = 0 entries go to the first eight).
LOAD = """
WITH p AS (SELECT array_agg(id::text ORDER BY id) AS ids FROM profiles),
     a AS (SELECT array_agg(username || ':' || id::text ORDER BY username) AS actors,
                  array_agg(id::text ORDER BY username) AS ids FROM accounts WHERE kind <> 'client'),
     u AS (SELECT array_agg(id::text ORDER BY path) AS ids FROM org_units)
INSERT INTO audit_log (at, actor, action, entity, entity_id, fields, before_digest, after_digest)
SELECT $1::timestamptz - make_interval(secs => ($2::int - g) * $3::float8),
       CASE WHEN g % 7 = 0 THEN a.actors[1 + g % least(8, cardinality(a.actors))]
            ELSE a.actors[1 + (g * 31) % cardinality(a.actors)] END,
       (ARRAY['read_sensitive', 'read_sensitive', 'read_sensitive', 'read_sensitive', 'read_sensitive',
              'read_sensitive', 'read_sensitive', 'read_sensitive', 'read_sensitive', 'read_sensitive',
              'read_sensitive', 'read_sensitive', 'apply_change_request', 'apply_change_request',
              'apply_change_request', 'create', 'create', 'account.roles', 'export.syll.pdf',
              'org_unit.rename'])[1 + g % 20],
       CASE g % 20 WHEN 17 THEN 'account' WHEN 19 THEN 'org_unit' ELSE 'profile' END,
       CASE g % 20 WHEN 17 THEN a.ids[1 + (g * 13) % cardinality(a.ids)]
                   WHEN 19 THEN u.ids[1 + (g * 13) % cardinality(u.ids)]
                   ELSE p.ids[1 + (g * 7919) % cardinality(p.ids)] END,
       CASE WHEN g % 20 < 12 THEN '["citizen_id", "family"]'::jsonb ELSE '["phone"]'::jsonb END,
       CASE WHEN g % 20 BETWEEN 12 AND 14 THEN md5(g::text) || md5((g + 1)::text) END,
       CASE WHEN g % 20 >= 12 THEN md5((g + 2)::text) || md5((g + 3)::text) END
FROM generate_series(1, $2::int) AS g, p, a, u
"""


def load_args(entries: int) -> tuple[datetime, int, float]:
    """The LOAD parameters: the last entry's time, how many, seconds between two."""
    return END, entries, DAYS * 86400 / entries


def week_before(end: datetime = END - timedelta(days=DAYS // 2)) -> tuple[datetime, datetime]:
    """A week in the middle of the log: the "action in a time range" pages."""
    return end - timedelta(days=7), end


@dataclass(frozen=True)
class Case:
    name: str
    auditor: str  # root | busy (the grown agency: most entries) | quiet (a small agency: few entries)
    params: tuple[tuple[str, str], ...]  # the filters and the page size, as query parameters

    def path(self, cursor: str | None = None) -> str:
        params = list(self.params) + ([("cursor", cursor)] if cursor else [])
        return "/api/v1/audit?" + urlencode(params)


def cases(profile_id: str, actor: str, limit: int = 50) -> list[Case]:
    since, until = (t.isoformat() for t in week_before())
    page = (("limit", str(limit)),)
    ranged = (("action", "read_sensitive"), ("since", since), ("until", until))
    return [
        Case("no filter", "root", page),
        Case("no filter, 500 a page", "root", (("limit", "500"),)),
        Case("by person", "root", (("profile_id", profile_id), *page)),
        Case("by actor", "root", (("actor", actor), *page)),
        Case("action + week", "root", (*ranged, *page)),
        Case("no filter", "busy", page),
        Case("action + week", "busy", (*ranged, *page)),
        Case("no filter", "quiet", page),
        Case("action + week", "quiet", (*ranged, *page)),
    ]


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of them at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Row:
    case: str
    auditor: str
    pages: int
    items: int  # rows over all pages of one pass
    api_p50: float
    api_p95: float
    sql_p50: float
    sql_p95: float

    @property
    def met(self) -> bool:
        return self.api_p95 < GOAL_MS


def row(case: Case, api_ms: list[float], sql_ms: list[float], pages: int, items: int) -> Row:
    return Row(case.name, case.auditor, pages, items, percentile(api_ms, 0.5), percentile(api_ms, 0.95),
               percentile(sql_ms, 0.5), percentile(sql_ms, 0.95))


def table(rows: list[Row]) -> str:
    head = ["auditor", "filter", "pages", "rows", "api p50", "api p95", "sql p50", "sql p95", f"p95 < {GOAL_MS:.0f}"]
    body = [[r.auditor, r.case, str(r.pages), str(r.items), f"{r.api_p50:.1f}", f"{r.api_p95:.1f}",
             f"{r.sql_p50:.1f}", f"{r.sql_p95:.1f}", "yes" if r.met else "NO"] for r in rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in [head, *body])
