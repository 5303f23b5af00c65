"""Driving an approved request to applied, from a decision or from the reconciler. profile-api's
apply is idempotent by request id and `mark_applied` moves approved → applied once, so any number of
callers, retries or crashes in between leave one version and one outbox row."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog

from approval_api.applying.client import BATCH, Applied, ApplyResult, ProfileClient, Refused, Unreachable
from approval_api.change_requests import queries
from approval_api.metrics import ApprovalMetrics
from hoso_shared.db.engine import SessionMaker, session_scope

log = structlog.get_logger()
SYSTEM = "profile-api"


async def apply_approved(sessionmaker: SessionMaker, client: ProfileClient, change_request_id: uuid.UUID,
                         now: datetime, metrics: ApprovalMetrics, *, by: str = "decision") -> ApplyResult:
    result = await client.apply(change_request_id)
    if isinstance(result, Applied):
        async with session_scope(sessionmaker) as session:
            if await queries.mark_applied(session, change_request_id, result.version, now):
                queries.add_decision(session, change_request_id, "apply", "approved", "applied", actor_id=None,
                                     actor_name=SYSTEM, comment=f"version {result.version}")
                metrics.applied.labels(by).inc()
    elif isinstance(result, Refused):
        await _return_refused(sessionmaker, change_request_id, result)
    else:
        metrics.apply_failures.inc()
        log.warning("apply_pending", change_request_id=str(change_request_id), reason=result.reason)
    return result


async def apply_many_approved(sessionmaker: SessionMaker, client: ProfileClient, ids: list[uuid.UUID],
                              now: datetime, metrics: ApprovalMetrics) -> dict[uuid.UUID, ApplyResult]:
    """A bulk approval's applies, BATCH per call to profile-api and one transaction (and one UPDATE) per batch to
    mark them; what stays unapplied (unreachable) is the reconciler's, as for one."""
    results: dict[uuid.UUID, ApplyResult] = {}
    for start in range(0, len(ids), BATCH):
        batch = await client.apply_many(ids[start:start + BATCH])
        results |= batch
        async with session_scope(sessionmaker) as session:
            versions = {i: result.version for i, result in batch.items() if isinstance(result, Applied)}
            for change_request_id in await queries.mark_many_applied(session, versions, now):
                queries.add_decision(session, change_request_id, "apply", "approved", "applied", actor_id=None,
                                     actor_name=SYSTEM, comment=f"version {versions[change_request_id]}")
                metrics.applied.labels("decision").inc()
        for change_request_id, result in batch.items():
            if isinstance(result, Refused):
                await _return_refused(sessionmaker, change_request_id, result)
            elif isinstance(result, Unreachable):
                metrics.apply_failures.inc()
    return results


async def _return_refused(sessionmaker: SessionMaker, change_request_id: uuid.UUID, refused: Refused) -> None:
    """profile-api will not apply it as it stands: back to the requester, with profile-api's reason."""
    reason = str(refused.problem.get("detail") or refused.problem.get("title") or f"HTTP {refused.status}")
    async with session_scope(sessionmaker) as session:
        found = await queries.by_id(session, change_request_id, lock=True)
        if found is None or found[0].state != "approved":
            return
        request = found[0]
        request.state = "returned"
        queries.add_decision(session, request.id, "return", "approved", "returned", actor_id=None, actor_name=SYSTEM,
                             comment=reason)


async def reconcile_once(sessionmaker: SessionMaker, client: ProfileClient, now: datetime,
                         metrics: ApprovalMetrics, *, grace_seconds: float = 10.0, limit: int = 100) -> int:
    """Applies approved-but-unapplied requests decided more than `grace_seconds` ago (younger ones are
    probably still being applied by their decision). Returns how many were confirmed applied."""
    async with session_scope(sessionmaker) as session:
        ids = await queries.approved_unapplied(session, now - timedelta(seconds=grace_seconds), limit)
    done = 0
    for change_request_id in ids:
        result = await apply_approved(sessionmaker, client, change_request_id, now, metrics, by="reconciler")
        done += isinstance(result, Applied)
    return done
