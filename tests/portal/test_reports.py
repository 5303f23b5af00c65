"""Reports in the portal: workforce statistics of any unit of the viewer's subtree on a day (QĐ 6187/QĐ-UBND Điều
8: agencies exploit the data of the people they manage; Điều 19 khoản 3: DOHA directs the data's use), with the
spreadsheet and the signed PDF passed through; the public progress page (MOHA directive 1632: progress is
published) and DOHA's refresh of it. Real profile-api on the test's transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.time import local_today
from tests.approval_api.conftest import World
from tests.factories import make_account
from tests.portal.conftest import Portal, csrf_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def total_of(page: str) -> str:
    start = page.index('id="report-total">') + len('id="report-total">')
    return page[start:page.index("<", start)]


async def switch(portal: Portal, username: str) -> None:
    await portal.form("/logout", {}, page="/")
    signed = await portal.sign_in(username)
    assert signed.status_code == 303, signed.text


class TestWorkforceReport:
    async def test_doha_reads_any_units_figures_and_downloads_them(self, portal: Portal, world: World) -> None:
        """Điều 19 khoản 3: DOHA reads the whole province; a unit's figures cover its subtree on the day."""
        await portal.sign_in("doha.admin")
        page = await portal.client.get("/bao-cao")
        assert page.status_code == 200 and total_of(page.text) == "2"
        assert "Theo giới tính" in page.text and "Nữ" in page.text and "Cập nhật trang tiến độ ngay" in page.text
        assert world.elsewhere.name in page.text  # a unit DOHA may choose
        today = local_today().strftime("%d/%m/%Y")  # the world's records are made today (Hà Nội)
        agency = await portal.client.get(f"/bao-cao?don-vi={world.agency.id}&ngay={today}")
        assert total_of(agency.text) == "2" and today in agency.text
        empty = await portal.client.get(f"/bao-cao?don-vi={world.elsewhere.id}")
        assert total_of(empty.text) == "0"
        sheet = await portal.client.get(f"/bao-cao/tai-ve.xlsx?don-vi={world.agency.id}")
        assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX and sheet.content[:2] == b"PK"
        pdf = await portal.client.get(f"/bao-cao/tai-ve.pdf?don-vi={world.agency.id}")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    async def test_wrong_input_is_a_plain_message(self, portal: Portal, world: World) -> None:
        await portal.sign_in("doha.admin")
        bad_day = await portal.client.get("/bao-cao?ngay=32/13/2026")
        assert bad_day.status_code == 400 and "Nhập ngày theo dạng ngày/tháng/năm" in bad_day.text
        backwards = await portal.client.get("/bao-cao?tu=02/02/2026&den=01/01/2026")
        assert backwards.status_code == 400 and "Ngày bắt đầu kỳ phải trước ngày kết thúc" in backwards.text
        assert (await portal.client.get("/bao-cao/tai-ve.xlsx?ngay=hom-qua")).status_code == 303
        assert (await portal.client.get("/bao-cao/tai-ve.doc")).status_code == 404

    async def test_no_screen_shows_a_unit_outside_the_viewers_subtree(
            self, session: AsyncSession, portal: Portal, world: World) -> None:
        """Điều 8: an agency exploits the data of its own people only — another agency's unit is neither offered
        nor counted, nor downloaded."""
        await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency",
                           username="elsewhere.admin")
        await portal.sign_in("elsewhere.admin")
        own = await portal.client.get("/bao-cao")
        assert own.status_code == 200 and total_of(own.text) == "0"
        assert world.agency.name not in own.text and "Cập nhật trang tiến độ ngay" not in own.text
        other = await portal.client.get(f"/bao-cao?don-vi={world.agency.id}")
        assert other.status_code == 404 and "không thuộc phạm vi bạn quản lý" in other.text
        assert 'id="report-total"' not in other.text and world.agency.name not in other.text
        refused = await portal.client.get(f"/bao-cao/tai-ve.pdf?don-vi={world.agency.id}")
        assert refused.status_code == 404 and "Không tìm thấy" in refused.text


class TestProgressPage:
    async def test_the_public_page_is_passed_through_and_doha_refreshes_it(self, portal: Portal) -> None:
        """The progress page is public (aggregates only); DOHA renders it again on demand."""
        await portal.sign_in("doha.admin")
        page = await portal.client.get("/bao-cao/tien-do")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src" not in page.headers["content-security-policy"]
        shown = await portal.client.get("/bao-cao")
        refreshed = await portal.client.post("/bao-cao/tien-do/lam-moi", data={"csrf": csrf_of(shown)})
        assert refreshed.status_code == 303 and refreshed.headers["location"] == "/bao-cao"
        assert "Đã cập nhật trang tiến độ công khai" in (await portal.client.get("/bao-cao")).text
        assert (await portal.client.post("/bao-cao/tien-do/lam-moi", data={"csrf": "x"})).status_code == 403

    async def test_an_agency_cannot_refresh_the_provinces_page(self, portal: Portal) -> None:
        await portal.sign_in("agency.admin")
        shown = await portal.client.get("/bao-cao")
        refused = await portal.client.post("/bao-cao/tien-do/lam-moi", data={"csrf": csrf_of(shown)})
        assert refused.status_code in (403, 404) and "<h1>" in refused.text
