"""The portal without JavaScript, and its defences as a browser sees them: the session cookie out of scripts' reach
and never sent from another site, the Content Security Policy on every page and actually enforced."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import COOKIE, CSP_VIOLATION, Browser

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "mat-khau-rieng-2026"


class TestWithoutJavaScript:
    async def test_every_core_form_works_without_scripts(self, open_browser: OpenBrowser) -> None:
        """Điều 10: whoever the browser, the software answers at its web address. With JavaScript off, an approver
        whose password was just reset signs in, sets their own password, sees their tasks (stc.canbo1's change
        waits for them), switches the language and signs out: plain HTML forms all the way."""
        me = await open_browser(java_script=False)
        await me.stack.reset_password("stc.approver")
        await me.open("/")
        await me.seen("sign-in")
        await me.sign_in("stc.approver")
        await expect(me.heading).to_have_text("Đổi mật khẩu")
        await me.seen("password-change")
        await me.change_password("stc.approver", NEW_PASSWORD)
        await expect(me.heading).to_have_text("Việc cần làm")
        await expect(me.page.locator("ul.tasks li").first).to_be_visible()
        await me.seen("tasks")
        await me.switch_language()
        await expect(me.heading).to_have_text("My tasks")
        await me.seen("tasks-en")
        await me.sign_out()
        await expect(me.heading).to_have_text("Sign in")


class TestInTheBrowser:
    async def test_the_session_cookie_and_the_csp_hold(self, open_browser: OpenBrowser) -> None:
        """Điều 17 khoản 7 (the data kept safe): the session cookie is HttpOnly (no script reads it) and
        SameSite=Strict (no other site's page sends it); every page carries the CSP and is never cached; no page
        visited reports a CSP violation, and the policy does block a script injected into the page."""
        me = await open_browser()
        sign_in = await me.open("/login")
        assert "script-src 'self'" in (await sign_in.all_headers())["content-security-policy"]
        await me.sign_in("sgd.approver")
        await expect(me.heading).to_have_text("Việc cần làm")
        await expect(me.page.locator("ul.tasks li").first).to_be_visible()  # the badge and the list, for axe too
        await me.seen("tasks")
        home = await me.open("/")
        headers = await home.all_headers()
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "no-store" in headers["cache-control"]
        cookie = await me.session_cookie()
        assert cookie is not None and cookie.get("httpOnly") is True and cookie.get("sameSite") == "Strict", cookie
        assert COOKIE not in await me.page.evaluate("document.cookie")
        assert me.csp_violations() == [], me.console
        await self._injected_script_is_refused(me)

    @staticmethod
    async def _injected_script_is_refused(me: Browser) -> None:
        """The control: an inline script slipped into the page does not run, and the refusal is reported (so the
        listener above would have heard any violation of the pages themselves)."""
        async with me.page.expect_console_message(lambda m: CSP_VIOLATION.search(m.text) is not None):
            await me.page.evaluate("""() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.appendChild(script);
            }""")
        assert await me.page.evaluate("window.injected === undefined")
        assert me.csp_violations(), me.console
        me.console.clear()  # heard as expected: not a violation of the portal's own pages
