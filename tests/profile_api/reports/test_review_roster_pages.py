"""DOHA's roster of the quarterly reviews a page at a time (issue 16: every list paginated; Điều 21 khoản 6: each
unit sends its signed review by the 25th of the quarter's last month, DOHA follows who did): by unit code, `limit`
at a time with a keyset `next_cursor`, filtered by status or unit, and the counts always the whole quarter's."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import make_account, make_unit
from tests.profile_api.reports.test_reviews import PAST, _draft, _submit, world

ROSTER = "/api/v1/reports/reviews"


async def _walk(api: AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        answer = await api.get(ROSTER, params={"quarter": PAST, **params, **({"cursor": cursor} if cursor else {})},
                               headers=headers)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 10


class TestRosterPages:
    async def test_pages_by_code_with_the_whole_quarter_s_counts(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Điều 21 khoản 6: A sent its review late, B and three more units not at all; every page says so."""
        w = await world(session, token_issuer)
        for _ in range(3):
            more = await make_unit(session, parent=w.p)
            await make_account(session, unit=more, role="agency_admin", kind="agency")
        review = (await _draft(profile_api, w)).json()
        assert (await _submit(profile_api, w, review)).status_code == 200
        doha = w.auth["doha_admin"]
        pages = await _walk(profile_api, doha, limit=2)
        assert [len(p["units"]) for p in pages] == [2, 2, 1]
        codes = [u["org_unit_code"] for p in pages for u in p["units"]]
        assert codes == sorted(codes) and len(set(codes)) == 5 and w.a.code in codes
        for page in pages:
            assert (page["submitted"], page["late"], page["not_submitted"]) == (0, 1, 4)
        missing = await _walk(profile_api, doha, limit=2, status="not_submitted")
        assert sorted(u["org_unit_code"] for p in missing for u in p["units"]) == sorted(set(codes) - {w.a.code})
        own = (await profile_api.get(ROSTER, params={"quarter": PAST, "org_unit_id": str(w.a.id)},
                                     headers=doha)).json()
        assert [(u["org_unit_code"], u["status"]) for u in own["units"]] == [(w.a.code, "late")]
        assert own["not_submitted"] == 4  # the counts stay the quarter's

    async def test_a_bad_cursor_is_400_and_an_agency_pages_its_subtree_only(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        bad = await profile_api.get(ROSTER, params={"quarter": PAST, "cursor": "not!a*cursor"},
                                    headers=w.auth["doha_admin"])
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
        doha_first = (await profile_api.get(ROSTER, params={"quarter": PAST, "limit": 1},
                                            headers=w.auth["doha_admin"])).json()
        mine = await _walk(profile_api, w.auth["agency_a"], limit=1, cursor=doha_first["next_cursor"])
        assert [u["org_unit_code"] for p in mine for u in p["units"]] in ([], [w.a.code])
        pages = await _walk(profile_api, w.auth["agency_a"], limit=1)
        assert [u["org_unit_code"] for p in pages for u in p["units"]] == [w.a.code]
        assert all(p["not_submitted"] == 1 for p in pages)  # A's subtree alone: B is not counted
        theirs = await profile_api.get(ROSTER, params={"quarter": PAST, "org_unit_id": str(w.b.id)},
                                       headers=w.auth["agency_a"])
        assert theirs.status_code == 200 and theirs.json()["units"] == [] and w.b.code not in theirs.text
