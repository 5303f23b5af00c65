"""Units carry their electronic identifier (mã định danh điện tử, QĐ 20/2020/QĐ-TTg): entered on create, rename or
on its own, shown on every read, checked for shape and uniqueness."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.profile_api.org_units.helpers import BASE, REFORM, Api, audit_count, auth_at, unit

ON = date(2026, 3, 1)


class TestElectronicIds:
    async def test_create_shows_and_refuses_a_malformed_or_taken_identifier(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Điều 19 khoản 2: a unit is known by its QĐ 20/2020/QĐ-TTg identifier; a malformed one is a 422 naming
        the field, one another unit holds a 409 naming that unit."""
        root = await unit(session, type="province")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        body = {"code": "01.STC", "name": "Sở Tài chính", "type": "department", "parent_id": root.id,
                "effective_on": REFORM}
        created = await api.post(None, "", {**body, "electronic_id": "000.00.02.H26"})
        assert created.status_code == 201, created.text
        assert created.json()["electronic_id"] == "000.00.02.H26"
        shown = (await api.one(created.json()["id"])).json()
        assert shown["electronic_id"] == "000.00.02.H26"
        tree = (await api.tree()).json()["items"]
        assert {i["code"]: i["electronic_id"] for i in tree} == {root.code: None, "01.STC": "000.00.02.H26"}

        malformed = await api.post(None, "", {**body, "code": "01.SGD", "electronic_id": "01.SGD"})
        assert malformed.status_code == 422
        problem = malformed.json()
        assert problem["type"].endswith("validation-failed")
        assert [e["loc"][-1] for e in problem["errors"]] == ["electronic_id"]

        taken = await api.post(None, "", {**body, "code": "01.SGD", "electronic_id": "000.00.02.H26"})
        assert taken.status_code == 409
        assert taken.json()["type"].endswith("electronic-id-taken")
        assert taken.json()["holder"] == "01.STC" and taken.json()["detail"].startswith("Mã định danh")

        without = await api.post(None, "", {**body, "code": "01.SGD"})
        assert without.status_code == 201 and without.json()["electronic_id"] is None

    async def test_update_sets_and_corrects_it_audited(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Điều 19 khoản 2: an existing unit is given its identifier (and may have it corrected); the level above
        sets it, as for any edit of a unit."""
        root = await unit(session, type="province")
        dept = await unit(session, parent=root, type="department")
        other = await unit(session, parent=root, type="department")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        url = f"{BASE}/{dept.id}/electronic-id"
        put = await profile_api.put(url, json={"electronic_id": "000.00.05.H26"}, headers=api.headers)
        assert put.status_code == 200, put.text
        assert put.json()["electronic_id"] == "000.00.05.H26"
        again = await profile_api.put(url, json={"electronic_id": "000.00.05.H26"}, headers=api.headers)
        assert again.status_code == 200  # its own identifier, given again
        corrected = await profile_api.put(url, json={"electronic_id": "000.00.06.H26"}, headers=api.headers)
        assert corrected.json()["electronic_id"] == "000.00.06.H26"
        assert await audit_count(session, "org_unit.identify", dept.id) == 3

        taken = await profile_api.put(f"{BASE}/{other.id}/electronic-id", json={"electronic_id": "000.00.06.H26"},
                                      headers=api.headers)
        assert taken.status_code == 409
        bad = await profile_api.put(url, json={"electronic_id": "000.00.06.h26"}, headers=api.headers)
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "electronic_id"
        missing = await profile_api.put(url, json={}, headers=api.headers)
        assert missing.status_code == 422

        own = Api(profile_api, await auth_at(session, token_issuer, dept, role="agency_admin"))
        refused = await profile_api.put(url, json={"electronic_id": "000.00.07.H26"}, headers=own.headers)
        assert refused.status_code == 403 and refused.json()["type"].endswith("own-org-unit")
        assert (await api.one(dept.id)).json()["electronic_id"] == "000.00.06.H26"

    async def test_rename_may_bring_a_new_identifier(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Điều 19 khoản 2: a renamed body may be issued a new identifier with its new name; without one it keeps
        its own."""
        root = await unit(session, type="province")
        dept = await unit(session, parent=root, type="department", name="Sở Nội vụ")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        renamed = await api.post(dept.id, "rename", {"name": "Sở Nội vụ mới", "effective_on": ON,
                                                     "electronic_id": "000.00.01.H26"})
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["electronic_id"] == "000.00.01.H26"
        kept = await api.post(dept.id, "rename", {"name": "Sở Nội vụ", "effective_on": date(2026, 4, 1)})
        assert kept.json()["electronic_id"] == "000.00.01.H26"
        bad = await api.post(dept.id, "rename", {"name": "X", "effective_on": date(2026, 5, 1),
                                                 "electronic_id": "H26"})
        assert bad.status_code == 422
