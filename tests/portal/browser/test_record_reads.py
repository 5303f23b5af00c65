""""Ai đã xem thông tin nhạy cảm của tôi" in Debian's Chromium against the real stack (demo data; issue 21 item 4):
an officer opens their record (their own sensitive read is recorded), follows the record page's link, and finds the
read listed as their own — role and unit, never a name. Screenshot and axe on the page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.portal.browser.conftest import OpenBrowser

pytestmark = pytest.mark.e2e  # a real stack and a real browser

OFFICER = "bd.canbo1"


async def test_an_officer_sees_who_read_their_record(open_browser: OpenBrowser) -> None:
    me = await open_browser()
    await me.open("/")
    await me.sign_in(OFFICER)
    await me.open("/ho-so")
    await expect(me.page).to_have_url(re.compile(r"/ho-so/[0-9a-f-]{36}$"))
    await me.page.get_by_role("link", name="Ai đã xem thông tin nhạy cảm của tôi").click()
    await expect(me.heading).to_have_text("Ai đã xem thông tin nhạy cảm của tôi")
    await expect(me.page.locator("main table tbody tr").first).to_contain_text("Chính bạn")
    await me.seen("record-reads")
