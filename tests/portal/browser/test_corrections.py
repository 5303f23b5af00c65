"""A returned request, fixed and sent again, in Debian's Chromium against the real stack (issue 15 d): the approver
returns an officer's proposal with the reason; the officer reads the reason on their request and uses "Sửa và gửi
lại"; the corrected proposal waits for approval and the returned one is withdrawn."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.portal.browser.approver import VI, Approver
from tests.portal.browser.backstage import Cast, backstage, proposal
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import path_is
from tests.portal.browser.proposing import today
from tests.portal.browser.stack import PortalStack

pytestmark = pytest.mark.e2e
WRONG, RIGHT = "Ngọc Anhh", "Ngọc Anh"
REASON = "Tên gọi khác ghi sai chính tả: đối chiếu lại với giấy xác nhận."


async def returns(approver: Approver, username: str, request_id: str, name: str) -> None:
    """The approver, sent the request's address, signs in and lands on it; returns it: refused without a reason,
    then with one."""
    me, page = approver.me, approver.me.page
    await me.open(f"/duyet/{request_id}")
    await me.sign_in(username)
    await expect(me.heading).to_have_text(VI.request.format(name=name))
    form = await approver.confirmation(request_id, "tra-lai")
    await me.seen("return")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".error-summary")).to_contain_text("Nhập lý do trả lại")
    await expect(page.locator("#comment")).to_have_attribute("aria-invalid", "true")
    await me.seen("return-refused")
    await page.locator("#comment").fill(REASON)
    await approver.decided(page.locator(f"main form[action='/duyet/{request_id}/tra-lai']"), VI.returned)
    await expect(approver.row(request_id)).to_have_count(0)


class TestReturned:
    async def test_a_returned_request_is_fixed_and_sent_again(self, open_browser: OpenBrowser,
                                                              portal_stack: PortalStack) -> None:
        """Điều 7 (the unit's approver decides; returning says why, and a reason is required) and Điều 6 khoản 3 (the
        change goes with its document): the officer sees the reason on their request and "Sửa và gửi lại" opens a
        new proposal pre-filled from the returned one (its value, its day, its scan still chosen); corrected and
        sent, the new request is submitted and the returned one withdrawn, in the portal and in approval-api."""
        cast, old = await proposal(portal_stack, "01.SGD.TC", WRONG)
        await returns(Approver(await open_browser()), cast.approver.username, old, cast.officer.full_name)

        me = await open_browser()
        page = me.page
        await me.open("/yeu-cau")
        await me.sign_in(cast.officer.username)
        await expect(me.heading).to_have_text("Yêu cầu của tôi")
        await expect(page.locator("main h2").first).to_have_text("Cần bạn sửa (1)")
        await me.seen("requests")
        await page.locator(f"main a[href='/yeu-cau/{old}']").click()
        await expect(page.locator("#ly-do")).to_contain_text(REASON)
        await me.seen("returned")
        await page.locator("#sua").click()
        await expect(me.heading).to_have_text("Đề nghị thay đổi thông tin")
        # One note: the correction; the returned request it replaces is not listed as another change waiting.
        await expect(page.locator("main .panel")).to_have_text(f"Bạn đang sửa yêu cầu số {old[:8]} đã bị trả lại. Khi "
                                                               "đề nghị mới được gửi, yêu cầu cũ sẽ được rút.")
        await expect(page.locator("#other_names")).to_have_value(WRONG)
        await expect(page.locator("#occurred_on")).to_have_value(today())
        await me.seen("correction")
        await page.locator("#other_names").fill(RIGHT)
        await page.get_by_role("button", name="Tiếp tục").click()
        await expect(me.heading).to_have_text("Tài liệu minh chứng")
        await expect(page.locator("main input[name=attachment]")).to_be_checked()
        await page.get_by_role("button", name="Tiếp tục").click()
        await expect(me.heading).to_have_text("Kiểm tra đề nghị trước khi gửi")
        await expect(page.locator("table.check tbody td").last).to_have_text(RIGHT)
        await page.get_by_role("button", name="Gửi đề nghị").click()
        await expect(me.heading).to_have_text("Đã gửi đề nghị")
        await expect(page.locator("main")).to_contain_text(f"Yêu cầu số {old[:8]} bị trả lại trước đây đã được rút")
        await me.seen("resubmitted")
        new = (await page.locator(".number").inner_text()).strip()
        await page.get_by_role("link", name="Xem yêu cầu này").click()
        await expect(page).to_have_url(path_is(f"/yeu-cau/{new}"))
        await expect(page.locator("main .tag").first).to_have_text("Đang chờ duyệt")
        await me.seen("new-request")
        await me.open(f"/yeu-cau/{old}")
        await expect(page.locator("main .tag").first).to_have_text("Đã rút")
        await held(portal_stack, cast, old, new)


async def held(stack: PortalStack, cast: Cast, old: str, new: str) -> None:
    """approval-api: the returned request withdrawn, the new one submitted with the corrected value and the scan."""
    async with backstage(stack) as api:
        returned, corrected = await api.change_request(old), await api.change_request(new)
    assert returned["state"] == "withdrawn", returned["state"]
    assert corrected["state"] == "submitted" and corrected["profile_id"] == cast.officer.profile_id
    assert corrected["payload"] == {"items": {"other_names": RIGHT}}, corrected["payload"]
    assert corrected["attachment_ids"] == returned["attachment_ids"]
