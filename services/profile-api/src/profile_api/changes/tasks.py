"""The background loop of every profile-api replica over pending new records (changes.pending): forward
create requests that never reached approval-api, archive records whose create was rejected or withdrawn."""

from __future__ import annotations

from hoso_shared.logging import get_logger
from hoso_shared.time import Clock
from profile_api.changes.pending import Reconciled, Reconciler, reconcile_once

log = get_logger("profile_api.pending")


async def tick(reconciler: Reconciler, clock: Clock) -> Reconciled:
    done = await reconcile_once(reconciler, clock())
    if done.forwarded or done.archived:
        log.info("pending_reconciled", forwarded=done.forwarded, archived=done.archived)
    return done
