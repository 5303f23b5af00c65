"""Giving a unit its QĐ 20/2020/QĐ-TTg electronic identifier (Điều 19 khoản 2) after it was created, or correcting
it. Its shape is checked by the schema (`hoso_shared.codes.agency_ids`), its uniqueness by the service. It is not
effective-dated: the national side knows a body by its current identifier, and a packet keeps the one it was
signed with."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from profile_api.audit import service as audit
from profile_api.org_units import queries
from profile_api.org_units.schemas import OrgUnitIdentify, OrgUnitRead
from profile_api.org_units.service import (
    ENTITY,
    check_electronic_id_free,
    check_not_own,
    latest,
    lock_for_write,
    scope_of,
)


async def identify_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID,
                        data: OrgUnitIdentify) -> OrgUnitRead:
    """Sets the unit's identifier, audited with the one it replaces. Like any edit of a unit, the caller's own
    unit is set by the level above it."""
    unit = (await lock_for_write(session, await scope_of(session, principal), unit_id))[unit_id]
    check_not_own(principal, unit)
    before = await latest(session, unit.id)
    await check_electronic_id_free(session, data.electronic_id, unit_id=unit.id)
    await queries.update_unit(session, unit.id, electronic_id=data.electronic_id)
    await audit.record(session, principal, "org_unit.identify", ENTITY, unit.id,
                       before={"electronic_id": before.electronic_id}, after={"electronic_id": data.electronic_id},
                       fields=["electronic_id"])
    return await latest(session, unit.id)
