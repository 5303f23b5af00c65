"""Listing and reading accounts (subtree only, never a secret), overdue incoming people, and the
401 every account route gives without a token."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import make_account, make_profile
from tests.profile_api.accounts.helpers import auth_as, province

URL = "/api/v1/accounts"


class TestListAccounts:
    async def test_subtree_filters_and_pages(self, session: AsyncSession, profile_api: AsyncClient,
                                             token_issuer: TokenIssuer) -> None:
        p = await province(session)
        officers = {str((await make_account(session, unit=p.a_sub, role="officer")).id) for _ in range(5)}
        approver = await make_account(session, unit=p.a, role="approver")
        await make_account(session, unit=p.b, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)

        everyone = (await profile_api.get(URL, params={"limit": 200}, headers=auth)).json()
        assert {a["id"] for a in everyone["items"]} == {*officers, str(approver.id), str(p.admin_a.id)}
        assert all("secret_hash" not in a for a in everyone["items"])

        seen: list[str] = []
        cursor = None
        while True:
            params = {"role": "officer", "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await profile_api.get(URL, params=params, headers=auth)).json()
            assert len(page["items"]) <= 2
            seen += [a["id"] for a in page["items"]]
            if (cursor := page["next_cursor"]) is None:
                break
        assert sorted(seen) == sorted(officers)
        assert (await profile_api.get(URL, params={"disabled": True}, headers=auth)).json()["items"] == []
        assert (await profile_api.get(URL, params={"limit": 201}, headers=auth)).status_code == 422

    async def test_reading_needs_accounts_read(self, session: AsyncSession, profile_api: AsyncClient,
                                               token_issuer: TokenIssuer) -> None:
        p = await province(session)
        approver = await make_account(session, unit=p.a, role="approver")
        response = await profile_api.get(URL, headers=auth_as(token_issuer, approver, p.a))
        assert response.status_code == 403


class TestOverdueIncoming:
    async def test_ten_working_days_across_tet(self, session: AsyncSession, profile_api: AsyncClient,
                                               token_issuer: TokenIssuer) -> None:
        p = await province(session)
        # Mon 9 Feb 2026 + 10 working days, skipping Tết (16–20 Feb) = Mon 2 Mar.
        late = await make_profile(session, unit=p.a_sub, full_name="Đến Muộn", incoming_on=date(2026, 2, 9))
        # Tue 10 Feb + 10 = Tue 3 Mar: due on the day asked about, so not late yet. Counting
        # weekdays only, it would have been due on Tue 24 Feb and reported.
        due_today = await make_profile(session, unit=p.a, incoming_on=date(2026, 2, 10))
        has_account = await make_profile(session, unit=p.a, incoming_on=date(2026, 2, 9))
        await make_account(session, unit=p.a, role="officer", profile=has_account)
        await make_profile(session, unit=p.a, incoming_on=date(2026, 2, 9), status="retired")
        other_agency = await make_profile(session, unit=p.b, incoming_on=date(2026, 2, 9))
        await make_profile(session, unit=p.a)  # not an incoming person
        auth = auth_as(token_issuer, p.admin_a, p.a)

        page = (await profile_api.get(f"{URL}/overdue-incoming", params={"as_of": "2026-03-03"},
                                      headers=auth)).json()
        assert page["as_of"] == "2026-03-03"
        assert [(i["profile_id"], i["incoming_on"], i["due_on"]) for i in page["items"]] == [
            (str(late.id), "2026-02-09", "2026-03-02")]

        next_day = (await profile_api.get(f"{URL}/overdue-incoming", params={"as_of": "2026-03-04"},
                                          headers=auth)).json()
        assert {i["profile_id"] for i in next_day["items"]} == {str(late.id), str(due_today.id)}
        first = (await profile_api.get(f"{URL}/overdue-incoming", params={"as_of": "2026-03-04", "limit": 1},
                                       headers=auth)).json()
        rest = (await profile_api.get(f"{URL}/overdue-incoming", headers=auth, params={
            "as_of": "2026-03-04", "limit": 1, "cursor": first["next_cursor"]})).json()
        assert {first["items"][0]["profile_id"], rest["items"][0]["profile_id"]} == {str(late.id), str(due_today.id)}
        doha = (await profile_api.get(f"{URL}/overdue-incoming", params={"as_of": "2026-03-04", "limit": 200},
                                      headers=auth_as(token_issuer, p.doha, p.root))).json()
        assert {i["profile_id"] for i in doha["items"]} == {str(late.id), str(due_today.id), str(other_agency.id)}


ANY_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"  # fixed: test ids must be equal in every xdist worker
ROUTES = [
    ("POST", URL), ("GET", URL), ("GET", f"{URL}/overdue-incoming"), ("GET", f"{URL}/{ANY_ID}"),
    ("POST", f"{URL}/{ANY_ID}/disable"), ("POST", f"{URL}/{ANY_ID}/enable"),
    ("POST", f"{URL}/{ANY_ID}/reset-password"), ("POST", f"{URL}/{ANY_ID}/move"),
    ("POST", f"{URL}/{ANY_ID}/roles"), ("GET", f"{URL}/{ANY_ID}/access-changes"),
    ("POST", f"{URL}/{ANY_ID}/delegation"), ("POST", f"{URL}/{ANY_ID}/delegation/revoke"),
    ("GET", f"{URL}/delegations"),
]


class TestNoToken:
    @pytest.mark.parametrize(("method", "path"), ROUTES)
    async def test_is_401(self, profile_api: AsyncClient, method: str, path: str) -> None:
        response = await profile_api.request(method, path, json={"org_unit_id": str(uuid.uuid4())})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
