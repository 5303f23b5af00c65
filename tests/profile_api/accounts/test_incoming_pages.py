"""Everyone who came in and has no account yet, due or not, a page at a time (issue 16: every list paginated;
Điều 12 khoản 2.2 điểm a: the receiving unit creates the personal account within 10 working days of the handover):
`GET /api/v1/accounts/incoming`, by arrival day so the late come first, each with its due day and whether it is
overdue, confined to the caller's subtree."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import make_account, make_profile
from tests.profile_api.accounts.helpers import auth_as, province

URL = "/api/v1/accounts/incoming"


class TestIncomingPages:
    async def test_late_first_page_by_page_and_due_days_across_tet(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Điều 12 khoản 2.2 điểm a: Mon 9 Feb 2026 + 10 working days, skipping Tết, is Mon 2 Mar."""
        p = await province(session)
        late = await make_profile(session, unit=p.a_sub, full_name="Đến Sớm", incoming_on=date(2026, 2, 9))
        due_today = await make_profile(session, unit=p.a, full_name="Đến Sau", incoming_on=date(2026, 2, 10))
        fresh = await make_profile(session, unit=p.a, full_name="Mới Đến", incoming_on=date(2026, 3, 2))
        has_account = await make_profile(session, unit=p.a, incoming_on=date(2026, 2, 9))
        await make_account(session, unit=p.a, role="officer", profile=has_account)
        await make_profile(session, unit=p.b, full_name="Cơ Quan Khác", incoming_on=date(2026, 2, 1))
        auth = auth_as(token_issuer, p.admin_a, p.a)
        seen: list[tuple[str, str, bool]] = []
        cursor: str | None = None
        while True:
            params: dict[str, str] = {"as_of": "2026-03-03", "limit": "2", **({"cursor": cursor} if cursor else {})}
            answer = await profile_api.get(URL, params=params, headers=auth)
            assert answer.status_code == 200, answer.text
            assert "Cơ Quan Khác" not in answer.text
            page = answer.json()
            assert len(page["items"]) <= 2 and page["as_of"] == "2026-03-03"
            seen += [(i["profile_id"], i["due_on"], i["overdue"]) for i in page["items"]]
            if (cursor := page["next_cursor"]) is None:
                break
        assert seen[0] == (str(late.id), "2026-03-02", True)
        assert seen[1] == (str(due_today.id), "2026-03-03", False)
        assert [s[0] for s in seen] == [str(late.id), str(due_today.id), str(fresh.id)]

    async def test_a_bad_cursor_is_400_and_a_reader_is_needed(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        p = await province(session)
        bad = await profile_api.get(URL, params={"cursor": "not!a*cursor"}, headers=auth_as(token_issuer, p.admin_a,
                                                                                             p.a))
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
        approver = await make_account(session, unit=p.a, role="approver")
        assert (await profile_api.get(URL, headers=auth_as(token_issuer, approver, p.a))).status_code == 403
        assert (await profile_api.get(URL)).status_code == 401
