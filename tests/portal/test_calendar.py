"""DOHA's calendar screens (issue 16, part 2, item 9): the working-day calendar a month at a time with a day's
override set and removed after a confirmation, and the extraordinary approval windows listed and opened for chosen
units (QĐ 6187/QĐ-UBND Điều 7 and Điều 14 khoản 1: approvals and syncs in the last 5 days of each month, unless
DOHA opens a window; Điều 19: DOHA keeps the software working). Real profile-api and approval-api in-process on the
test's transaction; the portal reads approval-api's clock (28/11/2026)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import WorkingDayOverride
from tests.approval_api.conftest import OUT_OF_WINDOW, World
from tests.portal.conftest import Portal, csrf_of, open_portal

DAY = "2026-11-20"  # a Friday, a working day
NOTE = "Quyết định số 12/QĐ-UBND: nghỉ bù"


@pytest.fixture
async def portal(client_for: Any, token_issuer: TokenIssuer, world: World) -> AsyncIterator[Portal]:
    async for made in open_portal(client_for, token_issuer, world, same_clock=True):
        yield made


def cell(page: str, day: str) -> str:
    found = re.search(rf'<td class="([^"]*)"[^>]*data-day="{day}">(.*?)</td>', page, re.S)
    assert found, page[:3000]
    return f"{found.group(1)} {found.group(2)}"


async def overrides(portal: Portal) -> list[dict[str, Any]]:
    assert portal.apis is not None
    found = await portal.apis.profile.get("/api/v1/calendar/overrides", headers=portal.world.auth["doha_admin"],
                                          params={"from": "2026-11-01", "to": "2026-11-30"})
    return list(found.json())


class TestMonth:
    async def test_the_month_marks_each_day_and_links_the_months_around_it(self, portal: Portal) -> None:
        """The days every working-day deadline counts (Điều 6 khoản 3's 5 working days among them): weekends,
        public holidays and DOHA's overrides, each marked in words, not only by colour."""
        await portal.sign_in("doha.admin")
        page = (await portal.client.get("/lich", params={"thang": "2026-09"})).text
        assert "<caption>Tháng 9/2026</caption>" in page
        assert "Ngày làm việc" in cell(page, "2026-09-03") and "working" in cell(page, "2026-09-03")
        assert "Nghỉ lễ, Tết" in cell(page, "2026-09-02") and "off" in cell(page, "2026-09-02")  # Quốc khánh
        assert "Nghỉ cuối tuần" in cell(page, "2026-09-06")
        assert 'href="/lich?thang=2026-08"' in page and 'href="/lich?thang=2026-10"' in page
        today = (await portal.client.get("/lich", params={"thang": "khong-phai-thang"})).text
        assert "<caption>Tháng 11/2026</caption>" in today and 'aria-current="date" data-day="2026-11-28"' in today

    async def test_doha_sets_an_override_after_confirming_and_removes_it(self, portal: Portal) -> None:
        """The form, the confirmation (nothing saved yet), saved: the month shows the day off with its reason;
        removed after its own confirmation, the day is a working day again."""
        await portal.sign_in("doha.admin")
        form = await portal.client.get(f"/lich/ngay/{DAY}")
        assert form.status_code == 200 and "Ngày làm việc" in form.text and 'name="kind"' in form.text
        checked = await portal.client.post(f"/lich/ngay/{DAY}", data={
            "csrf": csrf_of(form), "kind": "holiday", "note": NOTE})
        assert checked.status_code == 200 and "Xác nhận điều chỉnh ngày 20/11/2026" in checked.text
        assert await overrides(portal) == []
        saved = await portal.client.post(f"/lich/ngay/{DAY}/luu", data={
            "csrf": csrf_of(checked), "kind": "holiday", "note": NOTE})
        assert saved.status_code == 303 and saved.headers["location"] == "/lich?thang=2026-11"
        month = (await portal.client.get(saved.headers["location"])).text
        assert "Ngày nghỉ do Sở Nội vụ quy định" in cell(month, DAY) and NOTE in cell(month, DAY)
        assert "off" in cell(month, DAY) and "được tính lại" in month
        assert await overrides(portal) == [{"day": DAY, "kind": "holiday", "note": NOTE}]
        confirm = await portal.client.get(f"/lich/ngay/{DAY}/xoa")
        assert confirm.status_code == 200 and NOTE in confirm.text
        removed = await portal.client.post(f"/lich/ngay/{DAY}/xoa", data={"csrf": csrf_of(confirm)})
        assert removed.status_code == 303 and await overrides(portal) == []
        again = await portal.client.post(f"/lich/ngay/{DAY}/xoa", data={"csrf": csrf_of(confirm)})
        assert again.status_code == 409 and "không có điều chỉnh nào để xóa" in again.text

    async def test_what_is_missing_is_said_and_a_day_that_is_no_day_is_not_found(self, portal: Portal) -> None:
        await portal.sign_in("doha.admin")
        form = await portal.client.get(f"/lich/ngay/{DAY}")
        refused = await portal.client.post(f"/lich/ngay/{DAY}", data={"csrf": csrf_of(form), "note": " "})
        assert refused.status_code == 400
        assert '<a href="#kind">' in refused.text and '<a href="#note">' in refused.text
        assert (await portal.client.get("/lich/ngay/2026-13-45")).status_code == 404
        assert (await portal.client.get("/lich/ngay/0001-01-01")).status_code == 404
        forged = await portal.client.post(f"/lich/ngay/{DAY}/luu", data={"csrf": "sai", "kind": "holiday",
                                                                        "note": NOTE})
        assert forged.status_code == 403 and await overrides(portal) == []

    async def test_an_override_set_elsewhere_is_shown_and_edited(self, session: AsyncSession, portal: Portal) -> None:
        session.add(WorkingDayOverride(day=date(2026, 11, 21), kind="working_day", note="Làm bù thứ Bảy",
                                       created_by=portal.world.accounts["doha_admin"].id))
        await session.flush()
        await portal.sign_in("doha.admin")
        month = (await portal.client.get("/lich", params={"thang": "2026-11"})).text
        assert "Ngày làm việc bù do Sở Nội vụ quy định" in cell(month, "2026-11-21")
        form = (await portal.client.get("/lich/ngay/2026-11-21")).text
        assert 'value="working_day" checked' in form and "Làm bù thứ Bảy" in form


class TestWindows:
    async def test_doha_opens_a_window_for_a_unit_and_its_approver_sees_it(self, portal: Portal) -> None:
        """Điều 7: outside the month's last 5 days DOHA opens a window for the units it chooses, with its reason,
        after a confirmation; the window is listed as open, and the unit's approver reads it in the inbox."""
        portal.at(OUT_OF_WINDOW)  # 10/11/2026: outside the month's last 5 days
        agency = str(portal.world.agency.id)
        await portal.sign_in("doha.admin")
        form = await portal.client.get("/lich/cua-so/mo")
        assert form.status_code == 200 and f'value="{agency}"' in form.text
        values = {"unit": [agency], "opens_on": "10/11/2026", "closes_on": "12/11/2026",
                  "reason": "Rà soát hồ sơ đột xuất"}
        checked = await portal.client.post("/lich/cua-so/mo", data={"csrf": csrf_of(form), **values})
        assert checked.status_code == 200 and portal.world.agency.name in checked.text
        assert "Từ 0 giờ ngày 10/11/2026 đến hết ngày 12/11/2026" in checked.text
        assert "Không có" in (await portal.client.get("/lich/cua-so")).text  # nothing opened yet
        opened = await portal.client.post("/lich/cua-so/mo/xac-nhan", data={"csrf": csrf_of(checked), **values})
        assert opened.status_code == 303 and opened.headers["location"] == "/lich/cua-so"
        listed = (await portal.client.get("/lich/cua-so")).text
        assert portal.world.agency.name in listed and "Rà soát hồ sơ đột xuất" in listed
        assert "10/11/2026 00:00" in listed and "13/11/2026 00:00" in listed
        past = await portal.client.get("/lich/cua-so", params={"trang-thai": "da-dong"})
        assert "Rà soát hồ sơ đột xuất" not in past.text
        await portal.form("/logout", {}, page="/")
        await portal.sign_in("approver")
        inbox = (await portal.client.get("/duyet")).text
        assert "Đang trong thời gian phê duyệt." in inbox and "Đợt phê duyệt bổ sung do Sở Nội vụ mở" in inbox

    async def test_what_is_missing_or_refused_is_said(self, portal: Portal) -> None:
        await portal.sign_in("doha.admin")
        form = await portal.client.get("/lich/cua-so/mo")
        missing = await portal.client.post("/lich/cua-so/mo", data={"csrf": csrf_of(form), "opens_on": "hôm nay",
                                                                    "closes_on": "01/01/2020", "reason": ""})
        assert missing.status_code == 400
        for field in ("unit", "opens_on", "closes_on", "reason"):
            assert f'<a href="#{field}">' in missing.text, field
        too_long = {"unit": [str(portal.world.agency.id)], "opens_on": "28/11/2026", "closes_on": "31/01/2027",
                    "reason": "Quá dài"}
        refused = await portal.client.post("/lich/cua-so/mo/xac-nhan", data={"csrf": csrf_of(form), **too_long})
        assert refused.status_code == 409 and "dài quá thời hạn cho phép" in refused.text

    async def test_the_api_lists_the_callers_subtree_a_page_at_a_time(self, portal: Portal) -> None:
        assert portal.apis is not None
        doha = portal.world.auth["doha_admin"]
        for unit in (portal.world.agency, portal.world.elsewhere):
            made = await portal.apis.approval.post("/api/v1/approval-windows", headers=doha, json={
                "org_unit_id": str(unit.id), "opens_at": "2026-11-28T00:00:00+07:00",
                "closes_at": "2026-11-29T00:00:00+07:00", "reason": "Đợt bổ sung"})
            assert made.status_code == 201, made.text
        first = (await portal.apis.approval.get("/api/v1/approval-windows", headers=doha,
                                                params={"limit": 1, "state": "open"})).json()
        assert len(first["items"]) == 1 and first["next_cursor"]
        second = (await portal.apis.approval.get("/api/v1/approval-windows", headers=doha, params={
            "limit": 1, "cursor": first["next_cursor"]})).json()
        assert len(second["items"]) == 1 and second["next_cursor"] is None
        assert {first["items"][0]["org_unit_id"], second["items"][0]["org_unit_id"]} == {
            str(portal.world.agency.id), str(portal.world.elsewhere.id)}
        assert (await portal.apis.approval.get("/api/v1/approval-windows", headers=doha, params={
            "state": "past"})).json()["items"] == []
        bad = await portal.apis.approval.get("/api/v1/approval-windows", headers=doha, params={"cursor": "x"})
        assert bad.status_code == 422
        refused = await portal.apis.approval.get("/api/v1/approval-windows", headers=portal.world.auth["agency_admin"])
        assert refused.status_code == 403


class TestAccess:
    @pytest.mark.parametrize("path", ["/lich", f"/lich/ngay/{DAY}", f"/lich/ngay/{DAY}/xoa", "/lich/cua-so",
                                      "/lich/cua-so/mo"])
    async def test_only_doha_sees_these_screens(self, portal: Portal, path: str) -> None:
        """Điều 19: the calendar and the windows are DOHA's; an agency's administrator gets the portal's plain
        403 page, and finds no link to them."""
        await portal.sign_in("agency.admin")
        page = await portal.client.get(path)
        assert page.status_code == 403 and "Không có quyền" in page.text
        assert 'href="/lich"' not in (await portal.client.get("/")).text

    async def test_an_agency_cannot_post_an_override_through_the_portal(self, portal: Portal) -> None:
        await portal.sign_in("agency.admin")
        home = await portal.client.get("/")
        posted = await portal.client.post(f"/lich/ngay/{DAY}/luu", data={"csrf": csrf_of(home), "kind": "holiday",
                                                                        "note": NOTE})
        assert posted.status_code == 403 and await overrides(portal) == []

    async def test_doha_finds_the_link_and_reads_it_in_english(self, portal: Portal) -> None:
        await portal.sign_in("doha.admin")
        assert 'href="/lich"' in (await portal.client.get("/")).text
        await portal.form("/language", {"lang": "en", "back": "/"}, page="/")
        expected = {"/lich?thang=2026-11": "Working-day calendar", f"/lich/ngay/{DAY}": "Change the day",
                    "/lich/cua-so": "Extra approval windows", "/lich/cua-so/mo": "Open an extra approval"}
        for path, words in expected.items():
            page = await portal.client.get(path)
            assert page.status_code == 200 and words in page.text and '<html lang="en">' in page.text, path
