"""Signing in to the portal (QĐ 6187/QĐ-UBND Điều 9, 10: each person logs in to the software at a web address with
the account their agency gave them), the first sign-in's password change, and the session's guards."""

from __future__ import annotations

from typing import Any

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from portal.api import Apis
from portal.app import create_app
from portal.security import CSP
from portal.sessions import COOKIE
from portal.settings import Settings
from tests.approval_api.conftest import wired
from tests.portal.conftest import PASSWORD, Portal, csrf_of, open_portal


class TestSignIn:
    async def test_a_person_signs_in_and_lands_on_their_tasks(self, portal: Portal) -> None:
        """Điều 10: the officer signs in and sees what they must do (the home page: their tasks)."""
        page = await portal.client.get("/")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/"
        signed = await portal.sign_in("officer")
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        home = await portal.client.get("/")
        assert home.status_code == 200 and '<html lang="vi">' in home.text
        assert "<h1>Việc cần làm</h1>" in home.text and "officer" in home.text

    async def test_a_wrong_password_is_said_plainly_and_nothing_else_leaks(self, portal: Portal) -> None:
        """Điều 9: only the account's holder signs in; a refusal says so in Vietnamese, linked from the summary
        at the top to the field (WCAG 3.3.1)."""
        refused = await portal.sign_in("officer", "wrong password")
        assert refused.status_code == 400
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in refused.text
        assert 'href="#password"' in refused.text and 'aria-invalid="true"' in refused.text
        assert (await portal.client.get("/")).status_code == 303

    async def test_a_default_password_is_changed_before_anything_else(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9 khoản 3 (each person keeps their own account's secret): an account created with a password set
        by someone else reaches no page until its holder sets their own, then reaches them."""
        officer = portal.world.accounts["officer"]
        officer.must_change_password = True
        await session.flush()
        signed = await portal.sign_in("officer")
        assert signed.headers["location"] == "/password"
        assert (await portal.client.get("/")).headers["location"] == "/password"
        mismatch = await portal.form("/password", {"current_password": PASSWORD, "new_password": "một mật khẩu mới",
                                                   "confirm_password": "khác"})
        assert mismatch.status_code == 400 and "Mật khẩu nhập lại không khớp." in mismatch.text
        changed = await portal.form("/password", {"current_password": PASSWORD, "new_password": "một mật khẩu mới",
                                                  "confirm_password": "một mật khẩu mới"})
        assert changed.status_code == 303 and changed.headers["location"] == "/"
        home = await portal.client.get("/")
        assert home.status_code == 200 and "Đã đổi mật khẩu." in home.text


class TestGuards:
    async def test_a_form_without_its_csrf_token_is_refused(self, portal: Portal) -> None:
        """Điều 17 khoản 7 (the data is kept safe): a post not sent from the portal's own form changes nothing."""
        bare = await portal.client.post("/login", data={"username": "officer", "password": PASSWORD})
        assert bare.status_code == 403
        forged = await portal.client.post("/login", data={"username": "officer", "password": PASSWORD,
                                                          "csrf": "not-the-token"})
        assert forged.status_code == 403
        assert (await portal.client.get("/")).status_code == 303  # not signed in

    async def test_signing_out_ends_the_session_for_the_old_cookie_too(self, portal: Portal) -> None:
        """Điều 17 khoản 7: after sign-out, the cookie the browser had opens nothing."""
        await portal.sign_in("officer")
        old = portal.client.cookies[COOKIE]
        out = await portal.form("/logout", {}, page="/")
        assert out.status_code == 303
        portal.client.cookies.set(COOKIE, old, domain="portal")
        again = await portal.client.get("/")
        assert again.status_code == 303 and again.headers["location"].startswith("/login")

    async def test_the_session_id_changes_at_sign_in(self, portal: Portal) -> None:
        """No session fixation: the id a visitor had before signing in opens nothing after it."""
        await portal.client.get("/login")
        before = portal.client.cookies[COOKIE]
        await portal.sign_in("officer")
        assert portal.client.cookies[COOKIE] != before

    async def test_cookies_and_headers(self, client_for: Any, token_issuer: TokenIssuer, world: Any) -> None:
        """Điều 17 khoản 7: the session cookie is HttpOnly, SameSite=Strict and Secure outside development; every
        page has a CSP without inline scripts and is never cached."""
        async for portal in open_portal(client_for, token_issuer, world, env="prod"):
            page = await portal.client.get("/login")
            cookie = page.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
            assert page.headers["content-security-policy"] == CSP and "unsafe-inline" not in CSP
            assert page.headers["cache-control"] == "no-store"
            assert page.headers["x-frame-options"] == "SAMEORIGIN"


class TestLanguage:
    async def test_english_is_one_switch_away(self, portal: Portal) -> None:
        """Vietnamese first (the regulation's language), English available: the switch changes every label and
        the page's `lang`."""
        await portal.sign_in("officer")
        home = await portal.client.get("/")
        switched = await portal.client.post("/language", data={"csrf": csrf_of(home), "lang": "en", "back": "/"})
        assert switched.status_code == 303
        english = await portal.client.get("/")
        assert '<html lang="en">' in english.text and "<h1>My tasks</h1>" in english.text
        assert "Sign out" in english.text


class TestThrottlingThroughThePortal:
    async def test_failures_are_counted_per_browser_not_per_portal(
            self, client_for: Any, token_issuer: TokenIssuer, world: Any) -> None:
        """Điều 9 khoản 3 (each person keeps their own account) and Điều 19 khoản 7: the portal names the browser's
        address to profile-api, which throttles failures per account and address: someone guessing a password
        from one browser is stopped, with a plain message, and the owner signing in from another is not."""
        apis = await wired(client_for, token_issuer, trusted_proxies=["127.0.0.1"])  # the portal's own address
        app = create_app(Settings(env="test", log_level="WARNING"), apis=Apis(apis.profile, apis.approval))
        async with LifespanManager(app) as manager:
            def browser(address: str) -> Portal:
                return Portal(AsyncClient(transport=ASGITransport(app=manager.app, client=(address, 40000)),
                                          base_url="http://portal"), world)
            guesser, owner = browser("10.0.0.66"), browser("10.0.0.7")
            answers = [await guesser.sign_in("officer", "not the password") for _ in range(7)]
            assert [a.status_code for a in answers[:5]] == [400] * 5
            assert "Đăng nhập sai quá nhiều lần từ nơi này" in answers[-1].text
            assert (await guesser.sign_in("officer")).status_code == 400  # even the right one, for now
            signed = await owner.sign_in("officer")
            assert signed.status_code == 303 and signed.headers["location"] == "/"
            for made in (guesser, owner):
                await made.client.aclose()
