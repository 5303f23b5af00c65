"""A unit's people a page at a time (issue 16: every list paginated): `GET /api/v1/org-units/{id}/people` answers
by name, then record id, `limit` at a time with a keyset `next_cursor`, keeps reading the assignment history as of
`as_of`, and checks the unit lies in the caller's subtree before any cursor is read or anyone is looked up."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ProfileAssignment
from tests.profile_api.org_units.helpers import BASE, auth_at, person, unit

NAMES = ["Bùi Văn An", "Lê Thị Bình", "Ngô Văn Cường", "Phạm Thị Dung", "Trần Văn Em"]  # one order in any collation


async def _pages(client: AsyncClient, headers: dict[str, str], unit_id: object, limit: int,
                 **params: str) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = {"limit": str(limit), **params, **({"cursor": cursor} if cursor else {})}
        answer = await client.get(f"{BASE}/{unit_id}/people", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append([p["full_name"] for p in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 10


class TestUnitPeoplePages:
    async def test_pages_follow_the_cursor_by_name_and_end(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Điều 21 khoản 2: the agency reads its own subtree's units; here a page at a time, nobody twice."""
        root = await unit(session, type="province")
        agency = await unit(session, parent=root)
        office = await unit(session, parent=agency, type="sub_unit")
        for name in reversed(NAMES):
            await person(session, at=office, name=name)
        headers = await auth_at(session, token_issuer, agency, role="agency_admin")
        first = await profile_api.get(f"{BASE}/{office.id}/people", params={"limit": 2}, headers=headers)
        assert first.status_code == 200, first.text
        body = first.json()
        assert [p["full_name"] for p in body["items"]] == sorted(NAMES)[:2] and body["next_cursor"]
        assert body["org_unit_id"] == str(office.id)
        pages = await _pages(profile_api, headers, office.id, 2)
        assert [len(p) for p in pages] == [2, 2, 1]
        assert [n for p in pages for n in p] == sorted(NAMES)
        whole = await profile_api.get(f"{BASE}/{office.id}/people", headers=headers)  # default limit: one page here
        assert [p["full_name"] for p in whole.json()["items"]] == sorted(NAMES)
        assert whole.json()["next_cursor"] is None

    async def test_a_page_of_a_past_day_reads_who_was_there_then(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """The cursor keeps `as_of`'s meaning: someone who left before the day is on no page of it."""
        root = await unit(session, type="province")
        office = await unit(session, parent=root, type="sub_unit")
        kept = [await person(session, at=office, name=n) for n in NAMES[:3]]
        gone = kept[1]
        await session.execute(update(ProfileAssignment).where(ProfileAssignment.profile_id == gone.id)
                              .values(valid_to=date(2026, 1, 1)))
        headers = await auth_at(session, token_issuer, root)
        before = await _pages(profile_api, headers, office.id, 1, as_of="2025-12-31")
        after = await _pages(profile_api, headers, office.id, 1, as_of="2026-01-02")
        assert [n for p in before for n in p] == NAMES[:3]
        assert [n for p in after for n in p] == [NAMES[0], NAMES[2]]

    async def test_a_cursor_not_given_by_the_list_is_400(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        root = await unit(session, type="province")
        office = await unit(session, parent=root, type="sub_unit")
        await person(session, at=office, name=NAMES[0])
        headers = await auth_at(session, token_issuer, root)
        bad = await profile_api.get(f"{BASE}/{office.id}/people", params={"cursor": "not!a*cursor"}, headers=headers)
        assert bad.status_code == 400
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["type"].endswith("invalid-cursor")
        assert (await profile_api.get(f"{BASE}/{office.id}/people", params={"limit": 0},
                                      headers=headers)).status_code == 422
        assert (await profile_api.get(f"{BASE}/{office.id}/people", params={"limit": 501},
                                      headers=headers)).status_code == 422

    async def test_another_agency_s_unit_is_404_whatever_the_cursor(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """The subtree is checked first: a cursor taken from one's own unit opens nothing of another agency's."""
        root = await unit(session, type="province")
        mine, theirs = await unit(session, parent=root), await unit(session, parent=root)
        for name in NAMES[:3]:
            await person(session, at=mine, name=name)
            await person(session, at=theirs, name=f"{name} Khác")
        headers = await auth_at(session, token_issuer, mine, role="agency_admin")
        own = await profile_api.get(f"{BASE}/{mine.id}/people", params={"limit": 1}, headers=headers)
        cursor = own.json()["next_cursor"]
        assert cursor
        for params in ({}, {"cursor": cursor}, {"cursor": "not!a*cursor"}):
            refused = await profile_api.get(f"{BASE}/{theirs.id}/people", params=params, headers=headers)
            assert refused.status_code == 404, refused.text
            assert "Khác" not in refused.text
