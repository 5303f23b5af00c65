"""The officer's side of a change as steps (hanoi-2024 Điều 6 khoản 3, Điều 8 khoản 3): proposing another name (line
2 of the form: "Các tên gọi khác") through the question pages with a scan, and reading the record and its
versions once a change is approved."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.async_api import FilePayload, expect

from hoso_shared.time import local_today
from tests.portal.browser.backstage import SCAN, SCAN_NAME
from tests.portal.browser.pages import Browser

RECORD = re.compile(r"^https?://[^/]+/ho-so/[0-9a-f-]{36}$")
LINE = "#muc-2"
UPLOAD: FilePayload = {"name": SCAN_NAME, "mimeType": "application/pdf", "buffer": SCAN}
OTHER_NAME_LABEL = "Các tên gọi khác"


def today() -> str:
    """Today in Hanoi as the form takes a date: within the 5 working days of Điều 6 khoản 3, so never late."""
    return local_today().strftime("%d/%m/%Y")


async def open_own_record(me: Browser) -> str:
    """The header's "Hồ sơ của tôi": the person's own record. Its path."""
    await me.page.locator("header nav a[href='/ho-so']").click()
    await expect(me.page).to_have_url(RECORD)
    return urlsplit(me.page.url).path


async def propose_other_name(me: Browser, other_name: str) -> str:
    """From the record's page: the question, the evidence (the scan uploaded), check your answers, send. The
    request's id, as the confirmation shows it."""
    page = me.page
    await page.locator(f"{LINE} a[href$='/de-nghi/muc/2']").click()
    await expect(me.heading).to_have_text("Đề nghị thay đổi thông tin")
    await page.locator("#other_names").fill(other_name)
    await page.locator("#occurred_on").fill(today())
    await page.get_by_role("button", name="Tiếp tục").click()
    await expect(me.heading).to_have_text("Tài liệu minh chứng")
    await page.locator("#file").set_input_files(files=[UPLOAD])
    await page.get_by_role("button", name="Tiếp tục").click()
    await expect(me.heading).to_have_text("Kiểm tra đề nghị trước khi gửi")
    await expect(page.locator("table.check")).to_contain_text(other_name)
    await page.get_by_role("button", name="Gửi đề nghị").click()
    await expect(me.heading).to_have_text("Đã gửi đề nghị")
    return (await page.locator(".number").inner_text()).strip()


async def sees_approved_change(me: Browser, other_name: str, version: int) -> None:
    """The record shows the approved value with nothing left waiting, at `version`; its versions list that
    version as an approved change of line 2, and the version's diff shows the value it brought. Each screen seen."""
    page = me.page
    await open_own_record(me)
    await expect(page.locator(LINE)).to_contain_text(other_name)
    await expect(page.locator(f"{LINE} .pending-note")).to_have_count(0)
    await expect(page.locator("dl.summary")).to_contain_text(f"{version} (xem các phiên bản)")
    await me.seen("record-approved")
    await page.get_by_role("link", name="xem các phiên bản").click()
    await expect(me.heading).to_have_text("Các phiên bản của hồ sơ")
    newest = page.locator("main table tbody tr").first
    await expect(newest.locator("td").first).to_have_text(str(version))
    await expect(newest).to_contain_text("Thay đổi đã được phê duyệt")
    await expect(newest).to_contain_text(OTHER_NAME_LABEL)
    await me.seen("versions")
    await newest.locator(f"a[href$='/phien-ban/{version - 1}/{version}']").click()
    await expect(me.heading).to_have_text(f"Thay đổi từ phiên bản {version - 1} đến phiên bản {version}")
    changed = page.locator("main table tbody tr", has_text=OTHER_NAME_LABEL)
    await expect(changed.locator("td").last).to_have_text(other_name)
    await me.seen("version-diff")
