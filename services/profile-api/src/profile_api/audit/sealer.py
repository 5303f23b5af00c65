"""The background task that seals audit entries, started with every profile-api replica."""

from __future__ import annotations

import asyncio
import contextlib

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.logging import get_logger
from profile_api.audit.service import seal_pending

log = get_logger("profile_api.audit")


BATCH = 10_000


async def run_sealer(sessionmaker: SessionMaker, interval: float) -> None:
    """Seals what has accumulated once per interval: one short transaction however busy it is."""
    while True:
        try:
            async with session_scope(sessionmaker) as session:
                sealed = await seal_pending(session, limit=BATCH)
            if sealed:
                log.debug("audit_sealed", entries=sealed)
            if sealed == BATCH:
                continue  # a backlog: keep going
        except Exception as exc:
            log.warning("audit_seal_failed", error=type(exc).__name__)
        await asyncio.sleep(interval)


def start(sessionmaker: SessionMaker, interval: float) -> asyncio.Task[None]:
    return asyncio.create_task(run_sealer(sessionmaker, interval), name="audit-sealer")


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
