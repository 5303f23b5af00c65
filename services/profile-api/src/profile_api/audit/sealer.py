"""The background task that seals audit entries, started with every profile-api replica."""

from __future__ import annotations

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.logging import get_logger
from profile_api.audit.service import seal_pending

log = get_logger("profile_api.audit")


BATCH = 10_000


async def seal(sessionmaker: SessionMaker) -> None:
    """Seals what has accumulated: short transactions of at most BATCH entries until none is left."""
    while True:
        async with session_scope(sessionmaker) as session:
            sealed = await seal_pending(session, limit=BATCH)
        if sealed:
            log.debug("audit_sealed", entries=sealed)
        if sealed < BATCH:
            return
