"""Cấp quyền xem hồ sơ in Debian's Chromium against the real stack (demo data; issue 21 item 2): an agency's admin
grants an account of its subtree its agency's records on a written decision with its scan, sees the grant listed as
working, opens the decision's scan from the list, and revokes it on a written request after the confirmation page.
Screenshot and axe on every screen."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from playwright.async_api import FilePayload, expect

from hoso_shared.time import local_today
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import path_is

pytestmark = pytest.mark.e2e  # a real stack and a real browser

AGENCY = "stc.admin"  # Sở Tài chính's agency account
SCAN: FilePayload = {"name": "quyet-dinh-cap-quyen.pdf", "mimeType": "application/pdf",
                     "buffer": b"%PDF-1.7\n% a written decision\n"}


async def test_an_agency_grants_and_revokes_access_to_its_records(open_browser: OpenBrowser) -> None:
    """Điều 8 khoản 3 (reading beyond one's own on the managing authority's written agreement), Điều 18 khoản 1 and
    Điều 19 khoản 4 (given and revoked by the managing level on a written request)."""
    number = f"{secrets.randbelow(900) + 100}/QĐ-STC"
    today = local_today()
    me = await open_browser()
    page = me.page
    await me.open("/")
    await me.sign_in(AGENCY)
    await page.locator("header nav a[href='/cap-quyen']").click()
    await expect(me.heading).to_have_text("Cấp quyền xem hồ sơ")
    await me.seen("list")

    await page.get_by_role("link", name="Cấp quyền mới").click()
    await expect(me.heading).to_have_text("Cấp quyền xem hồ sơ mới")
    await page.locator("#grantee_id").select_option(index=1)
    grantee = (await page.locator("#grantee_id option:checked").inner_text()).strip()
    await page.locator("#target").check()
    await page.locator("#org_unit_id").select_option(index=1)
    await page.locator("#level-1").check()
    await page.locator("#starts_on").fill(today.isoformat())
    await page.locator("#ends_on").fill((today + timedelta(days=30)).isoformat())
    await page.locator("#decision_number").fill(number)
    await page.locator("#decision_date").fill((today - timedelta(days=2)).isoformat())
    await page.locator("#issuing_body").fill("Sở Nội vụ thành phố Hà Nội")
    await page.locator("#file").set_input_files(files=[SCAN])
    await me.seen("form")
    await page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()

    await expect(page).to_have_url(path_is("/cap-quyen"))
    await expect(page.locator("main [role=status]")).to_contain_text("Đã cấp quyền xem hồ sơ")
    row = page.locator("main table tbody tr", has_text=number)
    await expect(row).to_contain_text(grantee)
    await expect(row).to_contain_text("Mức 1 – Bộ phận tổ chức cán bộ")
    await expect(row).to_contain_text("Đang hiệu lực")
    await me.seen("granted")

    # The decision's scan, stored on its own, opens from the list (profile-api streams it; the read is audited).
    href = await row.get_by_role("link", name="Xem quyết định").get_attribute("href")
    assert href and href.endswith("/quyet-dinh")
    scan = await page.request.get(urljoin(page.url, href))
    assert scan.status == 200 and await scan.body() == SCAN["buffer"]
    assert scan.headers["content-type"] == "application/pdf"

    await row.get_by_role("link", name="Thu hồi").click()
    await expect(me.heading).to_have_text("Thu hồi quyền xem hồ sơ")
    await expect(page.locator("main dl.summary")).to_contain_text(number)
    await page.locator("#request_no").fill("130/STC-TCCB")
    await page.locator("#request_date").fill((today - timedelta(days=1)).isoformat())
    await me.seen("revoke")
    await page.locator("main form button[type=submit]").click()

    await expect(page).to_have_url(path_is("/cap-quyen"))
    await expect(page.locator("main [role=status]")).to_contain_text("Đã thu hồi quyền xem hồ sơ")
    row = page.locator("main table tbody tr", has_text=number)
    await expect(row).to_contain_text("Đã thu hồi")
    await expect(row.get_by_role("link", name="Thu hồi")).to_have_count(0)
    await me.seen("revoked")
