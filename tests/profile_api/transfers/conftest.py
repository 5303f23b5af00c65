"""Two agencies of one province and the people who act in a transfer between them (QĐ 6187/QĐ-UBND Điều 12):
the sender is `World.agency` (its admin, approver and the officer whose record moves), the receiver is
`World.elsewhere` with an admin of its own, and a third agency that is party to nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnit
from tests.approval_api.conftest import Apis, World, build_world, wired
from tests.factories import bearer, make_account, make_unit, principal_for

DECISION = {"number": "412/QĐ-UBND", "issued_on": "2026-11-20", "issuer": "UBND thành phố Hà Nội"}


@dataclass
class Move:
    apis: Apis
    world: World
    school: OrgUnit  # a unit under the receiver
    auth: dict[str, dict[str, str]]  # the world's, plus receiver_admin, third_admin

    def proposal(self, **overrides: Any) -> dict[str, Any]:
        return {"profile_id": str(self.world.person.id), "to_org_unit_id": str(self.world.elsewhere.id),
                "effective_on": "2026-12-01", "decision": DECISION, "attachment_ids": [str(self.world.scan.id)],
                "comment": "Điều động theo quyết định", **overrides}

    async def propose(self, **overrides: Any) -> dict[str, Any]:
        r = await self.apis.profile.post("/api/v1/transfers", headers=self.auth["agency_admin"],
                                         json=self.proposal(**overrides))
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
async def move(session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> Move:
    apis = await wired(client_for, token_issuer)
    world = await build_world(session, token_issuer)
    school = await make_unit(session, parent=world.elsewhere, type="sub_unit", name="Trường THPT Thử")
    third = await make_unit(session, parent=world.root)
    receiver_admin = await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency")
    third_admin = await make_account(session, unit=third, role="agency_admin", kind="agency")
    auth = {**world.auth, "receiver_admin": bearer(token_issuer, principal_for(receiver_admin, world.elsewhere)),
            "third_admin": bearer(token_issuer, principal_for(third_admin, third))}
    return Move(apis, world, school, auth)
