from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account


async def display_name(session: AsyncSession, account_id: uuid.UUID) -> str | None:
    """The caller's own display name (their token names only the username)."""
    name: str | None = await session.scalar(select(Account.display_name).where(Account.id == account_id))
    return name
