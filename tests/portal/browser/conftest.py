"""Debian's Chromium (never a browser Playwright downloads) driven headless against the real stack (stack.py), one
browser for the session, a fresh context per person: `open_browser()` gives a `Browser` page object. Without
chromium on PATH every test here skips and says so."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser as Chromium
from playwright.async_api import async_playwright, expect

from tests.portal.browser.pages import Browser
from tests.portal.browser.stack import PortalStack, running_stack

# A shared 2-core machine answers a sign-in (a password hash) slower than a laptop: wait up to this for any step.
STEP_MS = 15_000
OpenBrowser = Callable[..., Awaitable[Browser]]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium is not installed: the portal's browser tests drive Debian's `chromium` package "
                    "(`make tools` installs it when run as root with apt)")
    return found


@pytest.fixture(scope="session")
async def portal_stack(chromium_path: str, server_url: str,
                       tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PortalStack]:
    """Asks for chromium first: without a browser, no stack is started for nothing."""
    async with running_stack(server_url, Path(tmp_path_factory.mktemp("portal-stack"))) as stack:
        yield stack


@pytest.fixture(scope="session")
async def chromium(chromium_path: str) -> AsyncIterator[Chromium]:
    expect.set_options(timeout=STEP_MS)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path, headless=True)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def open_browser(chromium: Chromium, portal_stack: PortalStack,
                       request: pytest.FixtureRequest) -> AsyncIterator[OpenBrowser]:
    """`await open_browser()`: a new person (own cookies) at the portal, in a Vietnamese browser in Hanoi.
    Afterwards, whatever the test did: no page it opened reported a CSP violation."""
    opened: list[Browser] = []

    async def open_(*, java_script: bool = True) -> Browser:
        context = await chromium.new_context(base_url=portal_stack.portal, locale="vi-VN",
                                             timezone_id="Asia/Ho_Chi_Minh", java_script_enabled=java_script)
        context.set_default_timeout(STEP_MS)
        opened.append(Browser(await context.new_page(), portal_stack, request.node.name, java_script))
        return opened[-1]

    yield open_
    for browser in opened:
        await browser.page.context.close()
    assert not [m for b in opened for m in b.csp_violations()], [b.console for b in opened]
