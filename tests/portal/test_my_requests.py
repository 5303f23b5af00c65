"""The officer's change requests (QĐ 6187/QĐ-UBND Điều 6, 7): where each stands, withdrawing one before a decision,
and a returned one — its reason shown, then corrected. approval-api edits no request: a returned one is sent again
unchanged (with the person's answer) or withdrawn, so correcting it is a new proposal pre-filled from it, the
returned one withdrawn once the new one is taken."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Profile
from tests.portal.conftest import Portal, csrf_of
from tests.portal.officer import Officer, request_number

RETURNED = "Tên gọi khác viết sai chính tả, đề nghị kiểm tra lại theo giấy khai sinh."


class TestMyRequests:
    async def test_the_list_shows_each_request_and_its_state(self, portal: Portal) -> None:
        officer = Officer(portal)
        await officer.sign_in()
        request_id = await officer.proposed_via_api({"other_names": "Bình Trần"})
        listed = await officer.get("/yeu-cau")
        assert listed.status_code == 200 and "Yêu cầu của tôi" in listed.text
        assert f'href="/yeu-cau/{request_id}"' in listed.text and request_id[:8] in listed.text
        assert "Các tên gọi khác" in listed.text and "Đang chờ duyệt" in listed.text and "20/11/2026" in listed.text
        detail = await officer.get(f"/yeu-cau/{request_id}")
        assert detail.status_code == 200 and request_id in detail.text and "Bình Trần" in detail.text
        assert "quyet-dinh.pdf" in detail.text and f'href="/yeu-cau/{request_id}/rut"' in detail.text

    async def test_someone_elses_request_is_the_apis_404(self, session: AsyncSession, portal: Portal) -> None:
        """approval-api shows an officer their own requests (and those about them) only; a colleague's is its 404,
        as a page that shows nothing of it."""
        colleague = await session.get(Profile, portal.world.accounts["colleague"].profile_id)
        theirs = await portal.world.request(session, by="colleague", profile=colleague,
                                            payload={"items": {"other_names": "Hoa Lê"}})
        officer = Officer(portal)
        await officer.sign_in()
        for path in (f"/yeu-cau/{theirs.id}", f"/yeu-cau/{theirs.id}/rut", f"/yeu-cau/{theirs.id}/sua",
                     "/yeu-cau/00000000-0000-0000-0000-000000000000"):
            refused = await officer.get(path)
            assert refused.status_code == 404 and "Không tìm thấy" in refused.text and "Hoa Lê" not in refused.text
        assert str(theirs.id)[:8] not in (await officer.get("/yeu-cau")).text


class TestWithdraw:
    async def test_a_request_is_withdrawn_before_a_decision(self, portal: Portal) -> None:
        """approval-api: its requester withdraws a request not yet decided; the record stops marking it, and a
        second withdrawal is the API's refusal page."""
        officer = Officer(portal)
        await officer.sign_in()
        request_id = await officer.proposed_via_api({"other_names": "Bình Trần"})
        assert "Đang chờ duyệt" in (await officer.get(officer.record_path)).text
        confirm = await officer.get(f"/yeu-cau/{request_id}/rut")
        assert confirm.status_code == 200 and "Rút yêu cầu số" in confirm.text
        done = await portal.client.post(f"/yeu-cau/{request_id}/rut", data={"csrf": csrf_of(confirm),
                                                                            "comment": "Nhầm"})
        assert done.status_code == 303 and done.headers["location"] == f"/yeu-cau/{request_id}"
        shown = await officer.get(done.headers["location"])
        assert "Đã rút yêu cầu." in shown.text and "Đã rút" in shown.text and "Nhầm" in shown.text
        assert f'href="/yeu-cau/{request_id}/rut"' not in shown.text
        (stored,) = await officer.requests()
        assert stored["state"] == "withdrawn"
        assert "Đang chờ duyệt" not in (await officer.get(officer.record_path)).text
        again = await portal.client.post(f"/yeu-cau/{request_id}/rut", data={"csrf": csrf_of(confirm)})
        assert again.status_code == 409 and "Không thực hiện được" in again.text


class TestReturned:
    async def test_a_returned_request_is_corrected_anew_and_the_old_one_withdrawn(self, portal: Portal) -> None:
        """Điều 7: the approver returns it with a reason; the person reads it (from their tasks too), corrects the
        value in a form pre-filled from the returned request (its day, its evidence), checks and submits; the new
        request waits for approval and the returned one is withdrawn, naming the new one."""
        officer = Officer(portal)
        await officer.sign_in()
        old_id = await officer.proposed_via_api({"other_names": "Bnh Trần"})
        await officer.decide(old_id, "return", comment=RETURNED)
        home = await officer.get("/")
        assert f'href="/yeu-cau/{old_id}"' in home.text  # the fix_returned_request task opens it
        listed = await officer.get("/yeu-cau")
        assert "Cần bạn sửa" in listed.text and "Bị trả lại để sửa" in listed.text
        detail = await officer.get(f"/yeu-cau/{old_id}")
        assert "Lý do trả lại" in detail.text and RETURNED in detail.text
        opened = await officer.get(f"/yeu-cau/{old_id}/sua")
        assert opened.status_code == 303 and "/de-nghi/muc/2?nhap=" in opened.headers["location"]
        form = await officer.get(opened.headers["location"])
        assert 'value="Bnh Trần"' in form.text and 'value="20/11/2026"' in form.text
        assert "yêu cầu cũ sẽ được rút" in form.text
        answered = await portal.client.post(opened.headers["location"].split("?")[0], data={
            "csrf": csrf_of(form), "nhap": opened.headers["location"].split("=")[1], "other_names": "Bình Trần",
            "occurred_on": "20/11/2026"})
        assert answered.status_code == 303 and answered.headers["location"].endswith("/minh-chung")
        evidence = await officer.get(answered.headers["location"])
        assert f'value="{portal.world.scan.id}" checked' in evidence.text  # the returned request's scan
        given = await officer.evidence(answered.headers["location"], chosen=[str(portal.world.scan.id)])
        done = await officer.get((await officer.submit(given.headers["location"])).headers["location"])
        new_id = request_number(done)
        assert "đã được rút; đề nghị này thay thế nó" in done.text
        states = {r["id"]: r["state"] for r in await officer.requests()}
        assert states == {old_id: "withdrawn", new_id: "submitted"}
        assert portal.apis is not None
        trail = (await portal.apis.approval.get(f"/api/v1/change-requests/{old_id}",
                                                headers=portal.world.auth["officer"])).json()["decisions"]
        assert trail[-1]["action"] == "withdraw" and new_id in trail[-1]["comment"]

    async def test_a_returned_request_is_sent_again_unchanged_with_an_answer(self, portal: Portal) -> None:
        """Where it can still be approved as it is (the record unchanged since), the person answers the return
        and sends it again: approval-api's submit, the answer kept in its trail."""
        officer = Officer(portal)
        await officer.sign_in()
        request_id = await officer.proposed_via_api({"other_names": "Bình Trần"})
        await officer.decide(request_id, "return", comment="Đề nghị giải trình tên gọi khác.")
        detail = await officer.get(f"/yeu-cau/{request_id}")
        assert f'action="/yeu-cau/{request_id}/gui-lai"' in detail.text
        empty = await portal.client.post(f"/yeu-cau/{request_id}/gui-lai", data={"csrf": csrf_of(detail)})
        assert empty.status_code == 400 and '<a href="#comment">' in empty.text
        sent = await portal.client.post(f"/yeu-cau/{request_id}/gui-lai", data={
            "csrf": csrf_of(detail), "comment": "Tên gọi khác đúng theo giấy khai sinh đã kèm."})
        assert sent.status_code == 303
        shown = await officer.get(sent.headers["location"])
        assert "Đã gửi lại yêu cầu." in shown.text and "Đang chờ duyệt" in shown.text
        assert "Tên gọi khác đúng theo giấy khai sinh đã kèm." in shown.text  # in the trail
        (stored,) = await officer.requests()
        assert stored["state"] == "submitted"

    async def test_a_stale_returned_request_is_only_corrected(self, portal: Portal) -> None:
        """When the record changed since the request was made, sending it again unchanged could only be returned
        again (approval-api returns stale requests): the page offers correcting it, not resubmitting."""
        officer = Officer(portal)
        await officer.sign_in()
        first = await officer.proposed_via_api({"other_names": "Bình Trần"})
        second = await officer.proposed_via_api({"phone": "0987654321"})
        await officer.decide(first, "return", comment="Cần giải trình.")
        await officer.decide(second, "approve", override_reason="Hồ sơ thử nghiệm")
        detail = await officer.get(f"/yeu-cau/{first}")
        assert f'action="/yeu-cau/{first}/gui-lai"' not in detail.text
        assert f'href="/yeu-cau/{first}/sua"' in detail.text


class TestEnglish:
    async def test_my_requests_in_english(self, portal: Portal) -> None:
        officer = Officer(portal)
        await officer.sign_in()
        request_id = await officer.proposed_via_api({"other_names": "Bình Trần"})
        page = await officer.get("/yeu-cau")
        await portal.client.post("/language", data={"csrf": csrf_of(page), "lang": "en", "back": "/yeu-cau"})
        english = await officer.get("/yeu-cau")
        assert '<html lang="en">' in english.text and "<h1>My requests</h1>" in english.text
        assert "Awaiting approval" in english.text and request_id[:8] in english.text
        detail = await officer.get(f"/yeu-cau/{request_id}")
        assert "Withdraw the request" in detail.text and "Evidence" in detail.text
