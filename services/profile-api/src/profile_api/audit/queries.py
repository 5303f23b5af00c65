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
    """Every entry in chain order, fetched in keyset pages (no server-side cursor held open)."""
    after = 0
    while True:
        stmt = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(batch)
        page = list((await session.execute(stmt)).scalars())
        for row in page:
            yield row
        if len(page) < batch:
            return
        after = page[-1].id


def stamp(at: datetime) -> str:
    return at.isoformat()
