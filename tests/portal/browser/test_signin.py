"""Signing in to the portal in a real browser: the first sign-in's password change, in Vietnamese and in English, and
by keyboard alone; signing out ends the session for good (the back button and the old cookie show nothing)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "mat-khau-rieng-2026"


async def _tasks_once_more(browser: Browser, username: str) -> None:
    """Signing in again with the new password goes straight to the tasks: the change was kept."""
    await browser.open("/")
    await browser.sign_in(username)
    await expect(browser.page).to_have_url(path_is("/"))


class TestFirstSignIn:
    async def test_an_officer_sets_their_own_password_then_signs_out_for_good(self, open_browser: OpenBrowser) -> None:
        """Điều 9 (each person's own account and password) and Điều 10 (people log in to the software at a web
        address): bd.canbo2, whose password was set by someone else, signs in, must set their own before any
        other page, lands on their tasks; signing out ends the session (Điều 17 khoản 7: the data kept safe):
        neither the back button nor the old cookie shows the tasks again."""
        me = await open_browser()
        await me.open("/")
        await expect(me.page).to_have_url(path_is("/login"))
        await expect(me.page.locator("html")).to_have_attribute("lang", "vi")
        await expect(me.heading).to_have_text("Đăng nhập")
        await me.seen("sign-in")
        await me.sign_in("bd.canbo2")
        await expect(me.page).to_have_url(path_is("/password"))
        await expect(me.heading).to_have_text("Đổi mật khẩu")
        await me.seen("password-change")
        await me.open("/")  # nothing else before the password is changed
        await expect(me.page).to_have_url(path_is("/password"))
        await me.change_password("bd.canbo2", NEW_PASSWORD)
        await expect(me.heading).to_have_text("Việc cần làm")
        await expect(me.page.get_by_role("status")).to_contain_text("Đã đổi mật khẩu.")
        await me.seen("tasks")
        old = await me.session_cookie()
        assert old is not None
        await me.sign_out()
        await expect(me.heading).to_have_text("Đăng nhập")
        await me.seen("signed-out")
        await me.page.go_back()
        await expect(me.page).to_have_url(path_is("/login"))
        await expect(me.heading).to_have_text("Đăng nhập")
        thief = await open_browser()
        await thief.page.context.add_cookies([{"name": old["name"], "value": old["value"], "url": me.stack.portal}])
        await thief.open("/")
        await expect(thief.page).to_have_url(path_is("/login"))
        await _tasks_once_more(me, "bd.canbo2")

    async def test_the_same_in_english(self, open_browser: OpenBrowser) -> None:
        """Điều 9 and Điều 10, for a person who reads English: the language switch turns the sign-in, the password
        change and the tasks into English (`<html lang="en">`, English labels), and the choice outlives the
        session (the sign-in page after signing out is still English)."""
        me = await open_browser()
        await me.stack.reset_password("stc.canbo2")
        await me.open("/login")
        await me.switch_language()
        await expect(me.page.locator("html")).to_have_attribute("lang", "en")
        await expect(me.heading).to_have_text("Sign in")
        await expect(me.page.get_by_label("Username", exact=True)).to_be_visible()
        await expect(me.page.get_by_label("Password", exact=True)).to_be_visible()
        await me.seen("sign-in")
        await me.sign_in("stc.canbo2")
        await expect(me.heading).to_have_text("Change your password")
        for label in ("Current password", "New password", "Confirm the new password"):
            await expect(me.page.get_by_label(label, exact=True)).to_be_visible()
        await me.seen("password-change")
        await me.change_password("stc.canbo2", NEW_PASSWORD)
        await expect(me.page.locator("html")).to_have_attribute("lang", "en")
        await expect(me.heading).to_have_text("My tasks")
        await expect(me.page.get_by_role("status")).to_contain_text("Your password has been changed.")
        await expect(me.page.get_by_role("button", name="Sign out (stc.canbo2)")).to_be_visible()
        await expect(me.page.get_by_role("button", name="Tiếng Việt")).to_be_visible()
        await me.seen("tasks")
        await me.sign_out()
        await expect(me.heading).to_have_text("Sign in")
        await me.seen("signed-out")

    async def test_by_keyboard_alone(self, open_browser: OpenBrowser) -> None:
        """Điều 10 for everyone, whatever their hands or eyes allow (WCAG 2.1.1, 2.4.1): the skip link comes first
        and shows when focused, then the sign-in and the password change are done with Tab, typing and Enter only;
        the person lands on their tasks and signs out the same way."""
        me = await open_browser()
        keys = me.page.keyboard
        temporary = await me.stack.reset_password("sgd.canbo2")
        await me.open("/login")
        await self._skip_to_main(me)
        await keys.press("Tab")
        await expect(me.page.locator("#username")).to_be_focused()
        await keys.type("sgd.canbo2")
        await keys.press("Tab")
        await expect(me.page.locator("#password")).to_be_focused()
        await keys.type(temporary)
        await me.seen("sign-in")
        await keys.press("Enter")
        await expect(me.page).to_have_url(path_is("/password"))
        await self._skip_to_main(me)
        for field, typed in (("#current_password", temporary), ("#new_password", NEW_PASSWORD),
                             ("#confirm_password", NEW_PASSWORD)):
            await keys.press("Tab")
            await expect(me.page.locator(field)).to_be_focused()
            await keys.type(typed)
        await me.seen("password-change")
        await keys.press("Enter")
        await expect(me.page).to_have_url(path_is("/"))
        await expect(me.heading).to_have_text("Việc cần làm")
        await me.seen("tasks")
        sign_out = me.page.locator("form[action='/logout'] button")
        for _ in range(20):  # from the top of the page, through the header's links to the sign-out button
            await keys.press("Tab")
            if await sign_out.evaluate("button => button === document.activeElement"):
                break
        await expect(sign_out).to_be_focused()
        await keys.press("Enter")
        await expect(me.page).to_have_url(path_is("/login"))

    @staticmethod
    async def _skip_to_main(me: Browser) -> None:
        """The first Tab of a page reaches the skip link, visible once focused; Enter moves focus to the content."""
        skip = me.page.locator("a.skip")
        await me.page.keyboard.press("Tab")
        await expect(skip).to_be_focused()
        await expect(skip).to_be_in_viewport()
        await me.page.keyboard.press("Enter")
        await expect(me.page.locator("main")).to_be_focused()
