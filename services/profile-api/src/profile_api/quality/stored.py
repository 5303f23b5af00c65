"""Stored verdicts (`profile_findings`): each record judged once, when something its verdict depends on changed
(PostgreSQL marks it stale: see the model), on a new day, or under another rule set or policy, and summed many
times. Judging claims stale records a page at a time, judges them off the event loop as `scoring` always did,
and writes each verdict only if the record was not touched meanwhile (compare-and-set on `stale_at`), never
waiting on a writer's lock (SKIP LOCKED), so a writer never deadlocks with it and no change is lost."""

from __future__ import annotations

import asyncio
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
from profile_api.quality import pages, scoring
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
    # Locked in id order, as the triggers lock (migration r17lockorder): two markers never deadlock.
    result = await session.execute(text("""
        WITH locked AS MATERIALIZED (
            SELECT f.profile_id FROM profile_findings f
            JOIN profiles p ON p.id = f.profile_id JOIN org_units u ON u.id = p.org_unit_id
            WHERE f.stale_at IS NULL AND p.archived_at IS NULL AND p.version > 0
              AND (f.judged_on IS DISTINCT FROM :day OR f.basis IS DISTINCT FROM :basis)
              AND u.path LIKE :within || '%'
            ORDER BY f.profile_id FOR UPDATE OF f)
        UPDATE profile_findings f SET stale_at = clock_timestamp() FROM locked l WHERE f.profile_id = l.profile_id"""),
        {"day": day, "basis": basis, "within": within or "/"})
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    profile_id: uuid.UUID
    seen: datetime  # its stale_at when claimed: written back only if still so
    kept: bool  # archived or pending records are not judged, only cleared


_CLAIMING = """
    SELECT f.profile_id, f.stale_at, (p.archived_at IS NULL AND p.version > 0) AS kept
    FROM profile_findings f JOIN profiles p ON p.id = f.profile_id JOIN org_units u ON u.id = p.org_unit_id
    WHERE f.stale_at IS NOT NULL AND f.stale_at <= :since AND u.path LIKE :within || '%' {after}
    ORDER BY f.stale_at, f.profile_id LIMIT :limit"""
_CLAIM = text(_CLAIMING.format(after=""))
_CLAIM_AFTER = text(_CLAIMING.format(after="AND (f.stale_at, f.profile_id) > (:after_at, :after_id)"))


async def claim(session: AsyncSession, *, since: datetime, within: str | None, limit: int,
                after: Claimed | None = None) -> list[Claimed]:
    """The oldest stale records (under `within`) marked no later than `since` (and after `after`, the last of the
    page before, when that page is still being judged): a record touched again while this run goes on waits for
    the next, so a run ends."""
    bound = {"since": since, "within": within or "/", "limit": limit}
    if after is None:
        rows = await session.execute(_CLAIM, bound)
    else:
        rows = await session.execute(_CLAIM_AFTER, {**bound, "after_at": after.seen, "after_id": after.profile_id})
    return [Claimed(r.profile_id, r.stale_at, r.kept) for r in rows]


# The page's rows still as claimed are locked first, once, skipping any a writer holds (a materialised CTE: as a
# sub-select beside the join, PostgreSQL ran it again for every row of the page, a scan of the table each time).
_LOCKED = """
    WITH v AS MATERIALIZED (SELECT * FROM unnest({arrays}) AS v({names})),
    locked AS (SELECT f.profile_id FROM profile_findings f JOIN v ON f.profile_id = v.id AND f.stale_at = v.seen
               FOR UPDATE OF f SKIP LOCKED)
    UPDATE profile_findings f SET {assignments}
    FROM v JOIN locked l ON l.profile_id = v.id
    WHERE f.profile_id = v.id AND f.stale_at = v.seen"""

_WRITE = text(_LOCKED.format(
    arrays="CAST(:ids AS uuid[]), CAST(:seen AS timestamptz[]), CAST(:blocking AS boolean[]), "
           "CAST(:dung AS boolean[]), CAST(:du AS boolean[]), CAST(:sach AS boolean[]), CAST(:song AS boolean[]), "
           "CAST(:errors AS integer[]), CAST(:warnings AS integer[]), CAST(:codes AS text[])",
    names="id, seen, blocking, dung, du, sach, song, errors, warnings, codes",
    assignments="stale_at = NULL, judged_on = :day, basis = :basis, judged_at = clock_timestamp(), "
                "blocking = v.blocking, passing_dung = v.dung, passing_du = v.du, passing_sach = v.sach, "
                "passing_song = v.song, errors = v.errors, warnings = v.warnings, codes = v.codes::jsonb"))

_CLEAR = text(_LOCKED.format(arrays="CAST(:ids AS uuid[]), CAST(:seen AS timestamptz[])", names="id, seen",
                             assignments="stale_at = NULL, judged_on = NULL, basis = NULL"))


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


@dataclass(frozen=True)
class Page:
    """A claimed page, its records no longer kept cleared already, the kept ones read for judging."""

    claimed: dict[uuid.UUID, Claimed]
    cleared: int
    loaded: scoring.Loaded
    basis: Basis  # with the calendar as read after the claim (a change to it since marks every record again)

    @property
    def last(self) -> Claimed:
        return next(reversed(self.claimed.values()))  # claimed in order: the page's last


async def take_page(session: AsyncSession, basis: Basis, *, since: datetime, within: str | None = None,
                    limit: int = PAGE, after: Claimed | None = None) -> Page | None:
    """Claims a page of stale records, clears those no longer kept and reads the rest; None: nothing to claim."""
    claimed = await claim(session, since=since, within=within, limit=limit, after=after)
    if not claimed:
        return None
    gone = [c for c in claimed if not c.kept]
    cleared = 0
    if gone:
        result = await session.execute(_CLEAR, {"ids": [c.profile_id for c in gone], "seen": [c.seen for c in gone]})
        cleared = int(result.rowcount)  # type: ignore[attr-defined]
    loaded = await pages.load(session, [c.profile_id for c in claimed if c.kept])
    return Page({c.profile_id: c for c in claimed}, cleared, loaded, await scoring.with_calendar(session, basis))


async def write_page(session: AsyncSession, page: Page, verdicts: list[tuple[uuid.UUID, Verdict]], *, day: date,
                     basis: str) -> int:
    """Writes a page's verdicts, each only if its record was not touched since claimed; how many it settled."""
    return page.cleared + await _write(session, page.claimed, verdicts, day=day, basis=basis)


async def judge(page: Page) -> list[tuple[uuid.UUID, Verdict]]:
    """The page's verdicts, judged off the event loop."""
    return await asyncio.to_thread(pages.verdicts, page.loaded, page.basis) if page.loaded.rows else []


async def judge_page(session: AsyncSession, basis: Basis, key: str, *, since: datetime, within: str | None = None,
                     limit: int = PAGE) -> int | None:
    """Judges one page of stale records (clearing those no longer kept); how many it settled, None when nothing
    was left to claim."""
    page = await take_page(session, basis, since=since, within=within, limit=limit)
    if page is None:
        return None
    return await write_page(session, page, await judge(page), day=basis.today, basis=key)


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
