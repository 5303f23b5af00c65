"""Deciding in the portal (QĐ 6187/QĐ-UBND Điều 7: within the last 5 days of each month the unit's approvers
approve its people's new and changed data): approve, return or reject behind a confirmation step, with the
reasons the API asks, its refusals said plainly, and many approvals at once."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest
from portal.inbox.refusals import WINDOW_CLOSED
from tests.approval_api.conftest import OUT_OF_WINDOW
from tests.factories import make_profile
from tests.portal.conftest import Portal
from tests.portal.test_inbox import MISSING


async def state_of(session: AsyncSession, request: ChangeRequest) -> str:
    await session.refresh(request)
    return request.state


async def decide(portal: Portal, request: ChangeRequest, step: str, **form: str) -> Any:
    """Posts the confirmation page's form, as a person would after opening it."""
    return await portal.form(f"/duyet/{request.id}/{step}", form)


async def record_of(portal: Portal, request: ChangeRequest) -> dict[str, Any]:
    """The record as profile-api shows it to the approver now."""
    assert portal.apis is not None
    answer = await portal.apis.profile.get(f"/api/v1/profiles/{request.profile_id}",
                                           headers=portal.world.auth["approver"])
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


class TestApprove:
    async def test_approving_inside_the_window_applies_the_change(self, session: AsyncSession,
                                                                  portal: Portal) -> None:
        """Điều 7: on 28/11 (inside the month's last 5 days) the approver confirms, and the record carries the
        new value; they land back on the inbox with a status message."""
        request = await portal.world.request(session, payload={"items": {"other_names": "Bình An"}})
        await portal.sign_in("approver")
        confirm = await portal.client.get(f"/duyet/{request.id}/phe-duyet")
        assert confirm.status_code == 200 and "<h1>Xác nhận phê duyệt</h1>" in confirm.text
        assert 'id="confirm"' in confirm.text and "2. Các tên gọi khác" in confirm.text
        done = await decide(portal, request, "phe-duyet")
        assert done.status_code == 303 and done.headers["location"] == "/duyet"
        inbox = await portal.client.get("/duyet")
        assert "Đã phê duyệt yêu cầu; hồ sơ đã được cập nhật." in inbox.text and str(request.id) not in inbox.text
        assert await state_of(session, request) == "applied"
        assert (await record_of(portal, request))["items"]["other_names"] == "Bình An"
        trail = (await portal.client.get(f"/duyet/{request.id}")).text
        assert "Đã cập nhật vào hồ sơ" in trail and 'href="/duyet/' + str(request.id) + '/phe-duyet"' not in trail

    async def test_error_findings_need_an_override_reason(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 7 with the Đúng–Đủ–Sạch–Sống rules: approving a record that would have errors needs the
        approver's reason (the API refuses it without), kept on the decision."""
        request = await portal.world.request(session, payload={"items": {"other_names": "Bình An"}})
        request.findings = [MISSING]
        await session.flush()
        await portal.sign_in("approver")
        confirm = (await portal.client.get(f"/duyet/{request.id}/phe-duyet")).text
        assert '<label for="override_reason">' in confirm and "DU-TRUONG-001" in confirm
        refused = await decide(portal, request, "phe-duyet", override_reason="  ")
        assert refused.status_code == 400 and 'href="#override_reason"' in refused.text
        assert "Nhập lý do phê duyệt dù hồ sơ còn lỗi" in refused.text and 'aria-invalid="true"' in refused.text
        assert await state_of(session, request) == "submitted"
        done = await decide(portal, request, "phe-duyet", override_reason="Quyết định gốc đã đối chiếu")
        assert done.status_code == 303
        assert await state_of(session, request) == "applied"
        page = (await portal.client.get(f"/duyet/{request.id}")).text
        assert "Quyết định gốc đã đối chiếu" in page and "DU-TRUONG-001" in page

    async def test_outside_the_window_the_refusal_is_said_plainly(self, session: AsyncSession,
                                                                  portal: Portal) -> None:
        """Điều 7: on 10/11 the window is shut; the inbox says so with the month's dates, and an approval is
        refused by approval-api — the page says why in plain words, and nothing changes."""
        request = await portal.world.request(session)
        portal.at(OUT_OF_WINDOW)
        await portal.sign_in("approver")
        inbox = (await portal.client.get("/duyet")).text
        assert "Ngoài thời gian phê duyệt." in inbox and "26/11/2026" in inbox and "30/11/2026" in inbox
        refused = await decide(portal, request, "phe-duyet")
        assert refused.status_code == 409
        assert WINDOW_CLOSED in refused.text and 'role="alert"' in refused.text
        assert await state_of(session, request) == "submitted"
        # Returning is not held by the window.
        returned = await decide(portal, request, "tra-lai", comment="Thiếu quyết định gốc")
        assert returned.status_code == 303 and await state_of(session, request) == "returned"


class TestReturnAndReject:
    async def test_return_and_reject_require_a_reason(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 3, Điều 16 khoản 2: the person corrects what is returned to them, so the approver says
        why; an empty reason is refused in Vietnamese, linked from the summary to the field."""
        first, second = await portal.world.request(session), await portal.world.request(session)
        await portal.sign_in("approver")
        for request, step, message in ((first, "tra-lai", "Nhập lý do trả lại"), (second, "tu-choi",
                                                                                  "Nhập lý do từ chối.")):
            refused = await decide(portal, request, step, comment="   ")
            assert refused.status_code == 400, step
            assert message in refused.text and 'href="#comment"' in refused.text
            assert re.search(r'<textarea id="comment"[^>]*aria-invalid="true"', refused.text)
            assert 'aria-describedby="comment-hint comment-error"' in refused.text
            assert await state_of(session, request) == "submitted"
        returned = await decide(portal, first, "tra-lai", comment="Thiếu quyết định gốc")
        assert returned.status_code == 303
        assert "Đã trả lại yêu cầu cho người đề nghị." in (await portal.client.get("/duyet")).text
        rejected = await decide(portal, second, "tu-choi", comment="Trùng yêu cầu đã duyệt")
        assert rejected.status_code == 303
        assert [await state_of(session, r) for r in (first, second)] == ["returned", "rejected"]
        assert "Thiếu quyết định gốc" in (await portal.client.get(f"/duyet/{first.id}")).text
        trail = (await portal.client.get(f"/duyet/{second.id}")).text
        assert "Trùng yêu cầu đã duyệt" in trail and "Từ chối" in trail

    async def test_an_unknown_step_is_the_404_page(self, session: AsyncSession, portal: Portal) -> None:
        request = await portal.world.request(session)
        await portal.sign_in("approver")
        assert (await portal.client.get(f"/duyet/{request.id}/xoa")).status_code == 404

    async def test_a_decided_request_is_said_to_be_done(self, session: AsyncSession, portal: Portal) -> None:
        """Two approvers on one request: the second learns plainly that it was already decided."""
        request = await portal.world.request(session)
        await portal.sign_in("approver")
        await decide(portal, request, "tra-lai", comment="Thiếu quyết định gốc")
        again = await decide(portal, request, "tu-choi", comment="Muộn")
        assert again.status_code == 409 and "Yêu cầu này đã được xử lý, không còn chờ phê duyệt." in again.text


class TestBulk:
    async def test_twenty_approved_together_give_twenty_results(self, session: AsyncSession,
                                                                portal: Portal) -> None:
        """Điều 7 at a month's end: the approver selects many requests and approves them at once; the result
        page has one line per request, in Vietnamese name order."""
        requests = []
        for n in range(20):
            person = await make_profile(session, unit=portal.world.agency, full_name=f"Nguyễn Văn Số{n:02d}")
            requests.append(await portal.world.request(session, profile=person))
        await portal.sign_in("approver")
        result = await portal.form("/duyet/phe-duyet-nhieu", {"ids": [str(r.id) for r in requests]}, page="/duyet")
        assert result.status_code == 200 and "<h1>Kết quả phê duyệt</h1>" in result.text
        lines = re.findall(r'<th scope="row"><a href="/duyet/([0-9a-f-]{36})">([^<]+)</a></th>', result.text)
        assert sorted(i for i, _ in lines) == sorted(str(r.id) for r in requests)
        assert [name for _, name in lines] == sorted(name for _, name in lines)
        assert result.text.count("Đã phê duyệt</span>") == 20
        assert [await state_of(session, r) for r in requests] == ["applied"] * 20

    async def test_a_refused_item_gives_its_reason_and_leaves_the_others_approved(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 7: a request with rule errors is approved on its own, with a reason; in bulk it is refused
        with that reason while the rest go through."""
        clean = await portal.world.request(session)
        person = await make_profile(session, unit=portal.world.agency, full_name="Đỗ Minh Châu")
        blocked = await portal.world.request(session, profile=person)
        blocked.findings = [MISSING]
        await session.flush()
        await portal.sign_in("approver")
        result = await portal.form("/duyet/phe-duyet-nhieu", {"ids": [str(clean.id), str(blocked.id)]},
                                   page="/duyet")
        assert "Đã phê duyệt 1 yêu cầu; 1 yêu cầu không phê duyệt được." in result.text
        assert "Hồ sơ sau thay đổi còn lỗi Đúng–Đủ–Sạch–Sống" in result.text
        assert [await state_of(session, r) for r in (clean, blocked)] == ["applied", "submitted"]

    async def test_nothing_selected_is_said(self, portal: Portal) -> None:
        await portal.sign_in("approver")
        empty = await portal.form("/duyet/phe-duyet-nhieu", {}, page="/duyet")
        assert empty.status_code == 303
        assert "Chưa chọn yêu cầu nào để phê duyệt." in (await portal.client.get("/duyet")).text
