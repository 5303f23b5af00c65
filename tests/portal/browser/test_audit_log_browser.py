"""Nhật ký truy cập in Debian's Chromium against the real stack (demo data; issue 21 item 3): DOHA's administrator
reads people's records through the API (each read of their sensitive parts is logged), then DOHA's auditor
(`snv.auditor`: Điều 19 khoản 6, DOHA inspects and supervises) opens the log from the header, filters it to those
reads today, pages on, and checks the hash chain. Screenshot and axe on every screen."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from hoso_shared.time import local_today
from portal.dates import shown
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.stack import PortalStack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
AUDITOR, READER = "snv.auditor", "snv.admin"
READS = 55  # more than a page (50)


async def read_records(stack: PortalStack, username: str, count: int) -> None:
    """`count` records read whole through profile-api, as `username`: one `read_sensitive` entry each."""
    async with httpx.AsyncClient(base_url=stack.urls["profile-api"], timeout=60) as api:
        granted = await api.post("/api/v1/auth/token", data={
            "grant_type": "password", "username": username, "password": stack.passwords[username]})
        assert granted.status_code == 200, granted.text
        auth = {"Authorization": f"Bearer {granted.json()['access_token']}"}
        listed = (await api.get("/api/v1/profiles", params={"limit": count}, headers=auth)).raise_for_status()
        for item in listed.json()["items"]:
            (await api.get(f"/api/v1/profiles/{item['id']}", headers=auth)).raise_for_status()


async def test_dohas_auditor_filters_pages_and_verifies_the_log(open_browser: OpenBrowser,
                                                                 portal_stack: PortalStack) -> None:
    await read_records(portal_stack, READER, READS)
    me = await open_browser()
    await me.open("/")
    await me.sign_in(AUDITOR)
    page = me.page
    await page.locator("header nav").get_by_role("link", name="Nhật ký truy cập").click()
    await expect(me.heading).to_have_text("Nhật ký truy cập")
    await me.seen("list")

    today = shown(local_today())
    await page.get_by_label("Việc đã làm").select_option("read_sensitive")
    await page.get_by_label("Từ ngày").fill(today)
    await page.get_by_label("Đến ngày").fill(today)
    await page.locator("main form button[type=submit]").click()
    rows = page.locator("main table tbody tr")
    await expect(rows).to_have_count(50)
    await expect(rows.first).to_contain_text(READER)
    await expect(rows.first).to_contain_text("Xem thông tin nhạy cảm")
    await expect(page.get_by_label("Việc đã làm")).to_have_value("read_sensitive")
    await me.seen("filtered")

    await page.get_by_role("link", name="Trang sau").click()
    await expect(page).to_have_url(re.compile(r"viec=read_sensitive.*tiep="))  # the filters kept
    await expect(rows.first).to_contain_text("Xem thông tin nhạy cảm")
    assert 1 <= await rows.count() <= 50
    await me.seen("next-page")

    await page.get_by_role("link", name="Kiểm tra tính toàn vẹn của nhật ký (chuỗi băm)").click()
    await expect(me.heading).to_have_text("Kiểm tra tính toàn vẹn của nhật ký")
    await page.locator("main form button[type=submit]").click()
    await expect(page.locator("#ket-qua h2")).to_have_text("Chuỗi băm toàn vẹn")
    await me.seen("verify")
