"""The scheduled work of the public progress page: `app.py` runs `Progress.tick` after every quality tick. It
publishes the edition of a slot that has come (MOHA 1632/BNV-VP: 12:00 every Monday, Wednesday and Friday, as
the deadline policy says; see `editions`), then renders again the pages older than 10 minutes. Between ticks a
page is rendered again when it is asked for and older than `service.MAX_AGE`, and on demand with
`POST /api/v1/reports/progress/refresh`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.logging import get_logger
from hoso_shared.signing import SigningIdentity
from hoso_shared.time import Clock, utc_now
from profile_api.reports.progress import editions, service

log = get_logger("profile_api.reports.progress")
REFRESH_AFTER = timedelta(minutes=10)


async def refresh_pages(sessionmaker: SessionMaker, *, older_than: timedelta = timedelta(0),
                        now: datetime | None = None) -> list[str]:
    """Renders every cached scope (and the province-wide page) older than `older_than`, in one
    transaction; returns the scopes rendered. Safe on every replica at once (the later write wins)."""
    async with session_scope(sessionmaker) as session:
        done = await service.refresh_stale(session, now or utc_now(), older_than)
    log.info("progress_pages_refreshed", scopes=len(done))
    return done


@dataclass(frozen=True)
class Progress:
    """What the scheduled work needs: the identity signs editions (loaded on first use), the policy holds
    their schedule, the clock says whether a slot has come."""

    sessionmaker: SessionMaker
    identity: Callable[[], SigningIdentity]
    policy: DeadlinePolicy
    clock: Clock = utc_now

    async def tick(self) -> None:
        try:
            await publish_editions(self)
        except Exception as exc:  # the next tick tries again; the pages are refreshed all the same
            log.warning("progress_editions_not_published", error=type(exc).__name__, exc_info=True)
        await refresh_pages(self.sessionmaker, older_than=REFRESH_AFTER, now=self.clock())


async def publish_editions(progress: Progress) -> list[editions.Published]:
    """The due slot's editions, in one transaction; safe on every replica at once (the first insert wins, the
    others write nothing) and as often as wanted (a published slot is never published again)."""
    now = progress.clock()
    async with session_scope(progress.sessionmaker) as session:
        done = await editions.publish_due(session, progress.identity, progress.policy, now)
    for edition in done:
        log.info("progress_edition_published", scope=edition.scope, edition_id=str(edition.id),
                 scheduled_for=edition.scheduled_for.isoformat(), late=edition.late)
    return done
