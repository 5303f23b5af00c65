"""The organisation tree in the portal (QĐ 6187/QĐ-UBND Điều 21 khoản 2: agencies record the restructuring of their
own subtree — chia tách, sáp nhập, hợp nhất, giải thể — in the city's database; Điều 12 khoản 1: people and their
accounts move with their records): the tree as it is and as it was on a day, a unit with its people, and a
restructuring previewed (who moves) before it is recorded. DOHA sees the whole province; an agency its subtree
only. Real profile-api on the test's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from httpx import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit
from hoso_shared.time import local_today
from tests.approval_api.conftest import World
from tests.factories import make_account, make_profile, make_unit
from tests.portal.conftest import Portal

TODAY = local_today()


@dataclass
class Units:
    office: OrgUnit  # under the agency, with one person
    admin: OrgUnit  # under the agency, empty


async def units(session: AsyncSession, world: World) -> Units:
    office = await make_unit(session, parent=world.agency, type="sub_unit", name="Phòng Tổ chức cán bộ")
    admin = await make_unit(session, parent=world.agency, type="sub_unit", name="Phòng Hành chính")
    for unit in (office, admin):  # both from 2025, so the tree of yesterday has them
        unit.valid_from = date(2025, 7, 1)
    await make_profile(session, unit=office, full_name="Phạm Văn Cường")
    await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency", username="elsewhere.admin")
    return Units(office, admin)


async def change(portal: Portal, unit: OrgUnit, data: dict[str, Any], step: str = "xem-truoc") -> Response:
    return await portal.form(f"/to-chuc/{unit.id}/thay-doi", {"buoc": step, "ngay": TODAY.strftime("%d/%m/%Y"),
                                                              **data})


class TestOrgTree:
    async def test_the_tree_as_it_is_and_a_unit_with_its_people(self, session: AsyncSession, portal: Portal,
                                                                 world: World) -> None:
        """Điều 21 khoản 2: the agency keeps its own subtree; DOHA reads the whole province."""
        u = await units(session, world)
        await portal.sign_in("agency.admin")
        tree = await portal.client.get("/to-chuc")
        assert tree.status_code == 200
        for name in (world.agency.name, u.office.name, u.admin.name):
            assert name in tree.text
        assert world.elsewhere.name not in tree.text and world.root.name not in tree.text
        unit = await portal.client.get(f"/to-chuc/{u.office.id}")
        assert "Phạm Văn Cường" in unit.text and "Ghi nhận thay đổi tổ chức" in unit.text
        bad = await portal.client.get("/to-chuc?ngay=31/02/2026")
        assert bad.status_code == 400 and "Nhập ngày theo dạng ngày/tháng/năm" in bad.text

        await portal.form("/logout", {}, page="/")
        await portal.sign_in("doha.admin")
        province = (await portal.client.get("/to-chuc")).text
        assert world.elsewhere.name in province and u.office.name in province

    async def test_a_merge_is_previewed_then_recorded_with_history_kept(
            self, session: AsyncSession, portal: Portal, world: World) -> None:
        """Điều 21 khoản 2 (sáp nhập) and Điều 12 khoản 1: the preview names who moves and changes nothing; once
        confirmed, the person is in the receiving unit and the tree of the day before still shows the old unit."""
        u = await units(session, world)
        await portal.sign_in("agency.admin")
        merge = {"loai": "sap-nhap", "den": str(u.admin.id), "xac_nhan": u.office.code}
        preview = await change(portal, u.office, merge)
        assert preview.status_code == 200, preview.text[-3000:]
        assert "Xem trước thay đổi tổ chức" in preview.text and "Phạm Văn Cường" in preview.text
        assert "Những người sẽ chuyển (1)" in preview.text
        assert "Phạm Văn Cường" in (await portal.client.get(f"/to-chuc/{u.office.id}")).text  # nothing changed
        done = await change(portal, u.office, merge, step="ghi-nhan")
        assert done.status_code == 303, done.text[-3000:]
        assert done.headers["location"] == "/to-chuc"
        now = (await portal.client.get("/to-chuc")).text
        assert "Đã ghi nhận thay đổi tổ chức" in now
        assert u.office.name not in now.split("Các thay đổi đã ghi nhận")[0]
        assert "Sáp nhập, hợp nhất" in now and "1 người chuyển" in now
        before = (await portal.client.get(f"/to-chuc?ngay={(TODAY - timedelta(days=1)):%d/%m/%Y}")).text
        assert u.office.name in before
        assert "Phạm Văn Cường" in (await portal.client.get(f"/to-chuc/{u.admin.id}")).text

    async def test_a_split_is_previewed_with_the_people_chosen(self, session: AsyncSession, portal: Portal,
                                                                world: World) -> None:
        """Điều 21 khoản 2 (chia tách): the people chosen move to the new unit."""
        u = await units(session, world)
        await portal.sign_in("agency.admin")
        form = (await portal.client.get(f"/to-chuc/{u.office.id}/thay-doi")).text
        person = form.split('name="nguoi" value="', 1)[1].split('"', 1)[0]
        preview = await change(portal, u.office, {"loai": "chia-tach", "ma_moi": "T.MOI-01",
                                                  "ten_moi": "Tổ Đào tạo", "nguoi": person})
        assert preview.status_code == 200, preview.text[-3000:]
        assert "Tổ Đào tạo" in preview.text and "Phạm Văn Cường" in preview.text
        assert "Tổ Đào tạo" not in (await portal.client.get("/to-chuc")).text

    async def test_refusals_are_plain_vietnamese_never_a_500(self, session: AsyncSession, portal: Portal,
                                                             world: World) -> None:
        """Điều 21 khoản 2: only within one's own subtree, never one's own unit (the level above restructures it),
        and a unit that ends is confirmed by its code."""
        u = await units(session, world)
        await portal.sign_in("agency.admin")
        empty = await change(portal, u.office, {})
        assert empty.status_code == 400 and "Chọn loại thay đổi" in empty.text
        missing = await change(portal, u.office, {"loai": "sap-nhap"})
        assert missing.status_code == 400 and "Chọn đơn vị" in missing.text and "Nhập lại đúng mã" in missing.text
        wrong = await change(portal, u.office, {"loai": "sap-nhap", "den": str(u.admin.id), "xac_nhan": "SAI"})
        assert wrong.status_code == 422 and "Mã xác nhận không đúng mã của đơn vị" in wrong.text
        own = await change(portal, world.agency, {"loai": "giai-the", "xac_nhan": world.agency.code})
        assert own.status_code == 403 and "Đơn vị của chính bạn do cấp trên ghi nhận" in own.text
        outside = await change(portal, u.office, {"loai": "sap-nhap", "den": str(world.elsewhere.id),
                                                  "xac_nhan": u.office.code})
        assert outside.status_code == 404 and "không thuộc phạm vi bạn quản lý" in outside.text
        assert world.elsewhere.name not in outside.text
        early = await change(portal, u.office, {"loai": "doi-ten", "ten": "Phòng mới", "ngay": "01/01/1990"},
                             step="ghi-nhan")
        assert early.status_code == 422 and "Ngày có hiệu lực sớm hơn" in early.text

    async def test_no_screen_shows_another_agencys_units_or_people(self, session: AsyncSession, portal: Portal,
                                                                   world: World) -> None:
        u = await units(session, world)
        await portal.sign_in("elsewhere.admin")
        tree = (await portal.client.get("/to-chuc")).text
        assert world.elsewhere.name in tree and u.office.name not in tree and world.agency.name not in tree
        for path in (f"/to-chuc/{u.office.id}", f"/to-chuc/{u.office.id}/thay-doi"):
            refused = await portal.client.get(path)
            assert refused.status_code == 404 and "Phạm Văn Cường" not in refused.text, path
        posted = await change(portal, u.office, {"loai": "sap-nhap", "den": str(u.admin.id),
                                                 "xac_nhan": u.office.code}, step="ghi-nhan")
        assert posted.status_code == 404 and "Phạm Văn Cường" not in posted.text


class TestUnitPeoplePages:
    async def test_a_unit_s_people_page_by_page_and_nobody_of_another_agency(
            self, session: AsyncSession, portal: Portal, world: World) -> None:
        """Issue 16: every list paginated; Điều 21 khoản 2: an agency reads its own subtree only. 55 people: the
        first page shows 50, its "Trang sau" link the other 5; another agency's admin gets 404 with any cursor."""
        office = await make_unit(session, parent=world.agency, type="sub_unit", name="Phòng Đông Người")
        names = [f"Người Số {i:02d}" for i in range(55)]
        for name in names:
            await make_profile(session, unit=office, full_name=name)
        elsewhere = await make_unit(session, parent=world.elsewhere, type="sub_unit", name="Phòng Cơ Quan Khác")
        await make_profile(session, unit=elsewhere, full_name="Người Cơ Quan Khác")
        await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency",
                           username="elsewhere.admin")
        await portal.sign_in("agency.admin")
        first = await portal.client.get(f"/to-chuc/{office.id}")
        assert first.status_code == 200, first.text[-2000:]
        shown = [n for n in names if n in first.text]
        assert len(shown) == 50 and "Trang sau" in first.text and "Về trang đầu" not in first.text
        later = first.text.split('<ul class="pages">', 1)[1].split('href="', 1)[1].split('"', 1)[0]
        second = await portal.client.get(later.replace("&amp;", "&"))
        assert second.status_code == 200, second.text[-2000:]
        rest = [n for n in names if n in second.text]
        assert sorted(shown + rest) == names and not set(shown) & set(rest)
        assert "Về trang đầu" in second.text and "Trang sau" not in second.text and "trang 2" in second.text
        assert "Người Cơ Quan Khác" not in first.text + second.text
        refused = await portal.client.get(f"/to-chuc/{elsewhere.id}")
        assert refused.status_code == 404 and "Người Cơ Quan Khác" not in refused.text

        await portal.form("/logout", {}, page="/")
        await portal.sign_in("elsewhere.admin")
        cursor = later.split("tiep=", 1)[1].split("&", 1)[0]
        for path in (f"/to-chuc/{office.id}", f"/to-chuc/{office.id}?tiep={cursor}&trang=2"):
            other = await portal.client.get(path)
            assert other.status_code == 404 and not any(n in other.text for n in names), path


class TestElectronicIdentifier:
    async def test_an_agency_admin_enters_a_units_identifier_and_is_told_plainly_what_is_wrong(
            self, session: AsyncSession, portal: Portal, world: World) -> None:
        """Điều 19 khoản 2: the units that exchange data carry their QĐ 20/2020/QĐ-TTg electronic identifier; the
        agency enters its units' (never its own: the level above does), each identifier held by one unit only."""
        u = await units(session, world)
        await portal.sign_in("agency.admin")
        page = f"/to-chuc/{u.office.id}"
        saved = await portal.form(f"{page}/ma-dinh-danh", {"ma_dinh_danh": " 000.00.71.h26 "}, page=page)
        assert saved.status_code == 303, saved.text[:2000]
        await session.refresh(u.office)
        assert u.office.electronic_id == "000.00.71.H26"
        shown = await portal.client.get(page)
        assert "000.00.71.H26" in shown.text and "Đã lưu mã định danh điện tử của đơn vị." in shown.text

        bad = await portal.form(f"{page}/ma-dinh-danh", {"ma_dinh_danh": "H26-01"}, page=page)
        assert bad.status_code == 422 and "đúng cấu trúc theo QĐ 20/2020/QĐ-TTg" in bad.text
        assert 'aria-invalid="true"' in bad.text
        taken = await portal.form(f"/to-chuc/{u.admin.id}/ma-dinh-danh", {"ma_dinh_danh": "000.00.71.H26"},
                                  page=f"/to-chuc/{u.admin.id}")
        assert taken.status_code == 422 and "đã được cấp cho một đơn vị khác" in taken.text
        own = await portal.form(f"/to-chuc/{world.agency.id}/ma-dinh-danh", {"ma_dinh_danh": "000.00.72.H26"},
                                page=f"/to-chuc/{world.agency.id}")
        assert own.status_code == 422 and "do cấp trên (hoặc Sở Nội vụ) nhập" in own.text
        await session.refresh(u.admin)
        assert u.admin.electronic_id != "000.00.71.H26"
