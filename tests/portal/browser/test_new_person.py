"""A new person's record filled in from the population register, in Debian's Chromium against the real stack with
ndxp-sim (QĐ MIC 2021 on the connection to the population DB: "tự động hoá việc xác minh, điền thông tin cá nhân"):
UBND phường Ba Đình's agency account types a citizen ID the register knows, sees the form filled in and marked as
from the register, creates the record; then, with the register hanging (ndxp-sim's timeout fault), is told so in
plain Vietnamese and creates the next record by hand. This module runs its own stack (with the gateway and the
simulator), on a database of its own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from ndxp_sim.population_db.register import generate_people
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser
from tests.portal.browser.stack import SERVICES, PortalStack, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
NATIONAL = (*SERVICES, "sync-gateway", "ndxp-sim")
AGENCY = "bd.admin"
# ndxp-sim's seeded register (seed 2026, make run's): people it knows who have no record in the demo.
KNOWN, BY_HAND = generate_people(2026, 20)[7], generate_people(2026, 20)[8]
UNAVAILABLE = "Không lấy được thông tin từ CSDL dân cư lúc này; anh/chị vẫn có thể nhập tay."
RECORD = re.compile(r"^https?://[^/]+/ho-so/[0-9a-f-]{36}$")


@pytest.fixture(scope="module")
async def portal_stack(chromium_path: str, server_url: str,
                       tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PortalStack]:
    async with running_stack(server_url, Path(tmp_path_factory.mktemp("new-person-stack")), NATIONAL,
                             name="newperson") as stack:
        yield stack


async def faults(stack: PortalStack, **changes: float) -> None:
    async with httpx.AsyncClient(base_url=stack.urls["ndxp-sim"], timeout=30) as sim:
        answer = await sim.put("/admin/faults", json=changes)
        assert answer.status_code == 200, answer.text


async def ask_register(me: Browser, citizen_id: str) -> None:
    page = me.page
    await page.locator("#citizen_id").fill(citizen_id)
    await page.locator("#org_unit_id").select_option(index=1)
    await page.get_by_role("button", name="Lấy thông tin", exact=True).click()
    await expect(me.heading).to_have_text("Tạo hồ sơ mới")


async def create(me: Browser) -> None:
    await me.page.locator("#category").select_option("cong_chuc")
    await me.page.get_by_role("button", name="Tạo hồ sơ chờ phê duyệt").click()
    await expect(me.page).to_have_url(RECORD)
    await expect(me.page.locator("main .notice").first).to_contain_text("Đã tạo hồ sơ mới")


class TestNewPersonFromTheRegister:
    async def test_filled_from_the_register_then_by_hand_when_it_hangs(self, open_browser: OpenBrowser,
                                                                      portal_stack: PortalStack) -> None:
        """QĐ MIC 2021: the register fills in the new person's identity, each item marked with where it came from
        and the day; when it does not answer, the form stays usable and says so (hanoi-2024 Điều 7: the record
        made either way waits for approval)."""
        me = await open_browser()
        page = me.page
        await me.open("/nhan-su")
        await me.sign_in(AGENCY)
        await page.locator("main a[href='/ho-so-moi']").click()
        await expect(me.heading).to_have_text("Tạo hồ sơ mới")
        await me.seen("blank")
        await ask_register(me, KNOWN.citizen_id)
        await expect(page.locator("#full_name")).to_have_value(KNOWN.full_name)
        await expect(page.locator("#sex")).to_have_value(KNOWN.sex)
        await expect(page.locator('[id="residence.province"]')).to_have_value("TP Hà Nội")
        await expect(page.locator("#full_name-hint")).to_contain_text("Lấy từ CSDL quốc gia về dân cư ngày")
        await me.seen("filled")
        await create(me)
        await expect(page.locator("main")).to_contain_text(KNOWN.full_name)
        await me.seen("created")

        await faults(portal_stack, timeout_rate=1.0, timeout_seconds=0.2)
        try:
            await me.open("/ho-so-moi")
            await ask_register(me, BY_HAND.citizen_id)
            await expect(page.locator("main .notice")).to_have_text(UNAVAILABLE)
            await expect(page.locator("#full_name")).to_have_value("")
            await me.seen("register-unavailable")
            await page.locator("#full_name").fill("Lê Văn Tâm")
            await page.locator("#sex").select_option("M")
            await page.locator("#birth_date").fill("02/05/1990")
            await create(me)
        finally:
            await faults(portal_stack, timeout_rate=0.0)
