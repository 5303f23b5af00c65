"""The approver's inbox and a request's page (QĐ 6187/QĐ-UBND Điều 7: the unit's approvers approve its people's
new and changed data; Điều 6 khoản 3: each change comes with its digitised document and within 5 working days):
what waits in the approver's units and nowhere else, set out as current | proposed | evidence | findings."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, Decision
from hoso_shared.time import utc_now
from portal.api import Apis
from portal.inbox import lookups
from tests.factories import make_profile
from tests.portal.conftest import Portal, csrf_of

MISSING = {"code": "DU-TRUONG-001", "criterion": "Đủ", "severity": "error", "field": "other_names",
           "params": {"label_vi": "Các tên gọi khác", "label_en": "other names", "category_vi": "công chức",
                      "category_en": "civil servant"}}


async def sign_out(portal: Portal) -> None:
    await portal.form("/logout", {}, page="/")


async def elsewhere_request(session: AsyncSession, portal: Portal) -> ChangeRequest:
    """A request about a person of the other unit (its own approver: `approver_elsewhere`)."""
    stranger = await make_profile(session, unit=portal.world.elsewhere, full_name="Phạm Thị Xa")
    return await portal.world.request(session, profile=stranger)


class TestInbox:
    async def test_the_inbox_lists_the_units_submitted_request_and_not_another_units(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 7: an approver decides the requests of their own unit only; the other unit's approver sees
        theirs, not this one."""
        mine = await portal.world.request(session)
        theirs = await elsewhere_request(session, portal)
        await portal.sign_in("approver")
        page = await portal.client.get("/duyet")
        assert page.status_code == 200 and "<h1>Yêu cầu chờ phê duyệt</h1>" in page.text
        assert f'href="/duyet/{mine.id}"' in page.text and "Trần Văn Bình" in page.text
        assert str(theirs.id) not in page.text and "Phạm Thị Xa" not in page.text
        # Each checkbox is labelled by the person's name; the approval window is stated (28/11: inside it).
        assert re.search(rf'<label for="pick-{mine.id}" [^>]*>Chọn yêu cầu của Trần Văn Bình</label>', page.text)
        assert "Đang trong thời gian phê duyệt." in page.text and "26/11/2026" in page.text
        await sign_out(portal)
        await portal.sign_in("approver.elsewhere")
        other = await portal.client.get("/duyet")
        assert f'href="/duyet/{theirs.id}"' in other.text and str(mine.id) not in other.text

    async def test_filters_by_kind_lateness_and_unit(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 3: a change entered more than 5 working days after it happened is flagged late, and the
        approver can pick those out; new records (dữ liệu mới, Điều 7) apart from updates."""
        colleague = await make_profile(session, unit=portal.world.agency, full_name="Đỗ Minh Châu")
        on_time = await portal.world.request(session)
        late = await portal.world.request(session, profile=colleague)
        late.late_working_days, late.kind = 3, "create"
        await session.flush()
        await portal.sign_in("approver")
        both = (await portal.client.get("/duyet")).text
        assert str(on_time.id) in both and str(late.id) in both and "Gửi muộn 3 ngày làm việc" in both
        # Overdue as profile-api's deadline policy counts it on its (real) today: a request submitted on 28/11,
        # whose month's window has passed, is; one submitted today is not.
        fresh = await portal.world.request(session, profile=colleague, submitted_at=utc_now())
        overdue = (await portal.client.get("/duyet?overdue=1")).text
        assert str(on_time.id) in overdue and str(fresh.id) not in overdue and "Quá hạn" in overdue
        for query in ("late=1", "kind=create", "late=1&kind=create"):
            only = (await portal.client.get(f"/duyet?{query}")).text
            assert str(late.id) in only and str(on_time.id) not in only, query
        updates = (await portal.client.get("/duyet?kind=update")).text
        assert str(on_time.id) in updates and str(late.id) not in updates
        unit = (await portal.client.get(f"/duyet?unit={portal.world.agency.id}")).text
        assert str(on_time.id) in unit and str(late.id) in unit
        # A unit outside the approver's subtree is answered as absent (never its data).
        outside = await portal.client.get(f"/duyet?unit={portal.world.elsewhere.id}")
        assert outside.status_code == 404 and "Không tìm thấy" in outside.text

    async def test_pages_follow_the_apis_cursor(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 7 at a month's end: many requests wait; each page shows some and links to the next, nothing
        skipped and nothing twice."""
        requests = []
        for n in range(27):
            person = await make_profile(session, unit=portal.world.agency, full_name=f"Người Thứ {n}")
            requests.append(await portal.world.request(session, profile=person))
        await portal.sign_in("approver")
        seen: list[str] = []
        page = await portal.client.get("/duyet")
        while True:
            seen += re.findall(r'name="ids" value="([0-9a-f-]{36})"', page.text)
            found = re.search(r'<a href="(/duyet\?[^"]*cursor=[^"]+)">Trang sau</a>', page.text)
            if not found:
                break
            page = await portal.client.get(found.group(1).replace("&amp;", "&"))
        assert sorted(seen) == sorted(str(r.id) for r in requests)

    async def test_the_home_task_opens_the_request(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 7: the approver's to-do (GET /api/v1/tasks `decide_change_request`) links to the request's page,
        and the navigation offers the inbox to those who decide."""
        request = await portal.world.request(session)
        await portal.sign_in("approver")
        home = (await portal.client.get("/")).text
        assert f'href="/duyet/{request.id}"' in home and '<a href="/duyet"' in home and "Phê duyệt" in home
        await sign_out(portal)
        await portal.sign_in("officer")
        assert '<a href="/duyet"' not in (await portal.client.get("/")).text


class TestRequestPage:
    async def prepared(self, session: AsyncSession, portal: Portal) -> ChangeRequest:
        request = await portal.world.request(session, payload={"items": {"other_names": "Bình An",
                                                                         "ethnicity_code": "02"}})
        request.findings, request.late_working_days = [MISSING], 2
        session.add(Decision(change_request_id=request.id, action="create", from_state="none",
                             to_state="submitted", actor_id=portal.world.accounts["officer"].id, actor_name="officer"))
        await session.flush()
        return request

    async def test_current_proposed_evidence_and_findings_in_one_table(self, session: AsyncSession,
                                                                         portal: Portal) -> None:
        """Điều 7 with Điều 6 khoản 3: the approver weighs each changed item's value now and proposed, the
        document that proves it, and what the Đúng–Đủ–Sạch–Sống rules found, as a table (not coloured text)."""
        request = await self.prepared(session, portal)
        await portal.sign_in("approver")
        page = await portal.client.get(f"/duyet/{request.id}")
        assert page.status_code == 200
        text = page.text
        assert "<h1>Yêu cầu thay đổi hồ sơ của Trần Văn Bình</h1>" in text
        table = text[text.index('<table class="comparison">'):text.index("</table>")]
        headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
        assert headers == ["Mục", "Giá trị hiện tại", "Giá trị đề nghị", "Minh chứng", "Phát hiện"]
        assert "<caption>" in table
        rows = {m[0]: m[1:] for m in re.findall(
            r'<th scope="row">([^<]+)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', table, flags=re.S)}
        assert rows["2. Các tên gọi khác"][1] == "Bình An" and "để trống" in rows["2. Các tên gọi khác"][0]
        assert rows["6. Dân tộc (QĐ 121-TCTK)"] == ("01 – Kinh", "02 – Tày")
        scan = portal.world.scan
        assert f'href="/duyet/{request.id}/minh-chung/{scan.id}"' in table and "quyet-dinh.pdf" in table
        assert "DU-TRUONG-001" in table and "Lỗi" in table
        # The findings kept on the request, in Vietnamese; who asked, when, how late; the trail.
        assert "Thiếu Các tên gọi khác, là thông tin bắt buộc đối với công chức." in text
        assert "Gửi muộn 2 ngày làm việc" in text and "28/11/2026" in text
        assert "<dd>officer</dd>" in text and "Lập yêu cầu" in text
        for step in ("phe-duyet", "tra-lai", "tu-choi"):
            assert f'href="/duyet/{request.id}/{step}"' in text

    async def test_the_evidence_opens_inline(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 3: the digitised document is read in the page, with the approver's own rights (a PDF in
        a same-origin frame), never downloaded to look at it."""
        request = await self.prepared(session, portal)
        scan = portal.world.scan
        await portal.sign_in("approver")
        viewer = await portal.client.get(f"/duyet/{request.id}/minh-chung/{scan.id}")
        assert viewer.status_code == 200
        src = f"/duyet/{request.id}/minh-chung/{scan.id}/tep"
        assert f'<iframe class="evidence" src="{src}"' in viewer.text
        shown = await portal.client.get(src)
        assert shown.status_code == 200 and shown.content == b"%PDF-1.7"
        assert shown.headers["content-type"] == "application/pdf"
        assert shown.headers["content-disposition"].startswith('inline; filename="quyet-dinh.pdf"')
        assert "sandbox" not in shown.headers["content-security-policy"]  # the browser's PDF viewer may run
        # Only an attachment the request names is shown through it.
        other = await portal.client.get(f"/duyet/{request.id}/minh-chung/{request.id}/tep")
        assert other.status_code == 404

    async def test_another_units_request_in_the_url_is_the_404_page(self, session: AsyncSession,
                                                                    portal: Portal) -> None:
        """Điều 7, Điều 17 khoản 7: a request of another unit is not shown, nor confirmed to exist."""
        request = await self.prepared(session, portal)
        scan = portal.world.scan
        await portal.sign_in("approver.elsewhere")
        for path in (f"/duyet/{request.id}", f"/duyet/{request.id}/phe-duyet",
                     f"/duyet/{request.id}/minh-chung/{scan.id}", f"/duyet/{request.id}/minh-chung/{scan.id}/tep"):
            page = await portal.client.get(path)
            assert page.status_code == 404, path
            assert "Không tìm thấy" in page.text and "Bình An" not in page.text and "Trần Văn Bình" not in page.text
        refused = await portal.client.post(f"/duyet/{request.id}/phe-duyet",
                                           data={"csrf": csrf_of(await portal.client.get("/duyet"))})
        assert refused.status_code == 404
        await session.refresh(request)
        assert request.state == "submitted"

    async def test_tables_events_and_new_records_read_as_the_form_prints_them(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 1 (TT 06/2023's form is the one standard): a table's row, a lifecycle event with its
        decision (Điều 12) and a new record (Điều 7's "dữ liệu mới") are labelled with the form's own words."""
        world = portal.world
        row = {"id": "8c1d3a52-5a6e-4c1e-9a55-0f4c8b7e2d10", "from_date": "2020-09-01", "unit": "Sở Nội vụ",
               "title": "Chuyên viên"}
        table = await world.request(session, payload={"sections": {"work-history": [row]}})
        event = await world.request(session, payload={
            "status": "retired", "event": "retire", "effective_on": "2026-12-01",
            "decision": {"number": "125/QĐ-UBND", "issued_on": "2026-11-20", "issuer": "UBND thành phố Hà Nội"}})
        new = await world.request(session, payload={"event": "create"})
        new.kind = "create"
        await session.flush()
        await portal.sign_in("approver")
        rows = (await portal.client.get(f"/duyet/{table.id}")).text
        assert "33. Tóm tắt quá trình công tác – dòng 1" in rows
        assert "Đơn vị công tác: Sở Nội vụ" in rows and "Từ (tháng/năm): 01/09/2020" in rows
        lifecycle = (await portal.client.get(f"/duyet/{event.id}")).text
        assert re.search(r"Trạng thái hồ sơ</th>\s*<td>Đang công tác</td>\s*<td>Đã nghỉ hưu</td>", lifecycle)
        assert "Nghỉ hưu" in lifecycle and "125/QĐ-UBND, 20/11/2026, UBND thành phố Hà Nội" in lifecycle
        created = (await portal.client.get(f"/duyet/{new.id}")).text
        assert "Hồ sơ mới" in created and "Tạo mới" in created
        assert re.search(r"1\. Họ và tên khai sinh</th>\s*<td><span class=\"muted\">\(để trống\)</span></td>\s*"
                         r"<td>Trần Văn Bình</td>", created)

    async def test_the_page_in_english(self, session: AsyncSession, portal: Portal) -> None:
        """Vietnamese first, English one switch away: the approver's pages are translated (the form's own item
        labels stay as TT 06/2023 prints them)."""
        request = await self.prepared(session, portal)
        await portal.sign_in("approver")
        inbox = await portal.client.get("/duyet")
        await portal.client.post("/language", data={"csrf": csrf_of(inbox), "lang": "en", "back": "/duyet"})
        english: dict[str, Any] = {p: (await portal.client.get(p)).text
                                   for p in ("/duyet", f"/duyet/{request.id}", f"/duyet/{request.id}/tra-lai")}
        assert '<html lang="en">' in english["/duyet"] and "<h1>Change requests awaiting approval</h1>" in english[
            "/duyet"]
        assert "Current value" in english[f"/duyet/{request.id}"]
        assert "The other names is missing" in english[f"/duyet/{request.id}"]
        assert "Reason for returning" in english[f"/duyet/{request.id}/tra-lai"]


class TestNamesOfRequests:
    async def test_names_come_from_the_records_asked_by_id_never_a_whole_unit(
            self, session: AsyncSession, portal: Portal, monkeypatch: Any) -> None:
        """Issue 16 (no list read whole): a request that is not among the approver's tasks (one lent by a
        delegation, say) is named by asking profile-api for those very records (`ids=`), not by reading its unit's
        people; a person of another agency is never named (Điều 7: the unit's approvers, their own unit only)."""
        colleague = await make_profile(session, unit=portal.world.agency, full_name="Đỗ Minh Châu")
        mine = await portal.world.request(session, profile=colleague)
        theirs = await elsewhere_request(session, portal)

        async def no_tasks(*_: Any) -> dict[str, dict[str, Any]]:
            return {}

        asked: list[str] = []
        real_json = Apis.json

        async def spying(self: Apis, session: Any, service: Any, method: str, path: str, **kwargs: Any) -> Any:
            asked.append(path)
            return await real_json(self, session, service, method, path, **kwargs)

        monkeypatch.setattr(lookups, "waiting_tasks", no_tasks)
        monkeypatch.setattr(Apis, "json", spying)
        await portal.sign_in("approver")
        page = await portal.client.get("/duyet")
        assert page.status_code == 200, page.text[-2000:]
        assert f'href="/duyet/{mine.id}"' in page.text and "Đỗ Minh Châu" in page.text
        assert str(theirs.id) not in page.text and "Phạm Thị Xa" not in page.text
        assert "/api/v1/profiles" in asked and not any(p.endswith("/people") for p in asked)
