"""The background tasks of every profile-api replica:
- the judge: every few seconds, judge the records marked stale since (`stored`), a page per transaction, one
  replica at a time (an advisory lock); on a new day, or under a new rule set or policy, first mark every record
  stale, so a province is re-judged in the background, resumably, while scorecards keep the last verdicts;
- the snapshot: take today's snapshot when it is missing (one replica does, under a lock), then reload the
  gauges from the latest snapshots, so a snapshot taken anywhere (another replica, the CLI) reaches every
  replica's /metrics within one interval."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from hoso_shared import periodic
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.logging import get_logger
from hoso_shared.time import Clock, local_today, utc_now
from profile_api.quality import queries, scoring, snapshots, stored
from profile_api.quality.metrics import QualityGauges

log = get_logger("profile_api.quality")


@dataclass(frozen=True)
class Quality:
    sessionmaker: SessionMaker
    cipher: FieldCipher
    policy: DeadlinePolicy
    gauges: QualityGauges
    # Work that follows the day's figures (the public progress page): run after every tick.
    after: Callable[[], Awaitable[object]] | None = None
    clock: Clock = utc_now


@dataclass
class Judge:
    """The judge loop's memory: the day and basis it last marked the province outdated for."""

    quality: Quality
    marked: tuple[date, str] | None = None


async def judge_backlog(judge: Judge) -> int:
    """Judges every stale record, a page per transaction; the number settled."""
    quality = judge.quality
    today, key = local_today(quality.clock), stored.basis_key(quality.policy)
    basis = scoring.Basis(today=today, policy=quality.policy, cipher=quality.cipher)
    if judge.marked != (today, key):
        async with session_scope(quality.sessionmaker) as session:
            if not await queries.try_judge_lock(session):
                return 0  # another replica is judging: it marks and judges
            marked = await stored.mark_outdated(session, day=today, basis=key)
        judge.marked = (today, key)
        if marked:
            log.info("quality_rejudging", day=str(today), records=marked)
    settled = await _judge_pages(quality, basis, key)
    async with session_scope(quality.sessionmaker) as session:
        quality.gauges.pending.set(await stored.pending(session))
    return settled


async def _judge_pages(quality: Quality, basis: scoring.Basis, key: str) -> int:
    """A page per transaction, pipelined: while one page is judged (in a thread), the next is claimed and read, and
    the one judged is written in the same transaction, so the judge need not wait for PostgreSQL's answers.
    Judging in a process of its own was measured too (bench/judge.py, 20,000 records): sending it the pages and
    starting it cost more CPU than it saved (0.75 against 0.45 ms a record), the rule engine being compiled."""
    settled = 0
    judging: tuple[stored.Page, asyncio.Future[list[tuple[uuid.UUID, scoring.Verdict]]]] | None = None
    try:
        while True:
            async with session_scope(quality.sessionmaker) as session:
                if not await queries.try_judge_lock(session):
                    return settled  # what is being judged is dropped: it stays stale, for whoever judges next
                since = await stored.database_now(session)
                page = await stored.take_page(session, basis, since=since, limit=stored.PAGE,
                                              after=judging[0].last if judging else None)
                if judging is not None:
                    settled += await stored.write_page(session, judging[0], await judging[1], day=basis.today,
                                                       basis=key)
            if page is None:
                return settled
            judging = (page, asyncio.ensure_future(stored.judge(page)))
    finally:
        if judging is not None and not judging[1].done():
            judging[1].cancel()


async def refresh(quality: Quality) -> None:
    today = local_today(quality.clock)
    async with session_scope(quality.sessionmaker) as session:
        latest = await snapshots.latest(session, today)
    quality.gauges.publish(latest)


async def tick(quality: Quality) -> snapshots.Taken | None:
    today = local_today(quality.clock)
    async with session_scope(quality.sessionmaker) as session:
        taken = await snapshots.take_if_missing(session, quality.cipher, policy=quality.policy, day=today)
    if taken is not None:
        log.info("quality_snapshot_taken", day=str(taken.day), units=taken.units, records=taken.records)
    await refresh(quality)
    if quality.after is not None:
        await quality.after()
    return taken


def start_judge(quality: Quality, interval: float) -> asyncio.Task[None] | None:
    return periodic.start("quality-judge", functools.partial(judge_backlog, Judge(quality)), interval)


async def start(quality: Quality, interval: float) -> asyncio.Task[None] | None:
    """With a loop, its first tick publishes the gauges at once; without one, load them from the
    snapshots here (a database problem only delays them)."""
    if interval > 0:
        return periodic.start("quality-snapshots", functools.partial(tick, quality), interval)
    try:
        await refresh(quality)
    except Exception as exc:
        log.warning("quality_gauges_not_loaded", error=type(exc).__name__)
    return None
