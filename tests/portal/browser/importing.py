"""The agency's bulk import in Debian's Chromium against the real stack, import worker included (issue 16, journey
c): an xlsx of 1,000 rows made from the template the portal hands out, 10 of them bad, imported in valid-rows mode;
the job's page shows its progress, then lists exactly the 10 bad rows with their reasons, and 990 records are
stored. Then the Quality screen. Collected by test_bulk.py; on a stack and database of its own (its 990 new records
await approvers that other journeys' inboxes must not see)."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.async_api import expect

from tests.portal.browser.backstage import backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import path_is
from tests.portal.browser.stack import PortalStack, running_stack
from tests.profile_api.bulk.helpers import XLSX, People, read_xlsx

AGENCY, AGENCY_UNIT, OTHER_UNIT = "sgd.admin", "01.SGD", "01.STC"
ROWS = 1000
JOB = re.compile(r"^https?://[^/]+/nhap-xuat/([0-9a-f-]{36})$")
RUNNING = {"Đang chờ xử lý", "Đang kiểm tra"}
IMPORT_SECONDS = 180  # 1,000 rows checked and 990 stored with their create requests, on a shared 2-core machine
# Ten ways a row is bad (0-based index in the data → the change), one reason each at least.
SPOILS: dict[int, dict[str, Any]] = {
    17: {"citizen_id": "12345678901"}, 120: {"ethnicity_code": "77"}, 233: {"sex": "X"}, 349: {"full_name": None},
    450: {"birth_date": date(2099, 1, 1)}, 561: {"category": "hop_dong"}, 672: {"org_unit_code": "NO.SUCH.UNIT"},
    783: {"org_unit_code": OTHER_UNIT}, 894: {"salary_step": "ba"}, 999: {"birth_date": "31/02/1990"}}


def workbook(template: bytes) -> bytes:
    """The template's profiles sheet filled in by its own header row (its table sheets left empty)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["profiles"]
    header = [cell.value for cell in sheet[1]]
    rows = People(seed=16).people(AGENCY_UNIT, ROWS)
    for index, changes in SPOILS.items():
        rows[index].update(changes)
    for row in rows:
        sheet.append([row.get(key) for key in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestImportJourney:
    @pytest.fixture  # one test: the stack lives as long as it
    async def portal_stack(self, chromium_path: str, server_url: str,
                           tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PortalStack]:
        """This journey's stack (profile-api with its import worker, approval-api, the portal), on its own
        database: the browser fixtures take it in place of the shared one."""
        async with running_stack(server_url, Path(tmp_path_factory.mktemp("import-stack")), name="import") as stack:
            yield stack

    @pytest.mark.timeout(420)
    async def test_a_thousand_rows_ten_bad(self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 18 khoản 2 (the agency updates its people's data) and Điều 17 (each unit answers for what it
        enters), issue 16 acceptance (c): an xlsx import of 1,000 rows with 10 bad rows shows progress, lists
        exactly the 10 with reasons, and stores 990 in valid-rows mode; each new record awaits the unit's approver
        (Điều 7). axe finds no serious or critical violation on the import, job and quality screens."""
        agency = await open_browser()
        page = agency.page
        await agency.open("/")
        await agency.sign_in(AGENCY)
        await page.locator("header nav a[href='/nhap-xuat']").click()
        await expect(agency.heading).to_have_text("Nhập và xuất hồ sơ")
        await agency.seen("import")
        async with page.expect_download() as downloading:
            await page.locator("main a[href='/nhap-xuat/mau.xlsx']").click()
        template = await asyncio.to_thread(Path(await (await downloading.value).path()).read_bytes)
        content = workbook(template)

        await page.locator("#tep").set_input_files({"name": "nhan-su-sgd.xlsx", "mimeType": XLSX, "buffer": content})
        await page.locator("#che-do-hop-le").check()
        await page.locator("form[action='/nhap-xuat'] button[type=submit]").click()
        await expect(page).to_have_url(JOB)
        found = JOB.match(page.url)
        assert found is not None
        job_id = found.group(1)
        first_state = (await page.locator("#import-state").inner_text()).strip()
        assert first_state in RUNNING, first_state  # the job was still running when its page opened
        await expect(page.locator("#import-bar")).to_be_visible()
        await expect(page.locator("#import-progress a", has_text="Làm mới")).to_be_visible()
        await agency.seen("progress")

        outcome = page.locator("#import-outcome")  # htmx reloads the page once the job has ended
        await expect(outcome).to_contain_text("Đã lưu 990 hồ sơ mới", timeout=IMPORT_SECONDS * 1000)
        await expect(outcome).to_contain_text("10 dòng có lỗi không được lưu")
        await expect(page.locator("#import-state")).to_have_text("Đã xong")
        await expect(page.locator("main h2", has_text="Các dòng lỗi")).to_have_text("Các dòng lỗi (10)")
        bad = page.locator("#bad-rows tbody tr")
        await expect(bad).to_have_count(10)
        numbers = [int(n) for n in await page.locator("#bad-rows tbody th").all_inner_texts()]
        assert numbers == sorted(i + 2 for i in SPOILS)  # the header is row 1
        for row in await bad.all():
            assert await row.locator("li").count() >= 1
        await expect(bad.nth(0)).to_contain_text("citizen_id")
        await agency.seen("done")
        async with page.expect_download() as downloading:
            await page.locator(f"main a[href='/nhap-xuat/{job_id}/loi.xlsx']").click()
        listed = read_xlsx(await asyncio.to_thread(Path(await (await downloading.value).path()).read_bytes))
        assert [r[1] for r in listed[1:]] == numbers

        async with backstage(portal_stack) as api:
            job = (await api.profile.get(f"/api/v1/bulk/imports/{job_id}", headers=await api.auth(AGENCY))).json()
        assert (job["state"], job["total_rows"], job["created_count"], job["error_count"]) == ("done", ROWS, 990, 10)

        await page.locator("header nav a[href='/chat-luong']").click()
        await expect(page).to_have_url(path_is("/chat-luong"))
        await expect(agency.heading).to_have_text("Chất lượng dữ liệu")
        await expect(page.locator("#criteria tbody tr")).to_have_count(4)
        await agency.seen("quality")
