from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import Attachment, ChangeRequest, OrgUnit, Profile

METADATA = (Attachment.id, Attachment.profile_id, Attachment.filename, Attachment.content_type,
            Attachment.size, Attachment.sha256, Attachment.uploaded_by, Attachment.created_at)


async def profile_visible(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                          self_only: bool) -> bool:
    """Whether the profile is the caller's own (`self_only`) or lies in the caller's subtree."""
    stmt: Select[Any] = select(Profile.id).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
    if self_only:
        stmt = stmt.where(Profile.id == principal.profile_id)
    else:
        stmt = scoped_to_subtree(stmt, principal, OrgUnit.path)
    return (await session.execute(stmt.where(Profile.id == profile_id))).first() is not None


async def insert_attachment(session: AsyncSession, values: dict[str, Any]) -> tuple[uuid.UUID, datetime]:
    stmt = insert(Attachment).values(**values).returning(Attachment.id, Attachment.created_at)
    row = (await session.execute(stmt)).one()
    return row[0], row[1]


async def list_attachments(session: AsyncSession, profile_id: uuid.UUID) -> list[dict[str, Any]]:
    stmt = (select(*METADATA).where(Attachment.profile_id == profile_id)
            .order_by(Attachment.created_at, Attachment.id))
    return [dict(row._mapping) for row in await session.execute(stmt)]


async def attachment(session: AsyncSession, profile_id: uuid.UUID, attachment_id: uuid.UUID) -> Attachment | None:
    stmt = select(Attachment).where(Attachment.id == attachment_id, Attachment.profile_id == profile_id)
    found: Attachment | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


async def evidence_outlines(session: AsyncSession, profile_id: uuid.UUID) -> list[tuple[list[Any], dict[str, Any]]]:
    """(scans named, outline: the items and tables it touches) of each of the record's change requests."""
    stmt = select(ChangeRequest.attachment_ids, ChangeRequest.outline).where(ChangeRequest.profile_id == profile_id,
                                                                             ChangeRequest.attachment_ids != [])
    return [(list(ids or []), dict(outline or {})) for ids, outline in await session.execute(stmt)]
