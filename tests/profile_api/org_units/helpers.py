"""Org-tree builders with history: units with their first period, people with their first assignment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AuditEntry, OrgUnit, OrgUnitPeriod, Profile, ProfileAssignment
from tests.factories import bearer, make_account, make_profile, principal_for

REFORM = date(2025, 7, 1)
BASE = "/api/v1/org-units"


async def unit(session: AsyncSession, *, parent: OrgUnit | None = None, type: str = "agency",
               name: str | None = None, since: date = REFORM) -> OrgUnit:
    unit_id = uuid.uuid4()
    path = (parent.path if parent else "/") + unit_id.hex + "/"
    row = OrgUnit(id=unit_id, code=f"T.{unit_id.hex[:10]}", name=name or f"Đơn vị {unit_id.hex[:6]}", type=type,
                  parent_id=parent.id if parent else None, path=path, valid_from=since)
    session.add(row)
    await session.flush()
    session.add(OrgUnitPeriod(org_unit_id=unit_id, name=row.name, type=type, parent_id=row.parent_id, path=path,
                              valid_from=since, event="created"))
    await session.flush()
    return row


async def person(session: AsyncSession, *, at: OrgUnit, name: str, since: date = REFORM) -> Profile:
    profile = await make_profile(session, unit=at, full_name=name)
    session.add(ProfileAssignment(profile_id=profile.id, org_unit_id=at.id, valid_from=since, reason="created"))
    await session.flush()
    return profile


async def auth_at(session: AsyncSession, issuer: TokenIssuer, at: OrgUnit, role: str = "doha_admin",
                  scopes: set[str] | None = None) -> dict[str, str]:
    account = await make_account(session, unit=at, role=role)
    return bearer(issuer, principal_for(account, at, scopes=scopes))


@dataclass
class Api:
    """The org-units routes as a DOHA (or any) caller, raising nothing: each call returns the response."""

    client: AsyncClient
    headers: dict[str, str]

    async def tree(self, as_of: date | None = None, **params: Any) -> Response:
        query = {**({"as_of": as_of.isoformat()} if as_of else {}), **params}
        return await self.client.get(BASE, params=query, headers=self.headers)

    async def names(self, as_of: date) -> dict[str, str]:
        response = await self.tree(as_of)
        assert response.status_code == 200, response.text
        return {item["id"]: item["name"] for item in response.json()["items"]}

    async def one(self, unit_id: uuid.UUID | str, as_of: date | None = None) -> Response:
        params = {"as_of": as_of.isoformat()} if as_of else {}
        return await self.client.get(f"{BASE}/{unit_id}", params=params, headers=self.headers)

    async def people(self, unit_id: uuid.UUID | str, as_of: date | None = None) -> list[str]:
        params = {"as_of": as_of.isoformat()} if as_of else {}
        response = await self.client.get(f"{BASE}/{unit_id}/people", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return [item["full_name"] for item in response.json()["items"]]

    async def post(self, unit_id: uuid.UUID | None, action: str, body: dict[str, Any]) -> Response:
        url = f"{BASE}/{unit_id}/{action}" if unit_id else BASE
        return await self.client.post(url, json=jsonable(body), headers=self.headers)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID | date):
        return str(value)
    return value


async def unit_of_profile(session: AsyncSession, profile: Profile) -> uuid.UUID:
    found: uuid.UUID = (await session.execute(select(Profile.org_unit_id).where(Profile.id == profile.id))).scalar_one()
    return found


async def unit_of_account(session: AsyncSession, account_id: uuid.UUID) -> uuid.UUID:
    found: uuid.UUID = (await session.execute(select(Account.org_unit_id).where(Account.id == account_id))).scalar_one()
    return found


async def current_path(session: AsyncSession, unit_id: uuid.UUID) -> str:
    found: str = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == unit_id))).scalar_one()
    return found


async def periods(session: AsyncSession, unit_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """(valid_from, valid_to, event, event_ref, name, path) of each period, oldest first."""
    stmt = (select(OrgUnitPeriod.valid_from, OrgUnitPeriod.valid_to, OrgUnitPeriod.event, OrgUnitPeriod.event_ref,
                   OrgUnitPeriod.name, OrgUnitPeriod.path)
            .where(OrgUnitPeriod.org_unit_id == unit_id)
            .order_by(OrgUnitPeriod.valid_from, OrgUnitPeriod.valid_to.desc().nulls_last()))
    return [tuple(row) for row in (await session.execute(stmt)).all()]


async def audit_count(session: AsyncSession, action: str, unit_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action,
                                                               AuditEntry.entity_id == str(unit_id))
    count: int = (await session.execute(stmt)).scalar_one()
    return count
