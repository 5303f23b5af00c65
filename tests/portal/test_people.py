"""Nhân sự in the portal (QĐ 6187/QĐ-UBND Điều 18 khoản 2: the agency manages its people's data; Điều 19: DOHA the
province's): the subtree's people as a searchable, filtered, paginated table ordered as Vietnamese readers expect, one
record read in part 1's layout with its data-quality verdict, and nobody outside the reader's subtree."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_profile
from tests.portal.conftest import Portal
from tests.portal.hr import citizen_id_of, hire, switch

ROW = re.compile(r'<th scope="row"><a href="/nhan-su/([0-9a-f-]{36})">([^<]+)</a></th>')


def names(page: str) -> list[str]:
    return [name for _, name in ROW.findall(page)]


class TestPeopleList:
    async def test_the_agency_reads_its_subtree_in_vietnamese_order(self, session: AsyncSession,
                                                                    portal: Portal) -> None:
        """Điều 18 khoản 2: the agency's admin lists the people of its unit and sub-units (not the other agency's,
        not the archived unless asked), by given name as Vietnamese readers sort (An, Bình, Giang, Hoa), with
        unit, category, rank and status."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        home = (await portal.client.get("/")).text
        assert '<a href="/nhan-su"' in home and '<a href="/tai-khoan"' in home
        page = await portal.client.get("/nhan-su")
        assert page.status_code == 200
        assert names(page.text) == ["Phạm Minh An", "Trần Văn Bình", "Đặng Thu Giang", "Lê Thị Hoa"]
        assert "Ngô Thị Xuân" not in page.text and "Vũ Văn Cường" not in page.text
        assert "Phòng Tổ chức cán bộ" in page.text and "06.031 – Kế toán viên" in page.text
        assert "Viên chức" in page.text and "Đang công tác" in page.text
        assert '<th scope="col" aria-sort="ascending">' in page.text and "Trang này xếp theo" in page.text
        archived = await portal.client.get("/nhan-su", params={"archived": "1"})
        assert "Vũ Văn Cường" in names(archived.text) and "Đã nghỉ hưu" in archived.text
        assert staff.outsider.full_name not in archived.text

    async def test_search_and_filters_are_the_apis(self, session: AsyncSession, portal: Portal) -> None:
        """A name's beginning typed in lower case finds it; a citizen ID finds its one person; a unit narrows to its
        subtree; category, rank and status narrow as profile-api does."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")

        async def listed(**params: str) -> list[str]:
            page = await portal.client.get("/nhan-su", params=params)
            assert page.status_code == 200, page.text[:500]
            return names(page.text)

        assert await listed(q="trần văn") == ["Trần Văn Bình"]
        assert await listed(q=citizen_id_of(staff.nurse)) == ["Phạm Minh An"]
        assert await listed(q=citizen_id_of(staff.outsider)) == []
        assert await listed(unit=str(staff.sub_unit.id)) == ["Phạm Minh An", "Đặng Thu Giang"]
        assert await listed(category="vien_chuc") == ["Phạm Minh An"]
        assert await listed(rank="01.002") == ["Đặng Thu Giang"]
        assert await listed(status="retired", archived="1") == ["Vũ Văn Cường"]
        assert await listed(unit="not-a-unit", category="nonsense") == names(
            (await portal.client.get("/nhan-su")).text)  # what is no valid choice is no filter
        empty = await portal.client.get("/nhan-su", params={"q": "Không Có Ai"})
        assert "Không có ai phù hợp với điều kiện tìm." in empty.text

    async def test_a_page_is_reordered_by_unit_rank_or_status(self, session: AsyncSession, portal: Portal) -> None:
        await hire(session, portal)
        await portal.sign_in("agency.admin")
        by_unit = (await portal.client.get("/nhan-su", params={"sort": "don-vi"})).text
        # the agency's own people first (tree order), its sub-unit's after; by name within each
        assert names(by_unit) == ["Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh An", "Đặng Thu Giang"]
        assert "Trang này xếp theo đơn vị." in by_unit
        by_rank = (await portal.client.get("/nhan-su", params={"sort": "ngach"})).text
        assert names(by_rank)[:1] == ["Đặng Thu Giang"] and names(by_rank)[-1] == "Phạm Minh An"

    async def test_the_list_is_paginated(self, session: AsyncSession, portal: Portal) -> None:
        """Every list is paginated: 50 a page, the API's cursor to the next, and back to the first."""
        for i in range(52):
            await make_profile(session, unit=portal.world.agency, full_name=f"Nguyễn Văn Số{i:02d}")
        await portal.sign_in("agency.admin")
        first = await portal.client.get("/nhan-su")
        assert len(names(first.text)) == 50 and "trang 1" in first.text
        found = re.search(r'href="(/nhan-su\?[^"]*cursor=[^"]+)">Trang sau', first.text)
        assert found, first.text[-2000:]
        second = await portal.client.get(found.group(1).replace("&amp;", "&"))
        assert len(names(second.text)) == 4 and "trang 2" in second.text and "Về trang đầu" in second.text
        assert not set(names(first.text)) & set(names(second.text))


    async def test_in_english(self, session: AsyncSession, portal: Portal) -> None:
        """Vietnamese first, English available: the list's words are the English catalogue's; the people's names
        and units stay as written."""
        await hire(session, portal)
        await portal.sign_in("agency.admin")
        await portal.form("/language", {"lang": "en", "back": "/nhan-su"}, page="/nhan-su")
        page = (await portal.client.get("/nhan-su", params={"sort": "don-vi"})).text
        assert '<html lang="en">' in page and "<h1>People</h1>" in page and "This page is sorted by unit." in page
        assert "Đặng Thu Giang" in page and "Phòng Tổ chức cán bộ" in page
        accounts = (await portal.client.get("/tai-khoan")).text
        assert "<h1>Accounts</h1>" in accounts and "Create a personal account" in accounts


class TestPersonRecord:
    async def test_hr_reads_the_record_with_its_quality_and_the_way_to_an_account(
            self, session: AsyncSession, portal: Portal) -> None:
        """The record in part 1's sơ yếu lý lịch layout (the officer's own proposing and checking are theirs, not
        HR's), its unit, its Đúng–Đủ–Sạch–Sống verdict from profile-api, and "create a personal account"."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        page = await portal.client.get(f"/nhan-su/{staff.school.id}")
        assert page.status_code == 200, page.text[:500]
        text = page.text
        assert "Sơ yếu lý lịch" in text and "Đặng Thu Giang" in text and "Phòng Tổ chức cán bộ" in text
        assert "Chất lượng dữ liệu" in text and "lỗi" in text
        assert "/de-nghi" not in text and "Xác nhận đã kiểm tra hồ sơ" not in text
        assert f"/tai-khoan/tao-ca-nhan?ho-so={staff.school.id}" in text
        assert '<a href="/nhan-su" aria-current="page">' in text

    async def test_the_officer_has_no_people_screen(self, portal: Portal) -> None:
        """An officer reads their own record only (Điều 8 khoản 3): no "Nhân sự" in their header, and the list
        shows them alone (profile-api's answer)."""
        await portal.sign_in("officer")
        assert '<a href="/nhan-su"' not in (await portal.client.get("/")).text
        assert names((await portal.client.get("/nhan-su")).text) == ["Trần Văn Bình"]


class TestTwoAgencies:
    async def test_no_screen_shows_a_person_of_another_agency(self, session: AsyncSession, portal: Portal) -> None:
        """As the API's IDOR matrix, through the portal's URLs: the other agency's approver lists none of the agency's
        people, not even by naming the agency's unit or a citizen ID, and a record's address is the 404 page; DOHA
        reads both (Điều 19)."""
        staff = await hire(session, portal)
        await portal.sign_in("approver.elsewhere")
        listed = (await portal.client.get("/nhan-su")).text
        assert names(listed) == ["Ngô Thị Xuân"]
        by_unit = await portal.client.get("/nhan-su", params={"unit": str(portal.world.agency.id)})
        assert names(by_unit.text) == []
        by_id = await portal.client.get("/nhan-su", params={"q": citizen_id_of(staff.school)})
        assert names(by_id.text) == []
        for profile in (staff.school, portal.world.person):
            other = await portal.client.get(f"/nhan-su/{profile.id}")
            assert other.status_code == 404 and "Đặng Thu Giang" not in other.text
        await switch(portal, "doha.admin")
        province = names((await portal.client.get("/nhan-su")).text)
        assert "Ngô Thị Xuân" in province and "Đặng Thu Giang" in province
