"""Stored verdicts (`profile_findings`): each record judged once, when something its verdict depends on changed
(PostgreSQL marks it stale: see the model), on a new day, or under another rule set or policy, and summed many
times. Judging claims stale records a page at a time, judges them off the event loop as `scoring` always did,
and writes each verdict only if the record was not touched meanwhile (compare-and-set on `stale_at`), never
waiting on a writer's lock (SKIP LOCKED), so a writer never deadlocks with it and no change is lost."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.validation import Criterion
from profile_api.quality import queries, scoring
from profile_api.quality.scoring import Basis, Verdict

PAGE = 500


@cache
def _rules_digest() -> str:
    """Every source file of the rule engine: a rule changed in any way makes every verdict outdated."""
    digest = hashlib.sha256()
    root = resources.files("hoso_shared.validation")
    for path in sorted(_sources(root), key=lambda p: p[0]):
        digest.update(path[0].encode() + b"\0" + path[1])
    return digest.hexdigest()


def _sources(folder: Any, prefix: str = "") -> list[tuple[str, bytes]]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found += _sources(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".py"):
            found.append((prefix + entry.name, entry.read_bytes()))
    return found


def basis_key(policy: DeadlinePolicy) -> str:
    """The rule set and the policy (its name and every deadline in it) a verdict was reached under."""
    return hashlib.sha256(f"{_rules_digest()}|{policy!r}".encode()).hexdigest()[:32]


async def mark_outdated(session: AsyncSession, *, day: date, basis: str, within: str | None = None) -> int:
    """Marks stale the kept records (under `within`) last judged as of another day or under another basis."""
    result = await session.execute(text("""
        UPDATE profile_findings f SET stale_at = clock_timestamp()
        FROM profiles p JOIN org_units u ON u.id = p.org_unit_id
        WHERE f.profile_id = p.id AND f.stale_at IS NULL AND p.archived_at IS NULL AND p.version > 0
          AND (f.judged_on IS DISTINCT FROM :day OR f.basis IS DISTINCT FROM :basis)
          AND u.path LIKE :within || '%'"""),
        {"day": day, "basis": basis, "within": within or "/"})
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    profile_id: uuid.UUID
    seen: datetime  # its stale_at when claimed: written back only if still so
    kept: bool  # archived or pending records are not judged, only cleared


async def claim(session: AsyncSession, *, since: datetime, within: str | None, limit: int) -> list[Claimed]:
    """The oldest stale records (under `within`) marked no later than `since`: a record touched again while this
    run goes on waits for the next, so a run ends."""
    rows = await session.execute(text("""
        SELECT f.profile_id, f.stale_at, (p.archived_at IS NULL AND p.version > 0) AS kept
        FROM profile_findings f JOIN profiles p ON p.id = f.profile_id JOIN org_units u ON u.id = p.org_unit_id
        WHERE f.stale_at IS NOT NULL AND f.stale_at <= :since AND u.path LIKE :within || '%'
        ORDER BY f.stale_at, f.profile_id LIMIT :limit"""), {"since": since, "within": within or "/", "limit": limit})
    return [Claimed(r.profile_id, r.stale_at, r.kept) for r in rows]


_WRITE = text("""
    UPDATE profile_findings f SET stale_at = NULL, judged_on = :day, basis = :basis, judged_at = clock_timestamp(),
        blocking = v.blocking, passing_dung = v.dung, passing_du = v.du, passing_sach = v.sach, passing_song = v.song,
        errors = v.errors, warnings = v.warnings, codes = v.codes::jsonb
    FROM unnest(CAST(:ids AS uuid[]), CAST(:seen AS timestamptz[]), CAST(:blocking AS boolean[]),
                CAST(:dung AS boolean[]), CAST(:du AS boolean[]), CAST(:sach AS boolean[]), CAST(:song AS boolean[]),
                CAST(:errors AS integer[]), CAST(:warnings AS integer[]), CAST(:codes AS text[]))
         AS v(id, seen, blocking, dung, du, sach, song, errors, warnings, codes)
    WHERE f.profile_id = v.id AND f.stale_at = v.seen
      AND f.profile_id IN (SELECT profile_id FROM profile_findings WHERE profile_id = ANY(CAST(:ids AS uuid[]))
                           FOR UPDATE SKIP LOCKED)""")

_CLEAR = text("""
    UPDATE profile_findings f SET stale_at = NULL, judged_on = NULL, basis = NULL
    FROM unnest(CAST(:ids AS uuid[]), CAST(:seen AS timestamptz[])) AS v(id, seen)
    WHERE f.profile_id = v.id AND f.stale_at = v.seen
      AND f.profile_id IN (SELECT profile_id FROM profile_findings WHERE profile_id = ANY(CAST(:ids AS uuid[]))
                           FOR UPDATE SKIP LOCKED)""")


async def _write(session: AsyncSession, claimed: dict[uuid.UUID, Claimed], verdicts: list[tuple[uuid.UUID, Verdict]],
                 *, day: date, basis: str) -> int:
    if not verdicts:
        return 0
    result = await session.execute(_WRITE, {
        "day": day, "basis": basis, "ids": [i for i, _ in verdicts], "seen": [claimed[i].seen for i, _ in verdicts],
        "blocking": [v.blocking for _, v in verdicts],
        **{name: [c in v.passes for _, v in verdicts] for name, c in (
            ("dung", Criterion.DUNG), ("du", Criterion.DU), ("sach", Criterion.SACH), ("song", Criterion.SONG))},
        "errors": [v.errors for _, v in verdicts], "warnings": [v.warnings for _, v in verdicts],
        "codes": [json.dumps(dict(sorted(v.findings.items()))) for _, v in verdicts]})
    return int(result.rowcount)  # type: ignore[attr-defined]


async def judge_page(session: AsyncSession, basis: Basis, key: str, *, since: datetime, within: str | None = None,
                     limit: int = PAGE) -> int | None:
    """Judges one page of stale records (clearing those no longer kept); how many it settled, None when nothing
    was left to claim."""
    claimed = await claim(session, since=since, within=within, limit=limit)
    if not claimed:
        return None
    by_id = {c.profile_id: c for c in claimed}
    gone = [c for c in claimed if not c.kept]
    cleared = 0
    if gone:
        result = await session.execute(_CLEAR, {"ids": [c.profile_id for c in gone], "seen": [c.seen for c in gone]})
        cleared = int(result.rowcount)  # type: ignore[attr-defined]
    rows = await queries.profiles_by_ids(session, [c.profile_id for c in claimed if c.kept])
    judged = await scoring.judge_rows(session, rows, basis) if rows else []
    return cleared + await _write(session, by_id, [(j.profile_id, Verdict.of(j.report)) for j in judged],
                                  day=basis.today, basis=key)


async def database_now(session: AsyncSession) -> datetime:
    now: datetime = (await session.execute(text("SELECT clock_timestamp()"))).scalar_one()
    return now


@dataclass(frozen=True)
class Settled:
    judged: int
    pending: int  # kept records under `within` still stale (beyond the run's limit, or touched meanwhile)


async def settle(session: AsyncSession, basis: Basis, *, within: str | None = None,
                 limit: int | None = None) -> Settled:
    """Brings the verdicts of the kept records under `within` up to `basis.today` and today's rules, judging at
    most `limit` of them here (None: all), in this transaction."""
    key = basis_key(basis.policy)
    await mark_outdated(session, day=basis.today, basis=key, within=within)
    since = await database_now(session)
    basis = await scoring.with_calendar(session, basis)
    judged = 0
    while limit is None or judged < limit:
        page = PAGE if limit is None else min(PAGE, limit - judged)
        written = await judge_page(session, basis, key, since=since, within=within, limit=page)
        if not written:  # nothing left, or nothing that could be written: the rest waits
            break
        judged += written
    return Settled(judged, await pending(session, within=within))


async def pending(session: AsyncSession, *, within: str | None = None) -> int:
    found = await session.execute(text("""
        SELECT count(*) FROM profile_findings f JOIN profiles p ON p.id = f.profile_id
        JOIN org_units u ON u.id = p.org_unit_id
        WHERE f.stale_at IS NOT NULL AND p.archived_at IS NULL AND p.version > 0
          AND u.path LIKE :within || '%'"""),
        {"within": within or "/"})
    return int(found.scalar_one())
