"""The approver's screens as a page object (hanoi-2024 Điều 7): the inbox, one request with its evidence shown in the
portal's own page, a decision's confirmation (inside the request's page with JavaScript, a page of its own
without), many approvals at once. Elements are found by address and structure, so the same steps serve both
languages; the words each step checks are the language's `Words`."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Locator, expect

from tests.portal.browser.backstage import SCAN, SCAN_NAME
from tests.portal.browser.pages import Browser, path_is


@dataclass(frozen=True)
class Words:
    inbox: str
    window: str  # the inbox's notice while a window is open
    request: str  # "… {name}"
    proposed: str  # the comparison's column of proposed values
    evidence: str
    confirm: str  # the approval's confirmation page (its own page: without JavaScript)
    approved: str
    returned: str
    bulk: str


VI = Words(inbox="Yêu cầu chờ phê duyệt", window="Đang trong thời gian phê duyệt.",
           request="Yêu cầu thay đổi hồ sơ của {name}", proposed="Giá trị đề nghị", evidence="Minh chứng",
           confirm="Xác nhận phê duyệt", approved="Đã phê duyệt yêu cầu; hồ sơ đã được cập nhật.",
           returned="Đã trả lại yêu cầu cho người đề nghị.", bulk="Kết quả phê duyệt")
EN = Words(inbox="Change requests awaiting approval", window="The approval window is open.",
           request="Change request for {name}", proposed="Proposed value", evidence="Evidence",
           confirm="Confirm the approval", approved="The request was approved and the record updated.",
           returned="The request was returned to the requester.", bulk="Approval results")


@dataclass
class Approver:
    me: Browser
    words: Words = VI

    def row(self, request_id: str) -> Locator:
        return self.me.page.locator(f"main table a[href='/duyet/{request_id}']")

    async def inbox(self) -> None:
        """Through the header's link, as a person would go there from any page."""
        await self.me.page.locator("header nav a[href='/duyet']").click()
        await expect(self.me.page).to_have_url(path_is("/duyet"))
        await expect(self.me.heading).to_have_text(self.words.inbox)
        await expect(self.me.page.locator("main div.notice").first).to_contain_text(self.words.window)

    async def open_request(self, request_id: str, name: str, proposed: str) -> None:
        """The request's page: whose record, and the proposed value beside the current one."""
        await self.row(request_id).click()
        await expect(self.me.page).to_have_url(path_is(f"/duyet/{request_id}"))
        await expect(self.me.heading).to_have_text(self.words.request.format(name=name))
        comparison = self.me.page.locator("main table.comparison")
        await expect(comparison.locator("thead th").nth(2)).to_have_text(self.words.proposed)
        await expect(comparison.locator("tbody tr").first.locator("td").nth(1)).to_have_text(proposed)

    async def view_evidence(self, request_id: str) -> None:
        """The scan's page: the PDF in a frame of the portal's own page, and the file it frames is the scan sent
        with the proposal, streamed with the approver's session."""
        page = self.me.page
        await page.locator(f"table.comparison a[href^='/duyet/{request_id}/minh-chung/']").first.click()
        await expect(self.me.heading).to_have_text(f"{self.words.evidence}: {SCAN_NAME}")
        frame = page.locator("main iframe.evidence")
        await expect(frame).to_be_visible()
        await expect(frame).to_have_attribute("title", f"{self.words.evidence}: {SCAN_NAME}")
        source = await frame.get_attribute("src")
        assert source is not None and source.startswith(f"/duyet/{request_id}/minh-chung/"), source
        scan = await page.request.get(source)
        assert scan.status == 200 and scan.headers["content-type"] == "application/pdf", scan.headers
        assert await scan.body() == SCAN

    async def back_to_request(self, request_id: str) -> None:
        await self.me.page.locator(f"main p a[href='/duyet/{request_id}']").first.click()
        await expect(self.me.page).to_have_url(path_is(f"/duyet/{request_id}"))

    async def confirmation(self, request_id: str, step: str, heading: str | None = None) -> Locator:
        """Opens the decision's confirmation from the request's page: with JavaScript htmx brings it into the page
        (no navigation), without it the link leads to its own page (`heading`: its title). The form to send."""
        page = self.me.page
        await page.wait_for_load_state()  # htmx takes over the link once the page has loaded
        await page.locator(f"#decision a[href='/duyet/{request_id}/{step}']").click()
        form = page.locator(f"main form[action='/duyet/{request_id}/{step}']")
        await expect(form).to_be_visible()
        if self.me.java_script:
            await expect(page.locator("#decision #confirm")).to_be_visible()
            await expect(page).to_have_url(path_is(f"/duyet/{request_id}"))
        else:
            await expect(page).to_have_url(path_is(f"/duyet/{request_id}/{step}"))
            await expect(self.me.heading).to_have_text(heading or self.words.confirm)
        return form

    async def decided(self, form: Locator, said: str) -> None:
        """Sends the confirmation; back on the inbox, the status region says what was done."""
        await form.locator("button[type=submit]").click()
        await expect(self.me.page).to_have_url(path_is("/duyet"))
        await expect(self.me.page.get_by_role("status")).to_contain_text(said)

    async def approve_all(self, expected: int) -> Locator:
        """Ticks every request the inbox lists (there must be `expected`) and approves them together. The result
        page's lines."""
        page = self.me.page
        boxes = page.locator("main input[type=checkbox][name=ids]")
        await expect(boxes).to_have_count(expected)
        for box in await boxes.all():
            await box.check()
        await page.locator("main form[action='/duyet/phe-duyet-nhieu'] button[type=submit]").click()
        await expect(self.me.heading).to_have_text(self.words.bulk)
        return page.locator("main table tbody tr")
