from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, select, tuple_
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth.subtree import escape_like
from hoso_shared.db import outbox
from hoso_shared.db.models import (
    Account,
    ChangeRequest,
    OrgUnit,
    OutboxRow,
    Packet,
    PacketRecord,
    Profile,
    SyncBatch,
)


async def take_rows(session: AsyncSession, batch_id: uuid.UUID, unit_id: uuid.UUID, path: str) -> int:
    return await outbox.take(session, batch_id, outbox.units_synced_by(unit_id, path))


async def has_agency_account(session: AsyncSession, unit_id: uuid.UUID) -> bool:
    """Does the unit sync for itself (an enabled agency account of an agency admin sits there)?"""
    stmt = select(Account.id).where(Account.org_unit_id == unit_id, Account.kind == "agency",
                                    Account.roles.contains(["agency_admin"]), Account.disabled_at.is_(None)).limit(1)
    return (await session.execute(stmt)).first() is not None


async def unidentified(session: AsyncSession, unit_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, str, str]]:
    """(id, code, name) of those units that have no electronic identifier, by code."""
    stmt = (select(OrgUnit.id, OrgUnit.code, OrgUnit.name)
            .where(OrgUnit.id.in_(unit_ids), OrgUnit.electronic_id.is_(None)).order_by(OrgUnit.code))
    return [(row[0], row[1], row[2]) for row in await session.execute(stmt)]


async def open_batch(session: AsyncSession, unit_id: uuid.UUID) -> uuid.UUID | None:
    stmt = select(SyncBatch.id).where(SyncBatch.org_unit_id == unit_id, SyncBatch.state == "submitted")
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_id(session: AsyncSession, batch_id: uuid.UUID, *, lock: bool = False) -> tuple[SyncBatch, str] | None:
    stmt = (select(SyncBatch, OrgUnit.path).join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id)
            .where(SyncBatch.id == batch_id))
    if lock:
        stmt = stmt.with_for_update(of=SyncBatch)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


def _filtered(stmt: Any, prefix: str, states: list[str]) -> Any:
    stmt = stmt.join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id).where(
        OrgUnit.path.like(escape_like(prefix) + "%", escape="\\"))
    return stmt.where(SyncBatch.state.in_(states)) if states else stmt


async def listing(session: AsyncSession, prefix: str, states: list[str], limit: int,
                  before: tuple[datetime, uuid.UUID] | None = None) -> list[tuple[SyncBatch, int]]:
    """Newest first; `before` (a page's last batch) continues after it."""
    consumed = (select(func.count()).where(OutboxRow.sync_batch_id == SyncBatch.id, OutboxRow.consumed_at.is_not(None))
                .correlate(SyncBatch).scalar_subquery())
    stmt = _filtered(select(SyncBatch, consumed), prefix, states)
    if before is not None:
        stmt = stmt.where(tuple_(SyncBatch.created_at, SyncBatch.id) < tuple_(*before))
    stmt = stmt.order_by(SyncBatch.created_at.desc(), SyncBatch.id.desc()).limit(limit)
    return [(row[0], int(row[1])) for row in await session.execute(stmt)]


async def counts(session: AsyncSession, prefix: str, states: list[str]) -> dict[str, int]:
    stmt = _filtered(select(SyncBatch.state, func.count()), prefix, states).group_by(SyncBatch.state)
    return {state: int(n) for state, n in await session.execute(stmt)}


async def consumed(session: AsyncSession, batch_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(OutboxRow.sync_batch_id == batch_id, OutboxRow.consumed_at.is_not(None))
    return int((await session.execute(stmt)).scalar_one())


# A record's fate on its way to the national DB, from its outbox marks, the gateway's record and its packet's state.
FATE = case(
    (OutboxRow.released_at.is_(None), literal("submitted")),
    (PacketRecord.outbox_id.is_(None), literal("released")),
    (PacketRecord.status.in_(("blocked", "accepted", "rejected")), PacketRecord.status),
    (Packet.state == "acknowledged", literal("delivered")),  # acknowledged, this record not yet decided in it
    else_=Packet.state)
RECORD = (OutboxRow.id, OutboxRow.profile_id, Profile.full_name, OutboxRow.org_unit_id, OrgUnit.name,
          OutboxRow.profile_version, OutboxRow.change_request_id, OutboxRow.payload["kind"].astext,
          OutboxRow.created_at)


def _named(stmt: Select[Any]) -> Select[Any]:
    """Names beside ids: the person's current name, the unit's."""
    return (stmt.join(Profile, Profile.id == OutboxRow.profile_id)
            .join(OrgUnit, OrgUnit.id == OutboxRow.org_unit_id))


def _waiting(unit_id: uuid.UUID, path: str) -> Any:
    """The rows the unit's batch would take now (`outbox.take`'s own choice, without the lock)."""
    return (OutboxRow.sync_batch_id.is_(None) & OutboxRow.released_at.is_(None)
            & OutboxRow.org_unit_id.in_(outbox.units_synced_by(unit_id, path)))


async def waiting(session: AsyncSession, unit_id: uuid.UUID, path: str, after: int | None,
                  limit: int) -> list[Row[Any]]:
    stmt = _named(select(*RECORD)).where(_waiting(unit_id, path))
    if after is not None:
        stmt = stmt.where(OutboxRow.id > after)
    return list((await session.execute(stmt.order_by(OutboxRow.id).limit(limit))).all())


async def waiting_count(session: AsyncSession, unit_id: uuid.UUID, path: str) -> int:
    stmt = select(func.count()).select_from(OutboxRow).where(_waiting(unit_id, path))
    return int((await session.execute(stmt)).scalar_one())


def _judged(stmt: Select[Any], batch_id: uuid.UUID) -> Select[Any]:
    return (stmt.outerjoin(PacketRecord, PacketRecord.outbox_id == OutboxRow.id)
            .outerjoin(Packet, Packet.id == PacketRecord.packet_id).where(OutboxRow.sync_batch_id == batch_id))


async def batch_records(session: AsyncSession, batch_id: uuid.UUID, fate: str | None, after: int | None,
                        limit: int) -> list[Row[Any]]:
    stmt = _judged(_named(select(*RECORD, FATE, ChangeRequest.findings, PacketRecord.findings, PacketRecord.reason,
                                 PacketRecord.packet_id, Packet.state, PacketRecord.decided_at))
                   .outerjoin(ChangeRequest, ChangeRequest.id == OutboxRow.change_request_id), batch_id)
    if fate is not None:
        stmt = stmt.where(FATE == fate)
    if after is not None:
        stmt = stmt.where(OutboxRow.id > after)
    return list((await session.execute(stmt.order_by(OutboxRow.id).limit(limit))).all())


def _holds(severity: str) -> Any:
    return ChangeRequest.findings.contains([{"severity": severity}])  # JSONB @>: NULL (not judged) counts no one


async def batch_tally(session: AsyncSession, batch_id: uuid.UUID) -> tuple[dict[str, int], int, int]:
    """(records per fate, records with an error finding, with a warning), in one pass over the batch."""
    stmt = _judged(select(FATE, func.count(), func.count().filter(_holds("error")),
                          func.count().filter(_holds("warning"))).select_from(OutboxRow)
                   .outerjoin(ChangeRequest, ChangeRequest.id == OutboxRow.change_request_id), batch_id).group_by(FATE)
    fates, errors, warnings = {}, 0, 0
    for fate, n, with_errors, with_warnings in await session.execute(stmt):
        fates[str(fate)] = int(n)
        errors, warnings = errors + int(with_errors), warnings + int(with_warnings)
    return fates, errors, warnings
