from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import AuditEntry

# One arbitrary constant: the advisory lock that lets one sealer at a time extend the chain.
CHAIN_LOCK = 0x686F736F  # "hoso"


async def try_lock_chain(session: AsyncSession) -> bool:
    return bool((await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})).scalar())


async def chain_head(session: AsyncSession) -> tuple[int, str] | None:
    stmt = select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.is_not(None)).order_by(
        AuditEntry.seq.desc()).limit(1)
    row = (await session.execute(stmt)).first()
    return (int(row[0] or 0), str(row[1])) if row else None


# One statement, values as parameters: SQLAlchemy compiles it once (`.values(**values)` made a new cache key
# from the values on every sensitive read).
_APPEND = insert(cast(Table, AuditEntry.__table__))


async def append(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(_APPEND, values)


async def append_many(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    await session.execute(_APPEND, entries)


async def unsealed(session: AsyncSession, limit: int) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def seal(session: AsyncSession, seals: list[dict[str, Any]]) -> None:
    """One executemany: [{id, seq, prev_hash, hash}, …] (ORM bulk UPDATE by primary key)."""
    if seals:
        await session.execute(update(AuditEntry), seals)


async def hash_at(session: AsyncSession, seq: int) -> str | None:
    return (await session.execute(select(AuditEntry.hash).where(AuditEntry.seq == seq))).scalar_one_or_none()


async def count_unsealed(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).where(AuditEntry.seq.is_(None)))).scalar_one())


async def sealed_entries(session: AsyncSession, *, batch: int = 1000, from_seq: int = 1,
                         to_seq: int | None = None) -> AsyncIterator[AuditEntry]:
    """Every sealed entry in chain order (from `from_seq` to `to_seq` included), fetched in keyset pages (no
    server-side cursor held open). Pages of 1,000: verifying one costs tens of ms of CPU, and each page's query hands
    the event loop back, so a check through the API (GET /api/v1/audit/verify) never stalls a replica for long."""
    after = from_seq - 1
    while True:
        stmt = (select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch))
        if to_seq is not None:
            stmt = stmt.where(AuditEntry.seq <= to_seq)
        page = list((await session.execute(stmt)).scalars())
        for row in page:
            yield row
        if len(page) < batch:
            return
        after = int(page[-1].seq or 0)


def stamp(at: datetime) -> str:
    return at.isoformat()
