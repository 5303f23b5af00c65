"""The agency HR console's other account screens in Debian's Chromium against the real stack, each checked by axe
(issue 16: 0 serious or critical violations on every screen): an account's page and its access history, disabling it
on a written request (first without one: the error summary), its roles, a new temporary password, the people who
came in without an account, a list with a wrong line, and the people list in English."""

from __future__ import annotations

import secrets

import pytest
from playwright.async_api import expect

from hoso_shared.time import local_today
from tests.portal.browser.backstage import backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.stack import PortalStack

pytestmark = pytest.mark.e2e
AGENCY, SUB_UNIT = "stc.admin", "01.STC.NS"


class TestAccountScreens:
    async def test_managing_an_account_on_a_written_request(self, open_browser: OpenBrowser,
                                                            portal_stack: PortalStack) -> None:
        """Điều 18 khoản 1 and Điều 19 khoản 4 (access revoked or changed on a written request, its number and date
        kept with the change) and Điều 9 (the agency manages its accounts: a new password, shown once)."""
        username = f"stc.ns.{secrets.token_hex(2)}.d"
        async with backstage(portal_stack) as api:
            unit_id = await api.unit_id(SUB_UNIT)
            person = (await api.people(unit_id))[-4]  # journey a takes the last three
            made = await api.profile.post("/api/v1/accounts", headers=await api.auth(AGENCY), json={
                "username": username, "display_name": person.full_name, "kind": "person", "roles": ["officer"],
                "org_unit_id": unit_id, "profile_id": person.profile_id})
            assert made.status_code == 201, made.text
        account_id = made.json()["account"]["id"]
        me = await open_browser()
        page = me.page
        await me.open(f"/tai-khoan/{account_id}")
        await me.sign_in(AGENCY)
        await expect(me.heading).to_contain_text(username)
        await me.seen("account")

        await page.locator(f"main a[href='/tai-khoan/{account_id}/khoa']").click()
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator(".error-summary")).to_be_visible()
        await me.seen("disable-refused")
        await page.locator("#request_no").fill("125/SNV-CCVC")
        await page.locator("#request_date").fill(local_today().isoformat())
        await page.locator("main form button[type=submit]").click()
        await expect(page.get_by_role("status")).to_contain_text("Đã khóa tài khoản")
        await expect(page.locator("main table tbody tr")).to_have_count(1)
        await me.seen("disabled-with-history")

        await page.locator(f"main a[href='/tai-khoan/{account_id}/quyen']").click()
        await expect(me.heading).to_contain_text("Thay đổi quyền của tài khoản")
        await me.seen("roles")
        await me.open(f"/tai-khoan/{account_id}/mat-khau")
        await me.seen("reset-confirm")
        await page.locator("main form button[type=submit]").click()
        await expect(me.heading).to_have_text("Mật khẩu tạm thời mới")
        await expect(page.locator("code.password")).to_have_count(1)
        await me.seen("reset-password-shown")

        await me.open("/tai-khoan/chua-co")
        await expect(me.heading).to_have_text("Người được tiếp nhận chưa có tài khoản")
        await me.seen("people-without-account")
        await me.open("/tai-khoan/tao-danh-sach")
        await page.locator("#danh_sach").fill("Sai Tên, Không Ai")
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator(".error-summary")).to_be_visible()
        await me.seen("list-refused")

        await me.open("/nhan-su")
        await me.switch_language()
        await expect(me.heading).to_have_text("People")
        await me.seen("people-in-english")
