"""Sums over the stored verdicts (`profile_findings`): a subtree's scorecard and every unit's daily snapshot are
SQL over one row per kept record, never a decrypt-and-judge pass. Counted as `scoring.Tally` counts: a kept
record is one that is not archived and has an approved version (a pending new record is not in the database
yet: hanoi-2024 Điều 7)."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.validation import Criterion

CRITERIA = {Criterion.DUNG: "passing_dung", Criterion.DU: "passing_du", Criterion.SACH: "passing_sach",
            Criterion.SONG: "passing_song"}

_KEPT = """FROM profiles p JOIN org_units u ON u.id = p.org_unit_id
           JOIN profile_findings f ON f.profile_id = p.id AND f.judged_on IS NOT NULL
           WHERE p.archived_at IS NULL AND p.version > 0 AND u.path LIKE :within || '%'"""


@dataclass
class Sums:
    """A set of records' verdicts, summed: what a scorecard or a snapshot row shows."""

    records: int = 0
    blocking: int = 0
    passing: Counter[Criterion] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)  # per rule code
    affected: Counter[str] = field(default_factory=Counter)  # records with a finding, per rule code

    def add(self, other: Sums) -> None:
        self.records += other.records
        self.blocking += other.blocking
        self.passing.update(other.passing)
        self.findings.update(other.findings)
        self.affected.update(other.affected)

    def rule_counts(self) -> dict[str, dict[str, int]]:
        return {code: {"records": self.affected[code], "findings": self.findings[code]}
                for code in sorted(self.findings)}


_TOTALS = ", ".join(["count(*) AS records", "count(*) FILTER (WHERE f.blocking) AS blocking",
                     *(f"count(*) FILTER (WHERE f.{column}) AS {column}" for column in CRITERIA.values())])


def _sums(row: Any) -> Sums:
    return Sums(records=row.records, blocking=row.blocking,
                passing=Counter({c: getattr(row, column) for c, column in CRITERIA.items()}))


async def subtree(session: AsyncSession, within: str) -> Sums:
    """The judged kept records under `within`, summed."""
    totals = (await session.execute(text(f"SELECT {_TOTALS} {_KEPT}"), {"within": within})).one()
    sums = _sums(totals)
    rules = await session.execute(text(f"""
        SELECT c.key AS code, count(*) AS records, sum(c.value::int) AS findings
        {_KEPT.replace("WHERE", "CROSS JOIN LATERAL jsonb_each_text(f.codes) c WHERE", 1)} GROUP BY c.key"""),
        {"within": within})
    for row in rules:
        sums.affected[row.code], sums.findings[row.code] = int(row.records), int(row.findings)
    return sums


_NAMED = "FROM w JOIN profiles p ON p.id = w.id"


@dataclass(frozen=True)
class Worst:
    profile_id: uuid.UUID
    full_name: str
    org_unit_code: str
    errors: int
    warnings: int
    codes: list[str]


async def worst(session: AsyncSession, within: str, size: int) -> list[Worst]:
    """The `size` records with the most errors, then warnings (ties: lowest id first), among those with any."""
    if size == 0:
        return []
    # The names of the `size` found only: the ranking itself reads no profile row (ix_profiles_kept_unit).
    ranked = f"SELECT p.id, u.code, f.errors, f.warnings, f.codes {_KEPT} AND f.errors + f.warnings > 0"
    rows = await session.execute(text(f"""
        WITH w AS ({ranked} ORDER BY f.errors DESC, f.warnings DESC, p.id LIMIT :size)
        SELECT w.id, p.full_name, w.code, w.errors, w.warnings, w.codes
        {_NAMED} ORDER BY w.errors DESC, w.warnings DESC, w.id"""), {"within": within, "size": size})
    return [Worst(r.id, r.full_name, r.code, r.errors, r.warnings, sorted(r.codes)) for r in rows]


async def per_unit(session: AsyncSession, within: str) -> dict[str, Sums]:
    """Each unit's own records (not its subtree's), summed, by unit path: one pass over the records; rolled up
    to every unit above by `roll_up`."""
    found: dict[str, Sums] = defaultdict(Sums)
    for row in await session.execute(text(f"SELECT u.path, {_TOTALS} {_KEPT} GROUP BY u.path"), {"within": within}):
        found[row.path] = _sums(row)
    rules = await session.execute(text(f"""
        SELECT u.path, c.key AS code, count(*) AS records, sum(c.value::int) AS findings
        {_KEPT.replace("WHERE", "CROSS JOIN LATERAL jsonb_each_text(f.codes) c WHERE", 1)} GROUP BY u.path, c.key"""),
        {"within": within})
    for row in rules:
        found[row.path].affected[row.code] = int(row.records)
        found[row.path].findings[row.code] = int(row.findings)
    return found


def roll_up(own: dict[str, Sums], units: Iterable[str]) -> dict[str, Sums]:
    """Each of `units` (paths) with the sums of every unit at or below it."""
    rolled = {path: Sums() for path in units}
    for path, sums in own.items():
        segments = path.strip("/").split("/")
        for depth in range(1, len(segments) + 1):
            above = "/" + "/".join(segments[:depth]) + "/"
            if above in rolled:
                rolled[above].add(sums)
    return rolled
