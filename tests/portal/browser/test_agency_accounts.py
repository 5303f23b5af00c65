"""The agency HR console's accounts in Debian's Chromium against the real stack, by keyboard alone (issue 16 journey
a): an agency's administrator creates its sub-unit's agency account and three personal accounts (one from the
person's record, two from a pasted list), and one of the three signs in and must change the password first. axe on
every screen."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.portal.browser.backstage import Person, backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.keys import choose, press_on, sign_in, type_into
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import PortalStack

pytestmark = pytest.mark.e2e
AGENCY, SUB_UNIT = "stc.admin", "01.STC.NS"  # Sở Tài chính's agency account; its Phòng Quản lý ngân sách
SUB_UNIT_NAME = "Phòng Quản lý ngân sách"
OWN_PASSWORD = "mat-khau-rieng-2026"


async def accounts_of(stack: PortalStack, usernames: set[str]) -> dict[str, dict[str, Any]]:
    """The agency's accounts with these usernames, as profile-api lists them to the agency."""
    async with backstage(stack) as api:
        auth, found, params = await api.auth(AGENCY), {}, {"limit": 200}
        while True:
            page = (await api.profile.get("/api/v1/accounts", headers=auth, params=params)).raise_for_status().json()
            found.update({a["username"]: a for a in page["items"] if a["username"] in usernames})
            if not page["next_cursor"]:
                return found
            params["cursor"] = page["next_cursor"]


async def shown_passwords(me: Browser) -> dict[str, str]:
    """The answer's table: username → the initial password shown (once) beside it."""
    rows = me.page.locator("main table tbody tr")
    found = {}
    for row in await rows.all():
        password = row.locator("code.password")
        if await password.count():
            found[(await row.locator("th").inner_text()).strip()] = (await password.inner_text()).strip()
    return found


async def initial_password_required(stack: PortalStack, username: str, password: str) -> bool:
    async with httpx.AsyncClient(base_url=stack.urls["profile-api"], timeout=30) as client:
        granted = await client.post("/api/v1/auth/token", data={
            "grant_type": "password", "username": username, "password": password})
    assert granted.status_code == 200, granted.text
    return bool(granted.json()["password_change_required"])


class TestAgencyAccounts:
    async def test_an_agency_creates_its_sub_units_account_and_three_personal_accounts_by_keyboard(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 9 khoản 2 (an agency creates the accounts of its sub-units and its people's personal accounts) and
        Điều 10 for everyone, whatever their hands allow (WCAG 2.1.1): with Tab, typing, arrows and Enter only,
        stc.admin creates Phòng Quản lý ngân sách's agency account, finds a person of that unit in Nhân sự and
        creates their account from their record, then two more from a pasted list with their citizen IDs. Each
        password shows once; the new accounts must change it at first sign-in (Điều 9: each person's own
        password), as one of them does at once."""
        suffix = secrets.token_hex(2)
        async with backstage(portal_stack) as api:
            unit_id = await api.unit_id(SUB_UNIT)
            *_, first, second, third = await api.people(unit_id)  # people of the unit nobody else's journey uses
            cccd = {p.profile_id: (await api.record(p.profile_id))["items"]["citizen_id"] for p in (second, third)}
        me = await open_browser()
        page = me.page
        await me.open("/")
        await sign_in(me, AGENCY, portal_stack.passwords[AGENCY])
        await expect(me.heading).to_have_text("Việc cần làm")

        await press_on(me, "header nav a[href='/tai-khoan']")
        await expect(me.heading).to_have_text("Tài khoản")
        await me.seen("accounts")
        await press_on(me, "main a[href='/tai-khoan/tao-co-quan']")
        await expect(me.heading).to_have_text("Tạo tài khoản cơ quan")
        agency_username = f"stc.ns{suffix}"
        await choose(me, "#org_unit_id", unit_id)
        await type_into(me, "#username", agency_username)
        await me.seen("agency-form")
        await page.keyboard.press("Enter")
        await expect(me.heading).to_have_text("Đã tạo tài khoản")
        await me.seen("agency-created")
        agency_password = (await shown_passwords(me))[agency_username]

        officer = await self._from_the_record(me, first, unit_id, f"stc.ns.{suffix}.a")
        listed = await self._from_a_list(me, [(f"stc.ns.{suffix}.b", second, cccd[second.profile_id]),
                                              (f"stc.ns.{suffix}.c", third, cccd[third.profile_id])])
        await press_on(me, "form[action='/logout'] button")
        await expect(page).to_have_url(path_is("/login"))

        made = await accounts_of(portal_stack, {agency_username, *officer, *listed})
        assert made[agency_username]["kind"] == "agency" and made[agency_username]["roles"] == ["agency_admin"]
        assert made[agency_username]["org_unit_id"] == unit_id
        assert made[agency_username]["display_name"] == SUB_UNIT_NAME
        people = {first.profile_id, second.profile_id, third.profile_id}
        assert {made[u]["profile_id"] for u in (*officer, *listed)} == people
        assert all(made[u]["must_change_password"] and made[u]["roles"] == ["officer"] for u in (*officer, *listed))
        assert await initial_password_required(portal_stack, agency_username, agency_password)

        holder, password = next(iter(listed.items()))
        await self._first_sign_in(await open_browser(), holder, password)

    async def _from_the_record(self, me: Browser, person: Person, unit_id: str, username: str) -> dict[str, str]:
        """Nhân sự: the unit and the person's name, their record, "create this person's personal account"."""
        page = me.page
        await press_on(me, "header nav a[href='/nhan-su']")
        await expect(me.heading).to_have_text("Nhân sự")
        await type_into(me, "#q", person.full_name)
        await choose(me, "#unit", unit_id)
        await press_on(me, "form[role=search] button[type=submit]")
        link = page.locator(f"main table a[href='/nhan-su/{person.profile_id}']")
        await expect(link).to_be_visible()
        await me.seen("people")
        await press_on(me, f"main table a[href='/nhan-su/{person.profile_id}']")
        await expect(me.heading).to_contain_text(person.full_name)
        await expect(page.locator("#chat-luong")).to_have_text("Chất lượng dữ liệu")
        await me.seen("record")
        await press_on(me, "main a[href^='/tai-khoan/tao-ca-nhan']")
        await expect(me.heading).to_have_text("Tạo tài khoản cá nhân")
        await expect(page.locator("#display_name")).to_have_value(person.full_name)
        await expect(page.locator("#org_unit_id")).to_have_value(unit_id)
        await type_into(me, "#username", username)
        await me.seen("person-form")
        await page.keyboard.press("Enter")
        await expect(me.heading).to_have_text("Đã tạo tài khoản")
        await me.seen("person-created")
        return await shown_passwords(me)

    async def _from_a_list(self, me: Browser, people: list[tuple[str, Person, str]]) -> dict[str, str]:
        """Tạo nhiều tài khoản cá nhân: one line a person (username, name, citizen ID), typed in."""
        await press_on(me, "header nav a[href='/tai-khoan']")
        await press_on(me, "main a[href='/tai-khoan/tao-danh-sach']")
        await expect(me.heading).to_have_text("Tạo nhiều tài khoản cá nhân")
        await type_into(me, "#danh_sach", "\n".join(f"{u}, {p.full_name}, {cid}" for u, p, cid in people))
        await me.seen("list-form")
        await press_on(me, "main form button[type=submit]")
        await expect(me.heading).to_have_text("Đã tạo tài khoản")
        await expect(me.page.locator("main p[role=status]")).to_have_text(
            "Đã tạo 2 tài khoản; 0 tài khoản không tạo được.")
        await me.seen("list-created")
        shown = await shown_passwords(me)
        assert set(shown) == {u for u, _, _ in people}
        return shown

    async def _first_sign_in(self, me: Browser, username: str, password: str) -> None:
        """The new account's holder signs in with the password given once: the password change comes first."""
        page = me.page
        await me.open("/")
        await sign_in(me, username, password)
        await expect(page).to_have_url(path_is("/password"))
        await expect(me.heading).to_have_text("Đổi mật khẩu")
        await me.seen("forced-password-change")
        await type_into(me, "#current_password", password)
        await type_into(me, "#new_password", OWN_PASSWORD)
        await type_into(me, "#confirm_password", OWN_PASSWORD)
        await page.keyboard.press("Enter")
        await expect(page).to_have_url(path_is("/"))
        await expect(page.get_by_role("status")).to_contain_text("Đã đổi mật khẩu.")
        await me.seen("own-tasks")
