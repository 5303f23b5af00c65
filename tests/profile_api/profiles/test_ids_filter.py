"""`GET /api/v1/profiles?ids=…`: a page that already holds people's ids (the approver's inbox) names just those,
at most 100 at once, never by reading a whole unit; those outside the caller's subtree are not listed."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for


class TestIdsFilter:
    async def test_only_the_named_people_of_the_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                                        token_issuer: TokenIssuer) -> None:
        root = await make_unit(session, type="province")
        mine, theirs = await make_unit(session, parent=root), await make_unit(session, parent=root)
        wanted = [await make_profile(session, unit=mine, full_name=f"Người Cần {i}") for i in range(3)]
        await make_profile(session, unit=mine, full_name="Người Không Hỏi")
        foreign = await make_profile(session, unit=theirs, full_name="Người Cơ Quan Khác")
        admin = await make_account(session, unit=mine, role="agency_admin")
        auth = bearer(token_issuer, principal_for(admin, mine))
        ids = [str(p.id) for p in wanted] + [str(foreign.id)]
        answer = await profile_api.get("/api/v1/profiles", params={"ids": ids}, headers=auth)
        assert answer.status_code == 200, answer.text
        names = sorted(p["full_name"] for p in answer.json()["items"])
        assert names == [f"Người Cần {i}" for i in range(3)]
        assert "Khác" not in answer.text and "Không Hỏi" not in answer.text

    async def test_at_most_a_hundred_ids(self, session: AsyncSession, profile_api: AsyncClient,
                                         token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        admin = await make_account(session, unit=unit, role="agency_admin")
        auth = bearer(token_issuer, principal_for(admin, unit))
        many = [str(uuid.uuid4()) for _ in range(101)]
        refused = await profile_api.get("/api/v1/profiles", params={"ids": many}, headers=auth)
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        fine = await profile_api.get("/api/v1/profiles", params={"ids": many[:100], "limit": 100}, headers=auth)
        assert fine.status_code == 200 and fine.json()["items"] == []
