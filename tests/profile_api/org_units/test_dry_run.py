"""`?dry_run=true` on a merge, split or dissolution (Điều 21 khoản 2: the agency records its restructuring — the
portal previews who moves before the person confirms): the answer is what the change would do, names the people
who would move, and nothing of it is written."""

from __future__ import annotations

from datetime import date
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnitChange, ProfileVersion
from tests.profile_api.org_units.helpers import (
    Api,
    audit_count,
    jsonable,
    periods,
    unit_of_account,
    unit_of_profile,
)
from tests.profile_api.org_units.test_restructuring import DAY_BEFORE, MERGE_ON, province

DRY = {"dry_run": "true"}


async def tried(api: Api, unit_id: Any, action: str, body: dict[str, Any]) -> Response:
    return await api.client.post(f"/api/v1/org-units/{unit_id}/{action}", params=DRY, json=jsonable(body),
                                 headers=api.headers)


async def changes(session: AsyncSession) -> int:
    count: int = (await session.execute(select(func.count()).select_from(OrgUnitChange))).scalar_one()
    return count


class TestDryRun:
    async def test_a_merge_tried_names_who_would_move_and_changes_nothing(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        tree = (await api.tree(MERGE_ON)).json()
        recorded = await changes(session)
        response = await tried(api, t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": MERGE_ON,
                                                         "confirm_unit_code": t["a"].code})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["dry_run"] is True and body["target"]["id"] == str(t["b"].id)
        assert [p["full_name"] for p in body["moved_people"]] == ["Trần Văn An", "Vũ Thị Anh"]
        assert sorted(p["profile_id"] for p in body["moved_people"]) == sorted(body["moved_profile_ids"])
        assert body["moved_account_ids"] == [str(t["a_admin"].id)]
        assert body["unit"]["valid_to"] == MERGE_ON.isoformat()  # what it would be
        # Nothing stayed: the tree, the people, the accounts, the history, the audit and the record of changes.
        assert (await api.tree(MERGE_ON)).json() == tree
        assert await unit_of_profile(session, t["an"]) == t["a"].id
        assert await unit_of_account(session, t["a_admin"].id) == t["a"].id
        assert [p[2] for p in await periods(session, t["a"].id)] == ["created"]
        assert await audit_count(session, "org_unit.merge", t["a"].id) == 0
        assert await changes(session) == recorded
        versions = (await session.execute(select(func.max(ProfileVersion.version))
                                          .where(ProfileVersion.profile_id == t["an"].id))).scalar_one()
        assert versions == 1
        # The change itself, made afterwards, moves the same people.
        made = await api.post(t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": MERGE_ON,
                                                   "confirm_unit_code": t["a"].code})
        assert made.status_code == 200 and "dry_run" not in made.json()
        assert sorted(made.json()["moved_profile_ids"]) == sorted(body["moved_profile_ids"])
        assert await api.people(t["a"].id, DAY_BEFORE) == ["Trần Văn An", "Vũ Thị Anh"]

    async def test_a_split_and_a_dissolution_tried_change_nothing(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        on = date(2026, 2, 1)
        split = await tried(api, t["a"].id, "split", {"effective_on": on, "parts": [
            {"code": "A.NEW", "name": "Trung tâm mới", "type": "sub_unit", "profile_ids": [t["anh"].id]}]})
        assert split.status_code == 200, split.text
        assert [p["full_name"] for p in split.json()["moved_people"]] == ["Vũ Thị Anh"]
        assert "A.NEW" not in {u["code"] for u in (await api.tree(on)).json()["items"]}
        dissolved = await tried(api, t["a_sub"].id, "dissolve", {"effective_on": on, "move_to_id": t["b"].id,
                                                                 "confirm_unit_code": t["a_sub"].code})
        assert dissolved.status_code == 200, dissolved.text
        assert [p["full_name"] for p in dissolved.json()["moved_people"]] == ["Đỗ Minh Chi"]
        assert await unit_of_profile(session, t["chi"]) == t["a_sub"].id
        assert await api.people(t["a_sub"].id, on) == ["Đỗ Minh Chi"]

    async def test_a_change_tried_is_refused_as_the_change_would_be(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        wrong = await tried(t["api"], t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": MERGE_ON,
                                                           "confirm_unit_code": "NOT-IT"})
        assert wrong.status_code == 422 and wrong.json()["type"].endswith("confirmation-mismatch")
        inside = await tried(t["api"], t["a"].id, "merge", {"into_id": t["a_sub"].id, "effective_on": MERGE_ON,
                                                            "confirm_unit_code": t["a"].code})
        assert inside.status_code == 422 and inside.json()["type"].endswith("org-cycle")
        assert await unit_of_profile(session, t["an"]) == t["a"].id
