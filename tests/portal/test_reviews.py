"""The quarterly review in the portal (QĐ 6187/QĐ-UBND Điều 21 khoản 6: each quarter, by the 25th of its last month
— the fourth's before 31 December — the unit reviews its data against Đúng – Đủ – Sạch – Sống and sends a digitally
signed report to DOHA; Điều 17 khoản 5 and Điều 18 khoản 3: the unit's own people keep its data complete and check
it). The unit drafts it with its figures, its approver (Điều 7: the person with authority at the unit) signs and
sends it after a confirmation, the signed PDF is passed through, and DOHA's roster shows who sent theirs. Real
profile-api and approval-api on the test's transaction."""

from __future__ import annotations

import re

from httpx import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.time import local_today
from portal.reviews.service import Quarter
from tests.approval_api.conftest import World
from tests.factories import make_account, make_unit
from tests.portal.conftest import Portal, csrf_of

REVIEW = re.compile(r"/ra-soat/([0-9a-f-]{36})$")


def this_quarter() -> str:
    return str(Quarter.containing(local_today()))


async def switch(portal: Portal, username: str) -> None:
    await portal.form("/logout", {}, page="/")
    signed = await portal.sign_in(username)
    assert signed.status_code == 303, signed.text


async def second_agency(session: AsyncSession, world: World) -> None:
    """world.elsewhere gets an agency account (`elsewhere.admin`): a unit that must review too."""
    await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency", username="elsewhere.admin")


async def drafted(portal: Portal, quarter: str | None = None) -> str:
    """The signed-in person drafts their unit's review of the quarter (default: this one): its id."""
    sent = await portal.form("/ra-soat/lap", {"quarter": quarter or this_quarter()}, page="/ra-soat")
    assert sent.status_code == 303, sent.text[:2000]
    found = REVIEW.search(sent.headers["location"])
    assert found, sent.headers["location"]
    return found.group(1)


async def signed(portal: Portal, review_id: str) -> Response:
    return await portal.form(f"/ra-soat/{review_id}/ky", {"content_hash": hash_on(
        (await portal.client.get(f"/ra-soat/{review_id}/ky")).text)}, page=f"/ra-soat/{review_id}/ky")


def hash_on(page: str) -> str:
    found = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page)
    assert found, page[:3000]
    return found.group(1)


class TestQuarterlyReview:
    async def test_the_unit_drafts_its_review_with_its_figures(self, session: AsyncSession, portal: Portal,
                                                               world: World) -> None:
        """Điều 21 khoản 6: the review covers Đúng – Đủ – Sạch – Sống; the agency account prepares it (Điều 17
        khoản 5), but only the unit's approver signs, so its page offers no signature."""
        await portal.sign_in("agency.admin")
        overview = await portal.client.get("/ra-soat")
        assert overview.status_code == 200
        assert "Chưa gửi" in overview.text and world.agency.name in overview.text
        assert "Báo cáo các quý trước của đơn vị" in overview.text  # the quarters before, none sent
        home = (await portal.client.get("/")).text  # the task of the quarter, linked to its screen
        assert f'href="/ra-soat?quy={this_quarter()}"' in home
        review_id = await drafted(portal)
        page = (await portal.client.get(f"/ra-soat/{review_id}")).text
        assert "Đã lập bản nháp" in page and "Bản nháp, chưa ký" in page
        assert f'href="/ra-soat/{review_id}"' in (await portal.client.get("/")).text
        assert "Chất lượng dữ liệu theo tiêu chí" in page and "Sạch" in page and "Sống" in page
        assert "Đồng bộ trong quý" in page and world.agency.code in page
        assert f"/ra-soat/{review_id}/ky" not in page
        assert "Trần Văn Bình" not in page  # counts only, never a person
        refused = await portal.client.get(f"/ra-soat/{review_id}/ky")
        assert refused.status_code == 409 and "Không thực hiện được" in refused.text

    async def test_the_approver_signs_after_a_confirmation_and_doha_sees_it(
            self, session: AsyncSession, portal: Portal, world: World) -> None:
        """Điều 21 khoản 6 and Điều 7: the unit's approver signs the report digitally and sends it to DOHA; the
        signed PDF stands as the original; DOHA's roster shows it sent, with its PDF."""
        await second_agency(session, world)
        await portal.sign_in("approver")
        review_id = await drafted(portal)
        page = (await portal.client.get(f"/ra-soat/{review_id}")).text
        assert f'href="/ra-soat/{review_id}/ky"' in page
        confirm = await portal.client.get(f"/ra-soat/{review_id}/ky")
        assert confirm.status_code == 200 and "Ký số và gửi báo cáo rà soát" in confirm.text
        done = await signed(portal, review_id)
        assert done.status_code == 303 and done.headers["location"] == f"/ra-soat/{review_id}"
        page = (await portal.client.get(f"/ra-soat/{review_id}")).text
        assert "Đã ký số và gửi báo cáo rà soát quý" in page and "Đã ký số và gửi Sở Nội vụ" in page
        pdf = await portal.client.get(f"/ra-soat/{review_id}/ban-ky.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
        again = await portal.form("/ra-soat/lap", {"quarter": this_quarter()}, page="/ra-soat")
        assert again.status_code == 409 and "đã được ký và gửi" in again.text

        last_quarter = Quarter.containing(local_today()).before()
        late_id = await drafted(portal, str(last_quarter))  # its deadline has passed: accepted, flagged late
        assert (await signed(portal, late_id)).status_code == 303
        await switch(portal, "agency.admin")
        own = (await portal.client.get("/ra-soat")).text
        past = own.split("Báo cáo các quý trước của đơn vị", 1)[1]
        assert f"/ra-soat/{late_id}/ban-ky.pdf" in past and "Gửi muộn" in past
        assert f"Tải PDF quý {last_quarter.label()}" in past

        await switch(portal, "doha.admin")
        roster = (await portal.client.get("/ra-soat")).text
        assert "Báo cáo của đơn vị" not in roster  # DOHA's root reviews nothing itself
        row = re.search(rf"<tr>\s*<th scope=\"row\"><a href=\"/ra-soat/{review_id}\">{world.agency.name}</a>.*?</tr>",
                        roster, re.S)
        assert row, roster[-4000:]
        assert ("Đã gửi đúng hạn" in row.group(0) or "Gửi muộn" in row.group(0))
        assert f"/ra-soat/{review_id}/ban-ky.pdf" in row.group(0)
        assert world.elsewhere.name in roster  # the unit that has not sent its own
        missing = (await portal.client.get("/ra-soat?tinh-trang=not_submitted")).text
        assert world.elsewhere.name in missing and f"/ra-soat/{review_id}\"" not in missing

    async def test_refusals_are_plain_vietnamese_never_a_500(self, session: AsyncSession, portal: Portal,
                                                             world: World) -> None:
        """Điều 7: only the unit's own approver signs (the agency account and another unit's approver are
        refused); a changed content is read again before signing; a quarter not begun cannot be drafted."""
        await portal.sign_in("approver")
        review_id = await drafted(portal)
        stale = await portal.form(f"/ra-soat/{review_id}/ky", {"content_hash": "0" * 64},
                                  page=f"/ra-soat/{review_id}/ky")
        assert stale.status_code == 409 and "Số liệu của báo cáo đã thay đổi" in stale.text
        garbled = await portal.form(f"/ra-soat/{review_id}/ky", {"content_hash": "nope"},
                                    page=f"/ra-soat/{review_id}/ky")
        assert garbled.status_code == 409
        future = await portal.form("/ra-soat/lap", {"quarter": "2999-Q4"}, page="/ra-soat")
        assert future.status_code == 409 and "chưa bắt đầu" in future.text
        assert (await portal.client.get("/ra-soat?quy=2026-Q9")).status_code == 200  # the current quarter
        assert (await portal.client.get("/ra-soat?quy=khong-phai-quy")).status_code == 400
        assert (await portal.client.get("/ra-soat/khong-phai-id")).status_code == 404
        assert (await portal.client.get(f"/ra-soat/{review_id}/ban-ky.pdf")).status_code == 409

        await switch(portal, "agency.admin")
        page = await portal.client.get(f"/ra-soat/{review_id}")
        refused = await portal.client.post(f"/ra-soat/{review_id}/ky", data={"csrf": csrf_of(page),
                                                                            "content_hash": "0" * 64})
        assert refused.status_code == 409 and "Chỉ người phê duyệt của chính đơn vị" in refused.text

    async def test_no_screen_shows_another_agencys_review(self, session: AsyncSession, portal: Portal,
                                                          world: World) -> None:
        """Access by subtree (Điều 18 khoản 1): another agency neither lists the unit nor opens its review or PDF;
        the refusal is a plain page."""
        await second_agency(session, world)
        await portal.sign_in("approver")
        review_id = await drafted(portal)
        assert (await signed(portal, review_id)).status_code == 303
        await switch(portal, "elsewhere.admin")
        roster = (await portal.client.get("/ra-soat")).text
        assert world.elsewhere.name in roster and world.agency.name not in roster
        for path in (f"/ra-soat/{review_id}", f"/ra-soat/{review_id}/ban-ky.pdf", f"/ra-soat/{review_id}/ky"):
            refused = await portal.client.get(path)
            assert refused.status_code == 404 and "Không tìm thấy" in refused.text, path
            assert world.agency.name not in refused.text
        await switch(portal, "approver_elsewhere".replace("_", "."))
        page = await portal.client.get("/ra-soat")
        refused = await portal.client.post(f"/ra-soat/{review_id}/ky", data={"csrf": csrf_of(page),
                                                                            "content_hash": "0" * 64})
        assert refused.status_code == 404 and world.agency.name not in refused.text



class TestRosterPages:
    async def test_doha_pages_the_roster_with_the_quarter_s_counts_on_top(
            self, session: AsyncSession, portal: Portal, world: World) -> None:
        """Issue 16: every list paginated; Điều 21 khoản 6: DOHA follows every unit's review. 55 more units with an
        agency account: the first page shows 50 units and the whole quarter's counts, its "Trang sau" link the
        rest with the same counts; an agency's own roster is its subtree's alone, page 2 included."""
        await second_agency(session, world)
        made = [await make_unit(session, parent=world.root, name=f"Đơn Vị Rà Soát {i:02d}") for i in range(55)]
        for unit in made:
            await make_account(session, unit=unit, role="agency_admin", kind="agency")
        await portal.sign_in("approver")
        assert (await signed(portal, await drafted(portal))).status_code == 303
        await switch(portal, "doha.admin")
        first = await portal.client.get("/ra-soat")
        assert first.status_code == 200, first.text[-2000:]
        counts = re.findall(r"<li>[^<]*: <strong>(\d+)</strong></li>", first.text)
        sent, late, missing = (int(c) for c in counts)
        assert sent + late == 1 and missing >= 56 and "Trang sau" in first.text and "trang 1" in first.text
        later = first.text.split('<ul class="pages">', 1)[1].split('href="', 1)[1].split('"', 1)[0]
        second = await portal.client.get(later.replace("&amp;", "&"))
        assert second.status_code == 200, second.text[-2000:]
        assert re.findall(r"<li>[^<]*: <strong>(\d+)</strong></li>", second.text) == counts
        assert "Về trang đầu" in second.text and "trang 2" in second.text
        rows = [len(re.findall(r'<th scope="row">', page.text)) for page in (first, second)]
        assert rows[0] == 50 and sum(rows) == sent + late + missing
        names = [u.name for u in made]
        assert {n for n in names if n in first.text} | {n for n in names if n in second.text} == set(names)

        await switch(portal, "elsewhere.admin")
        own = await portal.client.get("/ra-soat")
        for page in (own.text, (await portal.client.get(later.replace("&amp;", "&"))).text):
            assert world.agency.name not in page and not any(n in page for n in names)
