"""Nhập/xuất in the portal (QĐ 6187/QĐ-UBND Điều 18 khoản 2: the agency keeps its people's data up to date; Điều 17:
each unit answers for what it enters): the template, a workbook checked first and then stored all-or-nothing or row
by row, the job's progress and every bad row with its reasons a page at a time, the bad rows as a workbook, and the
export of the agency's subtree, never anyone else's. Real APIs on the test's transaction (the import runs in the
API's process right after the upload)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ImportJob, OrgUnit, Profile
from tests.approval_api.conftest import World
from tests.factories import make_account
from tests.portal.conftest import Portal, csrf_of, open_portal
from tests.portal.hr import hire, switch
from tests.profile_api.bulk.helpers import XLSX, People, read_xlsx, xlsx_bytes

JOB = re.compile(r"/nhap-xuat/([0-9a-f-]{36})$")
BAD_ROW = re.compile(r'<th scope="row">(\d+)</th>')


async def count(session: AsyncSession, unit: OrgUnit) -> int:
    stmt = select(func.count()).select_from(Profile).where(Profile.org_unit_id == unit.id)
    return int((await session.execute(stmt)).scalar_one())


async def upload(portal: Portal, content: bytes, choice: str, filename: str = "nhan-su.xlsx") -> Any:
    page = await portal.client.get("/nhap-xuat")
    return await portal.client.post("/nhap-xuat", data={"csrf": csrf_of(page), "che-do": choice},
                                    files={"tep": (filename, content, XLSX)})


async def job_of(portal: Portal, content: bytes, choice: str) -> str:
    sent = await upload(portal, content, choice)
    assert sent.status_code == 303, sent.text[:1000]
    found = JOB.search(sent.headers["location"])
    assert found, sent.headers["location"]
    return found.group(1)


def spoiled(unit: OrgUnit, n: int, bad: dict[int, dict[str, Any]]) -> bytes:
    rows = People(seed=5).people(unit.code, n)
    for index, changes in bad.items():
        rows[index].update(changes)
    return xlsx_bytes(rows)


class TestImport:
    async def test_checked_first_then_the_valid_rows_stored(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 18 khoản 2 and Điều 7: the agency downloads the template, checks a 12-row workbook with 2 bad rows
        (nothing stored; both rows listed with every reason and the form's label of the column), then imports the
        valid rows: 10 new records, each awaiting the unit's approver; the bad rows download as a workbook."""
        world = portal.world
        await portal.sign_in("agency.admin")
        home = (await portal.client.get("/")).text
        assert '<a href="/nhap-xuat"' in home and '<a href="/chat-luong"' in home
        page = await portal.client.get("/nhap-xuat")
        assert page.status_code == 200 and "<h1>Nhập và xuất hồ sơ</h1>" in page.text
        assert 'enctype="multipart/form-data"' in page.text and 'name="csrf"' in page.text
        template = await portal.client.get("/nhap-xuat/mau.xlsx")
        assert template.status_code == 200 and template.headers["content-type"].startswith(XLSX)
        assert "attachment" in template.headers["content-disposition"]

        before = await count(session, world.agency)
        content = spoiled(world.agency, 12, {3: {"citizen_id": "12345678901"},
                                             8: {"full_name": None, "ethnicity_code": "99"}})
        job_id = await job_of(portal, content, "kiem-tra")
        checked = await portal.client.get(f"/nhap-xuat/{job_id}")
        assert checked.status_code == 200, checked.text[:1000]
        text = checked.text
        assert "Đã kiểm tra xong: 10 dòng hợp lệ, 2 dòng có lỗi. Chưa lưu gì." in text
        assert BAD_ROW.findall(text) == ["5", "10"]
        assert "<code>citizen_id</code>" in text and "<code>full_name</code>" in text
        assert "<code>ethnicity_code</code>" in text and "Họ và tên" in text
        assert "hx-trigger" not in text and 'value="12"' in text  # done: no polling, the bar full
        assert await count(session, world.agency) == before

        bad = await portal.client.get(f"/nhap-xuat/{job_id}/loi.xlsx")
        assert bad.status_code == 200 and bad.headers["content-type"].startswith(XLSX)
        assert [r[1] for r in read_xlsx(bad.content)[1:]] == [5, 10]

        refused_id = await job_of(portal, content, "tat-ca")
        refused = (await portal.client.get(f"/nhap-xuat/{refused_id}")).text
        assert "Không lưu dòng nào vì có 2 dòng lỗi" in refused
        assert await count(session, world.agency) == before

        stored_id = await job_of(portal, content, "hop-le")
        stored = (await portal.client.get(f"/nhap-xuat/{stored_id}")).text
        assert "Đã lưu 10 hồ sơ mới, chờ người phê duyệt của đơn vị phê duyệt (Điều 7); 2 dòng có lỗi" in stored
        assert await count(session, world.agency) == before + 10

    async def test_bad_rows_are_paginated(self, portal: Portal) -> None:
        """Every bad row is listed, 50 a page: 60 bad rows are two pages, in row order, none twice."""
        await portal.sign_in("agency.admin")
        job_id = await job_of(portal, spoiled(portal.world.agency, 60, {i: {"sex": "X"} for i in range(60)}),
                              "kiem-tra")
        first = (await portal.client.get(f"/nhap-xuat/{job_id}")).text
        assert "Các dòng lỗi (60)" in first and "trang 1/2" in first
        rows = BAD_ROW.findall(first)
        assert rows == [str(n) for n in range(2, 52)]
        assert f'href="/nhap-xuat/{job_id}?trang=2">Trang sau' in first
        second = (await portal.client.get(f"/nhap-xuat/{job_id}", params={"trang": 2})).text
        assert BAD_ROW.findall(second) == [str(n) for n in range(52, 62)]
        assert f'href="/nhap-xuat/{job_id}">Trang trước' in second and "Trang sau" not in second

    async def test_progress_is_polled_while_the_job_runs(self, session: AsyncSession, portal: Portal) -> None:
        """While the job runs, its page shows a progress bar that htmx refreshes every 2 s and a "Làm mới" link that
        does the same without JavaScript; once it ends, the fragment makes htmx reload the whole page."""
        await portal.sign_in("agency.admin")
        job_id = await job_of(portal, spoiled(portal.world.agency, 12, {}), "kiem-tra")
        await session.execute(update(ImportJob).where(ImportJob.id == uuid.UUID(job_id)).values(
            state="running", processed_rows=5, total_rows=12, finished_at=None))
        running = (await portal.client.get(f"/nhap-xuat/{job_id}")).text
        assert f'hx-get="/nhap-xuat/{job_id}/tien-do" hx-trigger="every 2s"' in running
        assert 'max="12" value="5"' in running and "Đã kiểm tra 5 trên 12 dòng" in running
        assert f'<a href="/nhap-xuat/{job_id}">Làm mới</a>' in running and "Các dòng lỗi" not in running
        assert 'http-equiv="refresh"' not in running
        fragment = await portal.client.get(f"/nhap-xuat/{job_id}/tien-do", headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text and "hx-trigger" in fragment.text
        assert "HX-Refresh" not in fragment.headers
        await session.execute(update(ImportJob).where(ImportJob.id == uuid.UUID(job_id)).values(
            state="done", processed_rows=12))
        ended = await portal.client.get(f"/nhap-xuat/{job_id}/tien-do", headers={"HX-Request": "true"})
        assert ended.headers["HX-Refresh"] == "true" and "hx-trigger" not in ended.text


class TestRefusals:
    async def test_what_the_api_refuses_reads_as_plain_vietnamese(self, portal: Portal) -> None:
        """No file, a file that is no workbook, a form without its CSRF token, a job that does not exist: each a
        plain page in Vietnamese, never a 500."""
        await portal.sign_in("agency.admin")
        page = await portal.client.get("/nhap-xuat")
        none = await portal.client.post("/nhap-xuat", data={"csrf": csrf_of(page), "che-do": "kiem-tra"},
                                        files={"tep": ("", b"", XLSX)})
        assert none.status_code == 400 and "Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập." in none.text
        binary = await upload(portal, b"\x00\x01\x02\xff\xfe not a workbook", "kiem-tra", "anh.png")
        assert binary.status_code == 400 and "Chỉ nhận tệp Excel (.xlsx) hoặc tệp CSV mã UTF-8." in binary.text
        assert 'aria-invalid="true"' in binary.text
        forged = await portal.client.post("/nhap-xuat", data={"csrf": "sai", "che-do": "kiem-tra"},
                                          files={"tep": ("a.xlsx", b"PK", XLSX)})
        assert forged.status_code == 403 and "Phiên làm việc không hợp lệ" in forged.text
        missing = await portal.client.get(f"/nhap-xuat/{uuid.uuid4()}")
        assert missing.status_code == 404 and "Không tìm thấy" in missing.text
        assert (await portal.client.get("/nhap-xuat/khong-phai-ma")).status_code == 404

    async def test_a_file_over_the_limit_is_refused_before_it_is_read(
            self, client_for: Any, token_issuer: TokenIssuer, world: World) -> None:
        """The portal's own bound (`portal_max_import_bytes`), judged from the request's length."""
        async for small in open_portal(client_for, token_issuer, world, portal_max_import_bytes=1024 * 1024):
            await small.sign_in("agency.admin")
            sent = await upload(small, b"x" * 1_200_000, "kiem-tra")
            assert sent.status_code == 413 and "Tệp lớn hơn mức cho phép (1 MB)" in sent.text


class TestAccess:
    async def test_only_who_may_import_sees_the_screen(self, portal: Portal) -> None:
        """Điều 8 khoản 3 and Điều 18: an officer keeps their own record only, an approver decides but does not
        import: neither has "Nhập/xuất" in the header, and the address is the plain 403 page."""
        for username in ("officer", "approver"):
            await portal.sign_in(username)
            home = (await portal.client.get("/")).text
            assert 'href="/nhap-xuat"' not in home
            refused = await portal.client.get("/nhap-xuat")
            assert refused.status_code == 403 and "Không có quyền" in refused.text
            assert (await portal.client.get("/nhap-xuat/xuat")).status_code == 403
            await portal.form("/logout", {}, page="/")
        await portal.sign_in("approver")
        assert 'href="/chat-luong"' in (await portal.client.get("/")).text

    async def test_two_agencies_see_only_their_own(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 18 khoản 2: each agency exports its own subtree (the sub-unit's people too, never the other
        agency's), and cannot open the other's import job nor its bad rows."""
        staff = await hire(session, portal)
        other = await make_account(session, unit=portal.world.elsewhere, role="agency_admin", kind="agency")
        other.username = "other.admin"
        await session.flush()
        await portal.sign_in("agency.admin")
        exported = await portal.client.get("/nhap-xuat/xuat", params={"dinh-dang": "csv"})
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        text = exported.content.decode("utf-8-sig")
        assert staff.nurse.full_name in text and "Trần Văn Bình" in text and staff.outsider.full_name not in text
        assert staff.retired.full_name not in text
        archived = (await portal.client.get("/nhap-xuat/xuat", params={"dinh-dang": "csv", "nghi": "1"}))
        assert staff.retired.full_name in archived.content.decode("utf-8-sig")
        workbook = await portal.client.get("/nhap-xuat/xuat")
        assert workbook.headers["content-type"].startswith(XLSX)
        job_id = await job_of(portal, spoiled(portal.world.agency, 3, {1: {"sex": "X"}}), "kiem-tra")

        await switch(portal, "other.admin")
        theirs = (await portal.client.get("/nhap-xuat/xuat", params={"dinh-dang": "csv"})).content.decode("utf-8-sig")
        assert staff.outsider.full_name in theirs and staff.nurse.full_name not in theirs
        assert "Trần Văn Bình" not in theirs
        job = await portal.client.get(f"/nhap-xuat/{job_id}")
        assert job.status_code == 404 and "Không tìm thấy" in job.text
        assert (await portal.client.get(f"/nhap-xuat/{job_id}/loi.xlsx")).status_code == 404
        assert (await portal.client.get(f"/nhap-xuat/{job_id}/tien-do")).status_code == 404


@pytest.mark.parametrize("lang", ["en"])
async def test_in_english(portal: Portal, lang: str) -> None:
    """Vietnamese first, English available: the screen's words come from the English catalogue (bulk.po)."""
    await portal.sign_in("agency.admin")
    await portal.form("/language", {"lang": lang, "back": "/nhap-xuat"}, page="/nhap-xuat")
    page = (await portal.client.get("/nhap-xuat")).text
    assert '<html lang="en">' in page and "<h1>Import and export records</h1>" in page
    assert "Check only (a dry run, nothing stored)" in page
