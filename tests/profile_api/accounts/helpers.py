"""A small province for the account tests: DOHA at the root, agency A (with a sub-unit) and agency B."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, OrgUnit
from tests.factories import bearer, make_account, make_unit, principal_for

PASSWORD = "correct horse battery"
# The written request an access change rests on (Điều 19 khoản 4): required on disable, enable, roles, delegation.
REQUEST = {"request_no": "125/SNV-CCVC", "request_date": "2026-11-20"}


@dataclass
class Province:
    root: OrgUnit
    a: OrgUnit
    a_sub: OrgUnit
    b: OrgUnit
    doha: Account
    admin_a: Account
    admin_b: Account

    def unit(self, name: str) -> OrgUnit:
        unit: OrgUnit = getattr(self, name)
        return unit


async def province(session: AsyncSession) -> Province:
    root = await make_unit(session, type="doha")
    a = await make_unit(session, parent=root, type="agency")
    a_sub = await make_unit(session, parent=a, type="sub_unit")
    b = await make_unit(session, parent=root, type="agency")
    return Province(root=root, a=a, a_sub=a_sub, b=b,
                    doha=await make_account(session, unit=root, role="doha_admin"),
                    admin_a=await make_account(session, unit=a, role="agency_admin"),
                    admin_b=await make_account(session, unit=b, role="agency_admin"))


def auth_as(issuer: TokenIssuer, account: Account, unit: OrgUnit) -> dict[str, str]:
    return bearer(issuer, principal_for(account, unit))


async def login(client: AsyncClient, username: str, password: str) -> Response:
    return await client.post("/api/v1/auth/token",
                             data={"grant_type": "password", "username": username, "password": password})


def account_body(unit: OrgUnit, *, kind: str = "person", roles: list[str] | None = None,
                 **extra: Any) -> dict[str, Any]:
    return {"username": extra.pop("username", f"user-{uuid.uuid4().hex[:8]}"), "display_name": "Trần Văn Bình",
            "kind": kind, "roles": roles or ["officer"], "org_unit_id": str(unit.id), **extra}
