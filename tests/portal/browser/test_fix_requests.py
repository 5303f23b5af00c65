"""Issue 16's agency screens added last, in Debian's Chromium against the real stack, each checked with axe like every
screen a journey reaches: on the quality screen Sở Giáo dục's HR asks the person whose record fails a rule to fix it
("Đề nghị cập nhật": the button, the confirmation, the notice; Điều 6 khoản 1 — the person updates their own record);
an approver reads the unit's submitted quarterly reviews (Điều 21 khoản 6). The person's task itself is checked
in-process (tests/portal/test_fix_requests.py)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import PortalStack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
AGENCY, APPROVER = "sgd.admin", "bd.approver"


async def signed_in(me: Browser, path: str, username: str) -> None:
    await me.open(path)
    await me.sign_in(username)
    await expect(me.page).to_have_url(path_is(path))


class TestAgencyScreens:
    async def test_hr_asks_the_person_to_fix_a_failing_rule(self, open_browser: OpenBrowser,
                                                            portal_stack: PortalStack) -> None:
        hr = await open_browser()
        await signed_in(hr, "/chat-luong", AGENCY)
        ask = hr.page.locator("main #worst a[href^='/chat-luong/de-nghi']").first
        await expect(ask).to_be_visible()
        await hr.seen("scorecard")
        await ask.click()
        await expect(hr.heading).to_have_text("Đề nghị cập nhật hồ sơ")
        await expect(hr.page.locator("#fix-findings li").first).to_be_visible()
        await hr.seen("confirm")
        await hr.page.locator("main form[action='/chat-luong/de-nghi'] button[type=submit]").click()
        await expect(hr.page).to_have_url(re.compile(r"/chat-luong(\?don-vi=[0-9a-f-]+)?$"))
        await expect(hr.page.locator("main .notice").first).to_contain_text("ề nghị cập nhật")
        await hr.seen("sent")

    async def test_an_approver_reads_the_unit_s_submitted_reviews(self, open_browser: OpenBrowser,
                                                                  portal_stack: PortalStack) -> None:
        approver = await open_browser()
        await signed_in(approver, "/ra-soat", APPROVER)
        await approver.page.locator("#past-reviews-link").click()
        await expect(approver.heading).to_have_text("Báo cáo rà soát đã gửi của đơn vị")
        await approver.seen("past-reviews")
