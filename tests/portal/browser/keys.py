"""A person at the portal with the keyboard alone (WCAG 2.1.1): Tab to a control (pages.Browser.tab_to), then type,
press Enter or Space, or move a select's choice with the arrow keys. The agency HR console's journeys use these; a
journey reads the page (to know how far a choice is) but never clicks."""

from __future__ import annotations

from playwright.async_api import expect

from tests.portal.browser.pages import Browser, path_is

FAR = 80  # Tab presses at most to reach a control: a long table sits between some pages' top and their controls


async def press_on(me: Browser, selector: str, key: str = "Enter") -> None:
    await me.tab_to(me.page.locator(selector), most=FAR)
    await me.page.keyboard.press(key)


async def type_into(me: Browser, selector: str, text: str) -> None:
    """Tabs to the field, selects what it holds and types over it."""
    await me.tab_to(me.page.locator(selector), most=FAR)
    await me.page.keyboard.press("Control+A")
    await me.page.keyboard.type(text)


async def choose(me: Browser, selector: str, value: str) -> None:
    """Tabs to the select and moves its choice to `value` with the arrow keys (a closed select on Linux changes its
    choice on ArrowDown/ArrowUp, as a person using a keyboard does)."""
    select = me.page.locator(selector)
    await me.tab_to(select, most=FAR)
    values = await select.locator("option").evaluate_all("options => options.map(o => o.value)")
    steps = values.index(value) - int(await select.evaluate("s => s.selectedIndex"))
    for _ in range(abs(steps)):
        await me.page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    await expect(select).to_have_value(value)


async def sign_in(me: Browser, username: str, password: str) -> None:
    """The sign-in form by keyboard: both fields, then Enter."""
    await expect(me.page).to_have_url(path_is("/login"))
    await type_into(me, "#username", username)
    await type_into(me, "#password", password)
    await me.page.keyboard.press("Enter")
    await expect(me.page).not_to_have_url(path_is("/login"))
