"""The quarterly review in Debian's Chromium against the real stack (issue 16, journey g): "a quarterly review is
signed and appears on DOHA's roster". UBND phường Ba Đình's approver drafts the quarter's review, reads its figures,
confirms and signs it (QĐ 6187/QĐ-UBND Điều 21 khoản 6: by the 25th of the quarter's last month the unit signs
its review digitally and sends it to DOHA; Điều 7: the unit's person with authority approves), and Sở Nội vụ finds
it sent on its roster with the signed PDF. Then the organisation and reports screens, read and previewed only
(nothing written, so no other journey is touched), each checked with axe like every screen a journey reaches."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from hoso_shared.time import local_today
from portal.reviews.service import Quarter
from tests.portal.browser.backstage import backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import PortalStack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
APPROVER, DOHA, AGENCY = "bd.approver", "snv.admin", "sgd.admin"
UNIT_NAME = "UBND phường Ba Đình"
REVIEW = re.compile(r"^https?://[^/]+/ra-soat/([0-9a-f-]{36})$")


async def signed_in(me: Browser, path: str, username: str) -> None:
    await me.open(path)
    await me.sign_in(username)
    await expect(me.page).to_have_url(path_is(path))


async def sign(approver: Browser) -> str:
    """From the reviews screen: draft, read, confirm, sign. The review's id."""
    page, label = approver.page, Quarter.containing(local_today()).label()
    await expect(approver.heading).to_have_text("Rà soát dữ liệu hằng quý")
    await approver.seen("overview")
    await page.locator("main form[action='/ra-soat/lap'] button[type=submit]").click()
    await expect(page).to_have_url(REVIEW)
    await expect(approver.heading).to_have_text(f"Báo cáo rà soát quý {label}")
    await expect(page.locator("#review-state")).to_contain_text("Bản nháp, chưa ký")
    await expect(page.locator("main table caption").first).to_have_text("Hồ sơ đạt từng tiêu chí")
    await approver.seen("draft")
    found = REVIEW.match(page.url)
    assert found is not None
    review_id = found.group(1)
    await page.locator(f"main a[href='/ra-soat/{review_id}/ky']").click()
    await expect(approver.heading).to_have_text("Ký số và gửi báo cáo rà soát")
    await approver.seen("confirm")
    await page.locator("main form button[type=submit]").click()
    await expect(page).to_have_url(path_is(f"/ra-soat/{review_id}"))
    await expect(page.locator("main .notice").first).to_contain_text("Đã ký số và gửi báo cáo rà soát quý")
    await expect(page.locator("#review-state")).to_contain_text("Đã ký số và gửi Sở Nội vụ")
    await approver.seen("signed")
    return review_id


class TestQuarterlyReviewJourney:
    async def test_a_quarterly_review_is_signed_and_appears_on_dohas_roster(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 21 khoản 6 and Điều 7: the ward's approver signs its review of the quarter; DOHA's roster shows the
        ward's review sent (on time, or late once the 25th has passed), signed by that approver, with its signed
        PDF passed through."""
        approver = await open_browser()
        await signed_in(approver, "/ra-soat", APPROVER)
        review_id = await sign(approver)

        doha = await open_browser()
        await signed_in(doha, "/", DOHA)
        await doha.page.locator("header nav a[href='/ra-soat']").click()
        await expect(doha.heading).to_have_text("Rà soát dữ liệu hằng quý")
        row = doha.page.locator("main table tbody tr", has=doha.page.locator(f"a[href='/ra-soat/{review_id}']"))
        await expect(row.locator("th")).to_have_text(UNIT_NAME)
        await expect(row.locator(".tag").first).to_have_text(re.compile("^(Đã gửi đúng hạn|Gửi muộn)$"))
        await doha.seen("roster")
        pdf = await doha.page.request.get(f"/ra-soat/{review_id}/ban-ky.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert (await pdf.body()).startswith(b"%PDF")
        await row.locator(f"a[href='/ra-soat/{review_id}']").click()
        await expect(doha.page.locator("#review-state")).to_contain_text("Đã ký số và gửi Sở Nội vụ")
        await doha.seen("review")


class TestOrganisationAndReportScreens:
    async def test_the_tree_a_previewed_merge_and_the_workforce_report(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 21 khoản 2: the agency reads its tree and previews a merge of one of its units, seeing who would
        move (nothing is recorded); then its workforce statistics."""
        async with backstage(portal_stack) as api:
            source, target = await api.unit_id("01.SGD.TC"), await api.unit_id("01.SGD.THPT")
            people = await api.people(source)
        agency = await open_browser()
        await signed_in(agency, "/to-chuc", AGENCY)
        await expect(agency.heading).to_have_text("Cơ cấu tổ chức")
        await agency.seen("tree")
        await agency.page.locator(f"main table a[href='/to-chuc/{source}']").click()
        await expect(agency.heading).to_have_text("Phòng Tổ chức cán bộ")
        await agency.seen("unit")
        await agency.page.locator(f"main a[href='/to-chuc/{source}/thay-doi']").click()
        await expect(agency.heading).to_have_text("Ghi nhận thay đổi tổ chức")
        await agency.page.locator("#loai-sap-nhap").check()
        await agency.page.locator("#ngay").fill(f"{local_today():%d/%m/%Y}")
        await agency.page.locator("#den").select_option(target)
        await agency.page.locator("#xac_nhan").fill("01.SGD.TC")
        await agency.seen("change")
        await agency.page.locator("main form button[type=submit]").first.click()
        await expect(agency.heading).to_have_text("Xem trước thay đổi tổ chức")
        await expect(agency.page.locator("#moving li")).to_have_count(len(people))
        await agency.seen("preview")
        await agency.page.locator("main form a.button.secondary").click()  # cancelled: nothing recorded
        await expect(agency.page).to_have_url(path_is(f"/to-chuc/{source}"))
        await expect(agency.page.locator("#people-heading + table tbody tr")).to_have_count(len(people))

        await agency.page.locator("header nav a[href='/bao-cao']").click()
        await expect(agency.heading).to_have_text("Báo cáo thống kê đội ngũ")
        await expect(agency.page.locator("#report-total")).not_to_have_text("0")
        await agency.seen("report")
        bad = agency.page.locator("#ngay")
        await bad.fill("32/13/2026")
        await agency.page.locator("main form[action='/bao-cao'] button[type=submit]").click()
        await expect(agency.page.locator(".error-summary")).to_contain_text("Nhập ngày theo dạng ngày/tháng/năm")
        await agency.seen("report-error")
