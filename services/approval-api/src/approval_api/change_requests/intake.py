"""Taking many forwarded changes in one call: a bulk import's `create` requests (hanoi-2024 Điều 7: every new
record is approved like any update). The same checks and stored values as `service.accept_forwarded`, with the
per-request lookups (calendar, requester's name) done once and the rows inserted a chunk at a time."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.change_requests.errors import OccurredInFuture
from approval_api.change_requests.schemas import ForwardedBatch, ForwardedChange
from approval_api.change_requests.service import _evidence_missing, _evidence_required, _name
from hoso_shared import findings as kept_findings
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.models import ChangeRequest, Decision
from hoso_shared.db.models.change_requests import outline
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import local_day

CHUNK = 1000


async def accept_many(session: AsyncSession, changes: list[ForwardedChange], now: datetime,
                      policy: DeadlinePolicy) -> ForwardedBatch:
    """All or nothing: a change that would be refused alone refuses the batch. Idempotent by id."""
    today = local_day(now)
    for change in changes:
        if change.occurred_on > today:
            raise OccurredInFuture(f"Ngày có thông tin thay đổi ({change.occurred_on:%d/%m/%Y}) không thể sau ngày "
                                   f"hôm nay. The day the information changed is after today.", id=str(change.id))
        missing = _evidence_missing(change.payload, change.attachment_ids, policy)
        if change.submit and missing:
            raise _evidence_required(missing, policy)
    calendar = await load_calendar(session)
    late: dict[date, int | None] = {}
    names: dict[uuid.UUID, str] = {}
    values: list[dict[str, Any]] = []
    for change in changes:
        if change.submit and change.occurred_on not in late:
            late[change.occurred_on] = policy.self_update_late_by(change.occurred_on, today, calendar)
        if change.requested_by not in names:
            names[change.requested_by] = await _name(session, change.requested_by)
        values.append({**change.model_dump(exclude={"submit", "attachment_ids", "findings"}),
                       "attachment_ids": [str(a) for a in change.attachment_ids], "outline": outline(change.payload),
                       "findings": None if change.findings is None else kept_findings.keep(
                           f.model_dump() for f in change.findings),
                       "state": "submitted" if change.submit else "draft",
                       "submitted_at": now if change.submit else None,
                       "late_working_days": late[change.occurred_on] if change.submit else None})
    created: set[uuid.UUID] = set()
    for start in range(0, len(values), CHUNK):
        stmt = (pg_insert(ChangeRequest).values(values[start:start + CHUNK])
                .on_conflict_do_nothing(index_elements=[ChangeRequest.id]).returning(ChangeRequest.id))
        created |= set((await session.execute(stmt)).scalars())
    trail = [{"change_request_id": c.id, "action": "create", "from_state": "none",
              "to_state": "submitted" if c.submit else "draft", "actor_id": c.requested_by,
              "actor_name": names[c.requested_by]} for c in changes if c.id in created]
    if trail:
        await session.execute(insert(Decision), trail)
    stored = set((await session.execute(select(ChangeRequest.id).where(
        ChangeRequest.id.in_([c.id for c in changes])))).scalars())
    return ForwardedBatch(ids=[c.id for c in changes if c.id in stored], created=len(created))
