from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, OrgUnit


async def insert_once(session: AsyncSession, values: dict[str, Any]) -> bool:
    """True when inserted, False when a request with this id already existed."""
    stmt = insert(ChangeRequest).values(**values).on_conflict_do_nothing(index_elements=[ChangeRequest.id])
    result = await session.execute(stmt.returning(ChangeRequest.id))
    return result.first() is not None


async def by_id(session: AsyncSession, change_request_id: uuid.UUID) -> tuple[ChangeRequest, str] | None:
    stmt = (select(ChangeRequest, OrgUnit.path).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.id == change_request_id))
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None
