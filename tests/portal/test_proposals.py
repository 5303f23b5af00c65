"""Proposing a change to one's own record (QĐ 6187/QĐ-UBND Điều 6 khoản 3: the person enters the change "kèm theo
bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận"; Điều 7: it is approved before it enters the record):
the question, the evidence (a scan uploaded and streamed to profile-api, or one already there), the
check-your-answers page, submission, and the confirmation with the request's number, its state and the
Đúng–Đủ–Sạch–Sống findings profile-api returns with it. Refusals are Vietnamese error summaries linked to fields."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Attachment
from portal.api import ApiProblem
from portal.changes import drafts, service
from portal.sessions import PortalSession
from tests.portal.conftest import Portal, open_portal
from tests.portal.officer import OCCURRED, SCAN, Officer, enrich, request_number


async def _attachments(session: AsyncSession, profile_id: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(Attachment)
                                    .where(Attachment.profile_id == profile_id)) or 0)


async def _citizen_id(officer: Officer) -> str:
    """The number the question page fills in (the record's own: the person sees it whole)."""
    page = await officer.get(f"{officer.record_path}/de-nghi/muc/8")
    found = re.search(r'id="citizen_id" name="citizen_id"[^>]*value="(\d{12})"', page.text)
    assert found, page.text[:3000]
    return found.group(1)


class TestProposeWithEvidence:
    async def test_upload_form_check_submit_confirm_and_pending(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 3 end to end: the person changes item 2, uploads the decision's scan (streamed to
        profile-api), checks current | proposed | evidence, submits, and reads the request's number, its state and
        the findings; approval-api holds it submitted, and the record marks item 2 as waiting (Điều 7)."""
        officer = Officer(portal)
        await officer.sign_in()
        record = await officer.get(officer.record_path)
        question = f"{officer.record_path}/de-nghi/muc/2"
        assert f'href="{question}"' in record.text
        answered = await officer.answer(question, {"other_names": "Bình Trần", "occurred_on": OCCURRED,
                                                   "comment": "Theo giấy khai sinh"})
        assert answered.status_code == 303 and answered.headers["location"].endswith("/minh-chung")
        uploaded = await officer.evidence(answered.headers["location"], upload=SCAN)
        assert uploaded.status_code == 303 and uploaded.headers["location"].endswith("/kiem-tra")
        check = await officer.get(uploaded.headers["location"])
        assert check.status_code == 200
        assert re.search(r"Các tên gọi khác</th><td lang=\"vi\">—</td><td lang=\"vi\">Bình Trần</td>", check.text)
        assert SCAN[0] in check.text and "20/11/2026" in check.text and "Theo giấy khai sinh" in check.text
        # profile-api's dry run: the findings the request would carry, before it is sent and with nothing sent
        assert "Kết quả kiểm tra Đúng – Đủ – Sạch – Sống" in check.text and "DU-TRUONG-001" in check.text
        assert await officer.requests() == []
        sent = await officer.submit(uploaded.headers["location"])
        assert sent.status_code == 303 and sent.headers["location"].endswith("/da-gui")
        done = await officer.get(sent.headers["location"])
        number = request_number(done)
        assert "Đã gửi đề nghị" in done.text and "Đang chờ duyệt" in done.text
        assert "Kết quả kiểm tra Đúng – Đủ – Sạch – Sống" in done.text and "DU-TRUONG-001" in done.text

        (stored,) = await officer.requests()
        assert (stored["id"], stored["state"], stored["payload"]) == (number, "submitted",
                                                                       {"items": {"other_names": "Bình Trần"}})
        assert stored["occurred_on"] == "2026-11-20" and stored["comment"] == "Theo giấy khai sinh"
        scan = await session.scalar(select(Attachment).where(Attachment.id == stored["attachment_ids"][0]))
        assert scan is not None and scan.content == SCAN[1] and scan.filename == SCAN[0]
        marked = await officer.get(officer.record_path)
        line = marked.text[marked.text.index('id="muc-2"'):marked.text.index('id="muc-3"')]
        assert "Đang chờ duyệt" in line and f'href="/yeu-cau/{number}"' in line
        again = await portal.client.get(sent.headers["location"].replace("/da-gui", "/kiem-tra"))
        assert again.status_code == 303 and again.headers["location"] == sent.headers["location"]  # sent once

    async def test_a_table_row_is_added_edited_and_removed(self, session: AsyncSession, portal: Portal) -> None:
        """Rows of a table (here 33, the work history) with a scan already in the record as evidence: each is one
        change request carrying the whole new table."""
        rows = await enrich(session, portal.world.person)
        officer = Officer(portal)
        await officer.sign_in()
        scan = [str(portal.world.scan.id)]
        base = f"{officer.record_path}/de-nghi/bang/work-history"
        added = await officer.propose(f"{base}/them", {"from_date": "01/2015", "to_date": "12/2019",
                                                       "unit": "Sở Nội vụ Hà Nội", "title": "Chuyên viên"},
                                      upload=None, chosen=scan)
        assert "Đã gửi đề nghị" in added.text, added.text[:2000]
        edited = await officer.propose(f"{base}/{rows['work-history']}/sua", {
            "from_date": "09/2010", "to_date": "", "unit": "UBND quận Hoàn Kiếm", "title": "Phó Trưởng phòng"},
            upload=None, chosen=scan)
        assert "Đã gửi đề nghị" in edited.text
        removed = await officer.propose(f"{base}/{rows['work-history']}/xoa", {}, upload=None, chosen=scan)
        assert "Đã gửi đề nghị" in removed.text
        # One transaction holds the whole test, so the three share a `created_at`: ordered here by what they ask.
        tables = sorted((r["payload"]["sections"]["work-history"] for r in await officer.requests()), key=len,
                        reverse=True)
        assert [len(t) for t in tables] == [2, 1, 0]
        assert tables[0][1]["unit"] == "Sở Nội vụ Hà Nội" and tables[0][1]["from_date"] == "2015-01-01"
        assert tables[1][0]["title"] == "Phó Trưởng phòng" and tables[1][0]["id"] == rows["work-history"]


class TestRefusals:
    async def test_a_change_without_evidence_is_refused_linked_to_the_field(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 3: no document, no change. profile-api refuses (422 evidence-required, rule
        DU-MINHCHUNG-001); the evidence page says so in Vietnamese, the summary linked to the upload field."""
        officer = Officer(portal)
        await officer.sign_in()
        question = f"{officer.record_path}/de-nghi/muc/8"
        cleared = await officer.answer(question, {"citizen_id": "", "phone": "0987654321", "occurred_on": OCCURRED})
        assert cleared.status_code == 400 and '<a href="#citizen_id">' in cleared.text  # required: refused here
        citizen_id = re.search(r'id="citizen_id" name="citizen_id"[^>]*value="(\d{12})"', cleared.text)
        assert citizen_id is None  # what was typed is shown again: nothing
        answered = await officer.answer(question, {"citizen_id": await _citizen_id(officer), "phone": "0987654321",
                                                   "occurred_on": OCCURRED})
        assert answered.status_code == 303, answered.text[:2000]
        given = await officer.evidence(answered.headers["location"])
        check = await officer.get(given.headers["location"])
        assert "Không kèm tài liệu" in check.text
        sent = await officer.submit(given.headers["location"])
        assert sent.status_code == 422
        assert '<a href="#file">' in sent.text and 'id="file-error"' in sent.text and 'aria-invalid="true"' in sent.text
        assert ("Cần kèm bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận cho: Số điện thoại liên hệ"
                in sent.text)
        assert "Điều 6 khoản 3" in sent.text and "DU-MINHCHUNG-001" in sent.text
        assert await officer.requests() == []
        proven = await officer.evidence(answered.headers["location"], upload=SCAN)  # then with the scan: taken
        assert "Đã gửi đề nghị" in (await officer.get((await officer.submit(proven.headers["location"]))
                                                      .headers["location"])).text

    @pytest.mark.parametrize(("data", "field", "message"), [
        ({"occurred_on": "31/02/2026"}, "occurred_on", "Nhập ngày theo dạng ngày/tháng/năm"),
        ({"occurred_on": "01/01/2099"}, "occurred_on", "không được sau ngày hôm nay"),
        ({"occurred_on": ""}, "occurred_on", "Nhập ngày có thông tin thay đổi."),
        ({"salary_step": "15"}, "salary_step", "Không được lớn hơn 12."),
        ({"salary_coefficient": "2,345"}, "salary_coefficient", "Tối đa 2 chữ số sau dấu phẩy."),
        ({"rank_code": "99.999"}, "rank_code", "Chọn một giá trị trong danh sách."),
        ({"salary_step": "ba"}, "salary_step", "Nhập một số nguyên."),
    ])
    async def test_wrong_answers_stay_on_the_page(self, portal: Portal, data: dict[str, str], field: str,
                                                  message: str) -> None:
        """Mistakes are caught on the question page, each in Vietnamese next to its input and in the summary."""
        officer = Officer(portal)
        await officer.sign_in()
        answer = {"occurred_on": OCCURRED, "salary_step": "3", **data}
        refused = await officer.answer(f"{officer.record_path}/de-nghi/muc/30.1", answer)
        assert refused.status_code == 400 and f'<a href="#{field}">' in refused.text, refused.text[:3000]
        assert message in refused.text and f'id="{field}-error"' in refused.text
        assert f'value="{data[field]}"' in refused.text or data[field] == "" or field == "rank_code"

    async def test_nothing_changed_is_said_plainly(self, portal: Portal) -> None:
        officer = Officer(portal)
        await officer.sign_in()
        refused = await officer.answer(f"{officer.record_path}/de-nghi/muc/3", {"birth_date": "17/05/1985",
                                                                              "occurred_on": OCCURRED})
        assert refused.status_code == 400 and "Bạn chưa thay đổi thông tin nào" in refused.text


class TestUploads:
    async def test_only_a_pdf_jpeg_or_png_is_sent_on(self, session: AsyncSession, portal: Portal) -> None:
        """The type is judged by the file's first bytes before anything is sent to profile-api."""
        officer = Officer(portal)
        await officer.sign_in()
        answered = await officer.answer(f"{officer.record_path}/de-nghi/muc/2",
                                        {"other_names": "Bình", "occurred_on": OCCURRED})
        before = await _attachments(session, portal.world.person.id)
        refused = await officer.evidence(answered.headers["location"],
                                         upload=("scan.pdf", b"MZ\x90\x00 not a scan", "application/pdf"))
        assert refused.status_code == 400 and "Chỉ nhận tệp PDF, JPEG hoặc PNG." in refused.text
        assert '<a href="#file">' in refused.text
        assert await _attachments(session, portal.world.person.id) == before

    async def test_a_file_over_the_limit_is_refused_before_it_is_read(
            self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer, world: Any) -> None:
        """`portal_max_upload_bytes`: a request larger than it allows is refused from its declared length."""
        async for portal in open_portal(client_for, token_issuer, world, portal_max_upload_bytes=1024):
            officer = Officer(portal)
            await officer.sign_in()
            answered = await officer.answer(f"{officer.record_path}/de-nghi/muc/2",
                                            {"other_names": "Bình", "occurred_on": OCCURRED})
            big = ("scan.pdf", b"%PDF-1.7\n" + b"0" * 200_000, "application/pdf")
            refused = await officer.evidence(answered.headers["location"], upload=big)
            assert refused.status_code == 413 and "Tệp lớn hơn mức cho phép (0.0009765625 MB)" not in refused.text
            assert "Tệp lớn hơn mức cho phép" in refused.text and '<a href="#file">' in refused.text
            assert await _attachments(session, world.person.id) == 1  # the world's own scan only


class TestRefusalMapping:
    def test_profile_apis_field_errors_go_to_their_inputs(self) -> None:
        """invalid-change's errors (pydantic locations) land on the input they name, a place's part included."""
        person = PortalSession(id="s", csrf="c", created_at=None, seen_at=None, lang="vi")  # type: ignore[arg-type]
        draft = drafts.new(person, "p", "items", lines=("4",))
        problem = ApiProblem(422, {"type": "urn:hoso:problem:invalid-change", "errors": [
            {"type": "string_too_long", "loc": ["birth_place", "province"], "ctx": {"max_length": 500}}]})
        assert service.refusal(problem, draft, "birth_place-detail") == (
            "values", {"birth_place-province": ("Dài quá %(max_length)s ký tự.", {"max_length": "500"})})
        bare = ApiProblem(422, {"type": "urn:hoso:problem:invalid-change", "detail": "would not alter"})
        assert service.refusal(bare, draft, "birth_place-detail") == (
            "values", {"birth_place-detail": (service.NOT_VALID, {})})
        assert service.refusal(ApiProblem(409, {"type": "urn:hoso:problem:profile-archived"}), draft, "x") is None
