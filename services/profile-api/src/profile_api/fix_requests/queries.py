"""The statements of fix requests: the only writes of `fix_requests` besides its closing trigger."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import FixRequest


async def open_request(session: AsyncSession, profile_id: uuid.UUID, rule_code: str) -> FixRequest | None:
    stmt = select(FixRequest).where(FixRequest.profile_id == profile_id, FixRequest.rule_code == rule_code,
                                    FixRequest.closed_at.is_(None))
    return (await session.scalars(stmt)).first()


async def insert_open(session: AsyncSession, *, profile_id: uuid.UUID, rule_code: str, message: str,
                      requested_by: uuid.UUID, due_on: date) -> FixRequest | None:
    """The new open request, or None when one for the pair is open already (a concurrent ask won: the partial
    unique index decides, so two asks at once still make one request)."""
    stmt = (insert(FixRequest)
            .values(id=uuid.uuid4(), profile_id=profile_id, rule_code=rule_code, message=message,
                    requested_by=requested_by, due_on=due_on)
            .on_conflict_do_nothing(index_elements=[FixRequest.profile_id, FixRequest.rule_code],
                                    index_where=FixRequest.closed_at.is_(None))
            .returning(FixRequest))
    return (await session.scalars(stmt)).first()
