"""Reading profiles is confined to the caller's org subtree; an officer sees only themself."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Profile
from profile_api.profiles.schemas import ProfilePage
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for


async def tree(session: AsyncSession) -> dict[str, Any]:
    root = await make_unit(session, type="province")
    a = await make_unit(session, parent=root)
    a_sub = await make_unit(session, parent=a, type="sub_unit")
    b = await make_unit(session, parent=root)
    return {"root": root, "a": a, "a_sub": a_sub, "b": b,
            "pa": await make_profile(session, unit=a_sub, full_name="Trần Văn An"),
            "pb": await make_profile(session, unit=b, full_name="Lê Thị Bình")}


class TestSubtreeScoping:
    async def test_agency_sees_its_subtree_only(self, session: AsyncSession, profile_api: AsyncClient,
                                                token_issuer: TokenIssuer) -> None:
        t = await tree(session)
        admin = await make_account(session, unit=t["a"], role="agency_admin")
        auth = bearer(token_issuer, principal_for(admin, t["a"]))
        own = await profile_api.get(f"/api/v1/profiles/{t['pa'].id}", headers=auth)
        assert own.status_code == 200
        assert own.json()["citizen_id_masked"].count("*") == 7
        other = await profile_api.get(f"/api/v1/profiles/{t['pb'].id}", headers=auth)
        assert other.status_code == 404
        listed = (await profile_api.get("/api/v1/profiles", headers=auth)).json()["items"]
        assert [p["id"] for p in listed] == [str(t["pa"].id)]
        foreign = await profile_api.get(f"/api/v1/profiles?org_unit_id={t['b'].id}", headers=auth)
        assert foreign.json()["items"] == []

    async def test_doha_sees_the_province(self, session: AsyncSession, profile_api: AsyncClient,
                                          token_issuer: TokenIssuer) -> None:
        t = await tree(session)
        doha = await make_account(session, unit=t["root"], role="doha_admin")
        auth = bearer(token_issuer, principal_for(doha, t["root"]))
        ids = {p["id"] for p in (await profile_api.get("/api/v1/profiles", headers=auth)).json()["items"]}
        assert {str(t["pa"].id), str(t["pb"].id)} <= ids
        only_b = (await profile_api.get(f"/api/v1/profiles?org_unit_id={t['b'].id}", headers=auth)).json()
        assert [p["id"] for p in only_b["items"]] == [str(t["pb"].id)]

    async def test_officer_sees_only_themself(self, session: AsyncSession, profile_api: AsyncClient,
                                              token_issuer: TokenIssuer) -> None:
        t = await tree(session)
        neighbour = await make_profile(session, unit=t["a_sub"])
        officer = await make_account(session, unit=t["a_sub"], role="officer", profile=t["pa"])
        auth = bearer(token_issuer, principal_for(officer, t["a_sub"]))
        assert (await profile_api.get(f"/api/v1/profiles/{t['pa'].id}", headers=auth)).status_code == 200
        assert (await profile_api.get(f"/api/v1/profiles/{neighbour.id}", headers=auth)).status_code == 404
        listed = (await profile_api.get("/api/v1/profiles", headers=auth)).json()["items"]
        assert [p["id"] for p in listed] == [str(t["pa"].id)]

    async def test_no_read_scope_is_403(self, session: AsyncSession, profile_api: AsyncClient,
                                        token_issuer: TokenIssuer) -> None:
        t = await tree(session)
        svc = await make_account(session, unit=t["root"], role="service", kind="client")
        auth = bearer(token_issuer, principal_for(svc, t["root"], scopes={"profiles:apply"}))
        assert (await profile_api.get("/api/v1/profiles", headers=auth)).status_code == 403


class TestPagination:
    async def test_cursor_walks_every_row_once(self, session: AsyncSession, profile_api: AsyncClient,
                                               token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        made = {str((await make_profile(session, unit=unit)).id) for _ in range(7)}
        admin = await make_account(session, unit=unit)
        auth = bearer(token_issuer, principal_for(admin, unit))
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            page = (await profile_api.get("/api/v1/profiles", params=params, headers=auth)).json()
            ProfilePage.model_validate(page)  # the hot path skips validation: it must still fit the model
            seen += [p["id"] for p in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(made)
        bad = await profile_api.get("/api/v1/profiles?cursor=%%%", headers=auth)
        assert bad.status_code == 400

    async def test_filters(self, session: AsyncSession, profile_api: AsyncClient,
                           token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        await make_profile(session, unit=unit, full_name="Phạm Minh Đức", category="vien_chuc")
        await make_profile(session, unit=unit, full_name="Phan Thị Hoa", status="retired")
        admin = await make_account(session, unit=unit)
        auth = bearer(token_issuer, principal_for(admin, unit))
        by_name = (await profile_api.get("/api/v1/profiles?name_prefix=Phạm", headers=auth)).json()
        assert [p["full_name"] for p in by_name["items"]] == ["Phạm Minh Đức"]
        retired = (await profile_api.get("/api/v1/profiles?status=retired", headers=auth)).json()
        assert [p["full_name"] for p in retired["items"]] == ["Phan Thị Hoa"]


class TestAtRest:
    async def test_no_citizen_id_in_clear(self, session: AsyncSession) -> None:
        unit = await make_unit(session)
        await make_profile(session, unit=unit, citizen_id="001185012345")
        rows = (await session.execute(select(Profile.citizen_id_enc, Profile.citizen_id_hmac))).all()
        assert all(b"001185012345" not in enc and b"001185012345" not in mac for enc, mac in rows)


class TestFieldSelection:
    async def test_fields_adds_the_named_items(self, session: AsyncSession, profile_api: AsyncClient,
                                               token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        await make_profile(session, unit=unit, items={"ethnicity_code": "06", "other_names": "Bé"})
        admin = await make_account(session, unit=unit)
        auth = bearer(token_issuer, principal_for(admin, unit))
        page = (await profile_api.get("/api/v1/profiles?fields=ethnicity_code,other_names,full_name",
                                      headers=auth)).json()
        wanted = {"ethnicity_code": "06", "other_names": "Bé", "full_name": "Nguyễn Thị Lan"}
        assert page["items"][0]["fields"] == wanted
        assert (await profile_api.get("/api/v1/profiles", headers=auth)).json()["items"][0]["fields"] is None
        sensitive = await profile_api.get("/api/v1/profiles?fields=citizen_id", headers=auth)
        assert sensitive.status_code == 422 and sensitive.json()["unknown"] == ["citizen_id"]
