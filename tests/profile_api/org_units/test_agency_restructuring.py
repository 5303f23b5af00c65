"""An agency records the restructuring of its own subtree (Quy chế Hà Nội 2024, Điều 21 khoản 2: "cập nhật, điều
chỉnh cơ cấu tổ chức bộ máy (trong trường hợp chia tách, sáp nhập, hợp nhất, giải thể,...)"), effective-dated and
confined to that subtree; DOHA, who manages the province's organisation catalogue (Điều 9 khoản 1 c), keeps the
whole tree and reads every change with its actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, OrgUnit, OrgUnitChange, Profile
from hoso_shared.time import local_today
from tests.factories import bearer, make_account, principal_for
from tests.profile_api.org_units.helpers import BASE, Api, audit_count, person, unit, unit_of_profile

ON, DAY_BEFORE = date(2026, 3, 1), date(2026, 2, 28)


@dataclass
class Tree:
    """A province: DOHA at the root; Sở A with Phòng A1 (and its Tổ A1a) and Phòng A2; Sở B with Phòng B1."""

    root: OrgUnit
    a: OrgUnit
    a1: OrgUnit
    a1a: OrgUnit
    a2: OrgUnit
    b: OrgUnit
    b1: OrgUnit
    lan: Profile  # works in A1
    doha: Account
    admin_a: Account
    admin_b: Account
    api: dict[str, Api]


async def tree(session: AsyncSession, client: AsyncClient, issuer: TokenIssuer) -> Tree:
    root = await unit(session, type="province", name="Thành phố Hà Nội")
    a = await unit(session, parent=root, type="department", name="Sở A")
    a1 = await unit(session, parent=a, type="sub_unit", name="Phòng A1")
    a1a = await unit(session, parent=a1, type="sub_unit", name="Tổ A1a")
    a2 = await unit(session, parent=a, type="sub_unit", name="Phòng A2")
    b = await unit(session, parent=root, type="department", name="Sở B")
    b1 = await unit(session, parent=b, type="sub_unit", name="Phòng B1")
    lan = await person(session, at=a1, name="Nguyễn Thị Lan")
    doha = await make_account(session, unit=root, role="doha_admin", username="snv.test")
    admin_a = await make_account(session, unit=a, role="agency_admin", kind="agency", username="sa.admin")
    admin_b = await make_account(session, unit=b, role="agency_admin", kind="agency", username="sb.admin")
    api = {name: Api(client, bearer(issuer, principal_for(account, at))) for name, account, at in
           (("doha", doha, root), ("a", admin_a, a), ("b", admin_b, b))}
    return Tree(root, a, a1, a1a, a2, b, b1, lan, doha, admin_a, admin_b, api)


async def change_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(OrgUnitChange))).scalar_one())


async def changes(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = await api.client.get(f"{BASE}/changes", params=params, headers=api.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestAgencyRestructuresItsSubtree:
    async def test_split_merge_dissolve_create_rename_move_within_it(self, session: AsyncSession,
                                                                     profile_api: AsyncClient,
                                                                     token_issuer: TokenIssuer) -> None:
        """Điều 21 khoản 2: the agency itself records chia tách (split), sáp nhập / hợp nhất (merge), giải thể
        (dissolve), and creates, renames and moves its sub-units, each from its effective date: the day before
        still reads the old tree."""
        t = await tree(session, profile_api, token_issuer)
        api = t.api["a"]
        created = await api.post(None, "", {"code": "A.3", "name": "Phòng A3", "type": "sub_unit",
                                            "parent_id": t.a.id, "effective_on": ON})
        assert created.status_code == 201, created.text
        a3 = created.json()["id"]
        steps = [(t.a2.id, "rename", {"name": "Phòng Tổng hợp", "effective_on": ON}),
                 (t.a1a.id, "move", {"parent_id": t.a2.id, "effective_on": ON}),
                 (t.a1.id, "split", {"effective_on": ON, "parts": [
                     {"code": "A.1.X", "name": "Phòng A1-X", "type": "sub_unit", "profile_ids": [t.lan.id]}]}),
                 (a3, "merge", {"into_id": t.a2.id, "effective_on": ON, "confirm_unit_code": "A.3"}),
                 (t.a1.id, "dissolve", {"move_to_id": t.a.id, "effective_on": ON, "confirm_unit_code": t.a1.code})]
        for unit_id, action, body in steps:
            response = await api.post(unit_id, action, body)
            assert response.status_code == 200, f"{action}: {response.text}"
        after, before = await api.names(ON), await api.names(DAY_BEFORE)
        assert after[str(t.a2.id)] == "Phòng Tổng hợp" and before[str(t.a2.id)] == "Phòng A2"
        assert str(t.a1.id) not in after and str(t.a1.id) in before
        assert a3 not in after
        assert "Phòng A1-X" in after.values() and "Phòng A1-X" not in before.values()
        assert await unit_of_profile(session, t.lan) != t.a1.id
        assert await api.people(t.a1.id, DAY_BEFORE) == ["Nguyễn Thị Lan"]
        assert await audit_count(session, "org_unit.dissolve", t.a1.id) == 1

    async def test_refused_outside_its_subtree_and_on_its_own_unit(self, session: AsyncSession,
                                                                   profile_api: AsyncClient,
                                                                   token_issuer: TokenIssuer) -> None:
        """Điều 21 khoản 2 "thuộc phạm vi quản lý": a merge or move may not pull in (or push out to) a unit of
        another agency (404, as if absent), nor touch another agency's units; the agency's own unit is
        restructured by the level above it (403), which keeps the province's catalogue (Điều 9 khoản 1 c)."""
        t = await tree(session, profile_api, token_issuer)
        api = t.api["a"]
        refused = [(t.b1.id, "merge", {"into_id": t.a2.id}, 404), (t.a1.id, "merge", {"into_id": t.b1.id}, 404),
                   (t.b1.id, "move", {"parent_id": t.a.id}, 404), (t.a1.id, "move", {"parent_id": t.b.id}, 404),
                   (t.a1.id, "dissolve", {"move_to_id": t.b.id}, 404), (t.b1.id, "rename", {"name": "Của A"}, 404),
                   (t.a.id, "rename", {"name": "Sở A mới"}, 403), (t.a.id, "merge", {"into_id": t.a2.id}, 403),
                   (t.a.id, "split", {"parts": [{"code": "A.9", "name": "Sở A9", "type": "department"}]}, 403),
                   (t.a.id, "dissolve", {"move_to_id": t.a2.id}, 403)]
        for unit_id, action, body, status in refused:
            response = await api.post(unit_id, action, {**body, "effective_on": ON})
            assert response.status_code == status, f"{action} {unit_id}: {response.text}"
            assert t.b1.name not in response.text
        own = await api.post(t.a.id, "rename", {"name": "Sở A mới", "effective_on": ON})
        assert own.json()["type"] == "urn:hoso:problem:own-org-unit"
        under_b = await api.post(None, "", {"code": "B.9", "name": "Phòng lạ", "type": "sub_unit",
                                            "parent_id": t.b.id, "effective_on": ON})
        assert under_b.status_code == 404
        assert (await t.api["doha"].names(ON))[str(t.b1.id)] == "Phòng B1"
        assert await change_count(session) == 0


class TestDohaSeesEveryChange:
    async def test_doha_lists_the_agencys_changes_with_their_actor(self, session: AsyncSession,
                                                                   profile_api: AsyncClient,
                                                                   token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 1 c and Điều 21 khoản 2: what an agency records in its subtree DOHA reads, with who did it,
        when, and from which day; another agency does not see it; the audit log holds it too."""
        t = await tree(session, profile_api, token_issuer)
        merged = await t.api["a"].post(t.a1.id, "merge", {"into_id": t.a2.id, "effective_on": ON,
                                                          "confirm_unit_code": t.a1.code})
        assert merged.status_code == 200
        assert (await t.api["a"].post(t.a2.id, "rename", {"name": "Phòng A", "effective_on": ON})).status_code == 200
        seen = await changes(t.api["doha"])
        assert [(c["action"], c["org_unit_id"], c["actor_username"], c["effective_on"]) for c in seen] == [
            ("rename", str(t.a2.id), "sa.admin", ON.isoformat()), ("merge", str(t.a1.id), "sa.admin", ON.isoformat())]
        merge = seen[1]
        assert merge["actor_id"] == str(t.admin_a.id) and merge["code"] == t.a1.code
        assert merge["detail"]["target_id"] == str(t.a2.id) and merge["detail"]["moved_profiles"] == 1
        assert merge["detail"]["moved_unit_ids"] == [str(t.a1a.id)]
        assert t.lan.full_name not in str(seen) and str(t.lan.id) not in str(seen)
        assert await changes(t.api["a"]) == seen
        assert await changes(t.api["b"]) == []
        assert [c["action"] for c in await changes(t.api["doha"], org_unit_id=str(t.a1.id))] == ["merge"]
        assert [c["action"] for c in await changes(t.api["doha"], action="rename")] == ["rename"]
        assert await audit_count(session, "org_unit.merge", t.a1.id) == 1

    async def test_doha_keeps_the_whole_tree_and_both_sides_see_a_move_across(self, session: AsyncSession,
                                                                              profile_api: AsyncClient,
                                                                              token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 1 c: DOHA restructures across agencies (and renames an agency); the agency a unit left and
        the one it joined both read the change; the list pages newest first."""
        t = await tree(session, profile_api, token_issuer)
        doha = t.api["doha"]
        assert (await doha.post(t.a2.id, "move", {"parent_id": t.b.id, "effective_on": ON})).status_code == 200
        assert (await doha.post(t.a.id, "rename", {"name": "Sở A (mới)", "effective_on": ON})).status_code == 200
        assert [c["action"] for c in await changes(t.api["b"])] == ["move"]
        assert [c["action"] for c in await changes(t.api["a"])] == ["rename", "move"]
        first = (await profile_api.get(f"{BASE}/changes", params={"limit": 1}, headers=doha.headers)).json()
        rest = (await profile_api.get(f"{BASE}/changes", params={"limit": 1, "cursor": first["next_cursor"]},
                                      headers=doha.headers)).json()
        assert [c["action"] for c in first["items"] + rest["items"]] == ["rename", "move"]
        assert rest["next_cursor"] is None
        assert (await profile_api.get(f"{BASE}/changes", params={"cursor": "x"},
                                      headers=doha.headers)).status_code == 400


class TestDatesAhead:
    async def test_a_change_is_dated_at_most_a_year_ahead(self, session: AsyncSession, profile_api: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        """Điều 21 khoản 2 (restructuring recorded on its decision) with Điều 19 khoản 7 (the data kept right): a
        rename dated 3122 (a typo of 2022) is refused with 422 effective-date-too-late, by DOHA too, and nothing is
        recorded; one within the year ahead is taken."""
        t = await tree(session, profile_api, token_issuer)
        before = await change_count(session)
        for who in ("a", "doha"):
            far = await t.api[who].post(t.a2.id, "rename", {"name": "Phòng xa", "effective_on": date(3122, 1, 1)})
            assert far.status_code == 422 and far.json()["type"].endswith("effective-date-too-late"), far.text
        assert await change_count(session) == before
        near = await t.api["a"].post(t.a2.id, "rename", {"name": "Phòng Tổng hợp",
                                                          "effective_on": local_today() + timedelta(days=300)})
        assert near.status_code == 200, near.text
