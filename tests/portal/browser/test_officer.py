"""The officer's screens in Debian's Chromium against the real stack (demo data): bd.canbo1, who came in from
outside the city, follows the re-check task to confirm they checked their record (Điều 12 khoản 2.2 điểm c),
reads it, proposes a change with a scan (Điều 6 khoản 3), follows it in their requests and withdraws it. Every
screen is screenshot and checked with axe; the same proposal is then made with JavaScript off."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import FilePayload, expect

from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is

pytestmark = pytest.mark.e2e  # a real stack and a real browser

OFFICER = "bd.canbo1"  # ARRIVED in hoso_devstack.demo: their re-check task is on their home page
SCAN: FilePayload = {"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n% a scan\n"}
RECORD = re.compile(r"^https?://[^/]+/ho-so/[0-9a-f-]{36}$")


async def _propose(me: Browser, other_name: str, *, check: bool) -> str:
    """Item 2 of the record, with a scan: question, evidence, check your answers, send. The request's number."""
    await me.page.locator("#muc-2 a", has_text="Đề nghị sửa").click()
    await expect(me.heading).to_have_text("Đề nghị thay đổi thông tin")
    if check:
        await me.seen("question")
        await me.page.get_by_role("button", name="Tiếp tục").click()
        await expect(me.page.locator(".error-summary")).to_contain_text("Nhập ngày có thông tin thay đổi.")
        await me.seen("question-errors")
    await me.page.locator("#other_names").fill(other_name)
    await me.page.locator("#occurred_on").fill("01/12/2026")
    await me.page.get_by_role("button", name="Tiếp tục").click()
    await expect(me.heading).to_have_text("Tài liệu minh chứng")
    await me.seen("evidence")
    await me.page.locator("#file").set_input_files(files=[SCAN])
    await me.page.get_by_role("button", name="Tiếp tục").click()
    await expect(me.heading).to_have_text("Kiểm tra đề nghị trước khi gửi")
    await expect(me.page.locator("table.check")).to_contain_text(other_name)
    await me.seen("check")
    await me.page.get_by_role("button", name="Gửi đề nghị").click()
    await expect(me.heading).to_have_text("Đã gửi đề nghị")
    await me.seen("done")
    return (await me.page.locator(".number").inner_text()).strip()


class TestOfficer:
    async def test_recheck_read_propose_and_withdraw(self, open_browser: OpenBrowser) -> None:
        me = await open_browser()
        await me.open("/")
        await me.sign_in(OFFICER)
        await me.page.get_by_role("link", name=re.compile("Kiểm tra thông tin hồ sơ của mình")).click()
        await expect(me.page).to_have_url(re.compile(r"/ho-so/[0-9a-f-]{36}/kiem-tra$"))
        await me.seen("review")
        await me.page.get_by_role("button", name="Tôi đã kiểm tra hồ sơ của mình").click()
        await expect(me.page.get_by_role("status")).to_contain_text("Đã ghi nhận")
        await me.seen("reviewed")

        await me.page.get_by_role("link", name="Hồ sơ của tôi").click()
        await expect(me.page).to_have_url(RECORD)
        await expect(me.page.locator("caption", has_text="33- Tóm tắt quá trình công tác")).to_be_visible()
        await me.seen("record")
        number = await _propose(me, "Bình An", check=True)

        await me.page.get_by_role("link", name="Yêu cầu của tôi").click()
        await expect(me.page.locator("main")).to_contain_text(number[:8])
        await me.seen("requests")
        await me.page.get_by_role("link", name=number[:8]).click()
        await expect(me.page.locator("main")).to_contain_text("Đang chờ duyệt")
        await me.seen("request")
        await me.page.get_by_role("link", name="Rút yêu cầu").click()
        await me.seen("withdraw")
        await me.page.get_by_role("button", name="Rút yêu cầu").click()
        await expect(me.page.get_by_role("status")).to_contain_text("Đã rút yêu cầu.")
        await expect(me.page).to_have_url(path_is(f"/yeu-cau/{number}"))

        await me.page.get_by_role("link", name="Hồ sơ của tôi").click()
        await me.page.get_by_role("link", name="xem các phiên bản").click()
        await expect(me.heading).to_have_text("Các phiên bản của hồ sơ")
        await me.seen("versions")

    async def test_the_same_proposal_without_javascript(self, open_browser: OpenBrowser) -> None:
        """Plain forms and redirects: with JavaScript off the proposal is made, upload included."""
        me = await open_browser(java_script=False)
        await me.open("/ho-so")
        await me.sign_in(OFFICER)
        await expect(me.page).to_have_url(RECORD)
        number = await _propose(me, "Bình Minh", check=False)
        await me.page.get_by_role("link", name="Xem yêu cầu này").click()
        await expect(me.page).to_have_url(path_is(f"/yeu-cau/{number}"))
        await me.page.get_by_role("link", name="Rút yêu cầu").click()
        await me.page.get_by_role("button", name="Rút yêu cầu").click()
        await expect(me.page.locator("main")).to_contain_text("Đã rút")
