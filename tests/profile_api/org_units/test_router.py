"""The org tree read as of a date and edited with history kept, always within the caller's subtree."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import make_unit
from tests.profile_api.org_units.helpers import (
    BASE,
    REFORM,
    Api,
    audit_count,
    auth_at,
    current_path,
    periods,
    person,
    unit,
)

LEGACY = date(2020, 1, 1)
WRITES = [("", {"code": "X.1", "name": "X", "type": "agency", "parent_id": str(uuid.uuid4())}),
          ("/rename", {"name": "X"}), ("/move", {"parent_id": str(uuid.uuid4())}),
          ("/merge", {"into_id": str(uuid.uuid4())}),
          ("/split", {"parts": [{"code": "X.2", "name": "X", "type": "agency"}]}), ("/dissolve", {})]


class TestListOrgUnits:
    async def test_tree_as_of_a_date_is_flat_and_ordered_by_path(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province", since=LEGACY)
        dept = await unit(session, parent=root, type="department", since=LEGACY)
        team = await unit(session, parent=dept, type="sub_unit", since=date(2026, 1, 1))
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        response = await api.tree(date(2026, 1, 1))
        assert response.status_code == 200
        body = response.json()
        assert body["as_of"] == "2026-01-01"
        assert [i["id"] for i in body["items"]] == [str(root.id), str(dept.id), str(team.id)]
        assert body["items"][2] == {"id": str(team.id), "code": team.code, "electronic_id": None, "name": team.name,
                                    "type": "sub_unit",
                                    "parent_id": str(dept.id), "path": team.path, "valid_from": "2026-01-01",
                                    "valid_to": None}
        assert [i["id"] for i in (await api.tree(date(2025, 12, 31))).json()["items"]] == [str(root.id),
                                                                                          str(dept.id)]
        only_dept = (await api.tree(date(2026, 1, 1), root_id=str(dept.id))).json()["items"]
        assert [i["id"] for i in only_dept] == [str(dept.id), str(team.id)]
        assert (await api.tree(date(2025, 12, 31), root_id=str(team.id))).status_code == 404
        bad_date = await profile_api.get(BASE, params={"as_of": "01/01/2026"}, headers=api.headers)
        assert bad_date.status_code == 422

    async def test_defaults_to_today_and_reads_units_without_period_rows(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await make_unit(session, type="province")
        child = await make_unit(session, parent=root, name="Không có kỳ")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        names = {i["id"]: i["name"] for i in (await api.tree()).json()["items"]}
        assert names == {str(root.id): root.name, str(child.id): "Không có kỳ"}
        renamed = await api.post(child.id, "rename", {"name": "Đã có kỳ"})
        assert renamed.status_code == 200, renamed.text
        assert (await api.one(child.id)).json()["name"] == "Đã có kỳ"
        assert sorted(p[2] for p in await periods(session, child.id)) == ["created", "renamed"]


class TestCreateOrgUnit:
    async def test_a_legacy_district_before_the_reform_and_a_ward_after(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province", since=LEGACY)
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        district = await api.post(None, "", {"code": "01.001", "name": "Quận Ba Đình", "type": "district",
                                             "parent_id": root.id, "effective_on": date(2021, 3, 1)})
        assert district.status_code == 201, district.text
        ward = await api.post(None, "", {"code": "01.00004", "name": "Phường Ba Đình", "type": "ward",
                                         "parent_id": root.id, "effective_on": REFORM})
        assert ward.status_code == 201, ward.text
        late = await api.post(None, "", {"code": "01.002", "name": "Quận mới", "type": "district",
                                         "parent_id": root.id, "effective_on": REFORM})
        assert late.status_code == 422
        assert late.json()["type"].endswith("district-abolished")
        d_id, w_id = district.json()["id"], ward.json()["id"]
        before = {i["id"]: i["type"] for i in (await api.tree(date(2025, 6, 30))).json()["items"]}
        assert before == {str(root.id): "province", d_id: "district"}
        dissolved = await api.post(uuid.UUID(d_id), "dissolve", {"effective_on": REFORM, "move_to_id": w_id,
                                                                  "confirm_unit_code": "01.001"})
        assert dissolved.status_code == 200, dissolved.text
        after = {i["id"]: i["type"] for i in (await api.tree(REFORM)).json()["items"]}
        assert after == {str(root.id): "province", w_id: "ward"}
        assert (await api.one(d_id, date(2025, 6, 30))).json()["name"] == "Quận Ba Đình"
        assert await audit_count(session, "org_unit.create", uuid.UUID(w_id)) == 1

    async def test_code_is_unique_and_the_parent_must_exist_then(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        taken = await api.post(None, "", {"code": root.code, "name": "Trùng", "type": "agency", "parent_id": root.id,
                                          "effective_on": REFORM})
        assert taken.status_code == 409
        early = await api.post(None, "", {"code": "Y.1", "name": "Sớm", "type": "agency", "parent_id": root.id,
                                          "effective_on": REFORM - timedelta(days=1)})
        assert early.status_code == 422
        unknown = await api.post(None, "", {"code": "Y.2", "name": "Mồ côi", "type": "agency",
                                            "parent_id": uuid.uuid4(), "effective_on": REFORM})
        assert unknown.status_code == 404
        bad_type = await api.post(None, "", {"code": "Y.3", "name": "Lạ", "type": "county", "parent_id": root.id})
        assert bad_type.status_code == 422
        assert [i["id"] for i in (await api.tree()).json()["items"]] == [str(root.id)]


class TestRenameOrgUnit:
    async def test_a_rename_shows_only_from_its_effective_date(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        dept = await unit(session, parent=root, type="department", name="Sở Nội vụ")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        on = date(2026, 3, 1)
        response = await api.post(dept.id, "rename", {"name": "Sở Nội vụ và Lao động", "effective_on": on})
        assert response.status_code == 200, response.text
        assert (response.json()["name"], response.json()["valid_from"]) == ("Sở Nội vụ và Lao động", "2026-03-01")
        assert (await api.names(on - timedelta(days=1)))[str(dept.id)] == "Sở Nội vụ"
        assert (await api.one(dept.id, on - timedelta(days=1))).json()["valid_to"] == "2026-03-01"
        assert (await api.names(on))[str(dept.id)] == "Sở Nội vụ và Lao động"
        earlier = await api.post(dept.id, "rename", {"name": "Tên khác", "effective_on": on - timedelta(days=1)})
        assert earlier.status_code == 422
        assert await audit_count(session, "org_unit.rename", dept.id) == 1


class TestMoveOrgUnit:
    async def test_a_move_repaths_the_subtree_and_old_paths_read_back(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        x, y = await unit(session, parent=root), await unit(session, parent=root)
        mover = await unit(session, parent=x, type="sub_unit")
        leaf = await unit(session, parent=mover, type="sub_unit")
        await person(session, at=leaf, name="Phạm Thu")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        on = date(2026, 5, 1)
        response = await api.post(mover.id, "move", {"parent_id": y.id, "effective_on": on})
        assert response.status_code == 200, response.text
        new_mover, new_leaf = f"{y.path}{mover.id.hex}/", f"{y.path}{mover.id.hex}/{leaf.id.hex}/"
        assert response.json()["path"] == new_mover
        day_before = on - timedelta(days=1)
        then = [(await api.one(u.id, day_before)).json() for u in (mover, leaf)]
        now = [(await api.one(u.id, on)).json() for u in (mover, leaf)]
        assert [(u["path"], u["parent_id"]) for u in then] == [(mover.path, str(x.id)), (leaf.path, str(mover.id))]
        assert [(u["path"], u["parent_id"]) for u in now] == [(new_mover, str(y.id)), (new_leaf, str(mover.id))]
        under_x = (await api.tree(day_before, root_id=str(x.id))).json()["items"]
        assert [i["id"] for i in under_x] == [str(x.id), str(mover.id), str(leaf.id)]
        assert [i["id"] for i in (await api.tree(on, root_id=str(x.id))).json()["items"]] == [str(x.id)]
        assert await api.people(leaf.id, on) == await api.people(leaf.id, day_before) == ["Phạm Thu"]
        leaf_history = await periods(session, leaf.id)
        assert [(p[2], p[3], p[5]) for p in leaf_history] == [("created", None, leaf.path),
                                                               ("moved", mover.id, new_leaf)]
        assert [await current_path(session, u.id) for u in (mover, leaf)] == [new_mover, new_leaf]
        back_on = date(2026, 6, 1)
        back = await api.post(mover.id, "move", {"parent_id": x.id, "effective_on": back_on})
        assert back.status_code == 200, back.text
        assert (await api.one(leaf.id, back_on)).json()["path"] == leaf.path
        assert (await api.one(leaf.id, on)).json()["path"] == new_leaf
        assert await audit_count(session, "org_unit.move", mover.id) == 2

    async def test_no_cycles(self, session: AsyncSession, profile_api: AsyncClient,
                             token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        x = await unit(session, parent=root)
        below = await unit(session, parent=x, type="sub_unit")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        for parent in (below, x):
            response = await api.post(x.id, "move", {"parent_id": parent.id, "effective_on": date(2026, 1, 1)})
            assert response.status_code == 422
            assert response.json()["type"].endswith("org-cycle")
        assert (await api.one(x.id, date(2026, 1, 1))).json()["path"] == x.path


class TestScoping:
    async def test_another_subtree_is_404_and_the_tree_is_confined(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        mine, theirs = await unit(session, parent=root), await unit(session, parent=root)
        mine_sub = await unit(session, parent=mine, type="sub_unit")
        api = Api(profile_api, await auth_at(session, token_issuer, mine, role="agency_admin"))
        listed = (await api.tree(date(2026, 1, 1))).json()["items"]
        assert [i["id"] for i in listed] == [str(mine.id), str(mine_sub.id)]
        assert (await api.one(mine_sub.id, date(2026, 1, 1))).status_code == 200
        assert (await api.one(theirs.id, date(2026, 1, 1))).status_code == 404
        assert (await api.one(root.id, date(2026, 1, 1))).status_code == 404
        people = await profile_api.get(f"{BASE}/{theirs.id}/people", headers=api.headers)
        assert people.status_code == 404
        assert (await api.tree(date(2026, 1, 1), root_id=str(theirs.id))).status_code == 404

    async def test_a_writer_confined_to_a_subtree_cannot_reach_outside(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        mine, theirs = await unit(session, parent=root), await unit(session, parent=root)
        mine_sub = await unit(session, parent=mine, type="sub_unit")
        headers = await auth_at(session, token_issuer, mine, role="agency_admin",
                                scopes={"org-units:read", "org-units:write"})
        api = Api(profile_api, headers)
        on = date(2026, 1, 1)
        assert (await api.post(mine_sub.id, "merge", {"into_id": theirs.id, "effective_on": on})).status_code == 404
        assert (await api.post(theirs.id, "rename", {"name": "Của tôi", "effective_on": on})).status_code == 404
        assert (await api.post(mine_sub.id, "move", {"parent_id": theirs.id, "effective_on": on})).status_code == 404
        created = await api.post(None, "", {"code": "Z.1", "name": "Z", "type": "sub_unit", "parent_id": theirs.id,
                                            "effective_on": on})
        assert created.status_code == 404
        split = await api.post(mine.id, "split", {"effective_on": on, "parts": [
            {"code": "Z.2", "name": "Bên cạnh", "type": "agency"}]})
        assert split.status_code == 403
        assert (await api.names(on))[str(mine_sub.id)] == mine_sub.name

    @pytest.mark.parametrize(("path", "body"), WRITES)
    async def test_only_admins_write(self, session: AsyncSession, profile_api: AsyncClient,
                                     token_issuer: TokenIssuer, path: str, body: dict[str, object]) -> None:
        """Agency admins now restructure their own subtree (Điều 21 khoản 2:
        tests/profile_api/org_units/test_agency_restructuring.py); an approver, who only reads the tree, still
        cannot write."""
        root = await unit(session, type="province")
        agency = await unit(session, parent=root)
        headers = await auth_at(session, token_issuer, agency, role="approver")
        url = f"{BASE}/{agency.id}{path}" if path else BASE
        response = await profile_api.post(url, json=body, headers=headers)
        assert response.status_code == 403
        assert response.json()["missing_scopes"] == ["org-units:write"]

    @pytest.mark.parametrize(("method", "path", "body"), [
        ("GET", "", None), ("GET", "/{id}", None), ("GET", "/{id}/people", None),
        *[("POST", "/{id}" + p if p else "", body) for p, body in WRITES]])
    async def test_every_route_needs_a_token(self, profile_api: AsyncClient, method: str, path: str,
                                             body: dict[str, object] | None) -> None:
        response = await profile_api.request(method, BASE + path.format(id=uuid.uuid4()), json=body)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
