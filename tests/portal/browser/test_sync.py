"""The monthly sync in Debian's Chromium against the real stack with the national side (issue 16, journey d): UBND
phường Ba Đình's agency account submits the month's batch, Sở Nội vụ approves it on its sync-batches screen, and the
portal shows it acknowledged by ndxp-sim — sync-gateway packs, signs and delivers it, the simulator verifies the
signature and sends its signed receipt back. This module runs its own stack (the shared one has no gateway and no
simulator), on a database of its own, so its batch is the only thing the gateway sends."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.portal.browser.backstage import backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import SERVICES, PortalStack, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
NATIONAL = (*SERVICES, "sync-gateway", "ndxp-sim")
AGENCY, AGENCY_UNIT, DOHA = "bd.admin", "01.00004", "snv.admin"
BATCH = re.compile(r"^https?://[^/]+/dong-bo/lo/([0-9a-f-]{36})$")
ACKNOWLEDGED = "Cơ sở dữ liệu quốc gia đã xác nhận"
NATIONAL_SECONDS = 120  # approval → packed, signed, delivered, receipted (on a shared 2-core machine)


@pytest.fixture(scope="module")
async def portal_stack(chromium_path: str, server_url: str,
                       tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PortalStack]:
    """This module's stack, with sync-gateway and ndxp-sim (the browser fixtures take it in place of the shared one)."""
    async with running_stack(server_url, Path(tmp_path_factory.mktemp("national-stack")), NATIONAL,
                             name="national") as stack:
        yield stack


async def stage(me: Browser) -> str:
    return (await me.page.locator("#batch-stage").inner_text()).split(":", 1)[1].strip()


async def submit(agency: Browser) -> str:
    """The agency's monthly-sync page, the confirmation, the batch sent: its id."""
    page = agency.page
    await expect(agency.heading).to_have_text("Đồng bộ dữ liệu hằng tháng")
    await expect(page.locator("main .notice").first).to_contain_text("Đang trong thời gian đồng bộ.")
    await expect(page.locator("main h2", has_text="Thay đổi chờ đồng bộ")).not_to_have_text("Thay đổi chờ đồng bộ (0)")
    await agency.seen("overview")
    await page.locator("main a[href='/dong-bo/gui']").click()
    await expect(agency.heading).to_have_text("Gửi dữ liệu đồng bộ")
    await agency.seen("confirm")
    await page.locator("main form button[type=submit]").click()
    await expect(page).to_have_url(BATCH)
    await expect(page.locator("main .notice").first).to_contain_text("Đã gửi dữ liệu đồng bộ")
    assert await stage(agency) == "Đã gửi Sở Nội vụ"
    await agency.seen("submitted")
    found = BATCH.match(page.url)
    assert found is not None
    return found.group(1)


async def approve(doha: Browser, batch_id: str) -> None:
    """DOHA's task, then its sync-batches screen: the batch, its records, the confirmation, approved."""
    page = doha.page
    await expect(page.locator(f"main a[href='/dong-bo/lo/{batch_id}']")).to_contain_text("UBND phường Ba Đình")
    await doha.seen("tasks")
    await page.locator("header nav a[href='/dong-bo/lo']").click()
    await expect(doha.heading).to_have_text("Dữ liệu đồng bộ của các cơ quan")
    row = page.locator(f"main table a[href='/dong-bo/lo/{batch_id}']")
    await expect(row).to_have_text("UBND phường Ba Đình")
    await doha.seen("batches")
    await row.click()
    await expect(page.locator("main table caption")).to_be_visible()
    await doha.seen("batch")
    await page.locator(f"main a[href='/dong-bo/lo/{batch_id}/phe-duyet']").click()
    await expect(doha.heading).to_have_text("Phê duyệt dữ liệu đồng bộ")
    await doha.seen("approve")
    await page.locator("main form button[type=submit]").click()
    await expect(page).to_have_url(path_is(f"/dong-bo/lo/{batch_id}"))
    await expect(page.locator("main .notice").first).to_contain_text("Đã phê duyệt")
    await doha.seen("approved")


async def acknowledged(agency: Browser, batch_id: str) -> None:
    """The agency's batch page, read again until the national receipt is in (or the time is up)."""
    for _ in range(NATIONAL_SECONDS // 2):
        await agency.open(f"/dong-bo/lo/{batch_id}")
        if await stage(agency) == ACKNOWLEDGED:
            break
        await asyncio.sleep(2)
    assert await stage(agency) == ACKNOWLEDGED, agency.stack.log_tails()
    await expect(agency.page.locator("main ol.stages li.done")).to_have_count(4)


class TestMonthlySyncJourney:
    async def test_the_agency_submits_doha_approves_and_ndxp_sim_acknowledges(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 14 khoản 1 and Điều 15 khoản 1: the agency account syncs its approved changes in the month's
        window (one DOHA opened over the ward, so the test holds on any day); Điều 14 khoản 2: DOHA approves the
        data the agency sent; Điều 13: it goes to the national DB signed, and the national side's acknowledgement
        is what the agency then reads on the batch's page."""
        async with backstage(portal_stack) as api:
            await api.open_window(await api.unit_id(AGENCY_UNIT))
        agency = await open_browser()
        await agency.open("/dong-bo")
        await agency.sign_in(AGENCY)
        batch_id = await submit(agency)

        doha = await open_browser()
        await doha.open("/")
        await doha.sign_in(DOHA)
        await approve(doha, batch_id)

        await acknowledged(agency, batch_id)
        await expect(agency.page.locator("main")).to_contain_text("đã được Cơ sở dữ liệu quốc gia tiếp nhận")
        await agency.seen("acknowledged")

        await doha.page.locator("header nav a[href='/goi-tin']").click()
        packet = doha.page.locator("main table tbody tr", has_text="UBND phường Ba Đình").first
        await expect(packet).to_contain_text("Đã được xác nhận")
        await doha.seen("packets")
        await packet.locator("a").click()
        await expect(doha.page.locator("#packet-state")).to_have_text("Đã được xác nhận")
        await doha.seen("packet")
