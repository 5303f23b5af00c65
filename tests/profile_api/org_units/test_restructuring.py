"""Merging, splitting and dissolving units move people, accounts and child units with history kept:
the tree and everyone's unit read back unchanged as of the day before."""

from __future__ import annotations

from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OutboxRow, ProfileVersion
from tests.factories import make_account, make_profile, make_unit
from tests.profile_api.org_units.helpers import (
    Api,
    audit_count,
    auth_at,
    periods,
    person,
    unit,
    unit_of_account,
    unit_of_profile,
)

MERGE_ON, DAY_BEFORE = date(2026, 1, 1), date(2025, 12, 31)


async def province(session: AsyncSession, client: AsyncClient, issuer: TokenIssuer) -> dict[str, Any]:
    root = await unit(session, type="province", name="Thành phố Hà Nội")
    a = await unit(session, parent=root, name="Sở A")
    a_sub = await unit(session, parent=a, type="sub_unit", name="Phòng A1")
    a_leaf = await unit(session, parent=a_sub, type="sub_unit", name="Tổ A1.1")
    b = await unit(session, parent=root, name="Sở B")
    return {"root": root, "a": a, "a_sub": a_sub, "a_leaf": a_leaf, "b": b,
            "an": await person(session, at=a, name="Trần Văn An"),
            "anh": await person(session, at=a, name="Vũ Thị Anh"),
            "binh": await person(session, at=b, name="Lê Thị Bình"),
            "chi": await person(session, at=a_sub, name="Đỗ Minh Chi"),
            "a_admin": await make_account(session, unit=a, role="agency_admin"),
            "api": Api(client, await auth_at(session, issuer, root))}


def without_valid_to(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The tree as it stood: only the end of the periods may change (a merge gives them one)."""
    return [{k: v for k, v in item.items() if k != "valid_to"} for item in tree["items"]]


class TestMergeOrgUnit:
    async def test_merge_moves_everything_and_the_day_before_reads_back_unchanged(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        tree_before = (await api.tree(DAY_BEFORE)).json()
        people_before = {u: await api.people(t[u].id, DAY_BEFORE) for u in ("a", "a_sub", "b")}
        assert people_before["a"] == ["Trần Văn An", "Vũ Thị Anh"]

        merged = await api.post(t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": MERGE_ON,
                                                     "confirm_unit_code": t["a"].code})

        assert merged.status_code == 200, merged.text
        body = merged.json()
        assert (body["unit"]["name"], body["unit"]["valid_to"]) == ("Sở A", MERGE_ON.isoformat())
        assert body["target"]["id"] == str(t["b"].id)
        assert sorted(body["moved_profile_ids"]) == sorted([str(t["an"].id), str(t["anh"].id)])
        assert body["moved_account_ids"] == [str(t["a_admin"].id)]
        assert body["moved_unit_ids"] == [str(t["a_sub"].id)]
        # The day before: the same tree, the same people in the same units.
        tree_after = (await api.tree(DAY_BEFORE)).json()
        assert without_valid_to(tree_after) == without_valid_to(tree_before)
        ended = {i["id"]: i["valid_to"] for i in tree_after["items"] if i["valid_to"]}
        assert ended == {str(t[u].id): MERGE_ON.isoformat() for u in ("a", "a_sub", "a_leaf")}
        assert {u: await api.people(t[u].id, DAY_BEFORE) for u in ("a", "a_sub", "b")} == people_before
        # From the merge on: A is gone, its children hang under B, its people are in B.
        after = {i["id"]: i for i in (await api.tree(MERGE_ON)).json()["items"]}
        assert str(t["a"].id) not in after
        assert after[str(t["a_sub"].id)]["parent_id"] == str(t["b"].id)
        assert after[str(t["a_sub"].id)]["path"] == f"{t['b'].path}{t['a_sub'].id.hex}/"
        assert after[str(t["a_leaf"].id)]["path"] == f"{t['b'].path}{t['a_sub'].id.hex}/{t['a_leaf'].id.hex}/"
        assert await api.people(t["b"].id, MERGE_ON) == ["Lê Thị Bình", "Trần Văn An", "Vũ Thị Anh"]
        assert await api.people(t["a_sub"].id, MERGE_ON) == ["Đỗ Minh Chi"]
        # Each moved person has a new version naming the new unit, announced in the outbox for the sync.
        for moved in ("an", "anh"):
            versions = (await session.execute(select(ProfileVersion.version, ProfileVersion.reason)
                                              .where(ProfileVersion.profile_id == t[moved].id)
                                              .order_by(ProfileVersion.version))).all()
            assert versions[-1] == (2, "unit_merge")
            outbox = (await session.execute(select(OutboxRow.org_unit_id).where(
                OutboxRow.profile_id == t[moved].id, OutboxRow.profile_version == 2))).scalar_one()
            assert outbox == t["b"].id
        assert (await api.one(t["a"].id, MERGE_ON)).status_code == 404
        assert (await api.one(t["a"].id, DAY_BEFORE)).json()["name"] == "Sở A"
        # The rows themselves.
        assert await unit_of_profile(session, t["an"]) == t["b"].id
        assert await unit_of_profile(session, t["chi"]) == t["a_sub"].id
        assert await unit_of_account(session, t["a_admin"].id) == t["b"].id
        history = await periods(session, t["a"].id)
        assert [(p[0], p[1], p[2]) for p in history] == [(date(2025, 7, 1), MERGE_ON, "created"),
                                                          (MERGE_ON, MERGE_ON, "merged")]
        assert history[-1][3] == t["b"].id
        assert await audit_count(session, "org_unit.merge", t["a"].id) == 1

    async def test_a_merged_unit_is_closed_to_changes(self, session: AsyncSession, profile_api: AsyncClient,
                                                      token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        assert (await api.post(t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": MERGE_ON,
                                                    "confirm_unit_code": t["a"].code})).status_code == 200
        again = await api.post(t["a"].id, "rename", {"name": "Sở A mới", "effective_on": date(2026, 2, 1)})
        assert again.status_code == 409
        assert again.json()["type"].endswith("org-unit-closed")
        into_closed = await api.post(t["b"].id, "merge", {"into_id": t["a"].id, "effective_on": date(2026, 2, 1),
                                                          "confirm_unit_code": t["b"].code})
        assert into_closed.status_code == 409

    async def test_refuses_a_target_inside_the_source_and_an_early_date(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        code = t["a"].code
        inside = await api.post(t["a"].id, "merge", {"into_id": t["a_leaf"].id, "effective_on": MERGE_ON,
                                                     "confirm_unit_code": code})
        assert inside.status_code == 422 and inside.json()["type"].endswith("org-cycle")
        itself = await api.post(t["a"].id, "merge", {"into_id": t["a"].id, "effective_on": MERGE_ON,
                                                     "confirm_unit_code": code})
        assert itself.status_code == 422 and itself.json()["type"].endswith("org-cycle")
        early = await api.post(t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": date(2025, 6, 30),
                                                    "confirm_unit_code": code})
        assert early.status_code == 422
        assert early.json()["type"].endswith("effective-date-too-early")
        assert await unit_of_profile(session, t["an"]) == t["a"].id

    async def test_people_who_joined_after_the_date_block_a_backdated_merge(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        await person(session, at=t["a"], name="Hồ Văn Mới", since=date(2026, 3, 1))
        response = await t["api"].post(t["a"].id, "merge", {"into_id": t["b"].id, "effective_on": MERGE_ON,
                                                            "confirm_unit_code": t["a"].code})
        assert response.status_code == 422 and response.json()["type"].endswith("effective-date-too-early")
        assert await unit_of_profile(session, t["an"]) == t["a"].id

    async def test_units_and_people_without_history_rows_are_merged_with_history(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await make_unit(session, type="province")
        src, dst = await make_unit(session, parent=root), await make_unit(session, parent=root)
        bare = await make_profile(session, unit=src, full_name="Không Lịch Sử")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        assert (await api.one(src.id)).status_code == 200
        assert await api.people(src.id) == ["Không Lịch Sử"]
        response = await api.post(src.id, "merge", {"into_id": dst.id, "confirm_unit_code": src.code})
        assert response.status_code == 200, response.text
        on = date.fromisoformat(response.json()["effective_on"])
        assert await api.people(dst.id, on) == ["Không Lịch Sử"]
        assert (await api.one(src.id, on)).status_code == 404
        assert await unit_of_profile(session, bare) == dst.id
        assert sorted(p[2] for p in await periods(session, src.id)) == ["created", "merged"]


class TestSplitOrgUnit:
    async def test_split_moves_the_listed_and_closes_the_source(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        on = date(2026, 2, 1)
        body = {"effective_on": on, "close_source": True, "confirm_unit_code": t["a"].code, "parts": [
            {"code": "A.NORTH", "name": "Sở A Bắc", "type": "agency", "profile_ids": [t["an"].id],
             "account_ids": [t["a_admin"].id]},
            {"code": "A.SOUTH", "name": "Sở A Nam", "type": "agency", "profile_ids": [t["anh"].id]}]}
        await api.post(t["a_sub"].id, "move", {"parent_id": t["b"].id, "effective_on": on})
        response = await api.post(t["a"].id, "split", body)
        assert response.status_code == 200, response.text
        parts = {p["code"]: p for p in response.json()["parts"]}
        north, south = parts["A.NORTH"], parts["A.SOUTH"]
        assert north["parent_id"] == south["parent_id"] == str(t["root"].id)
        assert north["path"] == f"{t['root'].path}{north['id'].replace('-', '')}/"
        assert await api.people(north["id"], on) == ["Trần Văn An"]
        assert await api.people(south["id"], on) == ["Vũ Thị Anh"]
        assert await api.people(t["a"].id, on - date.resolution) == ["Trần Văn An", "Vũ Thị Anh"]
        assert (await api.one(t["a"].id, on)).status_code == 404
        assert (await api.one(north["id"], on - date.resolution)).status_code == 404
        assert str(await unit_of_account(session, t["a_admin"].id)) == north["id"]
        first = (await periods(session, north["id"]))[0]
        assert (first[0], first[1], first[2], first[3]) == (on, None, "split", t["a"].id)
        assert [p[2] for p in await periods(session, t["a"].id)] == ["created", "split"]
        assert await audit_count(session, "org_unit.split", t["a"].id) == 1

    async def test_keeping_the_source_leaves_the_unlisted(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        on = date(2026, 2, 1)
        response = await t["api"].post(t["a"].id, "split", {"effective_on": on, "parts": [
            {"code": "A.NEW", "name": "Trung tâm mới", "type": "sub_unit", "profile_ids": [t["anh"].id]}]})
        assert response.status_code == 200, response.text
        assert await t["api"].people(t["a"].id, on) == ["Trần Văn An"]
        assert (await t["api"].one(t["a"].id, on)).json()["valid_to"] is None

    async def test_closing_needs_everyone_listed(self, session: AsyncSession, profile_api: AsyncClient,
                                                 token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        on = date(2026, 2, 1)
        await api.post(t["a_sub"].id, "move", {"parent_id": t["b"].id, "effective_on": on})
        partial = {"effective_on": on, "close_source": True, "confirm_unit_code": t["a"].code, "parts": [
            {"code": "A.ONE", "name": "Một", "type": "agency", "profile_ids": [t["an"].id],
             "account_ids": [t["a_admin"].id]}]}
        response = await api.post(t["a"].id, "split", partial)
        assert response.status_code == 409
        assert response.json()["unlisted_ids"] == [str(t["anh"].id)]
        assert "A.ONE" not in {i["code"] for i in (await api.tree(on)).json()["items"]}
        assert await unit_of_profile(session, t["an"]) == t["a"].id

    async def test_listed_people_must_belong_to_the_source(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        response = await t["api"].post(t["a"].id, "split", {"effective_on": date(2026, 2, 1), "parts": [
            {"code": "A.X", "name": "X", "type": "agency", "profile_ids": [t["binh"].id]}]})
        assert response.status_code == 422
        assert response.json()["ids"] == [str(t["binh"].id)]
        assert await unit_of_profile(session, t["binh"]) == t["b"].id


class TestDissolveOrgUnit:
    async def test_dissolve_moves_what_remains(self, session: AsyncSession, profile_api: AsyncClient,
                                               token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        on = date(2026, 4, 1)
        response = await api.post(t["a"].id, "dissolve", {"effective_on": on, "move_to_id": t["b"].id,
                                                          "confirm_unit_code": t["a"].code})
        assert response.status_code == 200, response.text
        assert await api.people(t["b"].id, on) == ["Lê Thị Bình", "Trần Văn An", "Vũ Thị Anh"]
        assert await api.people(t["a"].id, on - date.resolution) == ["Trần Văn An", "Vũ Thị Anh"]
        assert (await api.one(t["a_sub"].id, on)).json()["parent_id"] == str(t["b"].id)
        assert (await api.one(t["a_sub"].id, on - date.resolution)).json()["parent_id"] == str(t["a"].id)
        assert (await api.one(t["a"].id, on)).status_code == 404
        final = (await periods(session, t["a"].id))[-1]
        assert (final[0], final[1], final[2], final[3]) == (on, on, "dissolved", t["b"].id)
        assert await audit_count(session, "org_unit.dissolve", t["a"].id) == 1

    async def test_move_to_is_required_while_anything_remains(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await province(session, profile_api, token_issuer)
        api: Api = t["api"]
        on = date(2026, 4, 1)
        busy = await api.post(t["a"].id, "dissolve", {"effective_on": on, "confirm_unit_code": t["a"].code})
        assert busy.status_code == 409
        assert (busy.json()["profiles"], busy.json()["accounts"], busy.json()["child_units"]) == (2, 1, 1)
        empty = await api.post(t["a_leaf"].id, "dissolve", {"effective_on": on, "confirm_unit_code": t["a_leaf"].code})
        assert empty.status_code == 200, empty.text
        assert empty.json()["unit"]["valid_to"] == on.isoformat()
        assert (await api.one(t["a_leaf"].id, on)).status_code == 404
        assert (await api.one(t["a_leaf"].id, on - date.resolution)).status_code == 200
