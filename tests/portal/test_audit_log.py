"""Nhật ký truy cập in the portal (issue 21 item 3): DOHA inspects and supervises the province's database (Điều 19
khoản 6), each agency its own (Điều 21 khoản 5), through an auditor's account — the entries of real API acts, each
filter narrowing the list, the pages, the CSV, the hash chain's check, and nothing outside the auditor's subtree."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import Response
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, AuditEntry, OrgUnit, Profile
from hoso_shared.form import layout
from portal.audit_log.service import shaped
from profile_api.audit import queries as audit_queries
from profile_api.audit import service as audit
from profile_api.audit.service import seal_pending
from tests.factories import bearer, make_account, make_profile, principal_for
from tests.portal.conftest import Portal

PATH = "/kiem-tra/nhat-ky"
# Seeded entries stand on 2 November 2026 (08:00 in Hà Nội) and after, long before anything the test's own requests
# record; a window of days around them keeps those out.
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
WINDOW = "tu=01/11/2026&den=10/11/2026"
MARK = re.compile(r"mark(\d+)")


async def auditor(session: AsyncSession, unit: OrgUnit, username: str) -> Account:
    return await make_account(session, unit=unit, role="auditor", username=username)


async def write(session: AsyncSession, actor: Account | None, unit: OrgUnit, action: str, entity: str,
                entity_id: uuid.UUID | str, *, at: datetime, mark: int) -> None:
    """One entry as `audit.record` appends it, at `at`, its fields naming `mark<n>` (what the table shows)."""
    principal = principal_for(actor, unit) if actor else None
    values = audit.entry(principal, action, entity, entity_id, fields=[f"mark{mark:02d}"]) | {"at": at}
    await audit_queries.append(session, values)


def marks(page: Response) -> list[int]:
    """The seeded entries the page's table lists, in its order."""
    assert page.status_code == 200, page.text[-2000:]
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page.text else ""
    return [int(m) for m in MARK.findall(body)]


async def history(session: AsyncSession, portal: Portal, other: Profile) -> None:
    """Entries about both agencies' people, their accounts and the calendar, as the services write them."""
    w = portal.world
    admin, approver = w.accounts["agency_admin"], w.accounts["approver"]
    await write(session, admin, w.agency, "read_sensitive", "profile", w.person.id, at=T0, mark=1)
    await write(session, approver, w.agency, "apply_change_request", "profile", w.person.id,
                at=T0 + timedelta(minutes=1), mark=2)
    await write(session, w.accounts["approver_elsewhere"], w.elsewhere, "read_sensitive", "profile", other.id,
                at=T0 + timedelta(minutes=2), mark=3)
    await write(session, admin, w.agency, "account.create", "account", w.accounts["officer"].id,
                at=T0 + timedelta(minutes=3), mark=4)
    # 18:30 UTC on 2 November is 01:30 on 3 November in Hà Nội: a day of its own in the form.
    await write(session, None, w.agency, "archive_pending", "profile", w.person.id,
                at=datetime(2026, 11, 2, 18, 30, tzinfo=UTC), mark=5)
    await write(session, admin, w.agency, "read_sensitive", "profile", w.person.id,
                at=datetime(2026, 11, 4, 2, 0, tzinfo=UTC), mark=6)


async def signed_in_as(portal: Portal, username: str) -> None:
    signed = await portal.sign_in(username)
    assert signed.status_code == 303, signed.text[-1000:]


class TestTheList:
    async def test_acts_made_through_the_api_appear_newest_first(self, session: AsyncSession,
                                                                 portal: Portal) -> None:
        """Điều 21 khoản 5: the agency's auditor sees who read its person's record — actor, role, unit, what."""
        w = portal.world
        await auditor(session, w.agency, "thanh.tra.a")
        assert portal.apis is not None
        admin = bearer(w.issuer, principal_for(w.accounts["agency_admin"], w.agency))
        read = await portal.apis.profile.get(f"/api/v1/profiles/{w.person.id}", headers=admin)
        assert read.status_code == 200, read.text
        await signed_in_as(portal, "thanh.tra.a")
        home = await portal.client.get("/")
        assert f'href="{PATH}"' in home.text  # the header and the home page
        page = await portal.client.get(PATH)
        assert page.status_code == 200, page.text[-2000:]
        row = page.text.split("<tbody>", 1)[1].split("</tr>", 1)[0]
        assert "Xem thông tin nhạy cảm" in row and "agency.admin" in row, row
        assert "Quản trị của cơ quan, đơn vị" in row and w.agency.name in row
        assert f"<code>{w.person.id}</code>" in row  # an auditor reads no record: the id, no link
        english = await portal.client.post("/language", data={
            "csrf": re.findall(r'name="csrf" value="([^"]+)"', page.text)[0], "lang": "en", "back": PATH})
        assert english.status_code == 303
        assert "Read sensitive information" in (await portal.client.get(PATH)).text

    async def test_each_filter_narrows_the_list(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 19 khoản 6: DOHA's auditor narrows the province's log by person, actor, action, entity and days
        (Hà Nội days: an entry at 01:30 on 3 November there is of the 3rd, though UTC says the 2nd)."""
        w = portal.world
        other = await make_profile(session, unit=w.elsewhere, full_name="Phạm Văn Bảo")
        await history(session, portal, other)
        await auditor(session, w.root, "thanh.tra.snv")
        await signed_in_as(portal, "thanh.tra.snv")
        get = portal.client.get
        assert marks(await get(f"{PATH}?{WINDOW}")) == [6, 5, 4, 3, 2, 1]
        assert marks(await get(f"{PATH}?{WINDOW}&ho-so={w.person.id}")) == [6, 5, 2, 1]
        admin = audit.actor_of(principal_for(w.accounts["agency_admin"], w.agency))
        by_admin = await get(PATH, params={"tu": "01/11/2026", "den": "10/11/2026", "nguoi-thuc-hien": admin})
        assert marks(by_admin) == [6, 4, 1]
        assert marks(await get(f"{PATH}?{WINDOW}&viec=read_sensitive")) == [6, 3, 1]
        assert marks(await get(f"{PATH}?{WINDOW}&doi-tuong=account")) == [4]
        assert marks(await get(f"{PATH}?tu=03/11/2026&den=03/11/2026")) == [5]
        assert marks(await get(f"{PATH}?tu=2026-11-02&den=2026-11-02")) == [4, 3, 2, 1]  # a date input's form
        assert marks(await get(f"{PATH}?tu=03/11/2026&den=10/11/2026&viec=read_sensitive")) == [6]
        page = await get(f"{PATH}?{WINDOW}&viec=read_sensitive")
        assert '<option value="read_sensitive" selected>' in page.text  # the form keeps what was asked
        # The actor's name filters by them.
        assert f'href="{PATH}?nguoi-thuc-hien={admin.replace(":", "%3A")}"' in page.text

    async def test_the_cursor_pages_keep_the_filters(self, session: AsyncSession, portal: Portal) -> None:
        w = portal.world
        admin = w.accounts["agency_admin"]
        for n in range(1, 56):
            await write(session, admin, w.agency, "read_sensitive", "profile", w.person.id,
                        at=T0 + timedelta(minutes=n), mark=n)
        await write(session, admin, w.agency, "account.create", "account", admin.id, at=T0, mark=99)
        await auditor(session, w.agency, "thanh.tra.a")
        await signed_in_as(portal, "thanh.tra.a")
        first = await portal.client.get(f"{PATH}?{WINDOW}&viec=read_sensitive")
        assert marks(first) == list(range(55, 5, -1))
        following = re.search(r'href="(/kiem-tra/nhat-ky\?[^"]*tiep=[^"]+)">Trang sau', first.text)
        assert following, first.text[-2000:]
        link = following.group(1).replace("&amp;", "&")
        assert "viec=read_sensitive" in link and "tu=01%2F11%2F2026" in link
        second = await portal.client.get(link)
        assert marks(second) == [5, 4, 3, 2, 1] and "Trang sau" not in second.text
        assert "Về trang đầu" in second.text

    async def test_the_csv_is_the_filtered_list(self, session: AsyncSession, portal: Portal) -> None:
        w = portal.world
        other = await make_profile(session, unit=w.elsewhere, full_name="Phạm Văn Bảo")
        await history(session, portal, other)
        await auditor(session, w.root, "thanh.tra.snv")
        await signed_in_as(portal, "thanh.tra.snv")
        query = f"{WINDOW}&viec=read_sensitive"
        page = await portal.client.get(f"{PATH}?{query}")
        link = re.search(r'href="(/kiem-tra/nhat-ky\.csv\?[^"]+)">Tải CSV', page.text)
        assert link, page.text[-3000:]
        download = await portal.client.get(link.group(1).replace("&amp;", "&"))  # the page's own link
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        assert "attachment" in download.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert [int(MARK.findall(r["fields"])[0]) for r in rows] == marks(page) == [6, 3, 1]
        assert {r["action"] for r in rows} == {"read_sensitive"}


class TestVerify:
    async def test_intact_then_the_altered_entry(self, session: AsyncSession, portal: Portal) -> None:
        """The chain check an inspector runs (Điều 19 khoản 6): intact over a range, then after someone owning the
        database altered a sealed entry, the first break named in plain words."""
        w = portal.world
        other = await make_profile(session, unit=w.elsewhere, full_name="Phạm Văn Bảo")
        await history(session, portal, other)
        await seal_pending(session)
        head = int(await session.scalar(select(func.max(AuditEntry.seq))) or 0)
        start = head - 5
        await auditor(session, w.agency, "thanh.tra.a")
        await signed_in_as(portal, "thanh.tra.a")
        form = await portal.client.get(f"{PATH}/chuoi-bam")
        assert form.status_code == 200 and 'name="tu-so"' in form.text and "Chuỗi băm" not in form.text.split(
            "</form>", 1)[1]
        intact = await portal.client.get(f"{PATH}/chuoi-bam?tu-so={start}&den-so={head}&kiem-tra=1")
        assert intact.status_code == 200, intact.text[-2000:]
        assert "Chuỗi băm toàn vẹn" in intact.text
        assert f"Đã kiểm tra 6 bản ghi trong khoảng từ số {start}" in intact.text

        victim_seq = head - 2
        victim = await session.scalar(select(AuditEntry.id).where(AuditEntry.seq == victim_seq))
        # The append-only trigger refuses this; someone owning the database could still disable it, as here.
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        await session.execute(text("UPDATE audit_log SET fields = '[\"nothing\"]' WHERE id = :id"), {"id": victim})
        await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        broken = await portal.client.get(f"{PATH}/chuoi-bam?tu-so={start}&den-so={head}&kiem-tra=1")
        assert broken.status_code == 200, broken.text[-2000:]
        assert "Chuỗi băm bị phá vỡ" in broken.text and f"Bản ghi số {victim_seq} là chỗ hỏng đầu tiên" in broken.text
        assert "bản ghi đã bị sửa sau khi niêm phong" in broken.text
        assert "3 bản ghi trước nó còn nguyên vẹn" in broken.text

    async def test_a_range_the_api_refuses_is_a_plain_message(self, session: AsyncSession, portal: Portal) -> None:
        await auditor(session, portal.world.agency, "thanh.tra.a")
        await signed_in_as(portal, "thanh.tra.a")
        too_long = await portal.client.get(f"{PATH}/chuoi-bam?tu-so=1&den-so=100001&kiem-tra=1")
        assert too_long.status_code == 422 and "tối đa 100.000 bản ghi một lần" in too_long.text
        for query, message in (("tu-so=abc", "số nguyên dương"), ("tu-so=9&den-so=3", "nhỏ hơn hoặc bằng"),
                               ("tu-so=-1", "số nguyên dương")):
            page = await portal.client.get(f"{PATH}/chuoi-bam?{query}&kiem-tra=1")
            assert page.status_code == 400 and message in page.text, query


class TestBadInput:
    async def test_bad_filters_are_plain_vietnamese(self, session: AsyncSession, portal: Portal) -> None:
        await auditor(session, portal.world.agency, "thanh.tra.a")
        await signed_in_as(portal, "thanh.tra.a")
        cases: list[tuple[str, int, str]] = [
            ("tu=05/11/2026&den=01/11/2026", 400, "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."),
            ("ho-so=not-an-id", 400, "Mã hồ sơ không đúng dạng"),
            ("tu=31/02/2026", 400, "Nhập ngày theo dạng ngày/tháng/năm"),
            ("viec=drop_table", 400, "Chọn một mục trong danh sách."),
            ("tiep=not-a-cursor", 422, "Trang này không còn dùng được"),
            (f"ho-so={uuid.uuid4()}", 404, "Không có hồ sơ này trong phạm vi bạn được kiểm tra."),
        ]
        for query, status, message in cases:
            page = await portal.client.get(f"{PATH}?{query}")
            assert page.status_code == status and message in page.text, (query, page.status_code)
            assert "<tbody>" not in page.text
        back = await portal.client.get(f"{PATH}.csv?tu=05/11/2026&den=01/11/2026")
        assert back.status_code == 303 and back.headers["location"].startswith(f"{PATH}?")


class TestAccess:
    async def test_an_officer_has_no_link_and_a_plain_403(self, portal: Portal) -> None:
        await signed_in_as(portal, "officer")
        home = await portal.client.get("/")
        assert home.status_code == 200 and PATH not in home.text
        for path in (PATH, f"{PATH}?tu=01/11/2026", f"{PATH}.csv", f"{PATH}/chuoi-bam",
                     f"{PATH}/chuoi-bam?kiem-tra=1", f"{PATH}?ho-so=x"):
            page = await portal.client.get(path)
            assert page.status_code == 403 and "<html" in page.text and "Không có quyền" in page.text, path

    async def test_an_agency_auditor_never_sees_another_agencys_people(self, session: AsyncSession,
                                                                        portal: Portal) -> None:
        """Điều 21 khoản 5: an agency supervises its own subtree; agency B's auditor sees B's person's entries,
        never A's — in the list, by the person's id, and in the CSV."""
        w = portal.world
        other = await make_profile(session, unit=w.elsewhere, full_name="Phạm Văn Bảo")
        await history(session, portal, other)
        await auditor(session, w.elsewhere, "thanh.tra.b")
        await signed_in_as(portal, "thanh.tra.b")
        page = await portal.client.get(f"{PATH}?{WINDOW}")
        assert marks(page) == [3] and str(w.person.id) not in page.text
        refused = await portal.client.get(f"{PATH}?ho-so={w.person.id}")
        assert refused.status_code == 404 and "Không có hồ sơ này trong phạm vi bạn được kiểm tra." in refused.text
        download = await portal.client.get(f"{PATH}.csv?{WINDOW}")
        assert download.status_code == 200 and str(w.person.id) not in download.text and str(other.id) in download.text
        assert (await portal.client.get(f"{PATH}.csv?ho-so={w.person.id}")).status_code == 404


def test_an_entry_about_a_record_links_to_it_for_a_reader_of_records() -> None:
    entry: dict[str, Any] = {"at": T0.isoformat(), "actor": "hr.a:" + str(uuid.uuid4()), "actor_roles": ["approver"],
                             "actor_unit_name": "Sở A", "action": "read_sensitive", "entity": "profile",
                             "entity_id": str(uuid.uuid4()), "fields": ["family"], "seq": 7}
    assert shaped(entry, True)["record_path"] == f"/nhan-su/{entry['entity_id']}"
    assert shaped(entry, False)["record_path"] is None
    assert shaped({**entry, "entity": "account"}, True)["record_path"] is None
    assert shaped(entry, False)["actor"]["name"] == "hr.a"
    assert shaped(entry, False)["fields"] == [layout.label_of("family")] != ["family"]  # in the form's words
