from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, Text, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import array, insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit, OutboxRow, PacketChain, ProfileVersion, SyncBatch


def _waiting(*columns: Any) -> Select[*tuple[Any, ...]]:
    """`columns` of the released rows no builder has consumed, joined to the agency whose batch released each
    (`OrgUnit.code` is the packet's `agency_code`)."""
    return (select(*columns).select_from(OutboxRow)
            .join(SyncBatch, SyncBatch.id == OutboxRow.sync_batch_id)
            .join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id)
            .where(OutboxRow.released_at.is_not(None), OutboxRow.consumed_at.is_(None)))


async def waiting_agencies(session: AsyncSession) -> list[str]:
    """The agencies with released rows no builder has consumed, the one whose oldest row is oldest first."""
    stmt = _waiting(OrgUnit.code).group_by(OrgUnit.code).order_by(func.min(OutboxRow.id))
    return [str(code) for code in (await session.scalars(stmt)).all()]


async def hold_agency(session: AsyncSession, codes: list[str], size: int) -> tuple[str, list[OutboxRow]] | None:
    """The first of `codes` no other builder holds and with rows left, now held by this transaction (its
    chain row locked, as `chain_head` locks it) with up to `size` of its rows claimed; None when others hold
    them all. While a builder holds an agency, no other builder races it for that agency's rows, so its
    packets are full until the agency's rows run out. An agency found empty (the list was read before
    another builder consumed its last rows) is let go at once, in a savepoint rolled back."""
    left = list(codes)
    while left:
        async with session.begin_nested() as savepoint:
            await session.execute(insert(PacketChain).values([{"agency_code": c, "last_sequence": 0, "last_hash": ""}
                                                              for c in left])
                                  .on_conflict_do_nothing(index_elements=[PacketChain.agency_code]))
            stmt = (select(PacketChain.agency_code).where(PacketChain.agency_code.in_(left))
                    .order_by(func.array_position(array(left, type_=Text), PacketChain.agency_code))
                    .limit(1).with_for_update(skip_locked=True))
            held = (await session.scalars(stmt)).first()
            if held is not None and (claimed := await claim_released(session, held, size)):
                return held, claimed
            await savepoint.rollback()  # nothing held: no chain row of ours for a sharer to wait on
        if held is None:
            return None
        left.remove(held)
    return None


async def claim_released(session: AsyncSession, agency_code: str, limit: int) -> list[OutboxRow]:
    """Up to `limit` of the agency's released rows no builder has taken, in id order; locked (others skip
    them) until this transaction marks them consumed."""
    stmt = (_waiting(OutboxRow).where(OrgUnit.code == agency_code)
            .order_by(OutboxRow.id).limit(limit).with_for_update(of=OutboxRow, skip_locked=True))
    return [row[0] for row in await session.execute(stmt)]


async def claim_full(session: AsyncSession, agency_code: str, size: int) -> list[OutboxRow]:
    """`size` of the agency's free released rows, or none (their locks let go, in a savepoint rolled back)
    when fewer are free: a builder sharing an agency another one holds takes only whole packets, and leaves
    the rest of the release to the holder."""
    async with session.begin_nested() as savepoint:
        claimed = await claim_released(session, agency_code, size)
        if len(claimed) < size:
            await savepoint.rollback()
            return []
    return claimed


async def versions(session: AsyncSession, keys: list[tuple[uuid.UUID, int]]) -> dict[tuple[uuid.UUID, int], Any]:
    if not keys:
        return {}
    stmt = select(ProfileVersion).where(tuple_(ProfileVersion.profile_id, ProfileVersion.version).in_(keys))
    return {(v.profile_id, v.version): v for v in (await session.scalars(stmt)).all()}


async def agency_identifier(session: AsyncSession, agency_code: str) -> str | None:
    """The agency's electronic identifier (QĐ 20/2020/QĐ-TTg), as it stands when its packet is built."""
    found: str | None = (await session.execute(select(OrgUnit.electronic_id)
                                               .where(OrgUnit.code == agency_code))).scalar()
    return found


async def chain_head(session: AsyncSession, agency_code: str) -> tuple[int, str | None]:
    """(last sequence, last hash) of the agency, locked until the transaction ends: packets of one
    agency are built one at a time, so the chain has no gaps and no forks."""
    await session.execute(insert(PacketChain).values(agency_code=agency_code, last_sequence=0, last_hash="")
                          .on_conflict_do_nothing(index_elements=[PacketChain.agency_code]))
    stmt = select(PacketChain).where(PacketChain.agency_code == agency_code).with_for_update()
    chain = (await session.scalars(stmt)).one()
    return chain.last_sequence, chain.last_hash or None


async def advance_chain(session: AsyncSession, agency_code: str, sequence: int, digest: str) -> None:
    await session.execute(update(PacketChain).where(PacketChain.agency_code == agency_code)
                          .values(last_sequence=sequence, last_hash=digest))


async def notify_packets(session: AsyncSession) -> None:
    """Wakes delivery workers (delivered when the transaction commits)."""
    await session.execute(text("SELECT pg_notify('hoso_packets', '')"))
