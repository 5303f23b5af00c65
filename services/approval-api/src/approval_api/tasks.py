"""The background loop of each replica: apply approved requests left unapplied (profile-api was down,
the process died after approving) and refresh the backlog gauges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog

from approval_api.applying.apply import reconcile_once
from approval_api.change_requests import queries
from approval_api.change_requests.service import OPEN, Workflow, overdue_by_unit
from hoso_shared.db.engine import session_scope

log = structlog.get_logger()
EVERYWHERE = "/"


async def refresh_gauges(workflow: Workflow, now: datetime) -> None:
    async with session_scope(workflow.sessionmaker) as session:
        rows = await queries.backlog(session, EVERYWHERE, OPEN)
        late = await overdue_by_unit(session, EVERYWHERE, workflow.policy, now)
    codes = {unit_id: code for unit_id, code, *_ in rows}
    workflow.metrics.publish_backlog(
        [(code, state, count, max(0.0, (now - oldest).total_seconds())) for _, code, _, state, count, oldest in rows],
        [(codes[unit_id], n) for unit_id, n in late.items() if unit_id in codes])


async def tick(workflow: Workflow, clock: Callable[[], datetime]) -> None:
    applied = await reconcile_once(workflow.sessionmaker, workflow.profiles, clock(), workflow.metrics)
    if applied:
        log.info("reconciled", applied=applied)
    await refresh_gauges(workflow, clock())
