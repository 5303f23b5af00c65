"""The scheduled refresh of the public progress page: `app.py` runs it after every quality tick (pages
older than 10 minutes). Between ticks a page is rendered again when it is asked for and older than
`service.MAX_AGE`, and on demand with `POST /api/v1/reports/progress/refresh`."""

from __future__ import annotations

from datetime import datetime, timedelta

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.logging import get_logger
from hoso_shared.time import utc_now
from profile_api.reports.progress import service

log = get_logger("profile_api.reports.progress")


async def refresh_pages(sessionmaker: SessionMaker, *, older_than: timedelta = timedelta(0),
                        now: datetime | None = None) -> list[str]:
    """Renders every cached scope (and the province-wide page) older than `older_than`, in one
    transaction; returns the scopes rendered. Safe on every replica at once (the later write wins)."""
    async with session_scope(sessionmaker) as session:
        done = await service.refresh_stale(session, now or utc_now(), older_than)
    log.info("progress_pages_refreshed", scopes=len(done))
    return done
