"""The officer's own record in the portal (QĐ 6187/QĐ-UBND Điều 8 khoản 3: each person reads their own data; Điều 10
khoản 3: through their personal account): the whole sơ yếu lý lịch in the TT 06/2023 layout with the form's own
labels, its versions and what each changed, the signed PDF, and "I have checked my record" (Điều 12 khoản 1 điểm
b). Everything is what profile-api returns with the person's token: another person's record is the API's 404."""

from __future__ import annotations

import html
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.form import layout
from portal.home.service import screen
from tests.portal.conftest import Portal, csrf_of
from tests.portal.officer import FAMILY, WORK, Officer, enrich


class TestMyRecord:
    async def test_the_officer_reads_their_own_record_in_the_forms_layout(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 1 (the TT 06/2023 form), Điều 8 khoản 3: every line 1–38 and every table, labelled with the
        form's words (hoso_shared.form), the values as the API returns them — codes by their names, places in
        reading order, a sensitive table the person's own — and no one else's."""
        await enrich(session, portal.world.person)
        officer = Officer(portal)
        await officer.sign_in()
        found = await officer.get("/ho-so")
        assert found.status_code == 303 and found.headers["location"] == officer.record_path
        page = await officer.get(officer.record_path)
        assert page.status_code == 200, page.text[:500]
        text = page.text
        for line in layout.lines().values():
            if line.number:
                assert all(html.escape(f.label) in text for f in line.fields), line
        for table in layout.tables().values():
            assert f"<caption>{table.number}- {html.escape(table.title)}</caption>" in text
        assert "Trần Văn Bình" in text and "Phường Hàng Bạc, Hà Nội" in text and "Không" in text  # tôn giáo 00
        assert WORK["unit"] in text and "09/2010" in text and FAMILY["full_name"] in text and "2,34" in text
        assert "0912345678" in text  # a sensitive item: the person's own
        assert "Lê Thị Hoa" not in text  # the colleague in the same unit
        assert 'href="/ho-so"' in text and 'href="/yeu-cau"' in text and 'aria-current="page"' in text

    async def test_another_persons_record_is_the_apis_404_never_data(self, portal: Portal) -> None:
        """Điều 8 khoản 3: a person reads their own data only; a colleague's record id in the URL is profile-api's
        404 as a page (not 403: it does not even confirm the record exists), on every page of the area."""
        officer = Officer(portal)
        await officer.sign_in()
        colleague = portal.world.accounts["colleague"].profile_id
        for path in (f"/ho-so/{colleague}", f"/ho-so/{colleague}/phien-ban", f"/ho-so/{colleague}/kiem-tra",
                     f"/ho-so/{colleague}/so-yeu-ly-lich.pdf", f"/ho-so/{colleague}/de-nghi",
                     f"/ho-so/{colleague}/de-nghi/muc/2", f"/ho-so/{uuid.uuid4()}", "/ho-so/not-an-id"):
            refused = await officer.get(path)
            assert refused.status_code == 404, (path, refused.status_code)
            assert "Không tìm thấy" in refused.text and "Lê Thị Hoa" not in refused.text, path
            assert refused.headers["content-type"].startswith("text/html"), path

    async def test_a_person_without_a_record_is_told_so(self, portal: Portal) -> None:
        """An account that is not an officer's (the agency's HR) has no "own record" to open."""
        officer = Officer(portal)
        await officer.sign_in("agency.admin")
        page = await officer.get("/ho-so")
        assert page.status_code == 404 and "chưa được gắn với hồ sơ nào" in page.text


class TestVersions:
    async def test_each_approved_change_is_a_version_with_what_it_changed(self, portal: Portal) -> None:
        """Điều 7: an approved change writes a new version; the person sees which items it changed, before and
        after, in the form's words."""
        officer = Officer(portal)
        await officer.sign_in()
        request_id = await officer.proposed_via_api({"other_names": "Bình Trần"})
        applied = await officer.decide(request_id, "approve", override_reason="Hồ sơ thử nghiệm")
        assert applied["state"] == "applied", applied
        listed = await officer.get(f"{officer.record_path}/phien-ban")
        assert listed.status_code == 200
        assert "Thay đổi đã được phê duyệt" in listed.text and "Các tên gọi khác" in listed.text
        assert f'href="{officer.record_path}/phien-ban/1/2"' in listed.text and "Phiên bản đầu tiên" in listed.text
        diff = await officer.get(f"{officer.record_path}/phien-ban/1/2")
        assert diff.status_code == 200 and "Các tên gọi khác" in diff.text and "Bình Trần" in diff.text
        record = await officer.get(officer.record_path)
        assert "Bình Trần" in record.text and "Đang chờ duyệt" not in record.text

    async def test_an_unknown_version_is_the_apis_404(self, portal: Portal) -> None:
        officer = Officer(portal)
        await officer.sign_in()
        assert (await officer.get(f"{officer.record_path}/phien-ban/1/9")).status_code == 404


class TestSignedPdf:
    async def test_the_signed_syll_is_streamed_with_the_persons_token(self, portal: Portal) -> None:
        """Điều 8 khoản 4: the record exported as an electronic document signed by the province stands as the
        original; profile-api makes it for the person, the portal passes it on as it comes."""
        officer = Officer(portal)
        await officer.sign_in()
        record = await officer.get(officer.record_path)
        assert f'href="{officer.record_path}/so-yeu-ly-lich.pdf"' in record.text
        pdf = await officer.get(f"{officer.record_path}/so-yeu-ly-lich.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-") and b"/ByteRange" in pdf.content  # signed (PAdES)
        assert pdf.headers["content-disposition"].startswith("attachment;")
        assert pdf.headers["cache-control"] == "no-store"


class TestReview:
    async def test_the_person_confirms_they_checked_their_record(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 12 khoản 1 điểm b: after a move (and periodically) the person checks their record and says so;
        profile-api records when, and the page confirms it."""
        officer = Officer(portal)
        await officer.sign_in()
        before = await officer.get(officer.record_path)
        assert "Chưa xác nhận" in before.text
        page = await officer.get(f"{officer.record_path}/kiem-tra")
        assert page.status_code == 200 and "Điều 12 khoản 1 điểm b" in page.text
        done = await portal.client.post(f"{officer.record_path}/kiem-tra", data={"csrf": csrf_of(page)})
        assert done.status_code == 303 and done.headers["location"] == f"{officer.record_path}/kiem-tra"
        confirmed = await officer.get(done.headers["location"])
        assert "Đã ghi nhận: bạn xác nhận đã kiểm tra hồ sơ của mình." in confirmed.text
        assert "Lần xác nhận gần nhất" in confirmed.text
        await session.refresh(portal.world.person)
        assert portal.world.person.reviewed_at is not None
        assert "Chưa xác nhận" not in (await officer.get(officer.record_path)).text

    async def test_nobody_confirms_it_for_the_person(self, portal: Portal) -> None:
        """Only the person says they checked their own record: the unit's approver, who may read it, is refused by
        profile-api, and the page says so."""
        approver = Officer(portal)
        await approver.sign_in("approver")
        page = await approver.get(f"{approver.record_path}/kiem-tra")
        assert page.status_code == 200
        refused = await portal.client.post(f"{approver.record_path}/kiem-tra", data={"csrf": csrf_of(page)})
        assert refused.status_code == 403 and "Không có quyền" in refused.text

    def test_the_tasks_open_these_screens(self) -> None:
        """The home page's tasks (GET /api/v1/tasks) link to the screen that does them."""
        profile_id, request_id = str(uuid.uuid4()), str(uuid.uuid4())
        assert screen({"kind": "recheck_after_move", "subject": {"profile_id": profile_id}}) == (
            f"/ho-so/{profile_id}/kiem-tra")
        assert screen({"kind": "fix_returned_request", "subject": {"change_request_id": request_id}}) == (
            f"/yeu-cau/{request_id}")


class TestEnglish:
    async def test_the_record_in_english_keeps_the_forms_own_words(self, portal: Portal) -> None:
        """English is one switch away: the portal's words change, the form's labels and values stay in Vietnamese
        (they are the TT 06/2023 form's, marked lang="vi" for screen readers)."""
        officer = Officer(portal)
        await officer.sign_in()
        record = await officer.get(officer.record_path)
        switched = await portal.client.post("/language", data={"csrf": csrf_of(record), "lang": "en",
                                                               "back": officer.record_path})
        assert switched.status_code == 303
        english = await officer.get(officer.record_path)
        assert '<html lang="en">' in english.text and "My record" in english.text
        assert "Propose a change" in english.text and "Download the personal history (digitally signed PDF)" in (
            english.text)
        assert '<div class="syll" lang="vi">' in english.text and "Họ và tên khai sinh" in english.text
        review = await officer.get(f"{officer.record_path}/kiem-tra")
        assert "I have checked my record" in review.text
