"""Change requests as they arrive. (The decision workflow builds on these rows.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.change_requests import queries
from approval_api.change_requests.errors import ChangeRequestIdReused, ChangeRequestNotFound
from approval_api.change_requests.schemas import ChangeRequestRead, ForwardedChange
from hoso_shared.auth import Principal


async def accept_forwarded(session: AsyncSession, change: ForwardedChange) -> tuple[ChangeRequestRead, bool]:
    """Stores the change once; a retry with the same id and content returns the stored one."""
    now = datetime.now(UTC)
    values = {**change.model_dump(exclude={"submit", "attachment_ids"}),
              "attachment_ids": [str(a) for a in change.attachment_ids],
              "state": "submitted" if change.submit else "draft", "submitted_at": now if change.submit else None}
    created = await queries.insert_once(session, values)
    found = await queries.by_id(session, change.id)
    assert found is not None
    stored = found[0]
    if not created and (stored.profile_id, stored.payload) != (change.profile_id, change.payload):
        raise ChangeRequestIdReused()
    return ChangeRequestRead.model_validate(stored), created


async def get_change_request(session: AsyncSession, principal: Principal,
                             change_request_id: uuid.UUID) -> ChangeRequestRead:
    found = await queries.by_id(session, change_request_id)
    if found is None:
        raise ChangeRequestNotFound()
    request, path = found
    mine = request.requested_by == principal.subject
    if not mine and not (principal.has_scopes("change-requests:read") and principal.covers(path)):
        raise ChangeRequestNotFound()
    return ChangeRequestRead.model_validate(request)
