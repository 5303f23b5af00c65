"""One person at the portal in a real browser: the steps every journey repeats (sign in, change the password, switch
the language, sign out) and what is checked on every screen visited (`seen`: a screenshot to
test-artifacts/portal/<test>-<step>.png, and axe-core with no serious or critical violation). A new area's journeys
add their page objects beside this one and reuse it: `Browser.page` is the Playwright page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.async_playwright import Axe  # type: ignore[import-untyped]
from playwright.async_api import ConsoleMessage, Cookie, Locator, Page, Response, expect

from tests.portal.browser.stack import PortalStack

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "portal"
BLOCKING = {"serious", "critical"}  # axe impacts a page must not have
CSP_VIOLATION = re.compile(r"Content Security Policy", re.IGNORECASE)
COOKIE = "hoso_session"
AXE = Axe()


def path_is(path: str) -> re.Pattern[str]:
    """The page's URL is `path` on the portal, whatever its query (`/login?next=/` is the sign-in page)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


@dataclass
class Browser:
    page: Page
    stack: PortalStack
    test: str  # the test's name: the screenshots' prefix
    java_script: bool = True
    console: list[str] = field(default_factory=list)  # every console message and page error, "type: text"

    def __post_init__(self) -> None:
        self.page.on("console", self._heard)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def _heard(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    async def open(self, path: str = "/") -> Response:
        response = await self.page.goto(path)
        assert response is not None, path
        return response

    async def sign_in(self, username: str, password: str | None = None) -> None:
        """Fills in the sign-in form shown and sends it (whatever the page's language: fields go by id)."""
        await expect(self.page).to_have_url(path_is("/login"))
        await self.page.locator("#username").fill(username)
        await self.page.locator("#password").fill(password or self.stack.passwords[username])
        await self.page.locator("main form button[type=submit]").click()
        await expect(self.page).not_to_have_url(path_is("/login"))

    async def change_password(self, username: str, new: str) -> None:
        """The password change form: the current password (the one given), the new one twice."""
        await expect(self.page).to_have_url(path_is("/password"))
        await self.page.locator("#current_password").fill(self.stack.passwords[username])
        await self.page.locator("#new_password").fill(new)
        await self.page.locator("#confirm_password").fill(new)
        await self.page.locator("main form button[type=submit]").click()
        await expect(self.page).to_have_url(path_is("/"))
        self.stack.passwords[username] = new

    async def switch_language(self) -> None:
        lang = await self.page.locator("html").get_attribute("lang")
        await self.page.locator("form[action='/language'] button").click()
        await expect(self.page.locator("html")).not_to_have_attribute("lang", lang or "")

    async def sign_out(self) -> None:
        await self.page.locator("form[action='/logout'] button").click()
        await expect(self.page).to_have_url(path_is("/login"))

    async def tab_to(self, target: Locator, most: int = 40) -> None:
        """Tab (and only Tab) from wherever the focus is until `target` has it; at most `most` presses."""
        for _ in range(most):
            if await target.evaluate("element => element === document.activeElement"):
                break
            await self.page.keyboard.press("Tab")
        await expect(target).to_be_focused()

    async def session_cookie(self) -> Cookie | None:
        return next((c for c in await self.page.context.cookies() if c.get("name") == COOKIE), None)

    async def screenshot(self, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.test}-{step}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    async def check_accessibility(self, step: str) -> None:
        """axe-core on the page as shown: no violation of impact serious or critical. Lesser ones are written
        beside the screenshot (<test>-<step>.axe.txt) for a person to weigh."""
        results = await AXE.run(self.page)
        found = results.response["violations"]
        if found:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / f"{self.test}-{step}.axe.txt").write_text("\n".join(_described(v) for v in found) + "\n")
        blocking = [v for v in found if v["impact"] in BLOCKING]
        assert not blocking, f"{self.page.url}:\n" + "\n".join(_described(v) for v in blocking)

    async def seen(self, step: str) -> None:
        """What every screen a journey reaches gets: its screenshot, then axe. Without JavaScript axe cannot run
        (its promise never settles); the page is the same HTML a journey with JavaScript checks."""
        await self.page.wait_for_load_state()
        await self.screenshot(step)
        if self.java_script:
            await self.check_accessibility(step)

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if CSP_VIOLATION.search(m)]


def _described(violation: dict[str, Any]) -> str:
    targets = ", ".join(str(n["target"]) for n in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
