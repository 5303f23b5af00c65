from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import AuditEntry

# One arbitrary constant: the advisory lock that serialises appends, so the chain has no forks.
CHAIN_LOCK = 0x686F736F  # "hoso"


async def lock_chain(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})


async def last_hash(session: AsyncSession) -> str | None:
    stmt = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    value: str | None = (await session.execute(stmt)).scalar()
    return value


async def append(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(AuditEntry).values(**values))


async def entries(session: AsyncSession, *, batch: int = 5000) -> AsyncIterator[AuditEntry]:
    result = await session.stream(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch))
    async for row in result.scalars():
        yield row


def stamp(at: datetime) -> str:
    return at.isoformat()
