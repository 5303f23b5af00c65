"""DOHA's province dashboard (issue 16, part 2, item 11): per agency, this month's records updated, approved,
synced and acknowledged, quality per criterion, the approval backlog with what is overdue, and the quarter's
reviews — one screen, a table with a server-drawn chart, each figure linked to the list behind it (QĐ 6187/QĐ-UBND
Điều 19: DOHA oversees the province's data; Điều 7 approvals, Điều 14 khoản 2 the sync, Điều 21 khoản 6 the
quarterly review). Real APIs and gateway on the test's transaction."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from portal.province import service as dashboard
from tests.approval_api.conftest import World, apis  # noqa: F401 - the stack's fixture
from tests.factories import make_account, make_profile
from tests.portal.conftest import Portal, open_portal
from tests.portal.national import open_national_portal
from tests.sync_gateway.conftest import Stack, stack  # noqa: F401


@pytest.fixture
async def portal(stack: Stack) -> AsyncIterator[Portal]:  # noqa: F811 - the gateway's fixture
    async for made in open_national_portal(stack):
        yield made


def row(page: str, code: str) -> list[str]:
    """The cells of an agency's row, as text."""
    found = re.search(rf'<tr data-unit="{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert found, page[:4000]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


class TestDashboard:
    async def test_doha_reads_each_agency_with_its_backlog_and_links(self, session: AsyncSession,
                                                                   portal: Portal) -> None:
        """Điều 19 and Điều 7: one row per agency (its subtree counted), the requests waiting for approval linked to
        the inbox filtered on the agency, its packets linked to the packet list, its quarter's review status."""
        world = portal.world
        await world.request(session)
        await world.request(session)
        await portal.sign_in("doha.admin")
        page = await portal.client.get("/tinh")
        assert page.status_code == 200, page.text[:2000]
        agency, elsewhere = row(page.text, world.agency.code), row(page.text, world.elsewhere.code)
        assert agency[0] == world.agency.name and elsewhere[0] == world.elsewhere.name
        assert agency[1] == "2"  # the world's two people
        assert agency[10] == "2" and elsewhere[10] == "0"  # waiting for approval
        assert "chưa gửi" in agency[12]  # the agency account's quarter review is not in yet
        assert "Không có tài khoản cơ quan" in elsewhere[12]
        assert agency[13] == "0"  # nobody taken in is waiting for an account
        assert f'href="/duyet?unit={world.agency.id}"' in page.text
        assert f'href="/goi-tin?co-quan={world.agency.code}"' in page.text
        assert f'href="/nhan-su?unit={world.agency.id}"' in page.text
        assert '<svg class="chart" role="img" aria-labelledby="chart-title"' in page.text
        assert "<caption>Tiến độ, chất lượng và việc tồn đọng theo cơ quan" in page.text
        assert 'href="/tinh"' in page.text

    async def test_people_taken_in_without_an_account_are_counted_on_their_agency(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 12 khoản 2.2 điểm a: a person taken in gets an account within 10 working days; one long past it is
        counted on the agency holding them, linked to the list of such people."""
        await make_profile(session, unit=portal.world.agency, full_name="Đỗ Minh Châu", incoming_on=date(2026, 9, 1))
        await portal.sign_in("doha.admin")
        page = (await portal.client.get("/tinh")).text
        assert row(page, portal.world.agency.code)[13] == "1" and row(page, portal.world.elsewhere.code)[13] == "0"
        assert 'href="/tai-khoan/chua-co?qua-han=1"' in page

    async def test_the_roster_is_read_page_by_page_and_tallied_whole(
            self, session: AsyncSession, portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
        """Issue 16 (every list paginated) and Điều 21 khoản 6: the review roster comes a page at a time; read with
        pages of one unit, every agency's review is still tallied on its own row."""
        monkeypatch.setattr(dashboard, "ROSTER_LIMIT", 1)
        await make_account(session, unit=portal.world.elsewhere, role="agency_admin", kind="agency")
        await portal.sign_in("doha.admin")
        page = await portal.client.get("/tinh")
        assert page.status_code == 200, page.text[:2000]
        assert "chưa gửi" in row(page.text, portal.world.agency.code)[12]
        assert "chưa gửi" in row(page.text, portal.world.elsewhere.code)[12]

    async def test_in_english(self, portal: Portal) -> None:
        await portal.sign_in("doha.admin")
        await portal.form("/language", {"lang": "en", "back": "/"}, page="/")
        page = await portal.client.get("/tinh")
        assert page.status_code == 200 and "Province overview" in page.text and '<html lang="en">' in page.text


class TestAccess:
    async def test_an_agency_admin_gets_the_plain_403_and_no_link(self, portal: Portal) -> None:
        """Điều 19: the province-wide view is DOHA's; an agency account reads its own reports elsewhere."""
        await portal.sign_in("agency.admin")
        page = await portal.client.get("/tinh")
        assert page.status_code == 403 and "Không có quyền" in page.text
        assert 'href="/tinh"' not in (await portal.client.get("/")).text

    async def test_without_the_gateway_the_page_says_the_system_is_busy(
            self, client_for: Any, token_issuer: TokenIssuer, world: World) -> None:
        async for portal in open_portal(client_for, token_issuer, world):
            await portal.sign_in("doha.admin")
            page = await portal.client.get("/tinh")
            assert page.status_code == 503 and "Hệ thống đang bận" in page.text
