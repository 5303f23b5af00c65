"""DOHA's calendar screens in Debian's Chromium against the real stack (issue 16, journey e): Sở Nội vụ opens an
extraordinary approval window over Phòng Quản lý ngân sách and makes the last working day a day off; the unit's
approver's inbox then shows both — the window DOHA opened, and the lateness of a change submitted after the edit,
counted in working days on the edited calendar. Under hanoi-2024 the approver's own deadline is the window's last
day (Điều 7 counts calendar days), which no override moves; what an override moves is the 5 working days of Điều 6
khoản 3, which the inbox shows per request as approval-api counted them. Its own stack and database: a province-wide
calendar edit must not touch the other journeys."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import expect

from hoso_shared.deadlines import HANOI_2024
from hoso_shared.time import Calendar, local_today
from tests.portal.browser.approver import Approver
from tests.portal.browser.backstage import Backstage, Person, backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import ADMIN, PortalStack, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
UNIT = "01.STC.NS"
REASON = "Rà soát hồ sơ trước kỳ đồng bộ quý"
NOTE = "Quyết định nghỉ bù của UBND thành phố"
LATE_BY = 14  # calendar days between the change and its submission: past the 5 working days


@pytest.fixture(scope="module")
async def portal_stack(chromium_path: str, server_url: str,
                       tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PortalStack]:
    async with running_stack(server_url, Path(tmp_path_factory.mktemp("calendar-stack")), name="calendar") as stack:
        yield stack


async def calendar_now(api: Backstage) -> Calendar:
    """The province's calendar as profile-api holds it (the demo's overrides, if any)."""
    found = await api.profile.get("/api/v1/calendar/overrides", headers=await api.auth(ADMIN))
    rows = found.raise_for_status().json()
    return Calendar(frozenset(date.fromisoformat(o["day"]) for o in rows if o["kind"] == "holiday"),
                    frozenset(date.fromisoformat(o["day"]) for o in rows if o["kind"] == "working_day"))


def last_working_day(days: Calendar, today: date) -> date:
    day = today - timedelta(days=1)
    while not days.is_working_day(day):
        day -= timedelta(days=1)
    return day


async def open_window(doha: Browser, unit_id: str, today: date) -> None:
    """The windows screen, the form (the unit, two days, the reason), the confirmation, the list."""
    page = doha.page
    await page.locator("header nav a[href='/lich']").click()
    await page.locator("main nav a[href='/lich/cua-so']").click()
    await expect(doha.heading).to_have_text("Đợt phê duyệt bổ sung")
    await page.locator("main a[href='/lich/cua-so/mo']").click()
    await expect(doha.heading).to_have_text("Mở đợt phê duyệt bổ sung")
    await page.locator(f"#unit-{unit_id}").check()
    await page.locator("#opens_on").fill(f"{today:%d/%m/%Y}")
    await page.locator("#closes_on").fill(f"{today + timedelta(days=2):%d/%m/%Y}")
    await page.locator("#reason").fill(REASON)
    await doha.seen("window-form")
    await page.locator("main form button[type=submit]").click()
    await expect(doha.heading).to_have_text("Xác nhận mở đợt phê duyệt bổ sung")
    await expect(page.locator("#chosen-units")).to_contain_text("Phòng Quản lý ngân sách")
    await doha.seen("window-confirm")
    await page.locator("main form button[type=submit]").click()
    await expect(page).to_have_url(path_is("/lich/cua-so"))
    await expect(page.locator("#windows tbody tr", has_text=REASON)).to_contain_text("Phòng Quản lý ngân sách")
    await doha.seen("windows")


async def make_day_off(doha: Browser, day: date) -> None:
    """The month calendar, the day, the form, the confirmation: the day is marked a day off with its reason."""
    page = doha.page
    await page.locator("main nav a[href='/lich']").click()
    await expect(doha.heading).to_have_text("Lịch làm việc")
    if day.month != local_today().month:
        await page.locator("main a[rel='prev']").click()
    cell = page.locator(f"#month td[data-day='{day.isoformat()}']")
    await expect(cell).to_contain_text("Ngày làm việc")
    await doha.seen("month")
    await cell.locator("a").click()
    await expect(page.locator("#day-state")).to_contain_text("Ngày làm việc")
    await page.locator("#kind").check()  # the first choice: a day off
    await page.locator("#note").fill(NOTE)
    await doha.seen("day")
    await page.locator("main form button[type=submit]").click()
    await expect(page.locator("#day-after")).to_have_text("Ngày nghỉ do Sở Nội vụ quy định")
    await doha.seen("day-confirm")
    await page.locator("main form button[type=submit]").first.click()
    await expect(page.locator("main .notice").first).to_contain_text("Đã lưu điều chỉnh lịch làm việc")
    await expect(page.locator(f"#month td[data-day='{day.isoformat()}']")).to_contain_text(NOTE)
    await doha.seen("month-edited")


class TestCalendarJourney:
    async def test_doha_opens_a_window_edits_a_day_and_the_approvers_inbox_reflects_both(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 7 and Điều 14 khoản 1: outside the month's last 5 days DOHA opens a window for the unit, with its
        reason, and the unit's approver may approve now; Điều 19: DOHA keeps the working-day calendar, on which
        Điều 6 khoản 3's 5 working days are counted — a change submitted after the edit is late by one working
        day fewer than it would have been."""
        today = local_today()
        async with backstage(portal_stack) as api:
            unit_id = await api.unit_id(UNIT)
            first, second, *_ = await api.people(unit_id)
            officer = await api.account(first, "ns.canbo", "officer", unit_id)
            approver = await api.account(second, "ns.approver", "approver", unit_id)
            before = await calendar_now(api)
        day = last_working_day(before, today)

        doha = await open_browser()
        await doha.open("/lich")
        await doha.sign_in(ADMIN)
        await expect(doha.heading).to_have_text("Lịch làm việc")
        await open_window(doha, unit_id, today)
        await make_day_off(doha, day)

        occurred = today - timedelta(days=LATE_BY)
        async with backstage(portal_stack) as api:
            after = await calendar_now(api)
            assert day in after.extra_holidays
            request_id = await propose_late(api, officer, occurred)
        late_now = HANOI_2024.self_update_late_by(occurred, today, after)
        late_before = HANOI_2024.self_update_late_by(occurred, today, before)
        assert late_now is not None and late_before == late_now + 1

        me = await open_browser()
        await me.open("/duyet")
        await me.sign_in(approver.username)
        await Approver(me).inbox()
        notice = me.page.locator("main div.notice").first
        closes = today + timedelta(days=3)
        await expect(notice).to_contain_text(
            f"Đợt phê duyệt bổ sung do Sở Nội vụ mở: từ {today:%d/%m/%Y} 00:00 đến {closes:%d/%m/%Y} 00:00")
        row = me.page.locator("main table tbody tr", has=me.page.locator(f"a[href='/duyet/{request_id}']"))
        await expect(row).to_contain_text(f"Gửi muộn {late_now} ngày làm việc")
        await expect(row).to_contain_text(re.compile(r"Hạn phê duyệt: \d\d/\d\d/\d{4}"))
        await me.seen("inbox")


async def propose_late(api: Backstage, officer: Person, occurred: date) -> str:
    """The officer proposes a change that happened `occurred` (their own token, with a scan): its request id."""
    auth = await api.auth(officer.username)
    scan = await api.profile.post(f"/api/v1/profiles/{officer.profile_id}/attachments", headers=auth,
                                  files={"file": ("quyet-dinh.pdf", b"%PDF-1.7\n% a scan\n", "application/pdf")})
    assert scan.status_code == 201, scan.text
    proposed = await api.profile.patch(f"/api/v1/profiles/{officer.profile_id}", headers=auth, json={
        "items": {"other_names": "Minh Khôi"}, "occurred_on": occurred.isoformat(),
        "attachment_ids": [scan.json()["id"]]})
    assert proposed.status_code == 202, proposed.text
    return str(proposed.json()["change_request_id"])
